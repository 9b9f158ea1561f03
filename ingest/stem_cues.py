"""A generic fallback for prose differentials: meaning-bearing word stems instead of exact phrases.

Every new book style so far stated its differentials in phrasings the explicit patterns
(:mod:`ingest.ddx_rules`, :mod:`ingest.prose_cues`) had not met, and their first runs found 0-33% of
the pairs. This layer reads a clause that holds a *differential stem* (distinguish-, differentiat-,
delimit-, confus-, mistak-, resembl-, mimic-, similar, overlap, exclu-, rule out, consider-, suspect-,
"come into question", differential / DDx ...) and names diagnoses (noun phrases headed by a disease
word: -itis, -osis, -oma, eczema, disease, syndrome ...). Its pairs score below the explicit patterns
(0.45) and carry the rule ``prose:stem-fallback``.

Who pairs with whom follows the clause's order, not its wording: a name before the stem and names
after it ("X must be delimited from Y") pair the first with the others; names on one side only ("X, Y
and Z come into question", "a delimitation from X is required") are the differentials of the
section's condition. Negated, hedged and historical clauses give nothing (the scoping of
:mod:`ingest.prose_cues`), nor does a list of causes (:mod:`ingest.framing`), nor "consider treatment".
"""

from __future__ import annotations

import re
from functools import lru_cache

from ingest import prose_cues as cues
from ingest.diagnoses import heading_names
from ingest.framing import CAUSE_WORDS
from ingest.labels import is_clinical_label
from ingest.mentions import clean_name, make_evidence
from ingest.patterns import negation, words
from ingest.prefilter import prefiltered
from ingest.types import Line, RelationCandidate
from kg.names import normalize

RULE = "prose:stem-fallback"
ENABLED = True  # switched off only to measure what the explicit patterns find alone

