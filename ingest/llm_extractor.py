"""The LLM extractor (``--extractor llm``): a chat model reads each page's sections and answers in JSON.

Layout, sections and figure captions come from the same code as the rules extractor; the model only
reads text. Its answer is validated by pydantic and then *grounded*: a DDx or rationale survives only
if its quote occurs verbatim in the section text and its names occur there too, so a model cannot
invent evidence. Malformed answers are counted and skipped, never fatal. Calls go through
:class:`dermkg.llm.LLMClient` (disk cache, bounded concurrency, retries, token accounting).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from dermkg.llm import LLMClient, LLMConfig, LLMOutputError, parse_structured, prompt_hash
from ingest.layout import learn_running_text
from ingest.mentions import clean_name, make_evidence
from ingest.rules_extractor import RulesExtractor, SectionState
from ingest.sections import SectionBuilder
from ingest.types import (
    DiagnosisCandidate,
    Extraction,
    Line,
    RationaleCandidate,
    RelationCandidate,
    Section,
)
from kg.models import Agent

log = logging.getLogger(__name__)

VERSION = "1"
SYSTEM_PROMPT = (
    "You extract dermatology knowledge from textbook text. Answer with one JSON object only, no prose:\n"
    '{"diagnoses": [{"name": str, "synonyms": [str], "parent": str | null}],\n'
    ' "ddx": [{"a": str, "b": str, "quote": str, "context": str | null}],\n'
    ' "rationales": [{"diagnosis": str, "quote": str}]}\n'
    "diagnoses: conditions the text describes (parent: the broader condition it is a type of).\n"
    "ddx: pairs of conditions the text says can be confused or must be told apart, or that it lists as "
    "differentials of one presentation (context: that presentation).\n"
    "rationales: sentences describing how a condition looks or presents.\n"
    "Every quote must be copied verbatim from the text. Use names exactly as written in the text."
)

USER_TEMPLATE = "Section path: {path}\n\nText:\n{text}"
PROMPT_HASH = prompt_hash(SYSTEM_PROMPT, USER_TEMPLATE)


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class LlmDiagnosis(_Model):
    name: str = Field(min_length=2, max_length=120)
    synonyms: list[str] = Field(default_factory=list)
    parent: str | None = None


class LlmDdx(_Model):
    a: str = Field(min_length=2, max_length=120)
    b: str = Field(min_length=2, max_length=120)
    quote: str = Field(min_length=8)
    context: str | None = None


class LlmRationale(_Model):
    diagnosis: str = Field(min_length=2, max_length=120)
    quote: str = Field(min_length=8)


class LlmAnswer(_Model):
    """The structured answer the prompt asks for."""

    diagnoses: list[LlmDiagnosis] = Field(default_factory=list)
    ddx: list[LlmDdx] = Field(default_factory=list)
    rationales: list[LlmRationale] = Field(default_factory=list)


def _flat(text: str) -> str:
    return " ".join(text.split()).lower()


def _lines_for(quote: str, lines: list[Line]) -> list[Line]:
    """The source lines a verbatim quote was taken from (for page and box)."""
    words = set(re.findall(r"\w{4,}", quote.lower()))
    hits = [ln for ln in lines if words & set(re.findall(r"\w{4,}", ln.text.lower()))]
    return hits or lines[:1]


def ground_answer(answer: LlmAnswer, section_text: str, lines: list[Line], source: str) -> Extraction:
    """Keep only what the section text supports: verbatim quotes, names that occur in the text."""
    flat = _flat(section_text)
    out = Extraction(source_sha256=source, pages=0)

    def present(name: str) -> str | None:
        cleaned = clean_name(name)
        return cleaned if cleaned and _flat(cleaned) in flat else None

    for d in answer.diagnoses:
        name = present(d.name)
        if name is None:
            continue
        ev = make_evidence(source, _lines_for(name, lines), name, kind="definition")
        syn = [s for s in (present(x) for x in d.synonyms) if s]
        out.diagnoses.append(
            DiagnosisCandidate(name=name, synonyms=syn, role="llm", clinical=True, evidence=ev)
        )
        parent = present(d.parent) if d.parent else None
        if parent and _flat(parent) != _flat(name):
            out.relations.append(
                RelationCandidate(
                    kind="is_a", subject=name, object=parent, rule="llm", score=0.5, evidence=ev
                )
            )
    for x in answer.ddx:
        a, b = present(x.a), present(x.b)
        if not a or not b or _flat(a) == _flat(b) or _flat(x.quote) not in flat:
            continue
        ev = make_evidence(source, _lines_for(x.quote, lines), x.quote, kind="ddx", context=x.context)
        out.relations.append(
            RelationCandidate(kind="ddx", subject=a, object=b, rule="llm", score=0.5, evidence=ev)
        )
    for r in answer.rationales:
        name = present(r.diagnosis)
        if name is None or _flat(r.quote) not in flat:
            continue
        ev = make_evidence(source, _lines_for(r.quote, lines), r.quote, kind="rationale")
        out.rationales.append(RationaleCandidate(diagnosis=name, evidence=ev))
    return out


class LlmExtractor:
    """Structured extraction through an OpenAI-compatible endpoint; constructing it does no I/O."""

    name = "llm"
    version = VERSION

    def __init__(self, client: LLMClient, *, max_chars: int = 6000) -> None:
        self.client = client
        self.max_chars = max_chars
        self.rules = RulesExtractor()
        self.malformed = 0

    @classmethod
    def from_settings(cls, **overrides: Any) -> LlmExtractor:
        return cls(LLMClient(LLMConfig.from_settings(**overrides)))

    @property
    def usage(self) -> Any:
        return self.client.usage

    def agent(self) -> Agent:
        return Agent(
            name="ingest.llm", version=VERSION, model=self.client.config.model, prompt_hash=PROMPT_HASH
        )

    def _requests(self, sections: list[Section]) -> list[tuple[list[dict[str, str]], str, list[Line]]]:
        out = []
        for s in sections:
            if not s.lines:
                continue
            lines = s.lines
            text = (
                f"{s.title}\n" + "\n".join(ln.text for ln in lines)
                if s.title
                else "\n".join(ln.text for ln in lines)
            )
            text = text[: self.max_chars]
            path = " > ".join([*s.path, s.title]) or "(untitled)"
            messages = [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": USER_TEMPLATE.format(path=path, text=text)},
            ]
            out.append((messages, text, lines))
        return out

    def _ask(self, sections: list[Section], chunk: Extraction) -> None:
        requests = self._requests(sections)
        answers = self.client.map([r[0] for r in requests])
        for (_, text, lines), answer in zip(requests, answers, strict=True):
            if isinstance(answer, Exception):
                self.malformed += 1
                log.warning("section skipped, the LLM call failed: %s", answer)
                continue
            try:
                parsed = parse_structured(answer, LlmAnswer)
            except LLMOutputError as exc:
                self.malformed += 1
                log.warning("section skipped, malformed LLM answer: %s", exc)
                continue
            found = ground_answer(parsed, text, lines, chunk.source_sha256)
            chunk.diagnoses.extend(found.diagnoses)
            chunk.relations.extend(found.relations)
            chunk.rationales.extend(found.rationales)

    def iter_document(self, doc: Any, source_sha256: str, *, on_page: Any = None) -> Iterator[Extraction]:
        running = learn_running_text(doc)
        builder = SectionBuilder(running.body_size)
        state = SectionState(source_sha256)
        total = doc.page_count
        for index in range(total):
            chunk = Extraction(source_sha256=source_sha256, pages=1)
            layout = self.rules.layout_page(doc[index], running, chunk)
            # The model never sees captions: the layout's caption is a photo's only label, so it proposes.
            self.rules.pair_figures(layout, running, state, chunk, mention=False)
            self._ask(list(builder.add_page(layout)), chunk)
            if on_page is not None:
                on_page(index + 1, total)
            yield chunk
        tail = Extraction(source_sha256=source_sha256, pages=0)
        self._ask(list(builder.finish()), tail)
        yield tail
