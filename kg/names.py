"""Name normalisation: the key under which diagnosis names and synonyms resolve.

``normalize`` folds the differences that never distinguish two diagnoses: case, diacritics,
punctuation and whitespace, possessives (*Bowen's* / *Bowen*), singular / plural
(*keratoses* / *keratosis*, *naevi* / *naevus*) and British / American spelling
(*haemangioma* / *hemangioma*, *seborrhoeic* / *seborrheic*, *tumour* / *tumor*).
Two names with the same key are the same name; resolution through keys is exact, never fuzzy
(fuzzy matching only *suggests*, see :func:`fuzzy_matches`).

Example:
    >>> normalize("Seborrhoeic keratoses") == normalize("seborrheic keratosis")
    True
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

__all__ = [
    "MAX_NAME_LENGTH",
    "MAX_SYNONYMS",
    "NamePolicyError",
    "check_id",
    "clean_name",
    "normalize",
    "name_keys",
    "fuzzy_matches",
]

# -- the name policy: one for every backend and every way a name enters ------------------------------
MAX_NAME_LENGTH = 200  # characters, after cleaning; the longest real diagnosis name is far shorter
MAX_ID_LENGTH = 256
MAX_SYNONYMS = 500  # per diagnosis
# Invisible characters that make two equal-looking names differ (zero-width) or reorder what a reader
# sees (bidi embeddings, overrides, isolates, marks): removed, never stored.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u061c\ufeff\u00ad\u180e]")
_SPACES = re.compile(r"\s+")


class NamePolicyError(ValueError):
    """A name the policy refuses (empty, too long, control characters); the message says which."""


def clean_name(text: str, *, what: str = "name", limit: int = MAX_NAME_LENGTH) -> str:
    """``text`` as stored: NFC, invisible (zero-width, bidi) characters removed, whitespace (tabs and
    newlines included) collapsed to single spaces. Raises :class:`NamePolicyError` for a name that is
    empty, longer than ``limit`` characters or holds other control characters (ESC, NUL, C1)."""
    if not isinstance(text, str):
        raise NamePolicyError(f"{what} must be text, not {type(text).__name__}")
    if len(text) > limit * 4:  # refuse before normalising megabytes
        raise NamePolicyError(f"{what} of {len(text)} characters is longer than {limit}")
    text = _SPACES.sub(" ", _INVISIBLE.sub("", unicodedata.normalize("NFC", text))).strip()
    bad = next((ch for ch in text if unicodedata.category(ch) in {"Cc", "Cs", "Co", "Cn"}), None)
    if bad is not None:
        raise NamePolicyError(f"{what} {text[:40]!r} holds the control character U+{ord(bad):04X}")
    if not text:
        raise NamePolicyError(f"{what} is empty")
    if len(text) > limit:
        raise NamePolicyError(f"{what} of {len(text)} characters is longer than {limit}: {text[:40]!r}...")
    return text


def check_id(value: str, *, what: str = "id") -> str:
    """An id as given (ids are slugs or hashes): bounded, no control or invisible characters."""
    if len(value) > MAX_ID_LENGTH:
        raise NamePolicyError(f"{what} of {len(value)} characters is longer than {MAX_ID_LENGTH}")
    if _INVISIBLE.search(value) or any(unicodedata.category(ch) == "Cc" for ch in value):
        raise NamePolicyError(f"{what} {value[:40]!r} holds control or invisible characters")
    return value


# Letters NFKD does not decompose into ASCII + marks.
_LETTERS = str.maketrans(
    {"æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "ð": "d"}
)
_POSSESSIVE = re.compile(r"(?<=\w)['’`´]s\b")
_APOSTROPHE = re.compile(r"['’`´]")
_NON_WORD = re.compile(r"[\W_]+")

# Plurals that the suffix rules below get wrong (keys and values already lower-case ASCII).
_IRREGULAR = {
    "lentigines": "lentigo",
    "comedones": "comedo",
    "ephelides": "ephelis",
    "bullae": "bulla",
    "striae": "stria",
    "papillae": "papilla",
    "vesiculae": "vesicula",
    "maculae": "macula",
    "papulae": "papula",
    "pustulae": "pustula",
    "herpes": "herpes",
    "fungoides": "fungoides",
    "series": "series",
    "species": "species",
    "diabetes": "diabetes",
    "rabies": "rabies",
    "scabies": "scabies",
    "pubes": "pubes",
    "ichthyoses": "ichthyosis",
    "adnexa": "adnexa",
    "pilaris": "pilaris",
    "carcinomata": "carcinoma",
    "condylomata": "condyloma",
    "fibromata": "fibroma",
}
_NO_S_STRIP = ("ss", "us", "is", "ys")


def _singular(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("oses"):  # keratoses -> keratosis, diagnoses -> diagnosis
        return word[:-2] + "is"
    if word.endswith("ies") and len(word) > 4:  # capillaries -> capillary
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "zes", "ches", "shes")):  # abscesses -> abscess
        return word[:-2]
    if word.endswith(("vi", "gi", "li", "ci")) and len(word) >= 4:  # naevi -> naevus, fungi -> fungus
        return word[:-1] + "us"
    if word.endswith("s") and not word.endswith(_NO_S_STRIP):  # lesions, macules
        return word[:-1]
    return word


def _american(word: str) -> str:
    """British -> American spelling, applied after singularisation (so 'naevi' -> 'nevus')."""
    if len(word) > 3:
        previous = ""
        while previous != word:  # to a fixed point, so a key normalises to itself ("aae" -> "ae" -> "e")
            previous, word = word, word.replace("ae", "e").replace("oe", "e")  # haem-, oedema, naevus
        if word.endswith("our") and len(word) > 4:  # tumour, colour
            word = word[:-3] + "or"
    return word


@lru_cache(maxsize=65_536)
def normalize(name: str) -> str:
    """The resolution key of ``name``: lower-case words without diacritics, single-spaced.
    Letters of other scripts are kept (``"紅斑"`` is its own key).

    Returns an empty string for a name with no letters or digits. Cached: an ingest normalises the
    same few hundred names thousands of times.
    """
    text = unicodedata.normalize("NFKC", name).translate(_LETTERS)
    text = _POSSESSIVE.sub("", text)  # Bowen's disease -> Bowen disease
    text = _APOSTROPHE.sub("", text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold().translate(_LETTERS)
    text = text.replace("&", " and ")
    words = _NON_WORD.sub(" ", text).split()
    return " ".join(_american(_singular(w)) for w in words)


def name_keys(name: str, synonyms: Iterable[str] = ()) -> list[tuple[str, str, bool]]:
    """``(key, surface form, is_primary)`` for a diagnosis's name and synonyms, one row per key;
    the primary name wins a key it shares with a synonym."""
    rows: dict[str, tuple[str, str, bool]] = {}
    for text, primary in [(name, True), *((s, False) for s in synonyms)]:
        key = normalize(text)
        if key and key not in rows:
            rows[key] = (key, text, primary)
    return list(rows.values())


def fuzzy_matches(
    query: str, choices: Sequence[str], *, limit: int, min_score: float
) -> list[tuple[int, float]]:
    """Indices into ``choices`` (normalised keys) with scores 0..100, best first.

    The score is the mean of rapidfuzz's token-set ratio (a query that is a subset of a name, e.g.
    "nevus" in "melanocytic nevus", scores high) and token-sort ratio (which prefers names of about
    the query's length), so "superficial spreading melanoma" ranks the superficial spreading
    subtypes above plain "melanoma".
    """
    from rapidfuzz import fuzz, process

    key = normalize(query)
    if not key or not choices:
        return []
    # token_set_ratio >= the mean, so its cutoff loses nothing; re-score the short list
    found = process.extract(
        key, choices, scorer=fuzz.token_set_ratio, limit=max(limit * 10, 50), score_cutoff=min_score
    )
    scored = [(idx, (score + fuzz.token_sort_ratio(key, choice)) / 2) for choice, score, idx in found]
    scored = [(idx, score) for idx, score in scored if score >= min_score]
    scored.sort(key=lambda t: (-t[1], t[0]))
    return scored[:limit]
