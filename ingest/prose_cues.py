"""Differentials stated in prose the way books of every era state them, and what cancels them.

:mod:`ingest.ddx_rules` holds the anchored cue verbs ("is distinguished from", "resembles", ...). This
module adds the shapes that need the section's subject or the sentence's neighbours:

- "From X, by the absence of ..." / "... and from Y by ...": X pairs with the subject of the section;
- contrast sentences: "In X the lesions are ..., whereas (while, but; ';') in Y ..." pair X with Y;
- "X must be excluded" / "should be ruled out": X pairs with the section's subject;
- question-and-answer books: "How is X distinguished from Y?", "How does X differ from Y?" (the
  anchored verbs), and questions whose answer holds the list: "With what diseases may X be confounded?
  A. With Y, Z and W.", "What conditions simulate X?", "What is the differential diagnosis of X?",
  "What must be excluded in X?";
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
# "The most likely diagnosis is lichen planus", "Answer: B. Bullous pemphigoid", "The answer is impetigo
# rather than ...", "Diagnosis: X": the condition a case or question is about, for its later sentences.
STATED = re.compile(
    r"^(?:(?:the\s+)?(?:most\s+likely|likeliest|likely|probable|working|final|correct|clinical)\s+"
    r"diagnosis\s+(?:here\s+)?(?:is|was)\s+|(?:the\s+)?(?:correct\s+)?answer\s+is\s+|"
    r"(?:answer|diagnosis|dx|most\s+likely|likeliest)\s*[:—–]\s*)"
    r"(?:(?P<letter>[A-E])\s*[.)]\s*)?(?P<x>[A-Za-z][\w'’\- ]{2,70}?)?"
    r"(?=\s+(?:rather\s+than|because|as|since|which|with|given)\b|[,.;:(]|\s*$)",
    re.IGNORECASE,
)
# The lettered options of a best-of-N question: "A. Pemphigus vulgaris  B. Bullous pemphigoid  C. ...".
OPTION = re.compile(r"(?:^|\s)(?P<letter>[A-E])[.)]\s+(?P<x>.+?)(?=\s+[A-E][.)]\s|\s*$)")


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


# "Diagnosis: clinical, confirmed by biopsy": how a diagnosis is made, not which.
_HOW_DIAGNOSED = re.compile(
    r"^(?:clinical|clinically|histological|histologically|usually|often|mainly|made|based|confirmed|by|from|"
    r"difficult|easy|straightforward|uncertain|unclear|unknown)\b",
    re.IGNORECASE,
)


def stated_diagnosis(text: str, options: dict[str, str]) -> str | None:
    """The diagnosis a case's answer states, a lone option letter read through ``options``."""
    m = STATED.match(text.strip())
    if m is None and (label := re.search(r"\b(?:answer|diagnosis)\s*[:—–]", text, re.IGNORECASE)):
        m = STATED.match(text[label.start() :])  # after an unstopped line: "... disease Answer: B."
    if m is None:
        return None
    if m.group("letter") and m.group("letter").upper() in options and not m.group("x"):
        return options[m.group("letter").upper()]
    x = m.group("x")
    return x if x and is_condition_phrase(x) and not _HOW_DIAGNOSED.match(x) else None


def lettered_options(texts: list[str]) -> dict[str, str]:
    """{'A': 'Pemphigus vulgaris', ...} from the lines of a unit that hold three or more lettered
    options (all on one line, or one a line)."""
    kept: list[str] = []
    for t in (t.strip() for t in texts):
        wrapped = kept and (re.search(r"\b[A-E][.)]$", kept[-1]) or (len(t.split()) <= 6 and "." not in t))
        if OPTION.match(t) or (wrapped and not _ANSWER.match(t)):
            kept.append(t)
        elif kept:
            break
    text = " ".join(kept)
    found = {m.group("letter").upper(): m.group("x").strip(" .;") for m in OPTION.finditer(text.strip())}
    letters = sorted(found)
    if len(found) < 3 or letters[0] != "A" or "".join(letters) != "ABCDE"[: len(letters)]:
        return {}
    return found