# Stems that carry the meaning "these conditions can be taken one for another" (classes: separating,
# confusing, likeness, excluding, considering, naming the differential).
STEMS = re.compile(
    r"\b(?:distinguish\w*|distinctions?\b|indistinguishable|differentiat\w*|differential\w*|ddx|differ(?:s|ed|ing)?\s+from|"
    r"differen(?:t|ces?)\s+(?:from|between)|delimit\w*|separat\w*|(?:tell\w*|told)\s+(?:\w+\s+){0,2}?apart|"
    r"confus\w*|confound\w*|mistak\w*|mislabel\w*|misdiagnos\w*|misidentif\w*|"
    r"resembl\w*|simulat\w*|mimic\w*|imitat\w*|masquerad\w*|"
    r"similar(?:ly)?\s+to\b|(?:looks?|appears?|presents?|seems?)\s+(?:very\s+)?similar\w*|similar(?:ly)?(?=\s*[,.;]|$)|alike|look[\s-]?alikes?|"
    r"looks?\s+like|overlap\w*|exclu(?:de|ded|des|ding|sion)\b|rul(?:e|ed|ing)\s+out|"
    r"consider\w*|suspect\w*|come\s+into\s+question|comes\s+into\s+question)",
    re.IGNORECASE,
)
# "consider" that proposes an action or files a class, not a diagnosis: "consider treatment with",
# "is considered a variant of", "considered to play a part".
_NOT_DDX = re.compile(
    r"\bconsider(?:ed|s)?\s+(?:to\s+(?!be\s+(?:in\s+)?the\s+differential)|as\b|a\b|an\b|the\s+cause|"
    r"(?:\w+\s+)?(?:treat\w*|therap\w*|referr\w*|refer\b|biops\w*|prescrib\w*|using|an?\s+\w*\s*(?:cream|"
    r"emollient|ointment))|the\s+(?:use|addition))|\bexclu\w*\s+(?:of\s+)?(?:other\s+)?(?:causes|infection\b)|"
    r"\b(?:sharply|well|clearly|poorly|ill|moderately|sharp)[\s-]+(?:delimit|differentiat|separat|distinguish)\w*|"
    r"\b(?:confus|confound|mistak)\w*\s+(?:with|for)\s+(?:the|a|an)\s+(?:\w+\s+)?(?:name|term|word)s?\b|"
    r"\bdifferentiat\w*\s+(?:into|between\s+(?:acute|chronic))|\bseparat\w*\s+(?:into|layers?|of\s+(?:the\s+)?(?:slough|crusts?|scabs?|scales?|epidermis|nails?|hairs?))\b",
    re.IGNORECASE,
)
# Kinships that are no differential: an association, a cause, a complication, a precursor.
_KINSHIP = words(r"associat\w*|linked|trigger\w*|complicat\w*|precursor\w*|predispos\w*")
# Denials of a kinship that are no plain "not": cancel the clause.
_DENIAL = words(
    r"in\s+name\s+only|no\s+relation|nothing\s+to\s+do|formerly|once\s+thought|was\s+thought|"
    r"historically|old\s+name|in\s+contrast\s+to|rather\s+than|as\s+opposed\s+to|instead\s+of"
)
# Head words of a diagnosis name (a closed morphological class, not a list of diagnoses): suffixes of
# disease names and the nouns that end one.
_HEAD_SUFFIX = re.compile(
    r"(?:itis|osis|oses|iasis|omas?|omata|oides|oderma?|pathy|trophy|plasia|plakia|"
    # older names: "roseola", "rubeola", "varicella", "seborrhœa", "syphiloderm", "sudamina"
    r"eola|iola|cella|rrh(?:oe|œ|e)a|amina)$"
)
# Words that end like a disease but name the work of diagnosis: "Diagnosis", "Prognosis" headings.
_NOT_HEAD = {"diagnosis", "diagnoses", "prognosis", "prognoses", "anamnesis", "synopsis", "basis", "emphasis"}
_HEAD_WORDS = {
    "eczema", "eczemas", "psoriasis", "acne", "rosacea", "scabies", "impetigo", "lupus", "syphilis",
    "syphilide", "tinea", "herpes", "wart", "warts", "verruca", "verrucae", "verrucas", "corn", "corns",
    "ulcer", "ulcers", "disease", "syndrome", "eruption", "eruptions", "exanthem", "exanthema",
    "exanthemas", "infection", "lichen", "pemphigus", "pemphigoid", "naevus", "nevus", "intertrigo",
    "urticaria", "hives", "erythema", "erythrasma", "vitiligo", "melasma", "alopecia", "prurigo",
    "miliaria", "molluscum", "keloid", "cyst", "lentigo", "purpura", "chickenpox", "measles", "bites",
    "bite", "reaction", "scarlatina", "pompholyx", "leprosy", "sore", "sores", "candida", "thrush",
    "ringworm", "pityriasis", "dermatitis", "mycosis", "sarcoid", "granuloma", "chancre", "folliculitis",
    "cellulitis", "ecthyma", "erysipelas", "hemangioma", "haemangioma", "carcinoma", "melanoma",
    "rupia", "furunculus", "furuncle", "boil", "boils", "rötheln", "rotheln", "variola", "smallpox",
    "syphiloderm", "syphiloderma", "syphilid", "tuberculide", "tuberculid", "seborrhoea", "seborrhea",
    "seborrhœa", "sycosis", "zona", "zoster", "rubella", "favus",
}  # fmt: skip
# Words a name never runs across: grammar words, verbs of the cue, quantities.
_STOP = {
    "aggravate", "aggravates", "worsen", "worsens", "exacerbate", "exacerbates", "induce", "induces",
    "a", "an", "the", "and", "or", "nor", "but", "of", "in", "on", "at", "to", "from", "with", "by", "for",
    "as", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "may", "can", "could",
    "must", "should", "might", "will", "would", "it", "its", "this", "that", "these", "those", "which",
    "who", "whose", "what", "when", "where", "while", "whereas", "if", "than", "then", "so", "not", "no",
    "also", "all", "above", "below", "further", "other", "others", "another", "some", "such", "any",
    "both", "either", "neither", "each", "every", "more", "most", "less", "very", "much", "many", "case",
    "cases", "doubt", "doubtful", "toward", "towards", "against", "between", "into", "among", "about",
    "after", "before", "under", "over", "without", "within", "same", "one", "two", "there", "here", "do",
    "does", "did", "get", "gets", "got", "look", "looks", "come", "comes", "enter", "enters", "sits",
    "require", "requires", "required", "made", "make", "makes", "give", "gives", "take", "takes", "help",
    "helps", "turn", "turns", "out", "up", "down", "only", "just", "even", "still", "like", "patient",
    "patients", "child", "children", "adult", "adults", "infant", "infants", "diagnosis", "diagnoses",
    "question", "consideration", "importance", "important", "occasion", "clarity", "course", "history",
    "features", "feature", "picture", "form", "forms", "type", "types", "stage", "sign", "signs",
    "often", "seldom", "again", "always", "never", "sometimes", "seen", "however", "moreover", "differ",
}  # fmt: skip
# A name is no bare generic head ("the disease", "an infection", "this reaction").
_GENERIC = {
    "disease",
    "syndrome",
    "eruption",
    "eruptions",
    "infection",
    "reaction",
    "ulcer",
    "ulcers",
    "sore",
}
_ADJECTIVE = re.compile(r"^[a-z-]+(?:al|ous|ic|ar|ive|ed|ary|oid|ile|ant|ent|ine|ing)$")
_LATIN_TAIL = re.compile(r"^[a-z]+(?:is|us|a|ae|es|um|ans|ens|ica|oides|aris|are|ale|forme|ei|en|ex|er)$")
_CLAUSES = re.compile(r"[;\u037e:]\s*|,\s*(?=(?:but|although|though|whereas|while|unlike)\b)|\s+but\s+")
# A word that reads as a verb, not a modifier: "includes", "sits", "spreads".
_VERBISH = re.compile(r"^(?![A-Z])(?!.*(?:'s|’s|is|us|ss|ous)$)[a-z]+s$")
_START = re.compile(r"")  # a framed section's clause: the stem is its heading, before the first word
_NEG = negation("not|never|no|nor|unlike")
_ELSE = words(
    r"something\s+else|what\s+else|anything\s+else|else\s+(?:could|might|can|may)|"
    r"other\s+(?:possibilities|causes\s+to\s+consider|diagnoses)|instead"
)
_EITHER = re.compile(
    r"^(?:q\.?\s*)?(?:is|could|might|can)\s+(?:it|this|that)\s+(?:be\s+)?.+\bor\b.+\?$", re.I
)
_COPULA = re.compile(r"^[^,;]*\s(?:is|are)\s+(?:an?|the)\s+$", re.IGNORECASE)
_CLASS_BEFORE = re.compile(r"\b(?:is|are)\s+an?\s+([a-z-]+)\s+$", re.IGNORECASE)
_DISEASE_WORDS = re.compile(r"^[a-z-]+(?:osis|oses|itis|ides?|oma|iasis|opathy|oneurosis)$")
_LABEL = re.compile(r"(" + STEMS.pattern + r")\s*[:—–]\s*", re.IGNORECASE)
_OF = re.compile(
    r"(?:\s+diagnos[ie]s)?\s+(?:of|for)\s+(?:the\s+|an?\s+)?([^,;:.]+?)"
    r"(?=\s+(?:is|are|include\w*|must|should)\b|[,;:.]|$)",
    re.I,
)
_WORD = re.compile(r"[A-Za-zÀ-ÿœæŒÆ][\w'’\-œæ]*|[^\w\s]")


