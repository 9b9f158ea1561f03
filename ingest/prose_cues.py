"""Differentials stated in prose the way books of every era state them, and what cancels them.

:mod:`ingest.ddx_rules` holds the anchored cue verbs ("is distinguished from", "resembles", ...). This
module adds the shapes that need the section's subject or the sentence's neighbours:

- "From X, by the absence of ..." / "... and from Y by ...": X pairs with the subject of the section;
- contrast sentences: "In X the lesions are ..., whereas (while, but; ';') in Y ..." pair X with Y;
- "X must be excluded" / "should be ruled out": X pairs with the section's subject;
- question-and-answer books: "How is X distinguished from Y?", "How does X differ from Y?" (the
  anchored verbs); questions whose answer holds the list and case answers are :mod:`ingest.qa_cues`;
- and what cancels a cue: a negation in the cue's own clause ("is not to be confounded with") and a
  hedge anywhere in the sentence ("formerly thought", "it has been suggested", "disputed"); a negated
  *difficulty* ("cannot be distinguished from", "not easily told apart") states a differential.

Every pattern is a shape of language, not one book's sentence (the development corpus measures them).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.patterns import negation
from ingest.prefilter import prefiltered

# Cross-reference marks and page references never belong to a name: "lichen planus*", "(p. 212)",
# "ringworm†", "(see p. 48)", "(Fig. 3)", "(q.v.)", superscript note numbers.
_XREF = re.compile(
    r"\s*\((?:(?:see|cf\.?)\s+)?(?:pp?\.|page|fig(?:ure)?s?\.?|plate|chap(?:ter)?\.?|q\.\s?v\.)[^()]*\)"
    r"|[*†‡§¶]+|[¹²³⁴⁵⁶⁷⁸⁹⁰]+",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)  # pure; four rule families strip the same sentences
def strip_marks(text: str) -> str:
    """'lichen planus* (p. 124)' -> 'lichen planus'."""
    return _XREF.sub("", text)


_HEDGE = re.compile(
    r"\b(?:formerly|once|previously|long|erroneously|wrongly)\s+(?:been\s+)?(?:thought|believed|regarded|"
    r"considered|classed|classified|held|supposed|confounded|confused|included)\b|\bwas\s+(?:once\s+)?thought\b|"
    r"\bit\s+has\s+been\s+(?:suggested|claimed|proposed|argued)\b|\bhave\s+suggested\b|\bnever\s+proved\b|"
    r"\bremains?\s+disputed\b|\bis\s+disputed\b|\bso-called\b|"
    # a likeness of name only, or a denied kinship: "resembles in name only", "in no way related to"
    r"\bin\s+name\s+only\b|\bin\s+no\s+way\s+related\b|\bbears?\s+no\s+relation\b|\bhas\s+nothing\s+to\s+do\b",
    re.IGNORECASE,
)
_NEG = negation("not|never|no|nor|neither|unlike|unnecessary|needless|superfluous")
# A negated difficulty or frequency states the differential: "cannot be distinguished", "not easily
# told apart", "not infrequently mistaken for"; so does a warning: "must not be confounded with", "is not to
# be mistaken for" (old books' way of saying "take care to distinguish").
_POSITIVE_NEG = re.compile(
    r"\b(?:cannot|can\s+not|can['’]t)\b|\b(?:must|should|ought)\s+(?:not|never)\b|\bnot\s+to\s+be\b|\bnot\s+(?:always|easily|readily|infrequently|uncommonly|rarely|seldom|"
    r"unusually|possible|easy)\b|\bno\s+means\s+easy\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)  # pure; asked of the same sentences by several rules
def is_hedged(sentence: str) -> bool:
    """The sentence reports an old or disputed opinion: it states no relation."""
    return bool(_HEDGE.search(sentence))


_CLAUSE = re.compile(r"(?=[,;]\s*(?:although|though|but|while|whereas)\b)|;\s+")


def unhedged(sentence: str) -> str:
    """The sentence without its hedged clauses: "It may mimic a spider bite, although it was once
    regarded as gangrene" keeps its first clause; "It has been suggested, but never proved, that ..."
    keeps nothing."""
    if not is_hedged(sentence):
        return sentence
    return " ".join(c for c in _CLAUSE.split(sentence) if not is_hedged(c)).strip()


def is_negated(head: str) -> bool:
    """``head``: the cue's clause up to the cue verb ('Psoriasis is not to be confounded')."""
    clause = re.split(r"[,;:]\s|\b(?:but|although|though|whereas|while)\b", head)[-1]
    return bool(_NEG.search(clause)) and not _POSITIVE_NEG.search(clause)


