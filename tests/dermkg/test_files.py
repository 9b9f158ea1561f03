"""Output files appear whole or not at all; JSONL bytes depend only on the rows."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from dermkg.files import atomic_dir, atomic_write_text, write_jsonl


def test_atomic_dir_replaces_the_folder_on_success(tmp_path: Path) -> None:
    out = tmp_path / "export"
    out.mkdir()
    (out / "old.txt").write_text("old", encoding="utf-8")
    with atomic_dir(out) as tmp:
        (tmp / "new.txt").write_text("new", encoding="utf-8")
        assert (out / "old.txt").exists()  # readers see the previous export until the swap
    assert sorted(p.name for p in out.iterdir()) == ["new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]  # no staging or backup left
    assert stat.S_IMODE(out.stat().st_mode) & 0o055  # group/others may read: not mkdtemp's 0700


def test_atomic_dir_keeps_the_previous_folder_on_error(tmp_path: Path) -> None:
    out = tmp_path / "export"
    out.mkdir()
    (out / "old.txt").write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_dir(out) as tmp:
        (tmp / "half.txt").write_text("half", encoding="utf-8")
        raise RuntimeError("boom")
    assert sorted(p.name for p in out.iterdir()) == ["old.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]


def test_atomic_write_text_creates_parents_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = atomic_write_text(tmp_path / "a" / "b.json", "{}\n")
    assert path.read_text(encoding="utf-8") == "{}\n"
    assert [p.name for p in path.parent.iterdir()] == ["b.json"]


def test_write_jsonl_sorts_keys_and_keeps_unicode(tmp_path: Path) -> None:
    rows = [{"b": 1, "a": "naevus café"}, {"a": 2}]
    assert write_jsonl(tmp_path / "x.jsonl", rows) == 2
    text = (tmp_path / "x.jsonl").read_text(encoding="utf-8")
    assert text == '{"a": "naevus café", "b": 1}\n{"a": 2}\n'
    assert [json.loads(line) for line in text.splitlines()] == rows
