"""What only the embedded backend promises: a durable file, crash safety, cross-process locking."""

from __future__ import annotations

import multiprocessing as mp
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dermkg.errors import ConflictError, CycleError, InputError, StoreUnavailableError
from kg.models import Assertion, Diagnosis
from kg.store import _semantics as sem
from kg.store import make_store
from kg.store.sqlite import SQLiteGraphStore

REPO = Path(__file__).resolve().parents[3]


def test_the_file_is_in_wal_mode_with_foreign_keys_and_survives_reopening(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sub' / 'kg.db'}"
    with make_store(url) as store:
        store.upsert_diagnoses([Diagnosis(id="a", name="Alpha")])
        conn = store.conn  # type: ignore[attr-defined]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    with make_store(url) as store:
        assert store.resolve_name("alpha").id == "a"  # type: ignore[union-attr]
        assert store.revision() == 1


def test_constructor_does_no_io_and_bad_urls_fail_clearly(tmp_path: Path) -> None:
    store = SQLiteGraphStore(f"sqlite:///{tmp_path / 'never' / 'kg.db'}")
    assert not (tmp_path / "never").exists()
    with pytest.raises(InputError):
        SQLiteGraphStore("sqlite://")
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(StoreUnavailableError, match="dir.db"):
        SQLiteGraphStore(f"sqlite:///{tmp_path / 'dir.db'}").open()
    with pytest.raises(StoreUnavailableError):
        store.revision()  # not opened


def test_changes_by_another_connection_are_seen_by_cached_lookups(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kg.db'}"
    with make_store(url) as one, make_store(url) as two:
        one.upsert_diagnoses([Diagnosis(id="a", name="Acanthoma")])
        assert [m.diagnosis.id for m in two.suggest_names("acanthomas")] == ["a"]
        one.upsert_diagnoses([Diagnosis(id="b", name="Acanthosis nigricans")])
        assert "b" in [m.diagnosis.id for m in two.suggest_names("acanthosis", min_score=50)]


_BIG_BATCH = textwrap.dedent(
    """
    import sys
    from kg.models import Assertion, Diagnosis
    from kg.store import make_store

    store = make_store(sys.argv[1]).open()
    n = int(sys.argv[2])
    dx = [Diagnosis(id=f"d{i:06d}", name=f"Diagnosis {i}") for i in range(n)]
    ddx = [Assertion(kind="ddx", subject=f"d{i:06d}", object=f"d{(i + 1) % n:06d}", origin="llm")
           for i in range(n)]
    with store.transaction():
        print("in-transaction", flush=True)
        store.upsert_diagnoses(dx)
        store.add_assertions(ddx)
    print("committed", flush=True)
    """
)


def test_a_process_killed_mid_batch_leaves_all_or_none_of_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kg.db'}"
    with make_store(url) as store:  # an earlier, committed batch
        store.upsert_diagnoses([Diagnosis(id="kept", name="Kept")])
    proc = subprocess.Popen(
        [sys.executable, "-c", _BIG_BATCH, url, "60000"], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "in-transaction"
    time.sleep(0.5)  # well inside the batch (it takes several seconds)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the batch finished before the kill; make it bigger"
    conn = sqlite3.connect(tmp_path / "kg.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with make_store(url) as store:
        assert [d.id for d in store.list_diagnoses()] == ["kept"]
        assert store.query_assertions(store_query()).total == 0
        assert store.revision() == 1
        store.upsert_diagnoses([Diagnosis(id="after", name="After")])  # still writable
        assert store.count_diagnoses() == 2


def test_a_completed_batch_is_all_there(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kg.db'}"
    out = subprocess.run(
        [sys.executable, "-c", _BIG_BATCH, url, "500"], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    with make_store(url) as store:
        assert store.count_diagnoses() == 500
        assert store.query_assertions(store_query()).total == 500


def store_query():  # noqa: ANN201 - tiny helper
    from kg.models import AssertionQuery

    return AssertionQuery(kind="ddx", limit=1)


def _race(url: str, op: str, item: str, version: int, barrier: mp.Barrier, results: mp.Queue) -> None:  # type: ignore[type-arg]
    store = make_store(url).open()
    try:
        barrier.wait(timeout=30)
        if op == "accept":
            store.review(item, "accept", user=mp.current_process().name, expected_version=version)
        else:
            store.update_diagnosis(
                item, {"malignancy": "benign"}, user=mp.current_process().name, expected_version=version
            )
        results.put("ok")
    except ConflictError:
        results.put("conflict")
    except Exception as exc:  # pragma: no cover - reported by the assertion below
        results.put(f"error: {exc!r}")
    finally:
        store.close()


@pytest.mark.parametrize("op", ["accept", "edit"])
def test_two_processes_racing_one_update_exactly_one_wins(tmp_path: Path, op: str) -> None:
    url = f"sqlite:///{tmp_path / 'kg.db'}"
    with make_store(url) as store:
        store.upsert_diagnoses([Diagnosis(id="a", name="Alpha"), Diagnosis(id="b", name="Beta")])
        a = store.add_assertion(Assertion(kind="ddx", subject="a", object="b", origin="llm"))
        item, version = (a.id, a.version) if op == "accept" else ("a", 1)
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [
        ctx.Process(target=_race, args=(url, op, item, version, barrier, results), name=f"curator-{i}")
        for i in range(2)
    ]
    for p in procs:
        p.start()
    outcomes = sorted(results.get(timeout=60) for _ in procs)
    for p in procs:
        p.join(timeout=30)
    assert outcomes == ["conflict", "ok"]
    with make_store(url) as store:
        expected_action = "accept" if op == "accept" else "edit"
        assert sum(1 for e in store.iter_events() if e.action == expected_action) == 1


# -- properties: random curation sessions keep the invariants ---------------------------------
_IDS = [f"d{i}" for i in range(6)]
_OPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("add"),
            st.sampled_from(["is_a", "ddx"]),
            st.sampled_from(_IDS),
            st.sampled_from(_IDS),
            st.booleans(),
        ),
        st.tuples(st.just("review"), st.integers(0, 30), st.sampled_from(["accept", "reject", "supersede"])),
        st.tuples(st.just("merge"), st.sampled_from(_IDS), st.sampled_from(_IDS)),
    ),
    max_size=25,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=_OPS)
def test_random_sessions_keep_invariants_and_round_trip(tmp_path: Path, ops: list[tuple]) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    with make_store(f"sqlite:///{folder / 'a.db'}") as store:
        store.upsert_diagnoses([Diagnosis(id=i, name=f"Name {i}") for i in _IDS])
        revisions = [store.revision()]
        for op in ops:
            try:
                if op[0] == "add":
                    _, kind, s, o, accepted = op
                    store.add_assertion(
                        Assertion(
                            kind=kind,
                            subject=s,
                            object=o,
                            origin="human",
                            status="accepted" if accepted else "proposed",
                        )
                    )
                elif op[0] == "review":
                    items = list(store.iter_assertions())
                    if items:
                        store.review(items[op[1] % len(items)].id, op[2], user="u", reason="r")
                else:
                    store.merge_diagnoses(op[1], op[2], user="u")
            except (InputError, CycleError):
                pass  # refused operations change nothing; checked by the invariants below
            revisions.append(store.revision())
        assert revisions == sorted(revisions)
        accepted_is_a = store.edges("is_a")
        assert sem.find_cycle(accepted_is_a) is None
        for a in store.iter_assertions():
            assert a.subject != a.object
            if a.kind == "ddx":
                assert a.subject < a.object
            assert store.get_diagnosis(a.subject) is not None and store.get_diagnosis(a.object) is not None
        for i in _IDS:  # every id, merged or not, still resolves
            assert store.get_diagnosis(i) is not None
        export = store.export_graph()
    with make_store(f"sqlite:///{folder / 'b.db'}") as copy:
        copy.restore(export)
        assert copy.export_graph() == export
