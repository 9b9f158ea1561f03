"""dermkg synth: grounded SFT trajectories (issue 6) and RL / evaluation sets (issue 7).

The trajectory surface is imported lazily, so ``import synth.datasets`` stays cheap.

Example:
    >>> from synth import SynthOptions, synthesize
    >>> synthesize(store, "exports/sft", SynthOptions(types=["type1", "type2", "type3"]))  # doctest: +SKIP
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "synthesize": "synth.pipeline",
    "SynthOptions": "synth.types",
    "SynthReport": "synth.types",
    "TrajectoryRow": "synth.types",
    "SynthGraph": "synth.snapshot",
    "list_stale_rows": "synth.regeneration",
    "StaleReport": "synth.regeneration",
    "summarize_export": "synth.report",
    "ExportStats": "synth.report",
    "check_groundedness": "synth.groundedness",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'synth' has no attribute {name!r}")
