"""A full disk never leaves a half-written output: every export is written to a temporary sibling and
renamed, and the failure is one ``error:`` line naming the path, with the previous output intact.

The disk is a real 64 kB tmpfs (we run as root in CI); where mounting is refused, the same commands run
under ``RLIMIT_FSIZE`` (writes past the limit fail with EFBIG), so nothing is skipped.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dermkg.errors import OutputError
from dermkg.files import atomic_dir, atomic_write_text
from tests.hostile.conftest import invoke, snapshot

LIMIT = 64 * 1024


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[tuple[Path, bool]]:
    """(folder, mounted): a 64 kB tmpfs, or a plain folder when mount is refused (then RLIMIT_FSIZE)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={LIMIT}", "tmpfs", str(disk)], capture_output=True
        ).returncode
        == 0
    )
    try:
        yield disk, mounted
    finally:
        if mounted:
            subprocess.run(["umount", str(disk)], check=True)


def _limit_file_size() -> None:  # runs in the child before exec
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


def run_cli(args: list[str], mounted: bool) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dermkg.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=None if mounted else _limit_file_size,
    )


@pytest.fixture
def big_store(store_url: str, tmp_path: Path) -> str:
    """The seeded store plus 1,500 diagnoses: every export format is larger than the 64 kB disk."""
    vocab = tmp_path / "vocab.csv"
    rows = ["name,synonyms,malignancy"] + [
        f"Test dermatosis {i:04d},Synonym {i:04d} of it|Other {i:04d},benign" for i in range(1500)
    ]
    vocab.write_text("\n".join(rows) + "\n")
    result = invoke("kg", "import", "--format", "csv", str(vocab), store=store_url)
    assert result.exit_code == 0, result.output
    return store_url


@pytest.mark.parametrize(
    ("fmt", "name"), [("graphml", "graph.graphml"), ("json", "graph.json"), ("csv", "tables.csv")]
)
def test_full_disk_export_keeps_the_previous_output(
    big_store: str, small_disk: tuple[Path, bool], fmt: str, name: str
) -> None:
    disk, mounted = small_disk
    out = disk / name
    previous = {
        p: f"previous {p.name}\n"
        for p in (
            [out]
            if fmt != "csv"
            else [disk / f"tables_{t}.csv" for t in ("diagnoses", "assertions", "cases", "evidence")]
        )
    }
    for p, text in previous.items():
        p.write_text(text)
    before = snapshot(big_store)
    proc = run_cli(["kg", "export", "--format", fmt, str(out), "--store", big_store], mounted)
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-1500:])
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: cannot write "), proc.stderr
    assert str(disk) in lines[0] and ("No space left" in lines[0] or "File too large" in lines[0])
    assert "Traceback" not in proc.stderr
    for p, text in previous.items():
        assert p.read_text() == text  # untouched, never truncated
    assert sorted(x.name for x in disk.iterdir()) == sorted(p.name for p in previous)  # no temporaries left
    assert snapshot(big_store) == before


def test_export_succeeds_when_it_fits(store_url: str, small_disk: tuple[Path, bool]) -> None:
    disk, mounted = small_disk
    proc = run_cli(
        ["kg", "export", "--format", "graphml", str(disk / "g.graphml"), "--store", store_url], mounted
    )
    assert proc.returncode == 0, proc.stderr
    assert (disk / "g.graphml").read_text().rstrip().endswith("</graphml>")


def test_atomic_dir_on_a_full_disk_keeps_the_previous_folder(small_disk: tuple[Path, bool]) -> None:
    disk, mounted = small_disk
    if not mounted:  # in-process writes cannot take RLIMIT_FSIZE without limiting pytest itself
        code = (
            "import sys; from pathlib import Path; from dermkg.files import atomic_dir\n"
            f"with atomic_dir(Path({str(disk / 'rl')!r})) as t: (t / 'x').write_bytes(b'0' * {4 * LIMIT})\n"
        )
        (disk / "rl").mkdir()
        (disk / "rl" / "old.jsonl").write_text("old\n")
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, preexec_fn=_limit_file_size
        )
        assert "OutputError" in proc.stderr and (disk / "rl" / "old.jsonl").read_text() == "old\n"
        return
    target = disk / "rl"
    target.mkdir()
    (target / "train.jsonl").write_text("old row\n")
    with pytest.raises(OutputError, match=f"cannot write {target}.*No space left"), atomic_dir(target) as tmp:
        (tmp / "train.jsonl").write_bytes(b"x" * (4 * LIMIT))
    assert [p.name for p in disk.iterdir()] == ["rl"]
    assert (target / "train.jsonl").read_text() == "old row\n"


def test_atomic_write_text_on_a_full_disk(small_disk: tuple[Path, bool]) -> None:
    disk, mounted = small_disk
    if not mounted:
        pytest.skip("covered by the CLI tests under RLIMIT_FSIZE")  # pragma: no cover - not root
    path = disk / "manifest.json"
    path.write_text("{}\n")
    with pytest.raises(OutputError, match="manifest.json"):
        atomic_write_text(path, "x" * (4 * LIMIT))
    assert path.read_text() == "{}\n" and os.listdir(disk) == ["manifest.json"]
