"""Question-and-answer books and case answers: the question that asks for a condition's
differentials ("With what diseases may X be confounded?", "What conditions simulate X?", "What is the
differential diagnosis of X?", "What must be excluded in X?") and the answer that lists them ("A. With
Y, Z and W."), and the diagnosis a case's answer states, a lone option letter read through the
question's lettered options. Split from :mod:`ingest.prose_cues`, whose negation and hedging scope
still applies to every pair these produce.
"""

from __future__ import annotations

import re

from ingest.prose_cues import is_condition_phrase

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
