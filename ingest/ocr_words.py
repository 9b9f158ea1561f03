"""Repair the OCR noise of scanned old books in the words the differential cues and names read.

Text layers of scanned books (archive.org, NLM, Google scans) print "isdistinguished", "fromeczema"
(words run together), "con founded", "ec zema" (a word split), "Seborrhcea", "psoriasls", "tiuea",
"pla.n.u.s" (misread letters, dotted letters). The cue patterns and the names would miss each of them.
:func:`denoise` rewrites a sentence before the cues read it (the quote in the evidence stays as printed):

- a word split in two (by a space or a hyphen) is joined when the joined word is a cue or diagnosis
  word (:data:`LEXICON`);
- a run-together token is split when every part is a cue, diagnosis or function word and one is a
  function word ("isdistinguished", "fromeczema"; a compound such as "papulosquamous" stays whole);
- a token that is no known word is corrected when exactly one OCR confusion (c/o/e, u/n, l/i/1, h/b,
  rn/m, cl/d, li/h, ii/u, vv/w) turns it into a word of the lexicon, and the token has 5 letters or more;
- letters separated by dots ("pla.n.u.s", "a.r.s.enic") are joined; abbreviations ("e.g.", "U.S.A.")
  are not (single letters, at most three).

The lexicon is deliberately narrow (dermatological name words and the cue words): a correction needs
a target that an English word of the text is unlikely to be one confusion away from ("popular" is
never made "papular": a/o is no confusion used here).
"""

from __future__ import annotations

import re
from functools import lru_cache

_NAME_WORDS = """
acne acuminatus alopecia anthrax areata bromidrosis bullous carbuncle carcinoma cellulitis chancre
chancroid chilblain chloasma circinata circinatus comedo comedones condyloma contagiosa contagiosum
dermatitis dermatosis dysidrosis ecthyma eczema eczemas eczematous elephantiasis ephelides epithelioma
erysipelas erythema erythematosus erythematous excoriations exfoliativa favus fungoides furuncle
furunculus gumma gummata hebra herpes herpetic herpetiformis hydroa hyperidrosis ichthyosis impetigo
impetiginodes impetiginous intertrigo keloid keratosis leprosy lepra leprous lentigo lichen lichenoid
lupous lupus measles melanoma miliaria milium molluscum morbilli morphoea morphea multiforme mycosis
naevus nevus nodosum pediculosis pemphigoid pemphigus pityriasis planus pompholyx prurigo pruritus
psoriasis psoriatic pustular purpura rhinophyma ringworm rosacea rosea rubella rubeola ruber sarcoma
scabies scarlatina scleroderma scrofula scrofuloderma scrofulous seborrhoea seborrhea seborrhoeic
seborrheic seborrhœa squamous sudamina sycosis syphilide syphilides syphilis syphilitic syphiloderm
syphilodermata tinea tonsurans tubercular tuberculosis tuberculous urticaria variola varicella vegetans
verruca versicolor vesicular vitiligo vulgaris xanthoma zoster papular papulo vesiculosum squamosum
rubrum madidans simplex labialis exedens foliaceus parasitic eruption eruptions affection affections
disease diseases
"""
_CUE_WORDS = """
distinguish distinguished distinguishes distinguishing distinct distinctive distinction differentiate
differentiated differentiates differentiation differential diagnosis diagnostic differs differ difference
confounded confound confused confusion mistaken mistake resemble resembles resembled resembling
resemblance simulate simulates simulating imitate imitates counterfeit counterfeits separated excluded
exclude characteristic characteristics similarity suggested
"""
LEXICON = frozenset((_NAME_WORDS + _CUE_WORDS).split())
_FUNCTION_WORDS = "is be are was were from with for of the and or to by in may can might must"
_FUNCTION = frozenset(_FUNCTION_WORDS.split())
_CONFUSIONS = (
    ("c", "o"), ("o", "c"), ("c", "e"), ("e", "c"), ("e", "o"), ("o", "e"), ("u", "n"), ("n", "u"),
    ("l", "i"), ("i", "l"), ("1", "l"), ("1", "i"), ("h", "b"), ("b", "h"), ("rn", "m"), ("m", "rn"),
    ("cl", "d"), ("li", "h"), ("ii", "u"), ("vv", "w"),
)  # fmt: skip
_TOKEN = re.compile(r"[A-Za-z1œæ]{5,}")  # shorter tokens are never corrected nor split
_DOTTED = re.compile(r"\b[A-Za-z][a-z]*(?:\.[a-z]+){2,}\b")
_LEFT = re.compile(r"(\W*)([A-Za-zœæ]{2,})")
_RIGHT = re.compile(r"([a-zœæ]{2,})(\W*)")
_HYPHEN = re.compile(r"\b([A-Za-zœæ]{2,})-\s?([a-zœæ]{2,})\b")  # "distin-guished", "psori- asis"
_PAIR = re.compile(r"\b(?=([A-Za-zœæ]{2,})\s([a-zœæ]{2,})\b)")  # every two neighbours (a cheap gate)


