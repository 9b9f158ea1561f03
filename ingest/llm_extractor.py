"""The LLM extractor (``--extractor llm``): a chat model reads each page's sections and answers in JSON.

Layout, sections and figure captions come from the same code as the rules extractor; the model only
reads text. Its answer (diagnoses, DDx pairs, presentations with their member causes, findings with
their relation, rationales) is validated by pydantic and then *grounded*: an item survives only if its
quote occurs verbatim in the section text and its names occur there too (a finding's words in its
quote), so a model cannot invent evidence. Presentations and findings become the same candidates the
rules path proposes (:mod:`ingest.presentations`, :mod:`ingest.findings`), written by the same
writer. Malformed answers are counted and skipped, never fatal. Calls go through
:class:`dermkg.llm.LLMClient` (disk cache, bounded concurrency, retries, token accounting).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from dermkg.llm import LLMClient, LLMConfig, LLMOutputError, parse_structured, prompt_hash
from ingest.finding_terms import _vocabulary, fold
from ingest.framing import presentation_name
from ingest.layout import learn_running_text
from ingest.mentions import clean_name, make_evidence
from ingest.rules_extractor import RulesExtractor, SectionState
from ingest.sections import SectionBuilder
from ingest.types import (
    DiagnosisCandidate,
    Extraction,
    FindingCandidate,
    Line,
    PresentationCandidate,
    RationaleCandidate,
    RelationCandidate,
    Section,
)
from kg.models import Agent

log = logging.getLogger(__name__)

VERSION = "2"
SYSTEM_PROMPT = (
    "You extract dermatology knowledge from textbook text. Answer with one JSON object only, no prose:\n"
    '{"diagnoses": [{"name": str, "synonyms": [str], "parent": str | null}],\n'
    ' "ddx": [{"a": str, "b": str, "quote": str, "context": str | null}],\n'
    ' "presentations": [{"name": str, "members": [str], "quote": str}],\n'
    ' "findings": [{"diagnosis": str, "finding": str, "type": "morphology" | "colour" | "distribution" | '
    '"site" | "history" | "dermoscopy", "relation": "typical" | "possible" | "against", "quote": str}],\n'
    ' "rationales": [{"diagnosis": str, "quote": str}]}\n'
    "diagnoses: conditions the text describes (parent: the broader condition it is a type of).\n"
    "ddx: pairs of conditions the text says can be confused or must be told apart, or that it lists as "
    "the differential diagnosis of a condition (context: that condition). Never pair conditions the "
    "text says are unrelated, or an opinion it reports as old or disputed.\n"
    'presentations: a problem the patient shows ("blisters", "an itchy eruption", "leg ulcers") '
    "and the conditions the text lists as its causes (members); these are not ddx pairs.\n"
    "findings: what the text says a condition shows (a lesion, colour, site, distribution, history or "
    "dermoscopic structure): typical when stated plainly, possible when hedged (may, sometimes), against "
    "when denied (no, absent, never).\n"
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


class LlmPresentation(_Model):
    """A presentation and the causes the text lists for it (members, not mutual differentials)."""

    name: str = Field(min_length=3, max_length=80)
    members: list[str] = Field(min_length=1)
    quote: str = Field(min_length=8)


class LlmFinding(_Model):
    diagnosis: str = Field(min_length=2, max_length=120)
    finding: str = Field(min_length=2, max_length=80)
    type: Literal["dermoscopy", "morphology", "colour", "distribution", "site", "history"] = "morphology"
    relation: Literal["typical", "possible", "against"]
    quote: str = Field(min_length=8)


class LlmAnswer(_Model):
    """The structured answer the prompt asks for."""

    diagnoses: list[LlmDiagnosis] = Field(default_factory=list)
    ddx: list[LlmDdx] = Field(default_factory=list)
    presentations: list[LlmPresentation] = Field(default_factory=list)
    findings: list[LlmFinding] = Field(default_factory=list)
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
    out.presentations.extend(_presentations(answer, flat, present, lines, source))
    out.findings.extend(_findings(answer, flat, present, lines, source))
    return out


def _presentations(
    answer: LlmAnswer, flat: str, present: Any, lines: list[Line], source: str
) -> list[PresentationCandidate]:
    """Cause lists, as the rules path proposes them (:mod:`ingest.presentations`): the presentation's
    name normalised as printed, members named in the text, the list's quote as evidence."""
    out = []
    for p in answer.presentations:
        if _flat(p.quote) not in flat:
            continue
        name = presentation_name(p.name) or (clean_name(p.name) if _flat(p.name) in flat else None)
        members = list(dict.fromkeys(m for m in (present(x) for x in p.members) if m))
        if name is None or len(members) < 2:
            continue
        ev = make_evidence(source, _lines_for(p.quote, lines), p.quote, kind="ddx", context=name)
        out.append(PresentationCandidate(name=name, members=members, rule="llm", evidence=ev))
    return out


def _findings(
    answer: LlmAnswer, flat: str, present: Any, lines: list[Line], source: str
) -> list[FindingCandidate]:
    """Finding assertions as the rules path proposes them (:mod:`ingest.findings`): a lexicon concept
    when the finding names one (its name, type and synonyms win), else a new phrase of the model's
    type; the finding's words must be in the quote, the quote in the text."""
    out = []
    _, table = _vocabulary()
    for f in answer.findings:
        who = present(f.diagnosis)
        words = re.findall(r"\w{3,}", f.finding.lower())
        if who is None or _flat(f.quote) not in flat or not words:
            continue
        if not all(w in _flat(f.quote) for w in words):
            continue
        concept = table.get(" ".join(fold(f.finding).lower().replace("-", " ").split()))
        name, type_, synonyms = concept if concept else (" ".join(f.finding.lower().split()), f.type, ())
        ev = make_evidence(source, _lines_for(f.quote, lines), f.quote, kind="finding")
        out.append(
            FindingCandidate(
                diagnosis=who,
                finding=name,
                type=type_,  # type: ignore[arg-type]
                synonyms=list(synonyms),
                relation=f.relation,
                known=concept is not None,
                rule="llm",
                evidence=ev,
            )
        )
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
            chunk.presentations.extend(found.presentations)
            chunk.findings.extend(found.findings)

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
