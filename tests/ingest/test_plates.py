"""Old books' plates and figures (issue 14, points 5 and 6): each photo paired with its caption, the
caption's diagnosis read (a sign's caption pairs but labels no diagnosis), the credit line kept
apart, and the evidence citing both the PDF page and the printed page label — on the born-digital
book and on its scan with an OCR text layer (what archive.org serves) or without one (Tesseract)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ingest.caption_labels import label_captions
from ingest.evaluation import _iou
from ingest.pdf_loader import open_pdf
from ingest.rules_extractor import RulesExtractor
from ingest.types import Extraction
from kg.names import normalize
from tests.ingest.plates_book import render_plates_book, scan_with_text_layer
from tests.ingest.test_scans import scan_copy


def _caption_key(text: str) -> str:
    """A caption's words without its number ("Fig. 8.—", "PLATE XII."): the scorer's own, so that a
    run of older code is measured the same way."""
    text = re.sub(
        r"^(?:figs?|figures?|plates?)\.?\s*(?:\d+|[IVXLCDM]+)\.?\s*[—–-]?\s*", "", text.strip(), flags=re.I
    )
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def measure(ex: Extraction, gold: list[dict[str, Any]], iou: float = 0.6) -> dict[str, Any]:
    """Photo -> caption recall and precision, diagnosis labels right, page labels right."""
    figs = list(ex.figures)
    names = label_captions([f.diagnosis for f in figs if f.diagnosis], lambda n: None, lambda n: normalize(n))
    paired = dx_ok = label_ok = 0
    used: set[int] = set()
    missed: list[str] = []
    wrong: list[str] = []
    for g in gold:
        hit = next(
            (
                i
                for i, f in enumerate(figs)
                if i not in used
                and f.image.page == g["page"]
                and _iou(tuple(g["bbox"]), f.image.bbox) >= iou
                and _caption_key(f.caption) == _caption_key(g["caption"])
            ),
            None,
        )
        if hit is None:
            got = [f.caption for f in figs if f.image.page == g["page"]]
            missed.append(f"p{g['page']} {g['caption']!r} got {got}")
            continue
        used.add(hit)
        paired += 1
        f = figs[hit]
        label = names.get(f.diagnosis) if f.diagnosis else None
        want = {normalize(n) for n in [g["dx"], *g.get("also", [])]} if g["dx"] else {None}
        if label in want:
            dx_ok += 1
        else:
            wrong.append(f"p{g['page']} {f.caption!r} -> {label!r}")
        label_ok += f.evidence.page_label == g["label"] and f.evidence.page == g["page"]
    n, p = len(gold), len(figs)
    return {
        "gold": n,
        "predicted": p,
        "paired": paired,
        "recall": round(paired / n, 3),
        "precision": round(paired / p, 3) if p else 0.0,
        "diagnosis_right": round(dx_ok / n, 3),
        "page_label_right": round(label_ok / n, 3),
        "missed": missed,
        "wrong_diagnosis": wrong,
        "spurious": [f"p{f.image.page} {f.caption!r}" for i, f in enumerate(figs) if i not in used],
    }


def _extract(pdf: Path) -> Extraction:
    with open_pdf(pdf) as doc:
        return RulesExtractor().extract(doc, "p" * 64)


def test_born_digital_plates(tmp_path: Path) -> None:
    pdf, gold = render_plates_book(tmp_path / "plates.pdf")
    got = measure(_extract(pdf), gold)
    print(json.dumps(got, indent=1, ensure_ascii=False))
    assert got["recall"] >= 0.95 and got["precision"] >= 0.95, got
    assert got["diagnosis_right"] >= 0.9 and got["page_label_right"] == 1.0, got


@pytest.mark.ocr
@pytest.mark.parametrize("aged", [False, True])
def test_scan_with_ocr_text_layer(tmp_path: Path, aged: bool) -> None:
    # measured: fresh 11 of 12 paired, 1 spurious; aged 10 of 12, 1 spurious. "Seborrhœa" is read
    # "Seborrhcea" by the OCR (its photo takes the right lines); aged, the wood engraving's faded
    # hatching (Fig. 16) is not found as a picture and the OCR read the page number "12" as "i".
    pdf, gold = render_plates_book(tmp_path / "plates.pdf")
    scan = scan_with_text_layer(pdf, tmp_path / "scan.pdf", aged=aged)
    got = measure(_extract(scan), gold)
    print(json.dumps(got, indent=1, ensure_ascii=False))
    want = 0.8 if aged else 0.9
    assert got["recall"] >= want and got["precision"] >= 0.9, got
    assert got["page_label_right"] >= want - 0.05, got


@pytest.mark.ocr
def test_image_only_scan(tmp_path: Path) -> None:
    pdf, gold = render_plates_book(tmp_path / "plates.pdf")
    scan = scan_copy(pdf, tmp_path / "scan.pdf")
    ex = _extract(scan)
    got = measure(ex, gold)
    print(json.dumps(got, indent=1, ensure_ascii=False))
    # measured: 11 of 12, 1 spurious (the misread "Seborrhcea", as above)
    assert got["recall"] >= 0.9 and got["precision"] >= 0.9, got
    assert got["page_label_right"] >= 0.9, got  # read from the OCR'd running heads
    assert all(f.evidence.ocr_confidence for f in ex.figures)  # the caption's OCR confidence is kept


@pytest.mark.ocr
def test_a_scans_photos_become_cases_citing_pdf_page_and_printed_page(any_store, tmp_path: Path) -> None:
    """Through the pipeline: each photo cut from the scan is stored as a case image (its pixels
    rendered from its box), its evidence citing the PDF page and the printed number (none on a plate)."""
    import pymupdf

    from ingest.pipeline import IngestPipeline

    pdf, gold = render_plates_book(tmp_path / "plates.pdf")
    scan = scan_with_text_layer(pdf, tmp_path / "scan.pdf")
    (doc,) = IngestPipeline(any_store, data_dir=tmp_path).run([scan]).documents
    assert doc.status == "ingested", doc.error
    cases = any_store.list_cases()
    labels = {g["page"]: g["label"] for g in gold}
    # every gold photo is a case but the sign's ("The Koebner phenomenon" pairs, labels nothing)
    assert len(cases) >= len(gold) - 1, [c.caption for c in cases]
    for case in cases:
        (ev,) = case.evidence
        assert ev.page in labels and ev.page_label == labels[ev.page], (case.caption, ev)
        box = tuple(case.meta["bbox"])
        assert any(g["page"] == ev.page and _iou(tuple(g["bbox"]), box) >= 0.6 for g in gold), case.caption
        with pymupdf.open(case.image_path) as img:  # the photo's pixels, not the page's
            w, h = img[0].rect.width, img[0].rect.height
        assert abs(w / h - (box[2] - box[0]) / (box[3] - box[1])) < 0.1 and w < 0.9 * 150 / 72 * 432
