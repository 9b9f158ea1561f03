"""Free-text name handling: split lists of diagnoses, clean a mention, build evidence records.

Text books write lists of conditions in many ways ("A, B and C", "A/B", "A or B", "e.g. A, B") and
decorate names with glosses ("Erythroderma ('red skin')"). These helpers turn such text into clean
candidate names; whether a name is known is decided later, by the store's name resolution.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.ocr import ocr_confidence
from ingest.prefilter import prefiltered
from ingest.types import Line
from kg.ids import evidence_id
from kg.models import Evidence

_PAREN = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]")
_QUOTES = "'\"‘’“”`"
_LEAD = re.compile(
    r"^(?:(?:and|or|the|a|an|other|others|e\.?g\.?|i\.?e\.?|such as|including|includes?|especially|"
    r"particularly|mainly|rarely|usually|often|some cases of|cases of|with|from|for|by|to|also)\s+)+",
    re.IGNORECASE,
)
_TAIL = re.compile(r"\s+(?:etc|and others|and so on)\.?$", re.IGNORECASE)
_SPLIT = re.compile(r"\s*(?:,|;|\band/or\b|\band\b|\bor\b|\bvs\.?|\bversus\b|/)\s*", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[●•▪◦‣∙·\-–—*]|\(?[a-z0-9ivx]{1,4}[.)])\s*")
_VERBS = re.compile(
    r"\b(is|are|was|were|be|been|may|can|could|should|must|will|has|have|had|does|do|not|"
    r"which|that|this|these|those|than|when|where|while|because|due|caused|seen|found|appears?|occurs?|"
    r"presents?|shows?|include[sd]?|involv\w+|affect\w*|help|need\w*|use[ds]?|treated|"
    r"there|their|its|it|they|we|you|your)\b",
    re.IGNORECASE,
)
# Mentions that are never diagnoses although they sit in lists of causes or differentials.
GENERIC = frozenset(
    [
        "other",
        "others",
        "idiopathic",
        "unknown",
        "trauma",
        "drugs",
        "drug",
        "medication",
        "medications",
        "infection",
        "infections",
        "malignancy",
        "injury",
        "stress",
        "age",
        "heat",
        "cold",
        "sun",
        "pregnancy",
        "benign",
        "malignant",
        "none",
        "normal",
        "variable",
        "bacterial",
        "viral",
        "fungal",
        "allergy",
        "allergies",
        "history",
        "examination",
        "investigations",
        "management",
        "treatment",
        "features",
        "signs",
        "symptoms",
        "lesion",
        "lesions",
        "rash",
        "rashes",
        "eruption",
        "eruptions",
        "condition",
        "conditions",
        "disease",
        "diseases",
        "disorder",
        "disorders",
        "cause",
        "causes",
        "type",
        "types",
        "sites",
        "site",
        "skin",
        "steroids",
        "corticosteroids",
        "antibiotics",
        "antihistamines",
        "nsaids",
        "penicillin",
    ]
) | {"aged skin"}
MAX_NAME_WORDS = 7
# Old typography: ligatured letters are spelled out in a name ("seborrhœic" -> "seborrhoeic", "hæmorrhagica"
# -> "haemorrhagica"); diacritics stay as printed ("Schönlein") and fold only for matching (kg.names).
_OLD_LETTERS = str.maketrans({"œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae", "ﬁ": "fi", "ﬂ": "fl", "\u00ad": ""})
# Cross-reference marks and a query never belong to a name: "eczema*", "ringworm†", "tinea versicolor?".
_MARKS = re.compile(r"[*†‡§¶¹²³⁴⁵⁶⁷⁸⁹⁰]+|\s*\((?:see\s+)?pp?\.\s*\d+[^)]*\)", re.IGNORECASE)
_STRIP = " \t.:;,-–—?!" + "'\"‘’“”`"
# Numbers, measures, links, credit lines ("Courtesy of Dr J. Smith") and questions are never names.
_NOT_A_NAME = re.compile(r"\d{2,}|%|=|<|>|http|\bcourtesy\b|©|\bdr\.?\s|^(?:what|which|who|how|why)\b", re.I)
_DANGLING = frozenset(
    ["in", "of", "on", "with", "and", "or", "the", "a", "an", "to", "for", "from", "by", "at", "as"]
)


def strip_bullet(text: str) -> str:
    return _BULLET.sub("", text).strip()


def glosses(text: str) -> tuple[str, list[str]]:
    """'Erythroderma (‘red skin’)' -> ('Erythroderma', ['red skin'])."""
    found = [g.strip(" " + _QUOTES) for g in _PAREN.findall(text)]
    return _PAREN.sub("", text).strip(), [g for g in found if g]


@lru_cache(maxsize=8192)
def clean_name(text: str) -> str | None:
    """A bare candidate name, or None when ``text`` cannot be a diagnosis name (a pure function of
    the text, cached: headings are read again for every sentence under them)."""
    text, _ = glosses(_MARKS.sub("", text.translate(_OLD_LETTERS)))
    text = text.rsplit(": ", 1)[-1].strip(_STRIP)  # a label ("Don't miss: X", "Look-alikes: X") is no name
    text = _TAIL.sub("", _LEAD.sub("", text)).strip(_STRIP)
    if not text or len(text) < 3 or not any(c.isalpha() for c in text):
        return None
    words = text.split()
    if len(words) > MAX_NAME_WORDS or _VERBS.search(text) or _NOT_A_NAME.search(text):
        return None
    if text.lower() in GENERIC or words[-1].lower() in _DANGLING:
        return None
    return " ".join(words)


def split_names(text: str) -> list[str]:
    """'cellulitis, erysipelas, venous thrombosis and chronic venous insufficiency' -> 4 names."""
    out: list[str] = []
    for part in _SPLIT.split(glosses(text)[0]):
        name = clean_name(part)
        if name and name.lower() not in {n.lower() for n in out}:
            out.append(name)
    return out


# A gloss that explains in plain words rather than renames: "(a superficial fungus infection)", or
# the literal sense of a Greek/Latin term, a quality of a body part ("erythroderma ('red skin')").
# A possessive before the body part is a lay name, not a description ("athlete's foot").
_DESCRIPTIVE_GLOSS = re.compile(
    r"^(?:a|an|the)\s"
    r"|(?<!['’]s)\s(?:skin|hair|nails?|scalp|mouth|body|face|hands?|foot|feet|legs?|eyes?|lips?)$",
    re.IGNORECASE,
)


def is_synonym_gloss(gloss: str) -> bool:
    """A parenthesis that renames ('shingles', 'also known as X') rather than explains ('red skin')."""
    g = re.sub(r"^(also known as|aka|syn\.?|synonyms?:?|or)\s+", "", gloss.strip(), flags=re.IGNORECASE)
    if not g or _DESCRIPTIVE_GLOSS.search(g):
        return False
    return len(g.split()) <= 4 and clean_name(g) is not None and not g[:1].isdigit()


def make_evidence(
    source_sha256: str, lines: list[Line], quote: str | None = None, *, kind: str, context: str | None = None
) -> Evidence:
    """Evidence on the page of the first line, boxed around the lines on that page."""
    page = lines[0].page
    same = [ln for ln in lines if ln.page == page] or lines[:1]
    bbox = (
        round(min(ln.bbox[0] for ln in same), 2),
        round(min(ln.bbox[1] for ln in same), 2),
        round(max(ln.bbox[2] for ln in same), 2),
        round(max(ln.bbox[3] for ln in same), 2),
    )
    quote = " ".join((quote if quote is not None else " ".join(ln.text for ln in lines)).split())
    return Evidence(
        id=evidence_id(source_sha256, page, quote),
        source_sha256=source_sha256,
        page=page,
        bbox=bbox,
        quote=quote,
        context=context,
        kind=kind,  # type: ignore[arg-type]
        ocr_confidence=ocr_confidence(same, quote),  # None for a text layer
    )


# Speed only, same matches: the costly patterns behind a test for the words every match needs
# (ingest.prefilter); a sentence without them skips the pattern.
_SPLIT = prefiltered(_SPLIT)
