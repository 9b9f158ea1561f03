"""A decompression bomb in a PDF: a 0.9 MB file holding a captioned 30000 x 30000 image.

Before: 1.9 GB peak RSS and a 900-megapixel PNG stored as a case image. Now the image's size is read
from its dictionary, it is skipped with a warning naming its page, and peak RSS stays bounded
(measured in a subprocess with ``resource.getrusage``). Damaged (repaired) PDFs ingest with a warning.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.conftest import invoke, snapshot

MAX_RSS_MB = 600


def bomb_pdf(path: Path, side: int = 30_000, *, inline: bool = False) -> Path:
    """Raw PDF syntax: one page, a flate-compressed single-colour side x side grey image placed with a
    'Figure 1. Melanoma ...' caption below it (the compressed stream is ~0.9 MB); ``inline`` puts the
    image in the page's content stream (BI ... ID ... EI) instead of an image XObject."""
    co = zlib.compressobj(9)
    block = b"\x80" * side * 100
    data = b"".join(co.compress(block) for _ in range(side // 100)) + co.flush()
    placed = (
        b"BI /W %d /H %d /CS /G /BPC 8 /F /Fl /L %d ID " % (side, side, len(data)) + data + b"\nEI"
        if inline
        else b"/Im1 Do"
    )
    content = (
        b"q 300 0 0 300 100 400 cm " + placed + b" Q\n"
        b"BT /F1 10 Tf 100 380 Td (Figure 1. Melanoma on the back.) Tj ET\n"
    )
    image = (
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % (side, side, len(data))
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 4 0 R >> "
        b"/Font << /F1 6 0 R >> >> /Contents 5 0 R >>",
        image + data + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


_MEASURE = """
import json, resource, sys
from dermkg.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
finally:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    sys.stderr.write(f"\\nPEAK_RSS_MB={peak}\\n")
"""


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bomb_pdf(tmp_path_factory.mktemp("bomb") / "bomb.pdf")


@pytest.fixture(scope="module")
def inline_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bomb_pdf(tmp_path_factory.mktemp("bomb") / "inline.pdf", inline=True)


@pytest.mark.slow  # a child process ingests a PDF built around a 900-megapixel image
def test_inline_image_bomb_is_not_decoded(inline_bomb: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kg.db'}"
    assert invoke("kg", "import", "--format", "json", str(_one(tmp_path)), store=url).exit_code == 0
    doc = _ingest_measured(inline_bomb, url, tmp_path)
    assert doc["cases"] == 0 and any("30000x30000" in w for w in doc["warnings"]), doc


def _ingest_measured(pdf: Path, store_url: str, tmp_path: Path) -> dict[str, Any]:
    """Ingest ``pdf`` in a child process; assert it succeeded under the memory bound; its document report."""
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, "ingest", str(pdf), "--store", store_url, "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env={**os.environ, "DERMKG_DATA_DIR": str(tmp_path / "data")},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    peak = int(proc.stderr.rsplit("PEAK_RSS_MB=", 1)[1].split()[0])
    assert peak < MAX_RSS_MB, f"peak RSS {peak} MB"
    [doc] = json.loads(proc.stdout)["documents"]
    return doc


def _one(tmp_path: Path) -> Path:
    path = tmp_path / "v.json"
    path.write_text(json.dumps([{"name": "Melanoma"}]))
    return path


@pytest.mark.slow  # a child process ingests a PDF built around a 900-megapixel image
def test_bomb_pdf_is_small_and_its_image_is_skipped_with_bounded_memory(
    bomb: Path, store_url: str, tmp_path: Path
) -> None:
    assert bomb.stat().st_size < 1_000_000
    before = snapshot(store_url)
    doc = _ingest_measured(bomb, store_url, tmp_path)
    assert doc["status"] == "ingested" and doc["cases"] == 0 and doc["images_skipped"] == 1
    assert doc["warnings"] == ["page 1: image 30000x30000 (900 megapixels) over the pixel limit, skipped"]
    stored = list((tmp_path / "data").rglob("*.png"))
    assert stored == []  # no 900-megapixel case image on disk
    after = json.loads(snapshot(store_url))
    assert after["cases"] == json.loads(before)["cases"] == []


def test_image_bytes_refuses_an_oversized_image_before_decoding(bomb: Path) -> None:
    from dermkg.errors import InputError
    from ingest.pdf_loader import image_bytes, open_pdf, read_images

    doc = open_pdf(bomb)
    try:
        [image] = read_images(doc[0])
        assert (image.width, image.height) == (30_000, 30_000)
        with pytest.raises(InputError, match="page 1"):
            image_bytes(doc, image)
    finally:
        doc.close()


def test_a_repaired_pdf_is_ingested_with_a_warning(store_url: str, tmp_path: Path) -> None:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "Melanoma. Differential diagnosis: seborrhoeic keratosis.")
    good = doc.tobytes()
    doc.close()
    start = good.rindex(b"startxref")
    damaged = good[:start] + b"startxref\n999999\n%%EOF\n"  # the xref offset points nowhere
    path = tmp_path / "damaged.pdf"
    path.write_bytes(damaged)
    result = invoke("ingest", str(path), "--json", store=store_url)
    assert result.exit_code == 0, result.output
    [doc_summary] = json.loads(result.stdout)["documents"]
    assert doc_summary["status"] == "ingested"
    assert any("damaged" in w and "repaired" in w for w in doc_summary["warnings"]), doc_summary


def test_a_directory_given_as_a_pdf_is_a_clear_error(store_url: str, tmp_path: Path) -> None:
    result = invoke("ingest", str(tmp_path), "--json", store=store_url)
    [doc] = json.loads(result.stdout)["documents"]
    assert doc["status"] == "error" and "is a directory" in doc["error"]
