"""Merge planning: the established term survives by default; an accepted is-a pair never merges."""

from __future__ import annotations

import pytest

from dermkg.errors import InputError
from studio.merging import MergeSide, established_first, plan_merge


def side(id: str, status="accepted", origin="import", cases=0, assertions=0, name=None) -> MergeSide:
    return MergeSide(
        id=id,
        name=name or id.title(),
        status=status,
        origin=origin,
        synonyms=[],
        cases=cases,
        assertions=assertions,
    )


@pytest.mark.parametrize(
    ("a", "b", "keep"),
    [
        # an accepted term beats a proposed one, even with fewer cases
        (side("psoriasis", cases=1), side("chronic plaque", status="proposed", cases=9), "psoriasis"),
        # an imported term beats a machine-made one
        (side("tinea", origin="rules", cases=5), side("pityriasis", origin="import"), "pityriasis"),
        # same standing: more cases and assertions
        (side("hsv", cases=2, assertions=3), side("hsv infection", cases=1, assertions=1), "hsv"),
        # a full tie: the shorter name
        (side("herpes simplex infection"), side("herpes simplex"), "herpes simplex"),
    ],
)
def test_the_established_term_is_kept(a, b, keep):
    assert established_first(a, b)[0].id == keep
    assert established_first(b, a)[0].id == keep  # whichever end it is


def test_plan_counts_what_moves(studio_env, read_store):
    plan = plan_merge(read_store, "naevus", "melanoma")
    assert (plan.keep.id, plan.drop.id) == ("melanoma", "naevus")  # melanoma has more assertions
    assert plan.new_synonyms == ["Melanocytic naevus", "Mole"]
    assert plan.drop.cases == 1 and plan.drop.assertions == 3  # is-a + two DDx
    assert plan_merge(read_store, "naevus", "melanoma", keep="naevus").keep.id == "naevus"


def test_an_accepted_is_a_pair_is_refused_on_the_server(studio_env, read_store):
    from studio.actions import CurationActions
    from studio.auth import load_users

    cleo = load_users(studio_env["users"]).get("cleo")
    actions = CurationActions(read_store, cleo)
    with pytest.raises(InputError, match="accepted kind of the other"):
        actions.merge_diagnoses("melanocytic", "melanoma")  # parent into child: issue 15's damage
    assert read_store.get_diagnosis("melanocytic").id == "melanocytic"