def _case_like(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    return word[0].upper() + word[1:] if model[:1].isupper() else word


@lru_cache(maxsize=65536)
def _corrected(token: str) -> str:
    """One token: itself when known, else its unique one-confusion correction, else its split."""
    low = token.lower()
    if low in LEXICON or low in _FUNCTION or len(low) < 5:
        return token
    found = {
        fixed
        for src, dst in _CONFUSIONS
        for i in range(len(low))
        if low.startswith(src, i) and (fixed := low[:i] + dst + low[i + len(src) :]) in LEXICON
    }
    if len(found) == 1:
        return _case_like(token, found.pop())
    parts = _split(low)
    return _case_like(token, " ".join(parts)) if parts else token


def _split(low: str, depth: int = 0) -> list[str] | None:
    """'isdistinguishedfrom' -> ['is', 'distinguished', 'from']: every part known, one a lexicon word."""
    if depth > 2:
        return None
    for i in range(2, len(low) - 1):
        left, right = low[:i], low[i:]
        if left not in LEXICON and left not in _FUNCTION:
            continue
        rest = [right] if (right in LEXICON or right in _FUNCTION) else _split(right, depth + 1)
        parts = [left, *rest] if rest else []
        if parts and any(p in LEXICON for p in parts) and any(p in _FUNCTION for p in parts):
            return [left, *rest]
    return None


def _unhyphen(m: re.Match[str]) -> str:
    whole = (m.group(1) + m.group(2)).lower()
    return _case_like(m.group(1), whole) if whole in LEXICON else m.group(0)


def _join_splits(text: str) -> str:
    """'con founded', 'ec zema' -> 'confounded', 'eczema': two fragments that make one lexicon word."""
    if not any((m.group(1) + m.group(2)).lower() in LEXICON for m in _PAIR.finditer(text)):
        return text
    words, out, i = text.split(" "), [], 0
    while i < len(words):
        if i + 1 < len(words) and (a := _LEFT.fullmatch(words[i])) and (b := _RIGHT.fullmatch(words[i + 1])):
            whole = (a.group(2) + b.group(1)).lower()
            if whole in LEXICON and len(whole) >= 6 and not {a.group(2).lower(), b.group(1)} & LEXICON:
                out.append(a.group(1) + _case_like(a.group(2), whole) + b.group(2))
                i += 2
                continue
        out.append(words[i])
        i += 1
    return " ".join(out)


def denoise(text: str) -> str:
    """The sentence with its OCR-broken cue and name words repaired (see the module docstring)."""
    return _denoise_short(text) if len(text) < 160 else _denoise(text)


@lru_cache(maxsize=16384)
def _denoise_short(text: str) -> str:
    """Headings and short lines repeat (running heads, section titles read many times): cached."""
    return _denoise(text)


def _denoise(text: str) -> str:
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text) if "." in text else text
    text = _HYPHEN.sub(_unhyphen, text) if "-" in text else text
    text = _join_splits(text)
    return _TOKEN.sub(lambda m: _corrected(m.group(0)), text)
