"""Presentations page: members by name with malignancy and the book's quote (title, printed and PDF
page); chosen pairs are accepted as differentials in bulk; membership is accepted or rejected."""

from __future__ import annotations

from kg.models import EventQuery
from studio import state
from tests.studio.conftest import open_app, plain, table_with
from tests.studio.queues_graph import BLISTER_QUOTE, BLISTERS


def test_members_quote_and_existing_pairs_are_shown(queues_env):
    at = open_app("cleo", "pages/presentations.py")
    rows = table_with(at, "membership")
    assert [(r["diagnosis"], r["malignancy"]) for r in rows] == [
        ("Bullous pemphigoid", "benign"),
        ("Dermatitis herpetiformis", "unknown"),
        ("Pemphigus vulgaris", "unknown"),
    ]
    text = " ".join(plain(m.value) for m in at.markdown) + " ".join(plain(c.value) for c in at.caption)
    assert BLISTER_QUOTE in text and "BAD handbook (3rd ed.), p. 60 (PDF page 61)" in text
    assert "Bullous pemphigoid ↔ Pemphigus vulgaris (accepted)" in text
    options = at.multiselect(key=state.per(state.PR_PAIRS, BLISTERS)).options
    assert options == [
        "Bullous pemphigoid ↔ Dermatitis herpetiformis",
        "Dermatitis herpetiformis ↔ Pemphigus vulgaris",
    ]


def test_chosen_pairs_are_accepted_in_bulk_one_event_each(queues_env, read_store):
    at = open_app("cleo", "pages/presentations.py")
    pairs = at.multiselect(key=state.per(state.PR_PAIRS, BLISTERS))
    pairs.select("bullous-pemphigoid|dermatitis-herpetiformis").select(
        "dermatitis-herpetiformis|pemphigus-vulgaris"
    ).run()
    at.text_input(key=state.per(state.PR_NOTE, BLISTERS)).input("all three blister").run()
    at.button(key=state.per(state.PR_ACCEPT_PAIRS, BLISTERS)).click().run()
    assert not at.exception
    assert any("Differentials from Causes of blisters: 2 accepted." in plain(s.value) for s in at.success)
    accepts = [e for e in read_store.list_events(EventQuery(action="accept")).items if e.user == "cleo"]
    assert len(accepts) == 2
    for e in accepts:
        a = read_store.get_assertion(e.target)
        assert a.kind == "ddx" and a.status == "accepted" and "all three blister" in a.note
        assert a.evidence[0].quote == BLISTER_QUOTE
    assert at.multiselect(key=state.per(state.PR_PAIRS, BLISTERS)).options == []  # all pairs present


def test_membership_reject_needs_a_reason(queues_env, read_store):
    at = open_app("cleo", "pages/presentations.py")
    member = at.selectbox(key=state.per(state.PR_MEMBER, BLISTERS))
    member.select_index(1).run()  # Dermatitis herpetiformis
    at.button(key=state.per(state.PR_MEMBER_REJECT, BLISTERS)).click().run()
    assert at.error
    at.text_input(key=state.per(state.PR_MEMBER_REASON, BLISTERS)).input("not in this list").run()
    at.button(key=state.per(state.PR_MEMBER_REJECT, BLISTERS)).click().run()
    assert any(
        "Dermatitis herpetiformis is not one of Causes of blisters" in plain(s.value) for s in at.success
    )
    rows = {r["diagnosis"]: r["membership"] for r in table_with(at, "membership")}
    assert rows["Dermatitis herpetiformis"] == "not a member"
    (event,) = read_store.list_events(EventQuery(action="reject")).items
    assert (event.user, event.reason) == ("cleo", "not in this list")


def test_the_presentation_is_accepted_or_rejected_on_the_page(queues_env, read_store):
    at = open_app("cleo", "pages/presentations.py")
    assert any("Presentation: accepted" in plain(c.value) for c in at.caption)
    at.button(key=state.per(state.PR_NODE_REJECT, BLISTERS)).click().run()
    assert at.error  # no reason given
    at.text_input(key=state.per(state.PR_NODE_REASON, BLISTERS)).input("a heading, not a presentation").run()
    at.button(key=state.per(state.PR_NODE_REJECT, BLISTERS)).click().run()
    assert any("rejected as a presentation" in plain(s.value) for s in at.success)
    assert read_store.get_finding(BLISTERS).status == "rejected"
    (event,) = read_store.list_events(EventQuery(action="reject", target=BLISTERS)).items
    assert (event.user, event.target_type, event.reason) == (
        "cleo",
        "finding",
        "a heading, not a presentation",
    )
    at.button(key=state.per(state.PR_NODE_ACCEPT, BLISTERS)).click().run()
    assert read_store.get_finding(BLISTERS).status == "accepted"