# Questions whose answer (the next paragraph, "A. ...") lists the differentials of X.
_Q = r"^(?:(?:q(?:uestion)?|front)\.?\s*\d*[.:]?\s*)?"
_X = r"(?P<x>[A-Za-z][\w'’\- ]{2,60}?)"
QUESTIONS = [
    re.compile(
        _Q + r"(?:with|from)\s+what\s+(?:\w+\s+){0,2}?(?:may|can|might|is|are|should|must|could)\s+"
        r"(?:the\s+)?"
        + _X
        + r"\s+be\s+(?:\w+\s+)?(?:confounded|confused|mistaken|distinguished|differentiated)\b"
        r"[^?]*\?",
        re.IGNORECASE,
    ),
    re.compile(
        _Q
        + r"what\s+(?:\w+\s+){0,3}?(?:simulates?|mimics?|resembles?|imitates?|may\s+simulate|may\s+resemble|"
        r"may\s+mimic)\s+(?:the\s+)?" + _X + r"\s*\?",
        re.IGNORECASE,
    ),
    re.compile(
        _Q + r"what\s+(?:\w+\s+){0,2}?(?:may|can|might|is|are)\s+(?:often\s+|commonly\s+)?be\s+"
        r"(?:mistaken|confused|confounded)\s+(?:for|with)\s+(?:the\s+)?" + _X + r"\s*\?",
        re.IGNORECASE,
    ),
    re.compile(
        _Q + r"what\s+(?:is|are)\s+the\s+(?:\w+\s+)?differentials?(?:\s+diagnos[ie]s)?\s+(?:of|for|in)\s+"
        r"(?:the\s+)?" + _X + r"\s*\?",
        re.IGNORECASE,
    ),
    re.compile(
        _Q
        + r"what\s+(?:\w+\s+){0,2}?(?:must|should|has to|have to)\s+be\s+(?:excluded|ruled out|considered)\s+"
        r"(?:in|before|when)\s+(?:(?:a|the)\s+)?(?:patients?\s+with\s+|(?:the\s+)?diagnosis\s+of\s+)?"
        r"(?:a\s+|an\s+)?" + _X + r"\s*\?",
        re.IGNORECASE,
    ),
]
_ANSWER = re.compile(r"^(?:a(?:ns(?:wer)?)?\.?\s*\d*[.:]\s*|answer:\s*|back:\s*)", re.IGNORECASE)
_ANSWER_LEAD = re.compile(r"^(?:(?:with|by|from|chiefly|mainly|principally|yes|no)[,.]?\s+)+", re.IGNORECASE)
_ANSWER_TAIL = re.compile(
    r",?\s+(?:for example|for instance|e\.\s?g\.|such as|especially|particularly|as from|when|which|who)"
    r"\b.*$",
    re.IGNORECASE,
)


def question_subject(text: str) -> str | None:
    """The condition a question asks the differentials of, when its answer will list them."""
    if "?" not in text:
        return None
    for pattern in QUESTIONS:
        m = pattern.search(text.strip())
        if m:
            return m.group("x")
    return None


def is_answer_marker(text: str) -> bool:
    return bool(re.fullmatch(r"(?:a|ans|answer)\.?:?", text.strip(), re.IGNORECASE))


def answer_list(text: str) -> str | None:
    """The sentence after a question: 'A. With scabies, bullous pemphigoid and erythema multiforme.'
    -> the list (the 'A.' marker is optional: the sentence follows the question)."""
    m = _ANSWER.match(text.strip())
    rest = text.strip()[m.end() :] if m else text.strip()
    first = re.split(r"(?<=[.!?])\s+", rest, maxsplit=1)[0].rstrip(".")
    first = _ANSWER_TAIL.sub("", _ANSWER_LEAD.sub("", first))
    return first if first and not re.search(r"\b(?:is|are|was|were|has|have|shows?)\b", first) else None


# Speed only, same matches: the costly patterns behind a test for the words every match needs
# (ingest.prefilter); a sentence without them skips the pattern.
_XREF, _HEDGE, CONTEXT_WORDS = prefiltered(_XREF), prefiltered(_HEDGE), prefiltered(CONTEXT_WORDS)
EXCLUDED, BETWEEN = prefiltered(EXCLUDED), prefiltered(BETWEEN)
FREE_LIST, ROLE_WORDS = prefiltered(FREE_LIST), prefiltered(ROLE_WORDS)
