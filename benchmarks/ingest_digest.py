"""What an ingest stores, as one canonical JSON digest: the check that a speed change changed nothing.

Ingests the BAD handbook, the development corpus books (tests/ingest/corpus_texts.py) and the
synthetic text book, in that order, into (a) one fresh seeded SQLite store and (b) a bare store
holding the handbook only (the benchmark's set-up), then writes every source, diagnosis, finding,
assertion (id, kind, relation, score, status, evidence), case and the per-document summaries, with
timestamps, event ids and temporary paths dropped. Run it on two checkouts and compare:

    PYTHONPATH=/work/main python benchmarks/ingest_digest.py before.json
    PYTHONPATH=$PWD python benchmarks/ingest_digest.py after.json
    python benchmarks/ingest_digest.py --compare before.json after.json   # exit 1 on any difference
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_BAD = REPO.parent / "shared" / "data" / "bad-handbook" / "bad-derm-handbook-3rd-ed.pdf"
VOLATILE = {"created_at", "reviewed_at", "at", "seconds", "image_path", "path", "id_event"}


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in sorted(value.items()) if k not in VOLATILE}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def books(folder: Path, bad: Path) -> list[Path]:
    """The handbook, then the corpus books and the synthetic book rendered into ``folder`` (kept when
    already there: a rendered PDF's file id and dates change its sha256, hence every evidence id)."""
    from tests.ingest import corpus_texts as T
    from tests.ingest.corpus_render import render_book
    from tests.ingest.synthetic_book import build_textbook

    folder.mkdir(parents=True, exist_ok=True)
    out = [bad]
    for name in ("OLD_PROSE", "QUESTIONS", "TWO_COLUMN", "HELD_OUT", "LECTURE_NOTES"):
        path = folder / f"{name.lower()}.pdf"
        if not path.is_file():
            render_book(path, getattr(T, name), getattr(T, f"{name}_STYLE"))
        out.append(path)
    if not (path := folder / "synthetic.pdf").is_file():
        build_textbook(path, repeat=3)
    return [*out, path]


def digest(paths: list[Path], folder: Path, *, seed: bool) -> dict[str, Any]:
    from ingest.pipeline import IngestPipeline
    from kg.export import export_store
    from kg.seed import init_store
    from kg.store import make_store

    store = make_store(f"sqlite:///{folder}/kg-{int(seed)}.db").open()
    try:
        if seed:
            init_store(store)
        dry = IngestPipeline(store, data_dir=folder, dry_run=True).run(paths[:1])
        summary = IngestPipeline(store, data_dir=folder).run(paths)
        export = export_store(store).model_dump(mode="json")
    finally:
        store.close()
    export.pop("events", None)  # ids and times; the assertions and their statuses carry the content
    counts: dict[str, int] = {}
    for a in export["assertions"]:
        key = f"{a['kind']}/{a.get('relation') or '-'}/{a['status']}"
        counts[key] = counts.get(key, 0) + 1
    return {
        "counts": dict(sorted(counts.items())),
        "dry_run": _clean(dry.model_dump(mode="json")),
        "summary": _clean(summary.model_dump(mode="json")),
        "store": _clean(export),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, nargs="?")
    parser.add_argument("--bad", type=Path, default=DEFAULT_BAD)
    parser.add_argument("--books", type=Path, default=Path(tempfile.gettempdir()) / "dermkg-digest-books")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        a, b = (json.loads(p.read_text("utf-8")) for p in args.compare)
        diffs = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
        for key in diffs:
            print(f"differs: {key}")
        print(json.dumps({"identical": not diffs, "sha256": [a.get("sha256"), b.get("sha256")]}))
        return 1 if diffs else 0
    sys.path.insert(0, str(REPO))
    with tempfile.TemporaryDirectory() as tmp:
        paths = books(args.books, args.bad)
        report: dict[str, Any] = {}
        for name, seed, chosen in (("seeded_all_books", True, paths), ("bare_handbook", False, paths[:1])):
            (Path(tmp) / name).mkdir()
            for key, value in digest(chosen, Path(tmp) / name, seed=seed).items():
                report[f"{name}.{key}"] = value
    text = json.dumps(report, sort_keys=True)
    report["sha256"] = hashlib.sha256(text.encode()).hexdigest()
    summary = {k: v for k, v in report.items() if k.endswith(".counts") or k == "sha256"}
    print(json.dumps(summary, indent=2))
    if args.out:
        args.out.write_text(json.dumps(report, sort_keys=True, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
