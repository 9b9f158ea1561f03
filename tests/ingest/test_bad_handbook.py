"""The rules extractor on the real BAD handbook, measured against our own gold annotation."""

from __future__ import annotations

import json

from ingest.evaluation import Gold, evaluate
from ingest.types import Extraction
from tests.ingest.conftest import GOLD


def test_gold_targets_are_met(bad_extraction: Extraction, artifacts_dir) -> None:
    gold = Gold.load(GOLD)
    assert gold.source_sha256 == bad_extraction.source_sha256, "gold was made for another copy of the PDF"
    result = evaluate(gold, bad_extraction)
    (artifacts_dir / "ingest-bad-handbook-eval.json").write_text(json.dumps(result.model_dump(), indent=2))
    # Issue targets: diagnosis recall >= 0.9, DDx recall >= 0.7 at precision >= 0.8, figures >= 0.9.
    # Asserted at the measured figures less a small margin (README table; measured 2026-11):
    # diagnoses P 0.711 R 1.00 (entries only: P 0.922), DDx P 1.00 R 0.983, photos P 0.979 R 0.958.
    # 2026-12 (issue 14.3): the cause lists left the DDx gold for presentations: DDx P 1.00 R 0.963.
    entries = result.diagnoses_from_entries
    assert entries is not None
    assert result.diagnoses.recall >= 0.98 and entries.recall >= 0.98, result.diagnoses.missed
    assert result.diagnoses.precision >= 0.68, result.diagnoses.spurious
    assert entries.precision >= 0.89, entries.spurious
    assert result.ddx_pairs.recall >= 0.96, result.ddx_pairs.missed
    assert result.ddx_pairs.precision >= 0.95, result.ddx_pairs.spurious
    assert result.figures.recall >= 0.94, result.figures.missed
    assert result.figures.precision >= 0.95, result.figures.spurious
    # Presentations (issue 14 point 3): the cause lists are members, not DDx pairs (measured P 1.00 R 1.00)
    members = result.presentation_members
    assert members is not None and members.recall >= 0.95 and members.precision >= 0.95, members


def test_every_finding_carries_located_verbatim_evidence(bad_extraction: Extraction, bad_pdf) -> None:
    import pymupdf

    with pymupdf.open(bad_pdf) as doc:
        for rel in bad_extraction.relations:
            ev = rel.evidence
            assert ev.source_sha256 == bad_extraction.source_sha256
            assert ev.page is not None and 1 <= ev.page <= doc.page_count and ev.bbox is not None
            assert ev.quote.strip()
        # Prose evidence is verbatim: every word of the quote is on its page.
        stated = [f for f in bad_extraction.findings if not f.rule.startswith("table")]
        stated += [p for p in bad_extraction.presentations if p.rule != "table"]
        assert len(stated) > 100
        for rel in [r for r in bad_extraction.relations if r.rule.startswith("prose")] + stated:
            # a paragraph may run over a page break (evidence cites its first page)
            pages = range(rel.evidence.page - 1, min(rel.evidence.page + 1, doc.page_count))
            text = " ".join(doc[i].get_text() for i in pages)
            page_words = set(" ".join(text.split()).replace("- ", "-").split()) | set(text.split())
            quote_words = [w.strip(".,:;()") for w in rel.evidence.quote.split()]
            page_words |= {w.strip(".,:;()") for w in page_words}
            assert sum(w in page_words for w in quote_words) >= 0.9 * len(quote_words), rel.evidence.quote


def test_presentation_groups_keep_the_presentation_as_context(bad_extraction: Extraction) -> None:
    contexts = {r.evidence.context for r in bad_extraction.relations if r.kind == "ddx"}
    assert any(c and "red swollen leg" in c.lower() for c in contexts)
    assert any(c and "itchy eruption" in c.lower() for c in contexts)


def test_rationales_and_photo_credits(bad_extraction: Extraction) -> None:
    rationale_for = {r.diagnosis.lower() for r in bad_extraction.rationales}
    assert {"psoriasis", "bullous pemphigoid", "basal cell carcinoma"} <= rationale_for
    bp = [r.evidence.quote for r in bad_extraction.rationales if r.diagnosis == "Bullous pemphigoid"]
    assert any("Tense, fluid-filled blisters" in q for q in bp)
    credits = [f for f in bad_extraction.figures if f.credit]
    # "© Cardiff and Vale ..." and "(Picture source: D@nderm)" lines are credits, never part of a caption
    assert credits and all(("©" in f.credit or "source" in f.credit.lower()) for f in credits)
    assert not [
        f for f in bad_extraction.figures if "©" in f.caption or "picture source" in f.caption.lower()
    ]


def test_logos_and_decorations_are_not_figures(bad_extraction: Extraction) -> None:
    assert bad_extraction.images_skipped > 0
    assert all(f.image.page != 1 for f in bad_extraction.figures)  # the cover's logos