def _is_head(word: str) -> bool:
    w = word.lower().replace("’", "'")
    w = w.removesuffix("'s")
    if w in _NOT_HEAD:
        return False
    return w in _HEAD_WORDS or bool(_HEAD_SUFFIX.search(w)) or w.split("-")[-1] in _HEAD_WORDS


def _category(name: str) -> bool:
    """A generic head with adjectives only names a class: "the disease", "a bacterial infection", "a
    surface disease", "a skin disease"."""
    *mods, head = name.lower().split()
    return head in _GENERIC - {"ulcer", "ulcers", "sore"} and all(
        _ADJECTIVE.match(m) or m in _STOP or m in _PLACE_WORDS for m in mods
    )


# Modifiers that place or class a disease without naming one ("a surface disease", "a scalp affection").
_PLACE_WORDS = {
    "surface",
    "skin",
    "scalp",
    "hair",
    "nail",
    "nails",
    "blood",
    "constitutional",
    "general",
    "local",
}


def _tail(word: str) -> bool:
    """A Latin epithet after a head word, not the next name or a verb ("includes")."""
    return bool(_LATIN_TAIL.match(word.lower())) and not _is_head(word) and not _VERBISH.match(word)


def diagnosis_names(clause: str) -> list[tuple[str, int]]:
    """Noun phrases of ``clause`` headed by a disease word, with their character offsets."""
    out: list[tuple[str, int]] = []
    run: list[re.Match[str]] = []

    def close() -> None:
        start = 0
        for i, m in enumerate(run):
            if i < start or not _is_head(m.group(0)) or (i + 1 < len(run) and _is_head(run[i + 1].group(0))):
                continue  # "candida intertrigo"-like runs end at their last head word
            end = i
            while end + 1 < len(run) and _tail(run[end + 1].group(0)):
                end += 1  # "pityriasis rubra pilaris", "mycosis fungoides", "herpes zoster"
            first = max(start, i - 3)
            words = run[first : end + 1]
            # "includes necrobiosis lipoidica", "occasional instances psoriasis": no part of a name
            plural = [
                k
                for k, w in enumerate(run[first:i])
                if _VERBISH.match(w.group(0)) and not _is_head(w.group(0))
            ]
            if plural:
                words = words[plural[-1] + 1 :]
            name = clean_name(" ".join(w.group(0) for w in words))
            if name and not _category(name) and cues.is_condition_phrase(name):
                out.append((name, words[0].start()))
            start = end + 1
        run.clear()

    for m in _WORD.finditer(clause):
        word = m.group(0)
        low = word.lower()
        if not word[0].isalpha() or low in _STOP or low.endswith("ly") or STEMS.fullmatch(word):
            close()
        else:
            run.append(m)
    close()
    return out