# A cheap gate: a sentence without any of these words has no contextual cue.
CONTEXT_WORDS = re.compile(
    r"^\s*(?:(?:and|or|but|yet)\s+)?(?:from|in|confusion|differentiation|distinction)\b|exclud|ruled out|"
    r"eliminat|\bbetween\b|considered|suspected|rule out|overlap",
    re.IGNORECASE,
)
_NAME = r"(?P<{0}>[A-Za-z][\w'’\- ]{{1,60}}?)"
# "From seborrhoeic eczema, by the greasy scales": opening a sentence under the condition it compares.
FROM_BY = re.compile(
    r"^(?:and\s+|or\s+)?from\s+(?:the\s+|a\s+|an\s+)?" + _NAME.format("b") + r",?\s+"
    r"(?:by|in|through|owing to|because of|on account of|chiefly by|mainly by|principally by)\b",
    re.IGNORECASE,
)


def and_prep(prep: str) -> re.Pattern[str]:
    """ "..., and from pemphigus by the crusts", "..., especially upon the scalp, and for the squamous
    syphilide": a further object of a cue, repeating the cue's preposition (from / for / with)."""
    return re.compile(
        r"(?:[,;]\s*|\s+)(?:and|or|also|as well as)\s+(?:also\s+)?(?:"
        + prep
        + r")\s+(?:the\s+|a\s+|an\s+)?"
        + _NAME.format("b")
        + r"(?=,?\s+(?:by|in|through|owing to|because of|chiefly|mainly|especially|when|if)\b|\s*[.;,]|\s*$)",
        re.IGNORECASE,
    )


AND_FROM = and_prep("from")
AND_WITH = and_prep("with|for")
# "From eczema it may be differentiated by its dryness": the sentence's own subject is the section's.
FROM_SUBJECT = re.compile(
    r"^(?:and\s+|or\s+)?from\s+(?:the\s+|a\s+|an\s+)?"
    + _NAME.format("b")
    + r"(?:,\s*(?:which|that)\b[^,;]{0,160},)?,?\s+(?:it|they|this|these|the\s+(?:latter\s+|former\s+)?\w+)"
    r"\s+"
    r"(?:(?:may|can|is|are|must|should)\s+)?(?:\w+\s+)?(?:(?:to\s+)?be\s+)?"
    r"(?:\w+\s+)?(?:distinguished|differentiated|separated|told apart|known|differs?)\b",
    re.IGNORECASE,
)
# "In psoriasis the scales are ..., whereas in chronic eczema the surface ...".
_DET = r"(?=\s+(?:the|there|it|its|a|an|all|both|lesions?|bullae|bullæ|scales?|patients?|itching|pain)\b)"
CONTRAST = re.compile(
    r"^in\s+(?:the\s+)?"
    + _NAME.format("a")
    + _DET
    + r".{5,}?(?:[,;]\s*(?:whereas|while|but)?|\s+(?:whereas|while))"
    r"\s+in\s+(?:the\s+)?" + _NAME.format("b") + _DET,
    re.IGNORECASE,
)
_NOT_CONDITION = re.compile(
    r"^(?:children|childhood|adults?|infants?|infancy|women|men|patients?|the elderly|old age|winter|summer|"
    r"general|practice|most|many|some|such|these|those|this|that|both|each|either|addition|particular|"
    r"contrast|short|fact|the past|dark skin|darker skin|white skin|others?|all|which|what|whom)\b",
    re.IGNORECASE,
)


# Management and tests are no condition: "a biopsy should be considered", "consider referral".
_MANAGEMENT = re.compile(
    r"^(?:a\s+|an\s+|the\s+)?(?:\w+\s+)?(?:treatment|therapy|biopsy|referral|serology|investigations?|tests?|"
    r"admission|surgery|excision|cryotherapy|antibiotics?|steroids?|review|follow-up|imaging|culture|"
    r"swabs?|scrapings?|microscopy|phototherapy)\b",
    re.IGNORECASE,
)


def is_condition_phrase(name: str) -> bool:
    return not _NOT_CONDITION.match(name.strip()) and not _MANAGEMENT.match(name.strip())


