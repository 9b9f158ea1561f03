"""Writing output files so that nothing is ever half-written: a folder or file appears whole or not
at all, and a failed run leaves the previous output intact.

Every stage that writes files uses these (``kg`` is at the bottom of the import graph, so ``ingest``,
``synth`` and ``studio`` can; ``train`` imports nothing of ours and keeps its own).

Example:
    >>> with atomic_dir(Path("out/rl")) as tmp:  # doctest: +SKIP
    ...     write_jsonl(tmp / "train.jsonl", rows)
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def atomic_dir(target: Path) -> Iterator[Path]:
    """Yield a fresh sibling folder; on success it replaces ``target``, on error it is deleted."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()  # not mkdtemp: the result keeps the umask's permissions, not 0700
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
    if target.exists():
        os.replace(target, old)
    os.replace(tmp, target)
    shutil.rmtree(old, ignore_errors=True)


def atomic_write_text(path: Path, text: str) -> Path:
    """Write ``text`` to a unique sibling and rename it over ``path`` (safe across threads/processes)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    """One JSON object a line, keys sorted, UTF-8 kept: the same rows give the same bytes."""
    n = 0
    with Path(path).open("w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
            n += 1
    return n
