"""The validator's inputs and outputs: its context from a graph snapshot or an export's manifest,
and ``dermkg synth validate DIR``.

An export carries what it was validated against (finding concepts, accepted finding assertions,
DDx edges, names) in its manifest, so ``synth validate DIR`` re-checks it with no store; with a
store it checks the rows against the *current* accepted knowledge (a finding rejected since the
export makes the rows that state it fail).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from synth.argument import gravity_of
from synth.knowledge import FindingInfo, FindingKnowledge
from synth.regeneration import ROWS_FILE, read_manifest, read_rows
from synth.snapshot import SynthGraph
from synth.validator import ValidationContext, ValidationReport, validate_rows


def knowledge_manifest(knowledge: FindingKnowledge) -> dict[str, Any]:
    """Finding concepts and the usable finding assertions, for the export's manifest."""
    return {
        "concepts": [
            [f.id, f.name, f.type, list(f.synonyms)]
            for f in sorted(knowledge.findings.values(), key=lambda f: f.id)
        ],
        "assertions": [[aid, d, f, rel] for (d, f), (rel, aid) in sorted(knowledge.relations.items())],
    }


def validation_context(graph: SynthGraph) -> ValidationContext:
    return ValidationContext(
        knowledge=graph.knowledge,
        names={d: graph.name(d) for d in graph.diagnoses},
        ddx_ids={aid for aid, _, _ in graph.ddx_edges()},
        gravity=gravity_of(graph),
    )


def context_from_manifest(manifest: dict[str, Any]) -> ValidationContext:
    data = manifest.get("findings") or {"concepts": [], "assertions": []}
    knowledge = FindingKnowledge.build(
        (FindingInfo(i, n, t, tuple(s)) for i, n, t, s in data["concepts"]),
        (tuple(a) for a in data["assertions"]),  # type: ignore[misc]
    )
    return ValidationContext(
        knowledge=knowledge,
        names=dict(manifest.get("names", {})),
        ddx_ids={e[0] for e in manifest.get("ddx_edges", [])},
        gravity=dict(manifest.get("gravity", {})),
    )


def validate_export(export_dir: str | Path, store: Any | None = None) -> ValidationReport:
    """Validate every row of an export (against its manifest, or the store's current knowledge).

    Example:
        >>> validate_export("exports/sft").rejected
    """
    export = Path(export_dir)
    manifest = read_manifest(export)
    rows = read_rows(export / ROWS_FILE)
    if store is not None:
        ctx = validation_context(SynthGraph.from_store(store))
        ctx.names = {**dict(manifest.get("names", {})), **ctx.names}
    else:
        ctx = context_from_manifest(manifest)
    _, _, report = validate_rows(rows, ctx)
    return report
