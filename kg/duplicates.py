"""``dermkg kg duplicates``: diagnoses that are probably one entity, proposed for a curator's merge.

Vocabularies and ingestion create the same entity twice: ISIC's inverted names ("Leiomyosarcoma,
Cutaneous" beside Skin-R1's "cutaneous leiomyosarcoma"), spelling and plural variants ("naevi" /
"nevus", "haemangioma" / "hemangioma"), a shared synonym, a generic word more ("herpes simplex" /
"herpes simplex infection") or a different genus word before a distinctive one ("tinea versicolor"
/ "pityriasis versicolor"). Every rule is a proposal with its reason; nothing merges until a curator
applies one (:func:`apply_proposal`), through the store's revertible ``merge_diagnoses``.

Nothing here is recorded either, so a curator's "not duplicates" is an audit comment on the pair's
first diagnosis (:func:`dismissal_comment`); :func:`find_duplicates` leaves those pairs out unless
asked, for the CLI and the studio's queue alike.

Example:
    >>> [p.names for p in find_duplicates(store)][:1]  # doctest: +SKIP
    [['Leiomyosarcoma, Cutaneous', 'cutaneous leiomyosarcoma']]
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from itertools import combinations
from typing import Literal

import networkx as nx
from pydantic import BaseModel, Field

from dermkg.errors import NotFoundError
from kg import algorithms as alg
from kg.models import Diagnosis, EventQuery
from kg.names import normalize
from kg.store.base import GraphStore

__all__ = [
    "DuplicateProposal",
    "DuplicateReport",
    "apply_proposal",
    "dismissal_comment",
    "dismissed_pairs",
    "find_duplicates",
]

Rule = Literal["shared_name", "inverted_name", "spelling_variant", "generic_word", "distinctive_word"]
_RANK: dict[str, int] = {
    "shared_name": 0,
    "inverted_name": 1,
    "spelling_variant": 2,
    "generic_word": 3,
    "distinctive_word": 4,
}
_SCORE = {"shared_name": 1.0, "inverted_name": 0.95, "spelling_variant": 0.9, "generic_word": 0.75}
# words that add no identity to a diagnosis name ("herpes simplex infection" = "herpes simplex")
_GENERIC = frozenset(
    {"infection", "infections", "disease", "diseases", "syndrome", "disorder", "nos", "lesion"}
    | {"lesions", "of", "the", "skin", "cutaneous", "unspecified"}
)
_IRREGULAR = {"nevi": "nevus", "naevi": "nevus"}
_WORD = re.compile(r"[a-z0-9]+")
# Latin qualifiers shared by unrelated diseases (acne / pemphigus vulgaris, osteoma / lymphocytoma
# cutis): a tail word with these endings is not distinctive
_LATIN_QUALIFIER = ("is", "um", "us", "ae", "ica", "ans")
_DISMISSED = re.compile(r"^\[not-duplicate (dup-[0-9a-f]+)\]")


class DuplicateProposal(BaseModel):
    id: str  # stable for the pair: "dup-<hash>"
    keep: str
    drop: str
    names: list[str]  # [keep's name, drop's name]
    rule: Rule
    score: float
    reason: str
    related: bool = False  # one is an is_a ancestor of the other (the merge drops that edge)
    malignancy: list[str | None] = Field(default_factory=list)  # resolved classes [keep, drop]


class DuplicateReport(BaseModel):
    revision: int
    diagnoses: int
    proposals: list[DuplicateProposal]
    by_rule: dict[str, int]
    dismissed: int = 0  # pairs a curator said are not duplicates, left out of ``proposals``


def _words(text: str) -> list[str]:
    out = []
    for w in _WORD.findall(normalize(text)):
        w = _IRREGULAR.get(w, w.replace("ae", "e").replace("oe", "e"))
        if len(w) > 4 and w.endswith("ses"):
            w = w[:-2] + "is"
        elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
        out.append(w)
    return out


def _keys(d: Diagnosis) -> dict[str, set[str]]:
    texts = [d.name, *d.synonyms]
    exact = {normalize(t) for t in texts} - {""}
    bags = {" ".join(sorted(_WORD.findall(normalize(t)))) for t in texts} - {""}
    variants = {" ".join(sorted(_words(t))) for t in texts} - {""}
    core = {" ".join(sorted(set(_words(t)) - _GENERIC)) for t in texts} - {""}
    return {"shared_name": exact, "inverted_name": bags, "spelling_variant": variants, "generic_word": core}


def dismissal_comment(proposal: DuplicateProposal, reason: str) -> str:
    """The audit comment recording that a pair is not duplicates: ``[not-duplicate dup-…] A / B: reason``."""
    a, b = proposal.names
    return f"[not-duplicate {proposal.id}] {a} / {b}: {reason.strip()}"


def dismissed_pairs(store: GraphStore) -> set[str]:
    """Ids of the pairs a curator decided are not duplicates (from the audit log's comments)."""
    events = store.list_events(EventQuery(action="comment", limit=None)).items
    return {m.group(1) for e in events if (m := _DISMISSED.match(e.reason or ""))}


def find_duplicates(
    store: GraphStore, *, include_distinctive: bool = True, include_dismissed: bool = True
) -> DuplicateReport:
    """Pairs of live diagnoses (accepted or proposed) that probably name one entity, best first;
    without ``include_dismissed``, none a curator dismissed (counted in ``dismissed``)."""
    diagnoses = {
        d.id: d
        for d in store.list_diagnoses()
        if d.status in ("accepted", "proposed") and not alg.is_condition_class(d.name)
    }
    found: dict[tuple[str, str], tuple[Rule, str]] = {}
    for rule in ("shared_name", "inverted_name", "spelling_variant", "generic_word"):
        owners: dict[str, set[str]] = defaultdict(set)
        for d in diagnoses.values():
            for key in _keys(d)[rule]:
                owners[key].add(d.id)
        for key, ids in owners.items():
            for a, b in combinations(sorted(ids), 2):
                found.setdefault((a, b), (rule, f"{rule.replace('_', ' ')}: both read {key!r}"))  # type: ignore[arg-type]
    if include_distinctive:
        _distinctive(diagnoses, found)
    view = store.graph_view(include_proposed=True)
    g = view.taxonomy
    proposals = []
    for (a, b), (rule, reason) in found.items():
        keep, drop = sorted((a, b), key=lambda i: _preference(store, diagnoses[i], g))
        related = keep in g and drop in g and (nx.has_path(g, keep, drop) or nx.has_path(g, drop, keep))
        classes = [
            alg.malignancy(view, i).value if i in view else diagnoses[i].malignancy for i in (keep, drop)
        ]
        if rule == "generic_word" and related:
            continue  # "cutaneous X" under X is a subtype, not a duplicate
        if rule == "distinctive_word" and None not in classes and classes[0] != classes[1]:
            continue  # weak evidence against a malignancy difference
        proposals.append(
            DuplicateProposal(
                id="dup-" + hashlib.sha1(f"{a}\x1f{b}".encode()).hexdigest()[:12],
                keep=keep,
                drop=drop,
                names=[diagnoses[keep].name, diagnoses[drop].name],
                rule=rule,
                score=_SCORE.get(rule, 0.5),
                reason=reason,
                related=related,
                malignancy=classes,
            )
        )
    proposals.sort(key=lambda p: (_RANK[p.rule], p.names[0].lower(), p.names[1].lower()))
    found_all = len(proposals)
    if not include_dismissed:
        gone = dismissed_pairs(store)
        proposals = [p for p in proposals if p.id not in gone]
    by_rule: dict[str, int] = defaultdict(int)
    for p in proposals:
        by_rule[p.rule] += 1
    return DuplicateReport(
        revision=store.revision(),
        diagnoses=len(diagnoses),
        proposals=proposals,
        by_rule=dict(by_rule),
        dismissed=found_all - len(proposals),
    )


def _distinctive(diagnoses: dict[str, Diagnosis], found: dict[tuple[str, str], tuple[Rule, str]]) -> None:
    """Two-word names differing in their first word only, whose last word no other diagnosis uses
    ("tinea versicolor" / "pityriasis versicolor"): weaker evidence, proposed at score 0.5."""
    users: dict[str, set[str]] = defaultdict(set)
    short: dict[str, list[str]] = {}
    for d in diagnoses.values():
        for text in (d.name, *d.synonyms):
            words = _words(text)
            for w in words:
                users[w].add(d.id)
            if len(words) == 2 and len(words[1]) >= 5 and not words[1].endswith(_LATIN_QUALIFIER):
                short.setdefault(d.id, []).append(words[1])
    last: dict[str, set[str]] = defaultdict(set)
    for d, tails in short.items():
        for w in tails:
            last[w].add(d)
    for w, ids in last.items():
        if len(ids) == 2 and users[w] == ids:
            a, b = sorted(ids)
            found.setdefault((a, b), ("distinctive_word", f"distinctive word: only these two use {w!r}"))


def _preference(store: GraphStore, d: Diagnosis, g: nx.DiGraph) -> tuple:
    """Keep the accepted, better-connected, coded diagnosis; then the shorter id."""
    edges = g.degree(d.id) if d.id in g else 0
    return (d.status != "accepted", -edges, -len(d.codes), len(d.id), d.id)


def apply_proposal(store: GraphStore, proposal_id: str, *, user: str, swap: bool = False) -> Diagnosis:
    """Merge one proposal (revertible ``merge_diagnoses``; ``swap`` keeps the other diagnosis)."""
    report = find_duplicates(store)
    match = next((p for p in report.proposals if p.id == proposal_id), None)
    if match is None:
        raise NotFoundError(
            f"no duplicate proposal {proposal_id!r} at revision {report.revision}; list them with "
            "`dermkg kg duplicates`"
        )
    keep, drop = (match.drop, match.keep) if swap else (match.keep, match.drop)
    return store.merge_diagnoses(keep, drop, user=user, reason=f"{match.id}: {match.reason}")
