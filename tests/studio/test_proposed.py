"""The proposed-diagnoses queue: suggestions name the nearest established diagnosis; accept, reject
and merge each go through the store with the curator and a reason (audit log)."""

from __future__ import annotations

import pytest

from dermkg.errors import InputError
from kg.models import EventQuery
from studio.proposed import accept_proposed, merge_proposed, proposed_diagnoses, reject_proposed
from tests.studio.queues_graph import build_queues_graph, curator_actions


@pytest.fixture
def store(any_store, shared_data):
    build_queues_graph(any_store, shared_data)
    return any_store


def test_the_queue_lists_proposed_names_with_the_nearest_existing_one(store):
    items = {i.diagnosis.id: i for i in proposed_diagnoses(store)}
    assert set(items) == {
        "basal-cell-carcinom",
        "itchy-rash",
        "pityriasis-versicolor",
        "herpes-simplex-infection",
    }
    assert [s.name for s in items["basal-cell-carcinom"].suggestions][:1] == ["Basal cell carcinoma"]
    assert items["itchy-rash"].suggestions == []  # nothing close: no suggestion is invented
    assert list(items)[0] in {"basal-cell-carcinom", "herpes-simplex-infection"}  # the mentioned first


def test_accept_reject_and_merge_are_recorded_with_user_and_reason(store, users_template):
    actions = curator_actions(store, users_template)
    with pytest.raises(InputError, match="needs a reason"):
        reject_proposed(actions, "itchy-rash", "")
    assert reject_proposed(actions, "itchy-rash", "a symptom, not a diagnosis").status == "rejected"
    assert accept_proposed(actions, "pityriasis-versicolor", "").status == "accepted"
    kept = merge_proposed(actions, "basal-cell-carcinom", "bcc", "misspelling")
    assert kept.id == "bcc" and "Basal cell carcinom" in kept.synonyms
    assert store.find_assertion("ddx", "bcc", "naevus").evidence  # its assertion moved over
    with pytest.raises(InputError, match="already accepted"):
        accept_proposed(actions, "pityriasis-versicolor", "")
    events = {
        (e.action, e.target): e for e in store.list_events(EventQuery(limit=None)).items if e.user == "cleo"
    }
    reject = events[("edit", "itchy-rash")]
    assert (reject.before["status"], reject.after["status"], reject.reason) == (
        "proposed",
        "rejected",
        "a symptom, not a diagnosis",
    )
    assert events[("edit", "pityriasis-versicolor")].after["status"] == "accepted"
    assert "misspelling" in events[("merge", "bcc")].reason
    assert {i.diagnosis.id for i in proposed_diagnoses(store)} == {"herpes-simplex-infection"}


def test_a_viewer_cannot_decide(store, users_template):
    from studio.auth import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        accept_proposed(curator_actions(store, users_template, "vic"), "itchy-rash", "")
