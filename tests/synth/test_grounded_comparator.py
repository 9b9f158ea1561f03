"""The grounded comparator: discriminating features only, never an invented one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from synth.comparators import Comparison
from synth.comparators.grounded import GroundedComparator
from synth.groundedness import check_groundedness
from synth.lexicon import Lexicon, default_lexicon

BCC = (
    "pigment network: absent; vascular structures: arborizing; blue whitish veil: absent. location: head neck"
)
NEVUS = "pigment network: typical; dots and globules: regular; vascular structures: absent. location: back"


def test_keep_names_the_primary_features_and_the_missing_partner_features() -> None:
    text = GroundedComparator().compare(
        Comparison(
            mode="keep",
            primary_name="Basal cell carcinoma",
            primary_rule=BCC,
            partner_name="Dermal nevus",
            partner_rule=NEVUS,
        )
    )
    assert text.startswith(
        "The lesion shows arborizing vascular structures and head neck site, "
        "consistent with Basal cell carcinoma"
    )
    # the primary explicitly says the typical network is absent; regular globules are just not stated
    assert "typical pigment network" in text and "regular dots and globules" in text
    assert "not described in this case" in text


def test_switch_argues_for_the_partner() -> None:
    text = GroundedComparator().compare(
        Comparison(
            mode="switch",
            primary_name="Basal cell carcinoma",
            primary_rule=BCC,
            partner_name="Dermal nevus",
            partner_rule=NEVUS,
        )
    )
    assert "consistent with Dermal nevus" in text
    assert "arborizing vascular structures" in text and "expected in Basal cell carcinoma" in text


def test_identical_profiles_give_no_reasoning() -> None:
    item = Comparison(mode="keep", primary_name="A", primary_rule=BCC, partner_name="B", partner_rule=BCC)
    assert GroundedComparator().compare(item) == ""


def test_deterministic_identity_tracks_the_lexicon() -> None:
    """Two builds agree (the row input hash is stable); one more synonym changes the identity."""
    concepts = list(default_lexicon().concepts.values())
    first, rest = concepts[0], concepts[1:]
    widened = first.model_copy(update={"synonyms": (*first.synonyms, "zz-new-synonym")})
    same = GroundedComparator(Lexicon(concepts)).identity()
    assert same == GroundedComparator().identity()
    assert GroundedComparator(Lexicon([widened, *rest])).identity() != same


_SYNONYMS = sorted({s for c in default_lexicon().concepts.values() for s in c.synonyms})
_clause = st.builds(
    lambda words, neg: ("no " if neg else "") + " ".join(words),
    st.lists(st.sampled_from(_SYNONYMS), min_size=1, max_size=3),
    st.booleans(),
)
_rule = st.lists(_clause, min_size=0, max_size=5).map("; ".join)


@settings(max_examples=200, deadline=None)
@given(r_p=_rule, r_d=_rule, mode=st.sampled_from(["keep", "switch"]))
def test_never_invents_a_feature(r_p: str, r_d: str, mode: str) -> None:
    item = Comparison(
        mode=mode, primary_name="Primary dx", primary_rule=r_p, partner_name="Partner dx", partner_rule=r_d
    )
    text = GroundedComparator().compare(item)
    if text:
        result = check_groundedness(text, r_p, r_d, names=["Primary dx", "Partner dx"])
        assert result.passed, (text, result.reasons)
