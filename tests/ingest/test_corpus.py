"""The development corpus: three books unlike the handbook, each scored against its own gold.

The gold (``tests/ingest/gold/{old_prose,questions,two_column}.yaml``) was written from the texts before
any rule was tuned on them; the rules were then developed on these books, so the figures are
development figures (README, "Ingestion"). Thresholds sit below the measured values so that a rule
change that loses pairs fails here.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml

from ingest.evaluation import Gold, evaluate
from ingest.pdf_loader import file_sha256, open_pdf
from ingest.rules_extractor import RulesExtractor
from ingest.types import Extraction
from kg.names import normalize
from tests.ingest import corpus_fresh as F
from tests.ingest import corpus_oldtexts as O
from tests.ingest import corpus_scanned as S
from tests.ingest import corpus_texts as T
from tests.ingest import corpus_unseen as U
from tests.ingest.corpus_render import render_book

GOLD_DIR = Path(__file__).with_name("gold")
BOOKS = {
    "old_prose": "OLD_PROSE",
    "questions": "QUESTIONS",
    "two_column": "TWO_COLUMN",
    "held_out": "HELD_OUT",
    "lecture_notes": "LECTURE_NOTES",  # first run (gold committed before): R 0.33 P 0.86; after 1.00 / 0.95
    # tests/ingest/corpus_unseen.py, gold committed before the first run (README, "Ingestion"):
    "american": "AMERICAN",  # first run R 0.27 P 0.33, photos 0.67; after 1.00 / 1.00, 1.00
    "review": "REVIEW",  # first run R 0.19 P 0.60, photos 0.80; after 1.00 / 1.00, 1.00
    "cases": "CASES",  # first run R 0.00 P 0.00, photos 1.00; after 1.00 / 1.00, 1.00
    # written after the fixes on the three above: first run R 0.12 P 0.50, photos 1.00; after 1.00 / 1.00
    "gp_guide": "GP_GUIDE",
    # written after the GP-guide fixes: first run R 0.27 P 1.00, photos 1.00; after 1.00 / 1.00
    "paediatric": "PAEDIATRIC",
    # written after the paediatric fixes: first run R 0.00 P 0.00 (main: 0.00), photos 1.00; after 1.00 / 1.00
    "cme": "CME",
    # tests/ingest/corpus_fresh.py, written after the CME fixes, gold committed before the first run of the
    # stem fallback: first run R 0.07 P 1.00 (fallback off: 0.00); after 1.00 / 1.00 (development)
    "pharmacy": "PHARMACY",
    # first run R 0.88 P 0.94 (fallback off: R 0.12 P 1.00); after 0.94 / 1.00 (development)
    "european": "EUROPEAN",
    # tests/ingest/corpus_oldtexts.py, the shapes of the real held-out excerpts in our own words, gold
    # committed before its first run: R 0.75 P 0.88 (one hedge gave a pair); after 1.00 / 1.00 (development)
    "victorian": "VICTORIAN",
    # tests/ingest/corpus_scanned.py: an OCR text layer of an old manual and the held-out misses' shapes,
    # gold committed before its first run (after the rules)
    "scanned": "SCANNED",
}


def _book(name: str) -> tuple[list, object]:
    module = next(m for m in (T, U, F, O, S) if hasattr(m, name))
    return getattr(module, name), getattr(module, f"{name}_STYLE")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[dict], Extraction]]:
    out = {}
    folder = tmp_path_factory.mktemp("corpus")
    for key, name in BOOKS.items():
        path, placed = render_book(folder / f"{key}.pdf", *_book(name))
        with open_pdf(path) as doc:
            out[key] = (path, placed, RulesExtractor().extract(doc, file_sha256(path)))
    return out


@pytest.mark.parametrize("book", sorted(BOOKS))
def test_ddx_and_figures_meet_the_targets(corpus, book: str) -> None:
    result = evaluate(Gold.load(GOLD_DIR / f"{book}.yaml"), corpus[book][2])
    assert result.ddx_pairs.recall >= 0.9, result.ddx_pairs.missed
    assert result.ddx_pairs.precision >= 0.9, result.ddx_pairs.spurious
    assert result.figures.recall >= 0.95 and result.figures.precision >= 0.95, result.figures


@pytest.mark.parametrize("book", ["old_prose", "questions", "two_column"])
def test_cause_lists_are_presentations(corpus, book: str) -> None:
    """Each book lists the causes of a presentation in its own style ("may be caused by ...", "Q. What
    are the causes of ...? A. ...", "Other causes include ..."): members, never DDx pairs (the gold's
    not_ddx holds member pairs, checked below)."""
    result = evaluate(Gold.load(GOLD_DIR / f"{book}.yaml"), corpus[book][2])
    members = result.presentation_members
    assert members is not None and members.precision >= 0.95 and members.recall >= 0.75, members


@pytest.mark.parametrize("book", sorted(BOOKS))
def test_negations_and_hedges_give_no_pair(corpus, book: str) -> None:
    raw = yaml.safe_load((GOLD_DIR / f"{book}.yaml").read_text("utf-8"))
    forbidden = {frozenset(map(normalize, p)) for p in raw["not_ddx"]}
    got = {
        frozenset(map(normalize, (r.subject, r.object))) for r in corpus[book][2].relations if r.kind == "ddx"
    }
    assert not forbidden & got


@pytest.mark.parametrize("book", sorted(BOOKS))
def test_gold_figures_are_the_rendered_photos(corpus, book: str) -> None:
    """The gold figure list is the renderer's truth (same page and box), not the extractor's output."""
    gold = Gold.load(GOLD_DIR / f"{book}.yaml")
    placed = {(p["page"], tuple(p["bbox"])) for p in corpus[book][1]}
    assert {(g.page, tuple(round(v) for v in g.bbox)) for g in gold.figures} == placed


def test_names_are_printed_names_without_marks_or_ligatures(corpus) -> None:
    ex = corpus["old_prose"][2]
    names = {n for r in ex.relations for n in (r.subject, r.object)}
    assert "seborrhoeic eczema" in names and "purpura haemorrhagica" in names
    assert not [n for n in names if any(c in n for c in "œæ*†?()")]


def test_captions_label_one_condition_or_a_sign(corpus) -> None:
    figures = {f.caption: f for f in corpus["two_column"][2].figures + corpus["questions"][2].figures}
    # one caption under two photos: both photos, one condition (the part before the dash)
    shared = [f for f in corpus["two_column"][2].figures if f.caption.startswith("SCC")]
    assert len(shared) == 2 and {f.diagnosis for f in shared} == {"SCC"}
    # a description in brackets is not part of the name; panel letters and credit lines are not captions
    assert figures["Vitiligo (loss of skin melanocytes)"].diagnosis == "Vitiligo"
    assert figures["Nodular basal cell carcinoma"].credit == "Courtesy of Dr J. Smith"
    # a sign-only caption still pairs its photo (kept as a sign photo by caption_labels, no case label)
    assert "Nikolsky's sign" in figures and "Dimple sign" in figures


def test_every_pair_cites_its_page_and_printed_label(corpus) -> None:
    ex = corpus["old_prose"][2]
    pairs = [r for r in ex.relations if r.kind == "ddx"]
    assert pairs and all(
        r.evidence.quote and r.evidence.page_label == str(116 + r.evidence.page) for r in pairs
    )
    # without PDF page labels, the number printed in the margin is the label
    qa = [r for r in corpus["questions"][2].relations if r.kind == "ddx"]
    assert qa and all(r.evidence.page_label == str(r.evidence.page) for r in qa)


def test_no_condition_is_its_own_differential(corpus) -> None:
    for _, _, ex in corpus.values():
        keys = [
            frozenset((normalize(r.subject), normalize(r.object))) for r in ex.relations if r.kind == "ddx"
        ]
        assert all(len(k) == 2 for k in keys)
        assert len(set(itertools.chain.from_iterable(keys))) >= 10


@pytest.mark.parametrize("book", ["pharmacy", "european"])
def test_the_stem_fallback_is_what_reads_the_new_styles(corpus, book: str, monkeypatch) -> None:
    """Without the generic stem layer the explicit patterns find almost none of these books' pairs."""
    from ingest import stem_cues

    monkeypatch.setattr(stem_cues, "ENABLED", False)
    with open_pdf(corpus[book][0]) as doc:
        alone = RulesExtractor().extract(doc, file_sha256(corpus[book][0]))
    gold = Gold.load(GOLD_DIR / f"{book}.yaml")
    assert evaluate(gold, alone).ddx_pairs.recall <= 0.2
    with_fallback = [r for r in corpus[book][2].relations if r.rule == stem_cues.RULE]
    assert with_fallback and all(r.score < 0.6 and r.evidence.quote for r in with_fallback)
