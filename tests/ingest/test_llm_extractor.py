"""The LLM extractor: answers are validated, grounded in the text, and garbage never breaks a run."""

from __future__ import annotations

import json

import pytest

from dermkg.llm import LLMClient, LLMConfig, LLMOutputError, parse_structured
from ingest.llm_extractor import PROMPT_HASH, LlmAnswer, LlmExtractor, ground_answer
from ingest.pdf_loader import file_sha256, open_pdf
from ingest.types import Line
from kg.models import AssertionQuery

TEXT = (
    "Lichen planus is to be distinguished from psoriasis and secondary syphilis. "
    "The eruption consists of violaceous flat-topped papules."
)
LINES = [Line(page=3, text=TEXT, bbox=(50, 100, 300, 112), size=9.5)]


def test_well_formed_answer_becomes_grounded_candidates() -> None:
    raw = (
        "Here you go:\n```json\n"
        + json.dumps(
            {
                "diagnoses": [{"name": "Lichen planus", "synonyms": [], "parent": None}],
                "ddx": [
                    {
                        "a": "Lichen planus",
                        "b": "psoriasis",
                        "quote": "Lichen planus is to be distinguished from psoriasis",
                    }
                ],
                "rationales": [{"diagnosis": "Lichen planus", "quote": "violaceous flat-topped papules"}],
            }
        )
        + "\n```"
    )
    found = ground_answer(parse_structured(raw, LlmAnswer), TEXT, LINES, "f" * 64)
    assert [d.name for d in found.diagnoses] == ["Lichen planus"]
    (ddx,) = [r for r in found.relations if r.kind == "ddx"]
    assert (ddx.subject, ddx.object, ddx.rule) == ("Lichen planus", "psoriasis", "llm")
    assert ddx.evidence.page == 3 and ddx.evidence.source_sha256 == "f" * 64
    assert found.rationales[0].evidence.quote == "violaceous flat-topped papules"


@pytest.mark.parametrize(
    "raw",
    [
        "I think lichen planus resembles psoriasis.",  # no JSON at all
        '{"diagnoses": [{"name": "Lichen planus"}], "ddx": [{"a": "x"}]}',  # ddx item misses fields
        '{"ddx": "psoriasis"}',  # wrong type
        '{"diagnoses": [{"name": "Lichen pl',  # cut off mid-answer
    ],
)
def test_malformed_answers_raise_a_clear_error(raw: str) -> None:
    with pytest.raises(LLMOutputError) as info:
        parse_structured(raw, LlmAnswer)
    assert info.value.raw == raw


def test_invented_quotes_and_names_are_dropped() -> None:
    answer = LlmAnswer.model_validate(
        {
            "diagnoses": [{"name": "Pemphigus vulgaris"}],  # not in the text
            "ddx": [
                {
                    "a": "Lichen planus",
                    "b": "lupus",
                    "quote": "Lichen planus is to be distinguished from psoriasis",
                },
                {"a": "Lichen planus", "b": "psoriasis", "quote": "Lichen planus mimics psoriasis closely"},
            ],
            "rationales": [{"diagnosis": "Lichen planus", "quote": "purple polygonal pruritic papules"}],
        }
    )
    found = ground_answer(answer, TEXT, LINES, "f" * 64)
    assert found.diagnoses == [] and found.relations == [] and found.rationales == []


def test_real_local_server_garbage_is_survived_and_cached(openai_server, synthetic_pdf, tmp_path) -> None:
    config = LLMConfig(
        base_url=openai_server.base_url,
        model=openai_server.model,
        max_tokens=48,
        cache_dir=tmp_path / "cache",
        max_retries=1,
    )
    extractor = LlmExtractor(LLMClient(config))
    assert extractor.agent().prompt_hash == PROMPT_HASH and extractor.agent().model == openai_server.model
    with open_pdf(synthetic_pdf) as doc:
        chunks = list(extractor.iter_document(doc, file_sha256(synthetic_pdf)))
    assert extractor.usage.calls > 0 and extractor.usage.failures == 0
    assert extractor.malformed > 0  # a random model does not write our JSON
    text = " ".join(" ".join(p.get_text().split()) for p in open_pdf(synthetic_pdf))
    for chunk in chunks:  # whatever survived is grounded in the book
        for rel in chunk.relations:
            assert rel.evidence.quote in text or rel.kind == "is_a"
    assert sum(len(c.figures) for c in chunks) == 1  # figures come from the layout, not the model
    calls = extractor.usage.calls
    again = LlmExtractor(LLMClient(config))
    with open_pdf(synthetic_pdf) as doc:
        list(again.iter_document(doc, file_sha256(synthetic_pdf)))
    assert again.usage.calls == 0 and again.usage.cache_hits == calls  # a re-run makes no calls


def test_pipeline_with_the_llm_extractor_reports_usage(
    openai_server, synthetic_pdf, sqlite_store, tmp_path
) -> None:
    from ingest.pipeline import IngestPipeline

    config = LLMConfig(
        base_url=openai_server.base_url, model=openai_server.model, max_tokens=32, cache_dir=None
    )
    summary = IngestPipeline(sqlite_store, data_dir=tmp_path, extractor=LlmExtractor(LLMClient(config))).run(
        [synthetic_pdf]
    )
    (doc,) = summary.documents
    assert doc.status == "ingested" and summary.extractor == "llm"
    assert summary.llm_usage["calls"] > 0 and summary.llm_usage["malformed"] > 0
    assert summary.llm_usage["prompt_tokens"] > 0
    (case,) = sqlite_store.list_cases()  # the figure still lands, from the layout
    assert case.origin == "llm" and case.status == "proposed"
    for a in sqlite_store.query_assertions(AssertionQuery(limit=None)).items:
        assert (
            a.origin == "llm" and a.agent.model == openai_server.model and a.agent.prompt_hash == PROMPT_HASH
        )
