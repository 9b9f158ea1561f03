"""Precision / recall of an extraction against a gold annotation (diagnoses, DDx pairs, figure captions).

Run ``python -m ingest.evaluation GOLD.yaml BOOK.pdf`` for the JSON figures quoted in the README.
Names compare through :func:`kg.names.normalize` (case, plural, British/American spelling), so the
gold need not copy the book's exact wording.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field

from ingest.caption_labels import label_captions
from ingest.types import Extraction
from kg.names import normalize


class GoldFigure(BaseModel):
    page: int
    bbox: tuple[float, float, float, float]
    caption: str


class GoldDdxGroup(BaseModel):
    context: str
    members: list[str]


class GoldPresentation(BaseModel):
    """A presentation the book lists causes of, and its member diagnoses (not DDx pairs)."""

    name: str
    also: list[str] = Field(default_factory=list)
    members: list[str]


class GoldDiagnosis(BaseModel):
    name: str
    also: list[str] = Field(default_factory=list)


class Gold(BaseModel):
    source_sha256: str
    diagnoses: list[GoldDiagnosis]
    ddx_groups: list[GoldDdxGroup] = Field(default_factory=list)
    ddx_pairs: list[tuple[str, str]] = Field(default_factory=list)
    equivalent: list[list[str]] = Field(default_factory=list)
    figures: list[GoldFigure] = Field(default_factory=list)
    presentations: list[GoldPresentation] = Field(default_factory=list)
    ambiguous: list[str] = Field(default_factory=list)

    @classmethod
    def load(cls, path: str | Path) -> Gold:
        return cls.model_validate(yaml.safe_load(Path(path).read_text("utf-8")))


class Score(BaseModel):
    gold: int
    predicted: int
    hits: int
    precision: float
    recall: float
    missed: list[str] = Field(default_factory=list)
    spurious: list[str] = Field(default_factory=list)


class Evaluation(BaseModel):
    diagnoses: Score  # every name proposed
    ddx_pairs: Score
    figures: Score
    diagnoses_from_entries: Score | None = None  # the proposals not resting on mentions only
    presentation_members: Score | None = None  # (presentation, member) pairs


def _score(gold: set[Any], predicted: set[Any], show: int = 40) -> Score:
    hits = gold & predicted
    return Score(
        gold=len(gold),
        predicted=len(predicted),
        hits=len(hits),
        precision=round(len(hits) / len(predicted), 3) if predicted else 0.0,
        recall=round(len(hits) / len(gold), 3) if gold else 0.0,
        missed=sorted(map(str, gold - predicted))[:show],
        spurious=sorted(map(str, predicted - gold))[:show],
    )


def entry_names(ex: Extraction) -> set[str]:
    """Names the book presents itself: clinical headings, subtypes, table columns, described relations
    (plain headings only attach to known names)."""
    proposed = [d for d in ex.diagnoses if d.clinical or d.role != "heading"]
    names = {d.name for d in proposed} | {s for d in proposed for s in d.synonyms}
    names |= {n for r in ex.relations if not r.mention for n in (r.subject, r.object)}
    names |= {f.diagnosis for f in ex.figures if f.diagnosis and not f.mention}
    return {normalize(n) for n in names}


def predicted_names(ex: Extraction) -> set[str]:
    """Every name the pipeline would propose into an empty graph (as :mod:`ingest.pipeline` decides):
    the entries, the names of lists (``mention=True``, proposed so that their pairs land), and the
    captions :func:`~ingest.caption_labels.label_captions` cannot label with any of those."""
    keys = entry_names(ex) | {normalize(n) for r in ex.relations if r.mention for n in (r.subject, r.object)}
    keys |= {normalize(m) for p in ex.presentations for m in p.members}

    def propose(name: str) -> str:
        keys.add(normalize(name))
        return normalize(name)

    label_captions(
        [f.diagnosis for f in ex.figures if f.diagnosis and f.mention],
        lambda name: normalize(name) if normalize(name) in keys else None,
        propose,
    )
    return keys


def mentioned_names(ex: Extraction) -> set[str]:
    """Proposed names that rest on mentions only (a list, a caption): the summary's
    ``proposed_from_mentions``, for curators to confirm first."""
    return predicted_names(ex) - entry_names(ex)


def _score_names(gold: Gold, predicted: set[str]) -> Score:
    keys = {normalize(g.name): {normalize(n) for n in [g.name, *g.also]} for g in gold.diagnoses}
    found = {k for k, alts in keys.items() if alts & predicted}
    all_alts = set().union(*keys.values()) if keys else set()
    return _score(set(keys), found | {p for p in predicted if p not in all_alts})


def score_diagnoses(gold: Gold, ex: Extraction) -> Score:
    return _score_names(gold, predicted_names(ex))


def score_entry_diagnoses(gold: Gold, ex: Extraction) -> Score:
    """The proposals a curator sees first: those the book presents as entries."""
    return _score_names(gold, entry_names(ex))


def _canon(gold: Gold) -> dict[str, str]:
    out: dict[str, str] = {}
    for row in gold.equivalent:
        for name in row:
            out[normalize(name)] = normalize(row[0])
    return out


def _pair(a: str, b: str, canon: dict[str, str]) -> tuple[str, str] | None:
    x, y = canon.get(normalize(a), normalize(a)), canon.get(normalize(b), normalize(b))
    return None if x == y else (min(x, y), max(x, y))


def score_ddx(gold: Gold, ex: Extraction) -> Score:
    canon = _canon(gold)
    wanted: set[tuple[str, str]] = set()
    for group in gold.ddx_groups:
        for a, b in itertools.combinations(group.members, 2):
            if (p := _pair(a, b, canon)) is not None:
                wanted.add(p)
    for a, b in gold.ddx_pairs:
        if (p := _pair(a, b, canon)) is not None:
            wanted.add(p)
    got = {p for r in ex.relations if r.kind == "ddx" and (p := _pair(r.subject, r.object, canon))}
    return _score(wanted, got)


def score_presentations(gold: Gold, ex: Extraction) -> Score:
    """(presentation, member) pairs; a presentation counts under any of its gold names."""
    canon = _canon(gold)
    names = {normalize(a): normalize(g.name) for g in gold.presentations for a in [g.name, *g.also]}

    def member(m: str) -> str:
        return canon.get(normalize(m), normalize(m))

    wanted = {(normalize(g.name), member(m)) for g in gold.presentations for m in g.members}
    got = {
        (names.get(normalize(p.name), normalize(p.name)), member(m))
        for p in ex.presentations
        for m in p.members
    }
    return _score(wanted, got)


def _caption_key(text: str) -> str:
    """A caption's words, without its figure number or opening panel letter ("Fig. 47.—", "Figure 3.2
    (a)"): the gold may quote the caption as printed, the extractor keeps the caption's content."""
    from ingest.figures import clean_caption

    text = clean_caption(text)
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def score_figures(gold: Gold, ex: Extraction) -> Score:
    """A gold photo counts when a predicted figure on its page covers it (IoU >= 0.8) with its caption."""
    wanted = {(g.page, tuple(round(v) for v in g.bbox), _caption_key(g.caption)) for g in gold.figures}
    got: set[tuple[int, tuple[int, ...], str]] = set()
    for f in ex.figures:
        key = _caption_key(f.caption)
        match = next((w for w in wanted if w[0] == f.image.page and _iou(w[1], f.image.bbox) >= 0.8), None)
        got.add(
            (f.image.page, match[1], key)
            if match
            else (f.image.page, tuple(round(v) for v in f.image.bbox), key)
        )
    return _score(wanted, got)


def evaluate(gold: Gold, ex: Extraction) -> Evaluation:
    return Evaluation(
        diagnoses=score_diagnoses(gold, ex),
        ddx_pairs=score_ddx(gold, ex),
        figures=score_figures(gold, ex),
        diagnoses_from_entries=score_entry_diagnoses(gold, ex),
        presentation_members=score_presentations(gold, ex) if gold.presentations else None,
    )


def main(argv: list[str] | None = None) -> int:
    from ingest.pdf_loader import file_sha256, open_pdf
    from ingest.rules_extractor import RulesExtractor

    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 2:
        print("usage: python -m ingest.evaluation GOLD.yaml BOOK.pdf", file=sys.stderr)
        return 2
    gold = Gold.load(args[0])
    with open_pdf(args[1]) as doc:
        ex = RulesExtractor().extract(doc, file_sha256(args[1]))
    print(json.dumps(evaluate(gold, ex).model_dump(), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
