"""The option space of every MCQ: clinical diagnoses only, and what may never be a wrong answer.

Built once per run from a :class:`kg.view.GraphView` through :mod:`kg.algorithms` (the one
taxonomy and malignancy resolver). An option is a diagnosis a clinician would name, never a
*category* (:func:`is_category`): a malignancy class (the lesion condition, graded only by
R_malignancy), an ISIC group (an ISIC code of two levels, "Benign:Benign melanocytic
proliferations"; a deeper ISIC code is a diagnosis whatever its name: "Granular cell tumor") or,
for a node without an ISIC code, a grouping node of another vocabulary (a node with sub-diagnoses whose name
ends in a grouping noun: "melanocytic lesion", "vascular tumor"; any plural one: "Cysts").

A distractor of diagnosis ``d`` is never ``d``, an ancestor through any parent, a descendant (a
NOS label's subtypes are right, not wrong), a node sharing a descendant with ``d`` (its class
overlaps ``d``'s: "benign keratosis" holds solar lentigo, a lentigo), nor a name that is one of
theirs under another id (synonym, alias, inverted or plural spelling: compared by :func:`name_key`).
Options are written with :func:`synth.wording.clinical_name` ("Clark nevus"), as the trajectories are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from kg import algorithms as alg
from kg.view import GraphView
from synth.wording import clinical_name

_WORD = re.compile(r"[a-z0-9]+")
_IRREGULAR = {"nevi": "nevus", "fibromata": "fibroma", "carcinomata": "carcinoma", "sarcomata": "sarcoma"}
# head nouns that name a group of diagnoses rather than one ("vascular lesion", "adnexal tumor")
_GROUP_HEAD = re.compile(
    r"\b(lesion|proliferation|pigmentation|tumou?r|neoplasm|disorder|cyst|growth)(s?)$", re.I
)
_PLURAL_GROUP = re.compile(
    r"\b(lesions|proliferations|pigmentations|tumou?rs|neoplasms|disorders|cysts)$", re.I
)


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


def _head(name: str) -> str:
    """The name without a parenthesised or " - " qualifier: "adnexal tumor (appendage)" -> "adnexal tumor"."""
    return re.sub(r"\s*\(.*?\)\s*", " ", name).split(" - ")[0].strip()


def is_category(view: GraphView, d: str, codes: Mapping[str, Mapping[str, str]] | None = None) -> bool:
    """Whether node ``d`` is a taxonomy group rather than a diagnosis (see the module docstring).

    ``codes`` (diagnosis id -> codes) marks ISIC's class and group levels; without it only the names
    and the taxonomy decide."""
    name = view.nodes[d].name
    if alg.is_condition_class(name):
        return True
    isic = (codes or {}).get(d, {}).get("isic")
    if isic is not None:  # ISIC's own levels decide: Class:Group is a category, deeper a diagnosis
        return len(isic.split(":")) <= 2
    head = _head(name)
    if _PLURAL_GROUP.search(head) or " - " in name:
        return True
    return bool(_GROUP_HEAD.search(head)) and view.taxonomy.in_degree(d) > 0  # has sub-diagnoses


class OptionSpace:
    """Clinical diagnoses (display names), their keys, depths and per-diagnosis exclusion sets (memoised)."""

    def __init__(self, view: GraphView, codes: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self.view = view
        self.categories = frozenset(n for n in view.nodes if is_category(view, n, codes))
        self.disease_ids = sorted(n for n in view.nodes if n not in self.categories)
        self.names = sorted({self.display(n) for n in self.disease_ids})
        self.depth: dict[str, int] = {}  # display name -> length of its disease path (its level)
        for n in self.disease_ids:
            self.depth.setdefault(self.display(n), len(alg.disease_path(view, n)))
        self.key: dict[str, str] = {}
        for info in view.nodes.values():
            for text in (info.name, *info.synonyms):
                self.key.setdefault(text, name_key(text))
                self.key.setdefault(clinical_name(text), name_key(text))
        self._excluded: dict[str, frozenset[str]] = {}
        self._by_display = {self.display(n): n for n in reversed(self.disease_ids)}

    def related_keys(self, name: str) -> frozenset[str]:
        """Name keys nested in or overlapping the option ``name`` (a display name): two options
        never stand in that relation."""
        d = self._by_display.get(name)
        return self.excluded(d) if d is not None else frozenset({name_key(name)})

    def display(self, d: str) -> str:
        """The name an option shows: proper case for eponyms, as in the trajectories' text."""
        return clinical_name(self.view.nodes[d].name)

    def overlapping(self, d: str) -> set[str]:
        """``d``, its ancestors, its descendants and every node sharing a descendant with it."""
        out = set(alg.related(self.view, d))
        for sub in [d, *alg.descendants(self.view, d)]:
            out.update(alg.ancestors(self.view, sub))
        return out

    def excluded(self, d: str) -> frozenset[str]:
        """Name keys that are never a wrong answer for ``d`` (the classes included)."""
        if d not in self._excluded:
            keys = {name_key(c) for c in ("benign", "malignant", "precancerous in situ", "premalignant")}
            for r in self.overlapping(d):
                info = self.view.nodes[r]
                keys.update(self.key[t] for t in (info.name, *info.synonyms))
            self._excluded[d] = frozenset(keys)
        return self._excluded[d]

    def same_diagnosis(self) -> dict[str, str]:
        """Lower-cased name or synonym -> diagnosis id: two option texts with one id are one answer."""
        out: dict[str, str] = {}
        for info in self.view.nodes.values():
            for text in (info.name, *info.synonyms):
                out.setdefault(text.lower(), info.id)
        return out

    def ddx_names(self, d: str) -> list[str]:
        return sorted(self.display(n) for n in self.view.ddx.neighbors(d) if n not in self.categories)
