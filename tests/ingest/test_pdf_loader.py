"""What the loader reads before any extraction: the Source's title."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pdf_loader import document_title, open_pdf


def _pdf(tmp_path: Path, *, meta_title: str, heading: str | None) -> Path:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 60), "Published by a society", fontsize=9)
    if heading:
        page.insert_text((72, 200), heading, fontsize=36)
    doc.set_metadata({"title": meta_title})
    path = tmp_path / "book.pdf"
    doc.save(path)
    return path


@pytest.mark.parametrize(
    ("meta_title", "heading", "expected"),
    [
        (
            "Clinical Dermatology, 6th edition",
            "Anything",
            "Clinical Dermatology, 6th edition",
        ),  # real metadata
        (" Introduction", "Dermatology Handbook", "Dermatology Handbook"),  # Word's first-paragraph title
        ("Microsoft Word - draft3.docx", "Skin Signs", "Skin Signs"),  # Word's file-name title
        ("", None, "Published by a society"),  # no metadata: the largest text on page 1
    ],
)
def test_title_skips_placeholder_metadata(
    tmp_path: Path, meta_title: str, heading: str | None, expected: str
) -> None:
    path = _pdf(tmp_path, meta_title=meta_title, heading=heading)
    doc = open_pdf(path)
    try:
        assert document_title(doc, path) == expected
    finally:
        doc.close()


def test_bad_handbook_title_is_not_its_word_placeholder(shared_data: Path) -> None:
    path = shared_data / "bad-handbook" / "bad-derm-handbook-3rd-ed.pdf"
    doc = open_pdf(path)
    try:
        assert document_title(doc, path) == "Dermatology"  # metadata says " Introduction"
    finally:
        doc.close()


def test_text_layer_ingest_loads_no_numpy_onnxruntime_or_pymupdf_extras(tmp_path: Path) -> None:
    """A fresh process ingesting a text-layer PDF imports PyMuPDF without ``pymupdf.layout`` and
    ``pymupdf4llm`` (numpy, onnxruntime: ~0.65 s of CPU a process, never used by ingest), and the scan
    modules leave numpy unimported; ``pymupdf4llm`` can still be imported afterwards."""
    import importlib.util
    import os
    import subprocess
    import sys

    pdf = _pdf(tmp_path, meta_title="", heading="Psoriasis")
    script = f"""
import sys
from pathlib import Path
from ingest.pipeline import IngestPipeline
from kg.store import make_store
store = make_store("sqlite:///{tmp_path}/kg.db").open()
summary = IngestPipeline(store, data_dir=Path({str(tmp_path)!r})).run([Path({str(pdf)!r})])
assert summary.documents[0].status != "error", summary.documents[0].error
print(sorted(m for m in ("numpy", "onnxruntime", "pymupdf4llm", "pymupdf.layout") if sys.modules.get(m)))
import ingest.scan_pixels, ingest.hocr, ingest.scan_tables
print("numpy" in sys.modules)
"""
    import ingest

    repo = str(Path(ingest.__file__).resolve().parents[1])  # this checkout's code in the child too
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([repo, *sys.path])}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "False"], out.stdout + out.stderr
    if importlib.util.find_spec("pymupdf4llm") is not None:
        later = (
            "from ingest.pdf_loader import import_pymupdf; import_pymupdf(); import pymupdf4llm; print('ok')"
        )
        again = subprocess.run(
            [sys.executable, "-c", later], capture_output=True, text=True, env=env, check=True
        )
        assert again.stdout.strip() == "ok"
