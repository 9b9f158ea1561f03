"""Writing output files so that nothing is ever half-written: a folder or file appears whole or not
at all, and a failed run leaves the previous output intact.

Every stage that writes files uses these (``kg`` is at the bottom of the import graph, so ``ingest``,
``synth`` and ``studio`` can; ``train`` imports nothing of ours and keeps its own).

Example:
    >>> with atomic_dir(Path("out/rl")) as tmp:  # doctest: +SKIP
    ...     write_jsonl(tmp / "train.jsonl", rows)
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from dermkg.errors import OutputError

_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def _output_error(target: Path, exc: OSError) -> OutputError:
    """One line naming ``target`` (a write error on a full disk carries no file name of its own)."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    if exc.errno in _FULL:
        reason += " (the disk or quota is full)"
    return OutputError(f"cannot write {target}: {reason}; the previous output is unchanged")


@contextmanager
def atomic_file(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Yield a file open on a unique sibling of ``path``; on success it is flushed to disk and renamed
    over ``path``, on any error it is deleted and ``path`` keeps its previous content.
    OSError (a full disk) becomes :class:`OutputError` naming ``path``."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, Any] = {} if "b" in mode else {"encoding": "utf-8", "newline": ""}
        with open(tmp, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _output_error(path, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_dir(target: Path) -> Iterator[Path]:
    """Yield a fresh sibling folder; on success it replaces ``target``, on error it is deleted."""
    target = Path(target)
    tmp = target.parent / f".{target.name}.tmp-{uuid.uuid4().hex[:8]}"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.mkdir()  # not mkdtemp: the result keeps the umask's permissions, not 0700
    except OSError as exc:
        raise _output_error(target, exc) from None
    try:
        yield tmp
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise _output_error(target, exc) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
    try:
        if target.exists():
            os.replace(target, old)
        os.replace(tmp, target)
    except OSError as exc:
        if old.exists() and not target.exists():
            os.replace(old, target)
        shutil.rmtree(tmp, ignore_errors=True)
        raise _output_error(target, exc) from None
    shutil.rmtree(old, ignore_errors=True)


def atomic_write_text(path: Path, text: str) -> Path:
    """Write ``text`` to a unique sibling and rename it over ``path`` (safe across threads/processes)."""
    with atomic_file(Path(path)) as fh:
        fh.write(text)
    return Path(path)


@contextmanager
def atomic_files(paths: list[Path], mode: str = "w") -> Iterator[list[IO[Any]]]:
    """Several files written together: all temporaries are written first and renamed only when every
    one is complete, so a full disk replaces none of them."""
    paths = [Path(p) for p in paths]
    tmps = [p.with_name(f".{p.name}.tmp-{uuid.uuid4().hex[:8]}") for p in paths]
    handles: list[IO[Any]] = []
    current = paths[0] if paths else Path(".")
    try:
        for p, t in zip(paths, tmps, strict=True):
            current = p
            p.parent.mkdir(parents=True, exist_ok=True)
            kwargs: dict[str, Any] = {} if "b" in mode else {"encoding": "utf-8", "newline": ""}
            handles.append(open(t, mode, **kwargs))  # noqa: SIM115 - closed below
        yield handles
        for p, h in zip(paths, handles, strict=True):
            current = p
            h.flush()
            os.fsync(h.fileno())
            h.close()
        for p, t in zip(paths, tmps, strict=True):
            current = p
            os.replace(t, p)
    except OSError as exc:
        raise _output_error(current, exc) from None
    finally:
        for h in handles:
            h.close()
        for t in tmps:
            t.unlink(missing_ok=True)


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    """One JSON object a line, keys sorted, UTF-8 kept: the same rows give the same bytes."""
    n = 0
    with Path(path).open("w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
            n += 1
    return n
