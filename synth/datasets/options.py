"""The option space of every MCQ: disease nodes only, and what may never be a wrong answer.

Built once per run from a :class:`kg.view.GraphView` through :mod:`kg.algorithms` (the one
taxonomy and malignancy resolver). A distractor of diagnosis ``d`` is never a malignancy class
(those are the lesion condition, graded only by R_malignancy), nor ``d``, an ancestor of ``d``
through any parent, a descendant (a NOS label's subtypes are right, not wrong), or a name that is
one of theirs under another id (synonym, alias, inverted or plural spelling: compared by
:func:`name_key`).
"""

from __future__ import annotations

import re

from kg import algorithms as alg
from kg.view import GraphView

_WORD = re.compile(r"[a-z0-9]+")
_IRREGULAR = {"nevi": "nevus", "fibromata": "fibroma", "carcinomata": "carcinoma", "sarcomata": "sarcoma"}


def name_key(name: str) -> str:
    """Order-, case-, punctuation- and plural-insensitive: "Leiomyosarcoma, Cutaneous" equals
    "cutaneous leiomyosarcoma"; "Seborrhoeic keratoses" equals "seborrheic keratosis"; "naevi"
    equals "nevus"."""
    words = []
    for w in _WORD.findall(name.lower()):
        w = w.replace("ae", "e").replace("oe", "e")  # naevus, haemangioma, seborrhoeic
        w = _IRREGULAR.get(w, w)
        if len(w) > 4 and w.endswith("ses"):
            w = w[:-2] + "is"
        elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
        words.append(w)
    return " ".join(sorted(words))


class OptionSpace:
    """Disease names, their keys, and per-diagnosis exclusion sets (memoised)."""

    def __init__(self, view: GraphView) -> None:
        self.view = view
        self.disease_ids = sorted(n for n, i in view.nodes.items() if not alg.is_condition_class(i.name))
        self.names = sorted({view.nodes[n].name for n in self.disease_ids})
        self.key: dict[str, str] = {}
        for info in view.nodes.values():
            for text in (info.name, *info.synonyms):
                self.key.setdefault(text, name_key(text))
        self._excluded: dict[str, frozenset[str]] = {}

    def excluded(self, d: str) -> frozenset[str]:
        """Name keys that are never a wrong answer for ``d`` (the classes included)."""
        if d not in self._excluded:
            keys = {name_key(c) for c in ("benign", "malignant", "precancerous in situ", "premalignant")}
            for r in alg.related(self.view, d):
                info = self.view.nodes[r]
                keys.update(self.key[t] for t in (info.name, *info.synonyms))
            self._excluded[d] = frozenset(keys)
        return self._excluded[d]

    def ddx_names(self, d: str) -> list[str]:
        return sorted(self.view.nodes[n].name for n in self.view.ddx.neighbors(d))