# "The diagnosis lies between X, Y and Z": the members are mutual differentials.
BETWEEN = re.compile(
    r"\b(?:the\s+)?(?:differential\s+)?diagnosis\s+(?:(?:lies|rests|is)\s+(?:chiefly\s+|mainly\s+|usually\s+)?)?"
    r"between\s+(?P<list>.+?)(?=\s+(?:is|are|may|can|must|will|rests?|depends?|lies|turns?)\b|[;:]|\.?$)",
    re.IGNORECASE,
)
# "Confusion with X is possible", "Differentiation from X may need a biopsy": X pairs with the subject.
NOUN_CUE = re.compile(
    r"^(?:(?:but|and|yet)\s+)?(?:confusion|differentiation|distinction|overlap)\s+(?:with|from)\s+"
    r"(?:the\s+|a\s+|an\s+)?"
    + _NAME.format("b")
    + r"(?=\s+(?:is|are|may|can|must|should|requires?|rests?|needs?|depends?|exists?|occurs?)\b)",
    re.IGNORECASE,
)
# "A lichenoid drug eruption must be excluded", "Mycosis fungoides should be considered when ...",
# "Necrotising fasciitis should be suspected if ...": pairs with the section's subject.
EXCLUDED = re.compile(
    r"(?P<b>[A-Za-z][^.;:]{2,150}?)\s+(?:must|should|has to|have to|needs? to|ought to)\s+"
    r"(?:always\s+|also\s+)?be\s+(?:excluded|ruled out|eliminated|considered|suspected)\b"
    # "X and Y may need a biopsy to exclude": the names a test is needed to exclude
    r"|(?P<t>[A-Za-z][^.;:]{2,150}?)\s+(?:(?:may|can|might|will|often|usually)\s+)?(?:need|needs|require|requires)"
    r"\s+(?:a\s+|an\s+)?(?:[\w-]+\s+){1,2}to\s+(?:exclude|rule\s+out)\b",
    re.IGNORECASE,
)
# "Venous eczema is a common mimic", "Secondary syphilis is the key differential", "X, Y and Z are the
# other main considerations", "X and Y are the other blistering diseases to consider": each listed
# name pairs with the subject. A negated clause ("is not a true differential") has no such shape.
_ROLE_ADJ = (
    r"(?:(?:other|main|key|chief|principal|commonest|most|important|common|classic|classical|recognised|"
    r"recognized|well-known|frequent|major|usual|closest|great|notable|occasional|rare|rarer|uncommon|unusual|"
    r"possible|potential|dangerous|serious)\s+)*"
)
NOUN_ROLE = re.compile(
    r"^(?P<b>[A-Za-z][^;:]{2,150}?)\s+(?:is|are|remains?)\s+(?:a|an|the)\s+"
    + _ROLE_ADJ
    + r"(?:(?:differential(?:\s+diagnos[ie]s)?|differentials|mimics?|mimickers?|mimic|look-?alikes?|"
    r"considerations?|alternatives?|possibilities|possibility)\b"
    r"|(?:\w+\s+){0,2}(?:conditions|diseases|disorders|diagnoses|causes|possibilities)\s+to\s+"
    r"(?:consider|exclude|rule\s+out|think\s+of)\b)",
    re.IGNORECASE,
)
# "A pigmented basal cell carcinoma can also look similar", "Napkin psoriasis can be indistinguishable":
# the name looks like the subject.
LOOKS_ALIKE = re.compile(
    r"^(?:(?:a|an|the)\s+)?(?P<b>[A-Za-z][\w'’\- ]{2,60}?)\s+"
    r"(?:can|may|might|could|will|does|do|often|sometimes)\s+(?:also\s+|sometimes\s+|often\s+)?"
    r"(?:look|appear|be|present)\s+(?:very\s+|almost\s+|exactly\s+|clinically\s+)?"
    r"(?:similar|similarly|alike|identical|identically|the\s+same|indistinguishable)\s*[.,;]",
    re.IGNORECASE,
)
# Where a list ends: the first verb or clause after the names ("... can look identical", "when ...").
LIST_END = re.compile(
    r"\s+(?:can|may|might|could|will|would|is|are|was|were|look|looks|when|if|which|who|because|since"
    r"|especially|particularly|in\s+(?:the|a|an|any|all|older|younger|children|adults|patients|people|those)"
    r"|on\s+the)\b.*$",
    re.IGNORECASE,
)
# An imperative opening a clause: "Consider herpes simplex if ...", "In the flexures, consider X and Y",
# "..., and exclude eczema herpeticum in any child ...".
_VERB = (
    r"(?:always\s+|also\s+|it\s+is\s+(?:important|essential|vital|wise|necessary)\s+to\s+|remember\s+to\s+)?"
    r"(?:consider|exclude|rule\s+out|think\s+of)\b"
)
_IMPERATIVE_SPLIT = re.compile(r"[,;]\s+(?:and\s+|but\s+|or\s+)?(?=" + _VERB + ")", re.IGNORECASE)
# "Consider also: X; Y; Z" (a label: the list runs on over semicolons) or "consider X and Y if ...".
IMPERATIVE = re.compile(
    r"(?:^|,\s+)" + _VERB + r"(?:\s+(?:also|too))?(?:\s*(?P<label>[:—–])\s*|\s+)(?P<list>[^.:?]+)",
    re.IGNORECASE,
)
# An aside between commas inside a list: "X and, in an immunosuppressed adult, Y".
_ASIDE = re.compile(r",\s*(?:in|on|at|for|among|especially|particularly)\s+[^,;]{3,60},\s*", re.IGNORECASE)


