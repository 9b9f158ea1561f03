"""The bulk assertion load pauses Python's cyclic GC for its batch and always restores it."""

from __future__ import annotations

import gc

import pytest

from dermkg.errors import NotFoundError
from kg.models import Assertion, Diagnosis
from kg.store import GraphStore


def _pair(store: GraphStore) -> None:
    store.upsert_diagnoses([Diagnosis(id="a", name="alpha lesion"), Diagnosis(id="b", name="beta lesion")])


def test_the_collector_runs_again_after_a_load_and_after_a_failed_one(any_store: GraphStore) -> None:
    _pair(any_store)
    assert gc.isenabled()
    [stored] = any_store.add_assertions([Assertion(kind="ddx", subject="a", object="b", origin="human")])
    assert gc.isenabled() and any_store.get_assertion(stored.id) is not None
    with pytest.raises(NotFoundError, match="nowhere"):
        any_store.add_assertions([Assertion(kind="ddx", subject="a", object="nowhere", origin="human")])
    assert gc.isenabled()


def test_a_caller_that_turned_the_collector_off_keeps_it_off(any_store: GraphStore) -> None:
    _pair(any_store)
    gc.disable()
    try:
        any_store.add_assertions([Assertion(kind="ddx", subject="a", object="b", origin="human")])
        assert not gc.isenabled()
    finally:
        gc.enable()
