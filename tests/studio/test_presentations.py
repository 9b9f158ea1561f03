"""Presentations: members with names, malignancy and the book's quote; chosen pairs become accepted
human differentials with that evidence, one decision per pair; existing pairs are not duplicated."""

from __future__ import annotations

import pytest

from dermkg.errors import InputError
from kg.models import EventQuery
from studio.presentations import accept_pairs, decide_membership, list_presentations, member_pairs
from tests.studio.queues_graph import BLISTER_QUOTE, BLISTERS, build_queues_graph, curator_actions


@pytest.fixture
def store(any_store, shared_data):
    build_queues_graph(any_store, shared_data)
    return any_store


def blisters(store):
    return next(p for p in list_presentations(store) if p.finding.id == BLISTERS)


def test_members_are_listed_by_name_with_malignancy_and_evidence(store):
    p = blisters(store)
    assert [(m.name, m.malignancy) for m in p.members] == [
        ("Bullous pemphigoid", "benign"),
        ("Dermatitis herpetiformis", None),
        ("Pemphigus vulgaris", None),
    ]
    assert [(e.quote, e.page, e.page_label) for e in p.evidence] == [(BLISTER_QUOTE, 61, "60")]
    present = {r["pair"]: r["in the graph"] for r in member_pairs(store, p)}
    assert present["Bullous pemphigoid ↔ Pemphigus vulgaris"] == "accepted"
    assert present["Dermatitis herpetiformis ↔ Pemphigus vulgaris"] == ""


def test_chosen_pairs_become_accepted_differentials_one_decision_each(store, users_template):
    actions = curator_actions(store, users_template)
    p = blisters(store)
    chosen = [
        ("bullous-pemphigoid", "dermatitis-herpetiformis"),
        ("dermatitis-herpetiformis", "pemphigus-vulgaris"),
        ("bullous-pemphigoid", "pemphigus-vulgaris"),  # already accepted: reported, not duplicated
    ]
    results = accept_pairs(actions, p, chosen, note="both blister")
    assert [r.outcome for r in results] == ["accepted", "accepted", "already accepted"]
    for a, b in chosen[:2]:
        ddx = store.find_assertion("ddx", a, b)
        assert (ddx.status, ddx.origin, ddx.reviewed_by) == ("accepted", "human", "cleo")
        assert [e.quote for e in ddx.evidence] == [BLISTER_QUOTE]
        assert ddx.evidence[0].context == "Causes of blisters" and "Causes of blisters" in ddx.note
    accepts = [
        e for e in store.list_events(EventQuery(action="accept", limit=None)).items if e.user == "cleo"
    ]
    assert sorted(e.target for e in accepts) == sorted(r.assertion_id for r in results[:2])
    with pytest.raises(InputError, match="not two members"):
        accept_pairs(actions, p, [("melanoma", "bullous-pemphigoid")])


def test_under_consensus_a_pair_gets_a_vote_not_a_final_accept(store, users_template):
    actions = curator_actions(store, users_template, k=2)
    (result,) = accept_pairs(actions, blisters(store), [("bullous-pemphigoid", "dermatitis-herpetiformis")])
    assert result.outcome == "vote recorded"
    assert store.get_assertion(result.assertion_id).status == "proposed"


def test_membership_is_accepted_or_rejected_with_a_reason(store, users_template):
    actions = curator_actions(store, users_template)
    p = blisters(store)
    dh = next(m for m in p.members if m.name == "Dermatitis herpetiformis")
    bp = next(m for m in p.members if m.name == "Bullous pemphigoid")
    with pytest.raises(InputError):
        decide_membership(actions, dh, False, "")
    assert decide_membership(actions, dh, False, "not a cause in this chapter").status == "rejected"
    assert decide_membership(actions, bp, True).status == "accepted"
    p = blisters(store)
    assert [m.name for m in p.rejected] == ["Dermatitis herpetiformis"]
    assert len(p.members) == 2
    reject = store.list_events(EventQuery(action="reject")).items[0]
    assert (reject.user, reject.target, reject.reason) == (
        "cleo",
        dh.assertion.id,
        "not a cause in this chapter",
    )


def test_the_presentation_itself_is_accepted_rejected_and_reverted(store, users_template):
    from kg.models import EventQuery as Q
    from studio.presentations import decide_presentation

    actions = curator_actions(store, users_template)
    p = blisters(store)
    before = p.finding.status
    with pytest.raises(InputError, match="reason"):
        decide_presentation(actions, p, False, " ")
    rejected = decide_presentation(actions, p, False, "a chapter heading, not a presentation")
    assert rejected.status == "rejected" and store.get_finding(BLISTERS).status == "rejected"
    (event,) = store.list_events(Q(action="reject", target=BLISTERS)).items
    assert (event.user, event.target_type, event.reason) == (
        "cleo",
        "finding",
        "a chapter heading, not a presentation",
    )
    # its member assertions keep their own review state
    assert {m.assertion.id: m.assertion.status for m in blisters(store).members} == {
        m.assertion.id: m.assertion.status for m in p.members
    }
    store.revert_event(event.id, user="cleo", reason="changed my mind")
    assert store.get_finding(BLISTERS).status == before == "accepted"
    decide_presentation(actions, blisters(store), False, "again")
    assert decide_presentation(actions, blisters(store), True).status == "accepted"
    assert [e.action for e in store.list_events(Q(target=BLISTERS)).items][:4] == [
        "accept",
        "reject",
        "revert",
        "reject",
    ]