def imperative_lists(text: str) -> list[str]:
    """The lists the imperative clauses of a sentence name: "Consider herpes simplex if ..., and
    exclude eczema herpeticum in any child ...", "In the flexures, consider X and Y"."""
    if not re.search(r"\b(?:consider|exclude|rule\s+out|think\s+of)\b", text, re.IGNORECASE):
        return []
    out = []
    for part in _IMPERATIVE_SPLIT.split(text):
        if (m := IMPERATIVE.search(part)) is not None:
            listed = m.group("list") if m.group("label") else re.split(r"[;\u037e]", m.group("list"))[0]
            listed = _ASIDE.sub(" ", re.sub(r"\s*\([^()]*\)", "", listed))
            listed = ";".join(LIST_END.sub("", p) for p in re.split(r"[;\u037e]", listed)).strip(" ,;")
            if listed:
                out.append(listed)
    return out


# "Beware of calling it a viral exanthem or scarlet fever", "Avoid labelling it as X": a warning
# against a wrong label names a differential of the subject.
MISLABEL = re.compile(
    r"\b(?:beware\s+of|avoid|never\s+(?=call|label|diagnos|dismiss|mistak)|do\s+not|don['’]t)\s*"
    r"(?:calling|call|labell?ing|label|diagnosing|diagnose|dismissing|dismiss|mistaking|mistake)\s+"
    r"(?:it|this|them|these|the\s+\w+)\s+(?:as\s+|for\s+)?(?P<list>[^.:;]+)",
    re.IGNORECASE,
)


def mislabel_list(text: str) -> str | None:
    """The wrong labels a warning names ("Beware of calling it X or Y: ..."), or None."""
    m = MISLABEL.search(text)
    return LIST_END.sub("", m.group("list")).strip(" ,") if m else None


# "The differential includes X, Y", "Other considerations include ...", "Differentials: ...", "Rarer
# masqueraders are X and Y", "alternative diagnoses to consider are ...": a free list of differentials.
FREE_LIST = re.compile(
    r"(?:(?:\bthe\s+(?:(?:main|chief|principal|usual|important|other)\s+)?|^|\bother\s+|"
    r"^(?:rarer|rare|less\s+common|commoner|common|more\s+common|important|other|main)\s+)"
    r"(?:differentials?(?:\s+diagnos[ie]s)?|considerations|possibilities|worry|pitfall|danger|"
    r"masqueraders|mimics|mimickers|look-?alikes|imitators)"
    r"|\b(?:alternative|other)\s+diagnoses(?:\s+to\s+(?:consider|exclude|rule\s+out))?)\s*"
    r"(?:includes?|is|are|:|–|-)\s*:?\s+(?P<list>.+)$",
    re.I,
)

# A cheap gate for the cues that give a listed name a role in the subject's differential.
ROLE_WORDS = re.compile(
    r"differential|mimic|look-?alike|consideration|alternative|possibilit|to consider|consider\b|exclude\b|"
    r"rule out|think of|(?:look|appear|be|present) (?:very |almost |clinically )?(?:similar|alike|identical|"
    r"indistinguishable)|beware|avoid|call|label|diagnos|dismiss|mistak",
    re.I,
)


# Speed only, same matches: the costly patterns behind a test for the words every match needs
# (ingest.prefilter); a sentence without them skips the pattern.
_XREF, _HEDGE, CONTEXT_WORDS = prefiltered(_XREF), prefiltered(_HEDGE), prefiltered(CONTEXT_WORDS)
EXCLUDED, BETWEEN = prefiltered(EXCLUDED), prefiltered(BETWEEN)
FREE_LIST, ROLE_WORDS = prefiltered(FREE_LIST), prefiltered(ROLE_WORDS)
