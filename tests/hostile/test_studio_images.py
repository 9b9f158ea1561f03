"""Hostile case files in the studio (issue 17): a text file or a decompression bomb named as a case
image must leave the Cases and Diagnosis pages working, with a plain note and no server path."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ids import sha256_file
from kg.models import Case
from kg.store import make_store
from studio.components.images import MAX_PIXELS, load_thumbnail
from tests.fixtures.images import png_header_only
from tests.studio.conftest import open_app, plain, studio_env, users_template  # noqa: F401  (fixtures)


@pytest.fixture
def hostile_files(tmp_path: Path) -> dict[str, Path]:
    text = tmp_path / "passwd.jpg"
    text.write_text("root:x:0:0:root:/root:/bin/bash\n")
    return {
        "text": text,
        "bomb": png_header_only(tmp_path / "bomb.png", 30_000, 30_000),
        "big": png_header_only(tmp_path / "big.png", 10_000, 6_000),  # 60 Mpx: under PIL's limit
        "truncated": png_header_only(tmp_path / "cut.png", 400, 300),
        "missing": tmp_path / "nowhere.jpg",
        "folder": tmp_path,
    }


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("text", "not a readable image"),  # /etc/passwd-like text named .jpg
        ("bomb", "too large"),  # 900 Mpx: refused from the header, never decoded
        ("big", "too large"),  # over the studio's own pixel limit
        ("truncated", "damaged image"),  # a valid header but no pixel data
        ("missing", "missing"),
        ("folder", "not a regular file"),
    ],
)
def test_a_bad_file_is_refused_with_a_reason(hostile_files, name, problem):
    thumb = load_thumbnail(hostile_files[name])
    assert thumb.data is None and problem in thumb.problem
    assert str(hostile_files[name].parent) not in thumb.problem


def test_a_real_image_becomes_a_small_jpeg(shared_data):
    import io

    from PIL import Image

    img = sorted((shared_data / "derm7pt-subset" / "images").rglob("*.*"))[0]
    thumb = load_thumbnail(img, edge=256)
    assert thumb.problem is None
    with Image.open(io.BytesIO(thumb.data)) as im:
        assert im.format == "JPEG" and max(im.size) <= 256
    assert MAX_PIXELS >= 40_000_000  # dermoscopy photographs stay displayable


def test_cases_and_diagnosis_pages_survive_hostile_case_files(studio_env, hostile_files):  # noqa: F811
    with make_store(str(studio_env["url"])) as store:
        store.add_cases(
            Case(
                diagnosis="melanoma",
                image_sha256=sha256_file(str(f)) if f.is_file() else "0" * 64,
                image_path=str(f),
                caption=f"hostile {name}",
                source="attack",
                status="proposed",
            )
            for name, f in hostile_files.items()
            if name != "folder"
        )
    for page in ("pages/cases.py", "pages/diagnosis.py"):
        at = open_app("cleo", page)
        picker = "cases_diagnosis" if page.endswith("cases.py") else "dx_pick"
        at.selectbox(key=picker).set_value("melanoma").run()
        assert not at.exception, at.exception
        notes = plain(" ".join(w.value for w in at.warning))
        assert "Image not shown" in notes, page
        assert str(hostile_files["text"].parent) not in notes  # file names only, no server path
        assert "Traceback" not in notes
