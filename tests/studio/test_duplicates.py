"""The duplicates queue: the established term survives by default, a merge needs the pair's ids and
records a merge event, and "not duplicates" is an audit comment that removes the pair for everyone."""

from __future__ import annotations

import pytest

from dermkg.errors import InputError
from kg.duplicates import dismissed_pairs
from kg.models import EventQuery
from studio.duplicates import (
    default_plan,
    dismiss_duplicate,
    merge_duplicate,
    pending_duplicates,
)
from tests.studio.queues_graph import build_queues_graph, curator_actions


@pytest.fixture
def store(any_store, shared_data):
    build_queues_graph(any_store, shared_data)
    return any_store


def pair(store, *names):
    return next(i for i in pending_duplicates(store) if set(i.proposal.names) == set(names))


def test_the_obvious_pairs_are_listed_with_the_established_term_kept_by_default(store):
    tinea = pair(store, "Tinea versicolor", "Pityriasis versicolor")
    hsv = pair(store, "Herpes simplex", "Herpes simplex infection")
    assert default_plan(store, tinea).keep.name == "Tinea versicolor"  # accepted beats proposed
    plan = default_plan(store, hsv)
    assert plan.keep.name == "Herpes simplex"
    assert plan.drop.assertions == 1 and plan.new_synonyms == ["Herpes simplex infection"]


def test_merge_keeps_the_chosen_name_and_is_audited(store, users_template):
    actions = curator_actions(store, users_template)
    hsv = pair(store, "Herpes simplex", "Herpes simplex infection")
    with pytest.raises(InputError, match="surviving name"):
        merge_duplicate(actions, hsv, "melanoma", "")
    kept = merge_duplicate(actions, hsv, "herpes-simplex", "same disease")
    assert kept.id == "herpes-simplex" and "Herpes simplex infection" in kept.synonyms
    assert store.get_diagnosis("herpes-simplex-infection").id == "herpes-simplex"
    assert store.find_assertion("ddx", "herpes-simplex", "melanoma") is not None  # the DDx moved
    merges = store.list_events(EventQuery(action="merge")).items
    assert [(e.user, e.target) for e in merges] == [("cleo", "herpes-simplex")]
    assert hsv.proposal.id in merges[0].reason and "same disease" in merges[0].reason
    assert all("Herpes simplex" not in i.proposal.names for i in pending_duplicates(store))


def test_not_duplicates_needs_a_reason_and_the_pair_stops_showing(store, users_template):
    actions = curator_actions(store, users_template)
    tinea = pair(store, "Tinea versicolor", "Pityriasis versicolor")
    with pytest.raises(InputError, match="say why"):
        dismiss_duplicate(actions, tinea, "  ")
    event = dismiss_duplicate(actions, tinea, "checked: different organisms in this book")
    assert event.user == "cleo" and event.action == "comment"
    assert dismissed_pairs(store) == {tinea.proposal.id}
    assert all("Tinea versicolor" not in i.proposal.names for i in pending_duplicates(store))
    assert store.get_diagnosis("pityriasis-versicolor").status == "proposed"  # nothing merged


def test_a_viewer_can_neither_merge_nor_dismiss(store, users_template):
    from studio.auth import PermissionDeniedError

    viewer = curator_actions(store, users_template, "vic")
    hsv = pair(store, "Herpes simplex", "Herpes simplex infection")
    with pytest.raises(PermissionDeniedError):
        merge_duplicate(viewer, hsv, "herpes-simplex", "")
    with pytest.raises(PermissionDeniedError):
        dismiss_duplicate(viewer, hsv, "no")
