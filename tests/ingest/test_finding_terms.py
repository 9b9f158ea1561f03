"""Finding terms and their polarity, per clause, in the styles textbooks are written in."""

from __future__ import annotations

import pytest

from ingest.finding_terms import terms


def _read(sentence: str, masked: tuple[str, ...] = ()) -> dict[str, str]:
    return {t.name: t.relation for t in terms(sentence, masked=masked)}


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # modern textbook: dermoscopy structures, lexicon synonyms resolve to their concept
        (
            "Dermoscopy shows an atypical pigment network and a blue-white veil.",
            {"atypical pigment network": "typical", "blue whitish veil": "typical"},
        ),
        # modern: a negation before the term, a hedge before the term
        (
            "There is no scale, but the lesions may be annular.",
            {"scale": "against", "annular": "possible"},
        ),
        # old prose: "without", "absence of", ligatures and run-in heads
        (
            "Symptoms.—Flat vesicles upon the face of children, which heal without scarring.",
            {"vesicle": "typical", "face": "typical", "childhood": "typical", "scar": "against"},
        ),
        ("From scabies, by the absence of burrows.", {"burrow": "against"}),
        # a negation after the term
        ("Itching is slight or absent.", {"itchy": "against"}),
        # Q&A answer style: "never shows"
        ("A. It never shows a pigment network on dermoscopy.", {"pigment network": "against"}),
        # a hedge after the term speaks of what follows it, not of the nodule
        (
            "An ill-defined nodule which may ulcerate.",
            {"ill defined": "typical", "nodule": "typical", "ulcer": "possible"},
        ),
        # "rarely" is too weak either way
        ("Rarely itchy.", {}),
        # a types list names possible forms
        ("Types include nodular, superficial and keratotic forms.", {"keratotic": "possible"}),
    ],
)
def test_polarity_per_clause(sentence: str, expected: dict[str, str]) -> None:
    got = _read(sentence)
    for name, relation in expected.items():
        assert got.get(name) == relation, (name, got)
    if not expected:
        assert got == {}


@pytest.mark.parametrize(
    "sentence, absent",
    [
        ("Painful especially at night, worse when legs are elevated.", "palpable"),  # 'elevated' legs
        ("5% suffer from a symmetrical polyarthritis.", "symmetry"),  # a joint, not the lesion
        ("In richly pigmented skin it is less obvious.", "pigmented"),  # the patient's skin type
        ("The network of support for patients.", "pigment network"),  # no dermoscopy context
        ("It comes back every winter.", "back"),  # not the site
        ("Erythema multiforme shows target lesions.", "erythematous"),  # the name's own word
        ("It was formerly thought to be itchy.", "itchy"),  # an old opinion
        ("Unlike varicella, which is widespread, it follows a dermatome.", "generalised"),  # another disease
    ],
)
def test_words_that_are_no_findings_here(sentence: str, absent: str) -> None:
    assert absent not in _read(sentence, masked=("Erythema multiforme",))


@pytest.mark.parametrize(
    "sentence, name, type_",
    [
        (
            "In lichen planus the papules show Wickham's striae.",
            "Wickham's striae",
            "morphology",
        ),  # named sign
        ("A positive Nikolsky sign in pemphigus.", "Nikolsky sign", "morphology"),
        ("Honey-coloured crusts on the chin.", "honey-coloured crust", "morphology"),  # hyphenated descriptor
        ("Violaceous flat-topped papules on the wrists.", "flat-topped papule", "morphology"),
        ("Dermoscopy reveals a parallel ridge pattern.", "parallel ridge pattern", "dermoscopy"),
    ],
)
def test_new_findings_by_their_shape(sentence: str, name: str, type_: str) -> None:
    new = {t.name: t for t in terms(sentence) if not t.known}
    assert name in new and new[name].type == type_ and new[name].relation == "typical"


def test_a_differential_cue_describes_only_after_by() -> None:
    # "distinguished from cellulitis by ...": the border is erysipelas's; cellulitis's words are not
    got = _read("Erysipelas is distinguished from cellulitis by a well-defined, red raised border.")
    assert got == {"well demarcated": "typical", "erythematous": "typical", "palpable": "typical"}
    # a cue without "by" describes nothing
    assert _read("It may be mistaken for purpura when the lesions are livid.") == {}


def test_the_factored_lexicon_pattern_matches_exactly_what_the_flat_alternation_did() -> None:
    """Speed (issue 14): the lexicon alternation is factored by first letter; the matches must not move."""
    import re

    from ingest.finding_terms import _vocabulary

    vocab, table = _vocabulary()
    parts = sorted(table, key=len, reverse=True)
    flat = "|".join(r"[\s-]+".join(map(re.escape, p.split())) for p in parts)
    old = re.compile(r"(?<![\w-])(?:" + flat + r")(?![\w-])", re.I)
    texts = [
        *table,
        *(k.upper() for k in table),
        *(k.replace(" ", "-") for k in table),
        *(f"no {k}s, a {k} and x{k}" for k in table),
        "Itchy, flat-topped violaceous papules with Wickham's striae; no scale on the back of the neck.",
    ]
    for text in texts:
        assert [m.span() for m in vocab.finditer(text)] == [m.span() for m in old.finditer(text)], text
        assert bool(vocab.fullmatch(text)) == bool(old.fullmatch(text)), text