def _same(a: str, b: str) -> bool:
    """One name stands for the other: equal keys, or one is the other's leading words ("Psoriasis" for
    "psoriasis vulgaris", "Lichen ruber" for "lichen ruber planus") or a form of it ("plaque psoriasis")."""
    x, y = normalize(a), normalize(b)
    if x == y or any(p.startswith(q + " ") or p.endswith(" " + q) for p, q in ((x, y), (y, x))):
        return True
    # the Latin and the English form: "impetigo contagiosa" / "contagious impetigo"
    stems = [sorted(w[:6] for w in n.split()) for n in (x, y)]
    return len(stems[0]) > 1 and stems[0] == stems[1]


same_condition = _same


def _siblings(a: str, b: str) -> bool:
    x, y = normalize(a).split(), normalize(b).split()
    return len(x) > 1 and len(y) > 1 and x[0] == y[0]


def stem_pairs(text: str, anchor: str | None, *, framed: bool = False) -> list[tuple[str, str]]:
    """(subject, differential) pairs the stems of ``text`` state, clause by clause. ``framed``: the
    section's heading asks for the differential ("Could it be something else?"), so each clause reads
    as if it held a stem before its first word; a name after a negation is the one denied ("is an
    aphthous ulcer, not herpes")."""
    out: list[tuple[str, str]] = []
    # a stem that labels what follows ("Look-alikes: X", "DDx — X") starts a clause of its own
    text = _LABEL.sub(lambda m: "; " + m.group(1) + " ", cues.unhedged(text))
    for clause in _CLAUSES.split(text):
        cue = STEMS.search(clause) or (_START.match(clause) if framed else None)
        if not cue or _NOT_DDX.search(clause) or _DENIAL.search(clause) or CAUSE_WORDS.search(clause):
            continue
        if _KINSHIP.search(clause) or cues.is_negated(clause[: cue.start()]):
            continue
        if (
            (neg := _NEG.search(clause, cue.end()))
            and not framed
            and not cues.is_negated(clause[cue.end() :])
        ):
            neg = None  # "is clinically often not possible": a negated difficulty states the differential
        if neg and not framed:
            continue
        found = [(n, at) for n, at in diagnosis_names(clause) if not neg or at < neg.start()]
        # "a painful ulcer inside the lip is an aphthous ulcer": a copula names one thing twice
        pairs_of = zip(found, [*found[1:], None], strict=False)
        found = [f for f, g in pairs_of if not (g and _COPULA.search(clause[f[1] : g[1]]))]
        before = [n for n, at in found if at < cue.start()]
        after = [n for n, at in found if at >= cue.end()]
        if clause.rstrip().endswith("?") and not (before and after):
            continue  # "With what may X be confounded?": the answer names the differentials
        if (of := _OF.match(clause, cue.end())) and after and _same(after[0], of.group(1)):
            subject, others = after[0], before + after[1:]  # "the differential diagnosis of X: Y, Z"
        elif before and after and not any(_same(before[0], n) for n in after):
            subject, others = before[0], after
        else:
            subject, others = anchor, [n for n, _ in found]
        if not subject:
            continue
        likeness = cue.group(0).lower().startswith(("similar", "look", "appear", "present", "seem"))
        cls = _CLASS_BEFORE.search(clause[: cue.start()]) if likeness else None
        if cls and _DISEASE_WORDS.match(cls.group(1).lower()):
            continue  # "urticaria is an angioneurosis similar to erythema multiforme": a class, no DDx
        for name in others:
            if likeness and _siblings(name, subject):
                continue  # "tinea cruris ... similar to tinea corporis": two forms of one genus share traits
            if not _same(name, subject) and (subject, name) not in out:
                out.append((subject, name))
    return out


