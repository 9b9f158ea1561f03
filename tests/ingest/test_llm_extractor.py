# ruff: noqa: E501  (answers and quotes read better whole)
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


PRESENTING = (
    "The common causes of blisters are bullous pemphigoid, pemphigus vulgaris and bullous impetigo. "
    "In bullous pemphigoid the blisters are tense and the mouth is rarely involved. "
    "Pemphigus vulgaris shows no tense blisters."
)
PRESENTING_LINES = [Line(page=5, text=PRESENTING, bbox=(50, 100, 300, 112), size=9.5)]


def _rich_answer() -> dict:
    return {
        "diagnoses": [{"name": "bullous pemphigoid"}, {"name": "pemphigus vulgaris"}],
        "presentations": [
            {
                "name": "blisters",
                "members": ["bullous pemphigoid", "pemphigus vulgaris", "bullous impetigo", "porphyria"],
                "quote": "The common causes of blisters are bullous pemphigoid, pemphigus vulgaris and bullous impetigo.",
            }
        ],
        "findings": [
            {
                "diagnosis": "bullous pemphigoid",
                "finding": "tense blisters",
                "type": "morphology",
                "relation": "typical",
                "quote": "In bullous pemphigoid the blisters are tense",
            },
            {
                "diagnosis": "pemphigus vulgaris",
                "finding": "tense blisters",
                "relation": "against",
                "quote": "Pemphigus vulgaris shows no tense blisters.",
            },
            # invented: the quote is not in the text / the finding's words are not in its quote
            {
                "diagnosis": "bullous pemphigoid",
                "finding": "urticated plaques",
                "relation": "typical",
                "quote": "urticated plaques precede the blisters",
            },
            {
                "diagnosis": "bullous pemphigoid",
                "finding": "oral erosions",
                "relation": "possible",
                "quote": "the mouth is rarely involved",
            },
        ],
    }


def test_presentations_and_findings_become_the_rules_paths_candidates() -> None:
    found = ground_answer(LlmAnswer.model_validate(_rich_answer()), PRESENTING, PRESENTING_LINES, "f" * 64)
    (p,) = found.presentations
    # members named in the text only ("porphyria" is not), the presentation named as printed
    assert (p.name, p.members, p.rule) == (
        "blisters",
        ["bullous pemphigoid", "pemphigus vulgaris", "bullous impetigo"],
        "llm",
    )
    assert p.evidence.page == 5 and p.evidence.quote.startswith("The common causes of blisters")
    assert [(f.diagnosis, f.finding, f.relation, f.rule) for f in found.findings] == [
        ("bullous pemphigoid", "tense blisters", "typical", "llm"),
        ("pemphigus vulgaris", "tense blisters", "against", "llm"),
    ]
    assert {f.type for f in found.findings} == {"morphology"}
    assert not [r for r in found.relations if r.kind == "ddx"]  # a cause list is no DDx


@pytest.mark.parametrize(
    "bad",
    [
        {
            "findings": [
                {"diagnosis": "x y", "finding": "tense", "relation": "always", "quote": "long enough"}
            ]
        },
        {
            "findings": [
                {
                    "diagnosis": "x y",
                    "finding": "tense",
                    "relation": "typical",
                    "type": "smell",
                    "quote": "long enough",
                }
            ]
        },
        {"presentations": [{"name": "blisters", "members": [], "quote": "long enough"}]},
        {"presentations": [{"name": "blisters", "quote": "long enough"}]},
    ],
)
def test_malformed_presentations_and_findings_are_rejected(bad: dict) -> None:
    with pytest.raises(LLMOutputError):
        parse_structured(json.dumps(bad), LlmAnswer)


class _ScriptedEndpoint:
    """An OpenAI-compatible /v1/chat/completions endpoint over real HTTP that answers each section
    with a canned JSON text chosen by the words the section holds (the model's side of the boundary)."""

    def __init__(self, answers: dict[str, dict]) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        endpoint = self
        self.requests: list[dict] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                endpoint.requests.append(body)
                text = body["messages"][-1]["content"]
                answer = next((a for key, a in answers.items() if key in text), {})
                payload = {
                    "id": "x",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body["model"],
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": json.dumps(answer)},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
                }
                data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        import threading

        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_presentations_and_findings_reach_the_store_through_http(sqlite_store, tmp_path) -> None:
    from ingest.pipeline import IngestPipeline
    from tests.ingest.corpus_render import Style, render_book

    pdf, _ = render_book(
        tmp_path / "blisters.pdf",
        [("chapter", "Blistering disorders"), ("head", "Blisters"), ("para", PRESENTING)],
        Style(),
    )
    endpoint = _ScriptedEndpoint({"causes of blisters": _rich_answer()})
    try:
        config = LLMConfig(base_url=endpoint.base_url, model="scripted", cache_dir=None, max_retries=0)
        summary = IngestPipeline(
            sqlite_store, data_dir=tmp_path, extractor=LlmExtractor(LLMClient(config))
        ).run([pdf])
    finally:
        endpoint.server.shutdown()
    assert endpoint.requests and "presentations" in endpoint.requests[0]["messages"][0]["content"]
    (doc,) = summary.documents
    assert doc.status == "ingested" and summary.llm_usage["malformed"] == 0
    findings = sqlite_store.query_assertions(AssertionQuery(kind="finding", limit=None)).items
    assert findings and all(a.origin == "llm" and a.agent.prompt_hash == PROMPT_HASH for a in findings)
    names = {f.id: f.name for f in sqlite_store.list_findings()}
    got = {(a.subject, names.get(a.object), a.relation) for a in findings}
    members = {s for s, n, _ in got if n == "blisters"}
    assert len(members) == 3  # the three causes named in the text, each a member of the presentation
    assert sum(1 for _, n, r in got if n == "tense blisters" and r in {"typical", "against"}) == 2
