"""Reading annotations into curation plans and applying them to a real embedded store (no server)."""

from __future__ import annotations

import pytest

from dermkg.errors import InputError
from kg.models import EventQuery
from kg.store import GraphStore
from studio.labelstudio._apply import (
    CasePlan,
    DdxPlan,
    already_applied,
    apply_ddx,
    conflict,
    plan_case,
    plan_ddx,
)

Graph = tuple[GraphStore, dict[str, str]]
SHOWN = {"subject_name": "Cellulitis", "object_name": "Venous thrombosis"}
MARK = "[labelstudio annotation u-1 result abc]"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        # accept alone
        ({"decision": ["accept"]}, DdxPlan(decision="accept")),
        # reject with its reason
        (
            {"decision": ["reject"], "reason": ["different site"]},
            DdxPlan(decision="reject", reason="different site"),
        ),
        # uncertain needs nothing else
        ({"decision": ["uncertain"], "reason": []}, DdxPlan(decision="uncertain")),
        # a correction is resolved by exact name (case-insensitive)
        (
            {"decision": ["accept"], "correction": ["ERYSIPELAS"]},
            DdxPlan(decision="accept", new_object="erysipelas"),
        ),
        # reject without a reason
        ({"decision": ["reject"]}, ["a rejection needs a reason (fill in 'Reason')"]),
        # a correction with a rejection is ambiguous
        (
            {"decision": ["reject"], "reason": ["x"], "correction": ["Erysipelas"]},
            ["choose accept, not reject"],
        ),
        # a correction naming the first diagnosis itself
        ({"decision": ["accept"], "correction": ["cellulitis"]}, ["is the first diagnosis itself"]),
        # a correction that names nothing in the graph, with a suggestion
        (
            {"decision": ["accept"], "correction": ["Erisypelas"]},
            ["no diagnosis of the graph (did you mean: Erysipelas"],
        ),
    ],
)
def test_plan_ddx(graph: Graph, given: dict[str, list[str]], expected: DdxPlan | list[str]) -> None:
    got = plan_ddx(graph[0], "cellulitis", given)
    if isinstance(expected, DdxPlan):
        assert got == expected
    else:
        assert isinstance(got, list) and len(got) == 1 and expected[0] in got[0]


IDS = {"Erysipelas": "erysipelas", "Gone": "no-such-diagnosis"}


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"decision": ["accept"]}, CasePlan(decision="accept")),  # keep as labelled
        ({"decision": ["exclude"], "reason": ["blurry"]}, CasePlan(decision="exclude", reason="blurry")),
        (
            {"decision": ["relabel"], "diagnosis": ["Erysipelas"]},
            CasePlan(decision="relabel", diagnosis="erysipelas"),
        ),
        ({"decision": ["exclude"]}, "needs a reason"),  # exclusion must say why
        ({"decision": ["relabel"]}, "needs a diagnosis"),  # relabel to nothing
        ({"decision": ["relabel"], "diagnosis": ["Gone"]}, "not in the graph any more"),  # stale option
        ({"decision": ["accept"], "diagnosis": ["Erysipelas"]}, "decision is 'accept'"),  # contradictory
    ],
)
def test_plan_case(graph: Graph, given: dict[str, list[str]], expected: CasePlan | str) -> None:
    got = plan_case(graph[0], IDS, given)
    if isinstance(expected, CasePlan):
        assert got == expected
    else:
        assert isinstance(got, list) and expected in got[0]


def test_no_conflict_while_proposed_or_decided_by_the_same_user(graph: Graph) -> None:
    store, ids = graph
    assert conflict(store, "ddx", ids["thrombosis"], "alice", SHOWN) is None
    store.review(ids["thrombosis"], "accept", user="alice")
    assert conflict(store, "ddx", ids["thrombosis"], "alice", SHOWN) is None  # alice changes her own mind


def test_conflict_when_another_user_decided_or_the_pair_changed(graph: Graph) -> None:
    store, ids = graph
    store.update_diagnosis("venous-thrombosis", {"name": "Deep vein thrombosis"}, user="bob")
    assert "edited in dermkg after the push" in (
        conflict(store, "ddx", ids["thrombosis"], "alice", SHOWN) or ""
    )
    store.review(ids["thrombosis"], "reject", user="bob", reason="no")
    assert "already rejected by bob" in (conflict(store, "ddx", ids["thrombosis"], "alice", SHOWN) or "")
    assert "no longer in the graph" in (conflict(store, "ddx", "a-missing", "alice", SHOWN) or "")


def test_case_conflicts(graph: Graph) -> None:
    store, ids = graph
    shown = {"diagnosis_name": "Cellulitis"}
    assert conflict(store, "cases", ids["case"], "alice", shown) is None
    store.update_case(ids["case"], {"diagnosis": "erysipelas"}, user="bob")
    assert "relabelled in dermkg" in (conflict(store, "cases", ids["case"], "alice", shown) or "")


def test_applied_marker_is_found_in_the_audit_log(graph: Graph) -> None:
    store, ids = graph
    assert not already_applied(store, ids["thrombosis"], MARK)
    actions = apply_ddx(
        store, ids["thrombosis"], DdxPlan(decision="accept"), user="alice", marker=MARK, votes=1
    )
    assert actions == ["accept"]
    assert already_applied(store, ids["thrombosis"], MARK)
    assert not already_applied(store, ids["thrombosis"], MARK.replace("abc", "abd"))  # an edited annotation


def test_consensus_vote_is_recorded_without_a_final_decision(graph: Graph) -> None:
    store, ids = graph
    actions = apply_ddx(
        store, ids["thrombosis"], DdxPlan(decision="accept"), user="alice", marker=MARK, votes=2
    )
    assert actions == ["vote"]
    assert store.get_assertion(ids["thrombosis"]).status == "proposed"  # type: ignore[union-attr]
    assert already_applied(store, ids["thrombosis"], MARK)


def test_a_failing_write_leaves_nothing_behind(graph: Graph) -> None:
    store, ids = graph
    events_before = store.list_events().total
    # correcting thrombosis -> insufficiency collides with the existing cellulitis/insufficiency assertion
    plan = DdxPlan(decision="accept", new_object="chronic-venous-insufficiency")
    with pytest.raises(InputError, match="already states"):
        apply_ddx(store, ids["thrombosis"], plan, user="alice", marker=MARK, votes=1)
    assert store.list_events().total == events_before
    assert store.list_events(EventQuery(target=ids["thrombosis"], user="alice")).total == 0
