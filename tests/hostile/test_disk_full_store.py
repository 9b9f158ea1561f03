"""Issue 17 point 7 (store part): a full disk during a SQLite import ended in "no such savepoint: sp1"
(SQLite rolls the whole transaction back on SQLITE_FULL, so the nested savepoint was gone), hiding
the cause. Now it is one clear error naming the database file, and the store is unchanged.

Two ways to fill it: ``PRAGMA max_page_count`` (SQLITE_FULL from a size limit, anywhere) and a real
1 MiB tmpfs filled to the last byte (ENOSPC; needs root to mount, skipped otherwise)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from dermkg.errors import DermkgError
from kg.importers import run_import
from kg.models import Assertion, Diagnosis
from kg.store import make_store


def vocabulary(path: Path, rows: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "synonyms", "parents"])
        for i in range(rows):
            w.writerow(
                [
                    f"t-{i}",
                    f"term {i} " + "x" * 40,
                    f"alias {i}|other {i}",
                    f"term {i - 1} " + "x" * 40 if i else "",
                ]
            )
    return path


def seeded(url: str) -> None:
    with make_store(url) as s:
        s.upsert_diagnoses([Diagnosis(id="melanoma", name="Melanoma"), Diagnosis(id="nevus", name="Nevus")])
        s.add_assertion(Assertion(kind="ddx", subject="melanoma", object="nevus", origin="llm"))


def test_a_full_database_file_is_one_clear_error_and_the_store_is_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "kg.db"
    url = f"sqlite:///{path}"
    seeded(url)
    with make_store(url) as store:
        before = store.export_graph()
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]  # type: ignore[attr-defined]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 10}")  # type: ignore[attr-defined]
        with pytest.raises(DermkgError) as err:
            run_import(store, "csv", vocabulary(tmp_path / "big.csv", 3000))
        message = str(err.value)
        assert message.startswith(f"disk full writing {path}") and "savepoint" not in message
        assert store.export_graph() == before
        store.conn.execute("PRAGMA max_page_count = 1073741823")  # type: ignore[attr-defined]
        assert run_import(store, "csv", tmp_path / "big.csv").diagnoses_created == 3000  # still works


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs mounted for this test (root only)."""
    mount = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path, *, leave: int = 0) -> Path:
    """Write until the disk is full, then free ``leave`` bytes (room to open the store but not to
    import); the filler file is returned so the test can free the space."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    if leave:
        os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def test_the_cli_on_a_really_full_disk_says_disk_full_naming_the_file(
    tiny_disk: Path, tmp_path: Path
) -> None:
    path = tiny_disk / "kg.db"
    url = f"sqlite:///{path}"
    seeded(url)
    with make_store(url) as store:
        before = store.export_graph()
    fill(tiny_disk, leave=128 * 1024)
    big = vocabulary(tmp_path / "big.csv", 3000)
    env = {**os.environ, "DERMKG_STORE": "", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(
        [sys.executable, "-m", "dermkg.cli", "kg", "import", "--format", "csv", str(big), "--store", url],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: disk full writing"), done.stderr
    assert str(path) in lines[0] and "Traceback" not in done.stderr and "savepoint" not in done.stderr
    (tiny_disk / "filler").unlink()
    with make_store(url) as store:
        assert store.export_graph() == before


def test_opening_a_store_on_a_full_disk_says_disk_full(tiny_disk: Path) -> None:
    fill(tiny_disk)
    with pytest.raises(DermkgError, match=f"disk full opening {tiny_disk / 'kg.db'}"):
        make_store(f"sqlite:///{tiny_disk / 'kg.db'}").open()
