"""Files outside a dataset never become cases, training rows or exported files.

Each row of a case list names a hostile file: an absolute system path, a ``..`` escape, a symlink out
of the dataset, ``/proc/self/environ``, a device, a directory, a text file or an SVG named ``.jpg``,
a PNG whose header claims 3.6 gigapixels. Only the one real image becomes a case; every other row is
reported with its line.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from dermkg.images import ImageRejectedError, check_dataset_image, verify_image
from synth.datasets.adapters import read_derm7pt, read_dermnet
from synth.export import copy_images
from tests.fixtures.images import png_header_only, write_image
from tests.hostile.conftest import assert_error, invoke, snapshot


def hostile_dataset(root: Path) -> tuple[Path, dict[int, str]]:
    """A case CSV in ``root`` with one good row and the hostile ones; returns (csv, line -> name)."""
    images = root / "images"
    write_image(images / "good.jpg", "good")
    (images / "shadow.jpg").symlink_to("/etc/shadow")
    (images / "hostname.jpg").symlink_to("../../../../../../../etc/hostname")
    (images / "loop.jpg").symlink_to(images / "loop.jpg")
    (images / "notes.jpg").write_text("patient: Jane Doe, MRN 12345\n")
    (images / "vector.jpg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    (images / "folder.jpg").mkdir()
    png_header_only(images / "bomb.png", 60_000, 60_000)
    (images / "empty.jpg").write_bytes(b"")
    names = [
        "images/good.jpg",
        "/etc/passwd",
        "../../../../etc/hostname",
        "images/shadow.jpg",
        "/proc/self/environ",
        "images/hostname.jpg",
        "/dev/zero",
        "images/loop.jpg",
        "images/notes.jpg",
        "images/vector.jpg",
        "images/folder.jpg",
        "images/bomb.png",
        "images/empty.jpg",
        str(images / ".." / ".." / "outside.jpg"),
        "images/../../escape.jpg",
        "file:///etc/passwd",
        "images/missing.jpg",
    ]
    write_image(root.parent / "outside.jpg", "a real image, but outside the dataset")
    write_image(root.parent / "escape.jpg", "another")
    rows = ["image,diagnosis,rationale"] + [f"{n},melanoma,hostile row" for n in names]
    listing = root / "cases.csv"
    listing.write_text("\n".join(rows) + "\n")
    return listing, {i + 2: n for i, n in enumerate(names)}


def test_case_csv_rows_naming_files_outside_the_dataset_are_skipped(store_url: str, tmp_path: Path) -> None:
    root = tmp_path / "ds"
    listing, lines = hostile_dataset(root)
    before = snapshot(store_url)
    result = invoke("kg", "import-cases", "--format", "csv", str(listing), "--json", store=store_url)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["cases_created"] == 1
    skipped = {s["location"]: s["reason"] for s in report["skipped"]}
    assert set(skipped) == {f"cases.csv:{n}" for n in lines if n != 2}
    for line, reason in skipped.items():
        name = lines[int(line.split(":")[1])]
        assert reason, name
    assert "outside the dataset" in skipped["cases.csv:3"]  # /etc/passwd
    assert "outside the dataset" in skipped["cases.csv:5"]  # symlink to /etc/shadow
    assert "megapixels" in skipped["cases.csv:13"]
    assert "not a regular file" in skipped["cases.csv:12"]
    assert report["skipped_counts"] == {"image missing": 2, "image rejected": 14}
    with pytest.raises(AssertionError):
        assert snapshot(store_url) == before  # the one good case was added ...
    from kg.store import make_store

    with make_store(store_url) as s:
        [case] = s.list_cases()
        assert Path(case.image_path) == (root / "images" / "good.jpg").resolve()  # ... and only it


def test_a_case_list_of_only_hostile_rows_is_an_error_and_writes_nothing(
    store_url: str, tmp_path: Path
) -> None:
    root = tmp_path / "ds"
    root.mkdir()
    (root / "cases.csv").write_text(
        "image,diagnosis\n/etc/passwd,melanoma\n../../../../etc/hostname,melanoma\n"
    )
    before = snapshot(store_url)
    result = invoke("kg", "import-cases", "--format", "csv", str(root / "cases.csv"), store=store_url)
    assert_error(result, "cases.csv", "no case could be imported", "cases.csv:2", "outside the dataset")
    assert snapshot(store_url) == before


def derm7pt_layout(root: Path, derm_names: list[str]) -> None:
    (root / "meta").mkdir(parents=True)
    write_image(root / "images" / "ok" / "a.jpg", "derm7pt a")
    (root / "images" / "ok" / "link.jpg").symlink_to("/etc/passwd")
    rows = ["case_num,diagnosis,derm,clinic"] + [f"{i},melanoma,{n},x" for i, n in enumerate(derm_names)]
    (root / "meta" / "meta.csv").write_text("\n".join(rows) + "\n")


def test_derm7pt_rows_escaping_the_dataset_are_skipped(store_url: str, tmp_path: Path) -> None:
    root = tmp_path / "derm7pt"
    derm7pt_layout(
        root,
        ["ok/a.jpg", "../../../../../../etc/hostname", "/etc/passwd", "ok/link.jpg", "/proc/self/environ"],
    )
    result = invoke("kg", "import-cases", "--format", "derm7pt", str(root), "--json", store=store_url)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["cases_created"] == 1
    assert sorted(s["location"] for s in report["skipped"]) == [f"meta.csv:{n}" for n in (3, 4, 5, 6)]
    # the dataset builder's adapter refuses the same rows
    adapted = read_derm7pt(root)
    assert [s.image_exists for s in adapted.samples] == [True, False, False, False, False]
    assert {p.location for p in adapted.problems if p.kind == "rejected_image"} == {
        "meta.csv:3",
        "meta.csv:4",
        "meta.csv:5",
        "meta.csv:6",
    }


def test_dermnet_class_folder_symlink_to_a_system_file_is_not_a_sample(tmp_path: Path) -> None:
    root = tmp_path / "dermnet"
    write_image(root / "melanoma" / "a.jpg", "a")
    (root / "melanoma" / "b.jpg").symlink_to("/etc/passwd")
    (root / "melanoma" / "c.png").write_text("not an image")
    result = read_dermnet(root)
    assert [Path(s.image).name for s in result.samples] == ["a.jpg"]
    assert sorted(p.location for p in result.problems if p.kind == "rejected_image") == [
        "dermnet/melanoma/b.jpg",
        "dermnet/melanoma/c.png",
    ]


def test_export_never_copies_a_non_image_recorded_on_a_case(tmp_path: Path) -> None:
    """A store written before images were checked (or a file swapped since) names /etc/passwd."""
    secret = Path("/etc/passwd")
    sha = hashlib.sha256(secret.read_bytes()).hexdigest()
    good = write_image(tmp_path / "good.png", "good")
    rows = [
        SimpleNamespace(image_sha256=sha, image_path=str(secret)),
        SimpleNamespace(image_sha256=hashlib.sha256(good.read_bytes()).hexdigest(), image_path=str(good)),
    ]
    stored, warnings = copy_images(rows, tmp_path / "out", [], None)  # type: ignore[arg-type]
    assert list(stored) == [rows[1].image_sha256]
    assert [p.name for p in (tmp_path / "out").iterdir()] == [f"{rows[1].image_sha256}.png"]
    assert len(warnings) == 1 and "rejected" in warnings[0] and "/etc/passwd" in warnings[0]


@pytest.mark.parametrize(
    "name",
    ["/etc/passwd", "../../etc/hostname", "/proc/self/environ", "a\x00b.jpg", "/dev/zero", ".."],
)
def test_check_dataset_image_refuses(tmp_path: Path, name: str) -> None:
    with pytest.raises(ImageRejectedError):
        check_dataset_image(tmp_path, name)


def test_pillow_limit_matches_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image

    from dermkg.settings import clear_cache

    image = write_image(tmp_path / "big.png", size=(100, 100))
    monkeypatch.setenv("DERMKG_MAX_IMAGE_PIXELS", "5000")
    clear_cache()
    try:
        with pytest.raises(ImageRejectedError, match="megapixels"):
            verify_image(image)
        assert Image.MAX_IMAGE_PIXELS == 5000
    finally:
        monkeypatch.delenv("DERMKG_MAX_IMAGE_PIXELS")
        clear_cache()
    assert verify_image(image) == ("PNG", 100, 100)


def test_symlinked_dataset_root_is_resolved_first(tmp_path: Path) -> None:
    """The root itself may be a symlink (a mounted share): images inside its target are fine."""
    real = tmp_path / "real"
    write_image(real / "a.jpg", "a")
    os.symlink(real, tmp_path / "link")
    assert check_dataset_image(tmp_path / "link", "a.jpg") == (real / "a.jpg").resolve()
