"""Two curators in two processes decide the same assertion at the same moment, on both backends.

Exactly one decision wins, the other gets a ConflictError and changes nothing; votes cast without a
version check are never lost.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dermkg.errors import ConflictError
from kg.models import Assertion, Diagnosis, EventQuery
from kg.store import make_store

ROUNDS = 6


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kg.db'}"
    else:
        from tests.fixtures.neo4j_server import wipe_neo4j

        url = request.getfixturevalue("neo4j_url")
        wipe_neo4j(url)
        yield url


def _curator(url: str, user: str, decision: str, ids: list[str], barrier: Any, out: Any) -> None:
    """One curator process: at each barrier, decide one assertion (versioned), then vote (unversioned)."""
    with make_store(url) as store:
        for aid in ids:
            barrier.wait()
            try:
                store.review(aid, decision, user=user, reason="checked", expected_version=1)  # type: ignore[arg-type]
                out.put((aid, user, "won"))
            except ConflictError:
                out.put((aid, user, "conflict"))
            except Exception as exc:  # noqa: BLE001 (reported to the parent as a failure)
                out.put((aid, user, f"error: {exc!r}"))
        barrier.wait()
        store.review("a-votes", "accept", user=user, required_votes=2)
        out.put(("a-votes", user, "voted"))


def test_two_processes_deciding_one_assertion_exactly_one_wins(store_url: str) -> None:
    with make_store(store_url) as store:
        store.upsert_diagnoses([Diagnosis(id=f"d{i}", name=f"Diagnosis {i}") for i in range(ROUNDS + 2)])
        ids = [
            store.add_assertion(Assertion(kind="ddx", subject=f"d{i}", object=f"d{i + 1}", origin="llm")).id
            for i in range(ROUNDS)
        ]
        store.add_assertion(
            Assertion(id="a-votes", kind="is_a", subject="d0", object=f"d{ROUNDS + 1}", origin="llm")
        )
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    workers = [
        ctx.Process(target=_curator, args=(store_url, user, decision, ids, barrier, out))
        for user, decision in (("ann", "accept"), ("bob", "reject"))
    ]
    for w in workers:
        w.start()
    results = [out.get(timeout=120) for _ in range(2 * ROUNDS + 2)]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    with make_store(store_url) as store:
        for aid in ids:
            outcomes = sorted(r[2] for r in results if r[0] == aid)
            assert outcomes == ["conflict", "won"], outcomes
            winner = next(r[1] for r in results if r[0] == aid and r[2] == "won")
            got = store.get_assertion(aid)
            assert got is not None and got.version == 2 and got.reviewed_by == winner
            assert got.status == ("accepted" if winner == "ann" else "rejected")
            decisions = store.list_events(EventQuery(target=aid)).items
            assert [e.action for e in decisions] == [{"ann": "accept", "bob": "reject"}[winner], "create"]
        votes = store.get_assertion("a-votes")
        assert votes is not None and {v.user for v in votes.votes} == {"ann", "bob"}  # no lost vote
        assert votes.status == "accepted" and votes.version == 3