def asks_differential(sentence: str) -> bool:
    """A question that asks for the alternatives ("What else might it be?"): its answer is framed."""
    return sentence.rstrip().endswith("?") and bool(_ELSE.search(sentence) or _EITHER.search(sentence))


def frames_differential(title: str) -> bool:
    """A heading that asks for the differential: "Could it be something else?", "What else might it
    be?", "Is it a verruca or a corn?", "Differential diagnosis", "Look-alikes"."""
    return bool(STEMS.search(title) or _ELSE.search(title) or _EITHER.search(title))


def title_pairs(title: str) -> list[tuple[str, str]]:
    """An alternative question as a heading: "Is it a verruca or a corn?" pairs its two names."""
    if not _EITHER.search(title):
        return []
    names = [n for n, _ in diagnosis_names(title)]
    return [(names[0], names[1])] if len(names) == 2 and not _same(*names) else []


def section_subject(anchor: str | None, titles: list[str]) -> str | None:
    """The implicit subject: the section's condition, else the nearest heading that names a diagnosis
    (a "Could it be something else?" box under "Rosacea" speaks of rosacea); a question heading names
    none ("What else might a cold sore be?")."""
    return _section_subject(anchor, tuple(titles))


@lru_cache(maxsize=1024)
def _section_subject(anchor: str | None, titles: tuple[str, ...]) -> str | None:
    # cached: asked again for every sentence of a section
    if anchor and any(_is_head(w) for w in anchor.split()):
        return anchor
    named = [heading_names(re.sub(r"^[\d.§\s]+", "", t))[0] for t in titles if t]
    if anchor and any(_same(anchor, n) for names in named for n in names):
        return anchor  # the condition a heading names ("Roseola"), whatever its ending
    for title in reversed(titles):
        if title.rstrip().endswith("?") or is_clinical_label(title):
            continue
        names, synonyms = heading_names(re.sub(r"^[\d.§\s]+", "", title))
        if len(names) == 1 and any(_is_head(w) for n in [names[0], *synonyms] for w in n.split()):
            return names[0]
    return anchor


def fallback_relations(
    text: str,
    lines: list[Line],
    subject: tuple[str | None, list[str]],
    source: str,
    context: str | None,
    quote: str,
    framed: bool = False,
) -> list[RelationCandidate]:
    """The stem pairs of one sentence the explicit patterns left without a pair; ``subject``: the
    section's condition and the enclosing headings (:func:`section_subject`)."""
    pairs = stem_pairs(text, section_subject(*subject), framed=framed) if ENABLED else []
    if not pairs:
        return []
    ev = make_evidence(source, lines, quote, kind="ddx", context=context)
    return [
        RelationCandidate(kind="ddx", subject=a, object=b, rule=RULE, score=0.45, evidence=ev)
        for a, b in pairs
    ]


def title_relations(title: str, lines: list[Line], source: str) -> list[RelationCandidate]:
    """The pair an alternative-question heading states ("Is it a verruca or a corn?")."""
    pairs = title_pairs(title) if ENABLED and lines else []
    ev = make_evidence(source, lines, title, kind="ddx", context=title) if pairs else None
    return [
        RelationCandidate(kind="ddx", subject=a, object=b, rule=RULE, score=0.45, evidence=ev)
        for a, b in pairs
        if ev is not None
    ]


# Speed only, same matches: the costly patterns behind a test for the words every match needs
# (ingest.prefilter); a sentence without them skips the pattern.
STEMS, _LABEL, _CLAUSES = prefiltered(STEMS), prefiltered(_LABEL), prefiltered(_CLAUSES)
