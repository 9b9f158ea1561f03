"""The LLM comparator against a real OpenAI-compatible server (``transformers serve``, tiny random
model): its garbage must be caught by the validator, and re-runs must make no calls."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from dermkg.llm import LLMConfig, LLMUnavailableError
from synth.comparators.llm import LlmComparator
from synth.pipeline import synthesize
from synth.regeneration import read_rows
from synth.snapshot import SynthGraph
from synth.trajectories import plan_trajectories
from synth.types import SynthOptions
from synth.validation_io import validation_context
from synth.validator import validate_row
from tests.fixtures.llm_server import LLMServer

# pairs the curated findings separate (regular vs irregular dots and streaks, a veil against a naevus)
DIAGNOSES = ("spitz-nevus", "dysplastic-nevus", "seborrheic-keratosis", "melanoma-invasive")


def _subset(graph: SynthGraph, per_dx: int) -> SynthGraph:
    """The curated graph with only a few cases of four diagnoses (keeps the model calls few)."""
    return graph.subset(per_dx, DIAGNOSES)


def _comparator(server: LLMServer, cache: Path, **overrides: object) -> LlmComparator:
    config = LLMConfig(
        base_url=server.base_url, model=server.model, cache_dir=cache, max_tokens=32, **overrides
    )
    return LlmComparator(config)


def test_llm_garbage_is_caught_and_reruns_make_no_calls(
    openai_server, curated_graph: SynthGraph, tmp_path: Path
) -> None:
    graph = _subset(curated_graph, per_dx=2)
    options = SynthOptions(types=["type1", "type2", "type3"], comparator="llm")
    cache = tmp_path / "llm-cache"
    first = _comparator(openai_server, cache)
    report = synthesize(graph, tmp_path / "a", options, comparator=first, hf=False)
    pairs = report.comparator_calls  # Type 2/3 plans the accepted findings can separate
    assert pairs > 0 and pairs == first.client.usage.calls + first.client.usage.cache_hits
    assert first.client.usage.completion_tokens > 0
    # the prompt carries the lesion's observations and the accepted findings of both diagnoses
    plan_arg = next(
        p.argument
        for p in plan_trajectories(graph, ["type2"], comparator_identity=first.identity())
        if p.argument is not None
    )
    prompt = first.messages(plan_arg, graph.knowledge)[1]["content"]
    assert "Recorded observations of THIS lesion" in prompt and plan_arg.facts
    # whatever the random model wrote, nothing unvalidated reached the export
    ctx = validation_context(graph)
    for row in read_rows(tmp_path / "a" / "trajectories.jsonl"):
        if row.type == "type1":
            continue
        assert row.provenance.comparator == "llm" and row.provenance.model == openai_server.model
        assert row.grounded.passed and validate_row(row, ctx) == []
    queued = read_rows(tmp_path / "a" / "rejected.jsonl")
    assert report.grounded_failed == len(queued) > 0
    for row in queued:
        assert not row.grounded.passed and row.grounded.reasons

    # a fresh export over the same inputs is served from the on-disk cache: zero calls
    second = _comparator(openai_server, cache)
    again = synthesize(graph, tmp_path / "b", options, comparator=second, hf=False)
    assert second.client.usage.calls == 0 and second.client.usage.cache_hits == pairs
    assert again.grounded_failed == report.grounded_failed
    # re-running into the same export reuses every row: the comparator is not even asked
    third = _comparator(openai_server, cache)
    reused = synthesize(graph, tmp_path / "b", options, comparator=third, hf=False)
    assert (
        reused.comparator_calls == 0 and reused.regeneration.reused == report.total + report.queued_for_review
    )


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_endpoint_is_retried_then_fails_clearly(
    curated_graph: SynthGraph, tmp_path: Path
) -> None:
    graph = _subset(curated_graph, per_dx=1)
    out = tmp_path / "sft"
    synthesize(graph, out, SynthOptions(types=["type1"]), hf=False)
    before = (out / "trajectories.jsonl").read_bytes()
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    comparator = LlmComparator(LLMConfig(base_url=url, model="m", max_retries=2, timeout_s=2, cache_dir=None))
    with pytest.raises(LLMUnavailableError, match=r"127\.0\.0\.1.*failed after 3 attempts"):
        synthesize(
            graph, out, SynthOptions(types=["type1", "type2"], comparator="llm"), comparator=comparator
        )
    assert comparator.client.usage.retries >= 2
    assert (out / "trajectories.jsonl").read_bytes() == before  # the previous export is intact
