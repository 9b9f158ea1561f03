"""The rationale r of a textbook figure case: its caption plus the book's description of the diagnosis.

A textbook figure is usually captioned with nothing but its diagnosis ("Urticaria"): as r that is
the answer, not a reason, and it names no clinical feature to compare. Ingestion stores the book's
descriptive sentences ("itchy wheals", "tense, fluid-filled blisters on an erythematous base") as
``rationale`` evidence on the diagnosis — the r of the paper's (I, r, d) triplets — so a figure case
takes its r from them: the caption when it says more than the diagnosis's name, then the sentences
the same book gives for that diagnosis. Every sentence used is an evidence item (PDF, page, quote)
whose id goes into the row's provenance. Cases from datasets, and rationales a curator wrote, are
used as they are.
"""

from __future__ import annotations

import re

from kg.models import Case, Diagnosis, Evidence
from kg.names import normalize

MAX_CHARS = 700  # a description, not a chapter: keeps targets within a VLM's context


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


def caption_adds(caption: str, diagnosis: Diagnosis) -> bool:
    """True when the caption says more than the diagnosis's name or synonyms (e.g. "Psoriasis
    (showing silvery scales)"), False for a bare label ("Seborrhoeic keratoses")."""
    rest = normalize(caption)
    for name in sorted((normalize(n) for n in [diagnosis.name, *diagnosis.synonyms]), key=len, reverse=True):
        if name:
            rest = re.sub(rf"\b{re.escape(name)}\b", " ", rest)
    return bool(normalize(rest))


def book_rationale(case: Case, diagnosis: Diagnosis) -> tuple[str, list[Evidence]] | None:
    """(r, the description evidence it quotes) for a textbook figure case; None for any other case
    (dataset cases, rationales a curator wrote), which keeps its own rationale.

    r is "" — the case is skipped — when the caption only names the diagnosis and the book says
    nothing about how it looks: a label is not a reason, and Type 1 would just echo the answer.
    """
    captions = [e for e in case.evidence if e.kind == "caption"]
    if not captions or (case.rationale or case.caption) != case.caption:
        return None
    book = captions[0].source_sha256
    rules = sorted(
        (
            e
            for e in diagnosis.evidence
            if e.kind == "rationale" and e.source_sha256 == book and e.quote.strip()
        ),
        key=lambda e: (e.page or 0, e.bbox[1] if e.bbox else 0.0, e.id),
    )
    parts: list[str] = []
    if case.caption and caption_adds(case.caption, diagnosis):
        parts.append(_sentence(case.caption))
    used: list[Evidence] = []
    seen: set[str] = set()
    for e in rules:
        text = _sentence(e.quote)
        key = normalize(text)
        if key in seen:
            continue
        if parts and sum(len(p) + 1 for p in parts) + len(text) > MAX_CHARS:
            break
        seen.add(key)
        parts.append(text)
        used.append(e)
    return " ".join(parts), used
