"""An in-memory snapshot of the curated graph: everything trajectory synthesis reads, once.

Synthesis reads the store once (one revision) and then plans thousands of trajectories from memory;
that keeps a run consistent (a single revision) and fast (no store round trip per row).
"""

from __future__ import annotations

import dataclasses
import random
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kg import algorithms
from kg.models import Assertion, Case, Diagnosis, GraphExport, Source
from kg.store.base import GraphStore
from kg.view import GraphView, NodeInfo
from synth.case_rationale import book_rationale, caption_adds
from synth.knowledge import FindingInfo, FindingKnowledge, case_observations, seed_knowledge
from synth.types import CaseRef, PartnerSource, TaxonomyFact

# one lesion-condition vocabulary across SFT, RL and eval (synth.datasets.taxonomy.CONDITION)
_CONDITION_NODES = {"benign", "malignant", "indeterminate", "premalignant", "precancerous"}
_MALIGNANCY_TEXT = {"benign": "benign", "malignant": "malignant", "premalignant": "precancerous in situ"}


_BRANCH: dict[str, PartnerSource] = {
    "direct": "ddx",
    "parent": "ddx_parent",
    "child_of_candidate": "ddx_child",
}


@dataclass
class SynthGraph:
    """Accepted (optionally also proposed) diagnoses, is_a / DDx edges and cases of one revision.

    Taxonomy path, malignancy and ResolveDDXNeighbor are :mod:`kg.algorithms` over ``view`` (a
    :class:`kg.view.GraphView` built from the same snapshot, so case counts mean "cases usable for a
    trajectory"); this class adds what synthesis needs on top: the assertion ids behind each edge.
    """

    revision: int
    diagnoses: dict[str, Diagnosis]
    view: GraphView
    edge_ids: dict[tuple[str, str, str], str]  # (kind, subject, object) -> assertion id (DDx both ways)
    cases: dict[str, list[CaseRef]]  # diagnosis -> cases with a rationale, sorted by id
    assertion_evidence: dict[str, list[str]]
    sources: dict[str, Source]
    skipped_cases: list[str] = field(default_factory=list)  # accepted cases without a rationale
    # image sha256 -> the dataset's official split (Case.meta["split"]); the export honours it so an
    # image that an eval set tests on never lands in the SFT train split
    official_splits: dict[str, str] = field(default_factory=dict)
    knowledge: FindingKnowledge = field(default_factory=seed_knowledge)  # accepted finding assertions
    _tax_cache: dict[str, TaxonomyFact] = field(default_factory=dict, repr=False)
    argument_cache: dict[tuple, tuple] = field(default_factory=dict, repr=False)  # synth.trajectories

    # -- construction ----------------------------------------------------------------------
    @classmethod
    def from_parts(
        cls,
        *,
        revision: int,
        diagnoses: Iterable[Diagnosis],
        assertions: Iterable[Assertion],
        cases: Iterable[Case],
        sources: Iterable[Source] = (),
        findings: Iterable[Any] = (),
        include_proposed: bool = False,
        include_proposed_cases: bool = False,
        include_proposed_assertions: bool = False,
    ) -> SynthGraph:
        """``include_proposed`` sets both flags: proposed cases and proposed assertions are separate
        choices (a proposed figure case is not a proposed medical fact)."""
        import networkx as nx

        proposed_cases = include_proposed or include_proposed_cases
        proposed_assertions = include_proposed or include_proposed_assertions
        include_proposed = proposed_cases or proposed_assertions
        ok_status = {"accepted", "proposed"} if include_proposed else {"accepted"}
        case_status = {"accepted", "proposed"} if proposed_cases else {"accepted"}
        assertion_status = {"accepted", "proposed"} if proposed_assertions else {"accepted"}
        dx = {d.id: d for d in diagnoses if d.status in ok_status}
        assertions = list(assertions)
        knowledge = _knowledge(findings, assertions, dx, assertion_status)
        aliases = {alias: d.id for d in dx.values() for alias in d.aliases}
        taxonomy, ddx = nx.DiGraph(), nx.Graph()
        taxonomy.add_nodes_from(dx)
        ddx.add_nodes_from(dx)
        edge_ids: dict[tuple[str, str, str], str] = {}
        evidence: dict[str, list[str]] = {}
        usable = [
            a
            for a in assertions
            if a.kind in ("is_a", "ddx")
            and a.status in assertion_status
            and a.subject in dx
            and a.object in dx
            and a.subject != a.object
        ]
        # accepted edges first; a proposed is_a that would close a cycle is skipped (as GraphView does)
        for a in sorted(usable, key=lambda a: (a.status != "accepted", a.id)):
            if a.kind == "is_a":
                if a.status != "accepted" and nx.has_path(taxonomy, a.object, a.subject):
                    continue
                taxonomy.add_edge(a.subject, a.object)
                edge_ids[("is_a", a.subject, a.object)] = a.id
            else:
                ddx.add_edge(a.subject, a.object)
                edge_ids[("ddx", a.subject, a.object)] = a.id
                edge_ids[("ddx", a.object, a.subject)] = a.id
            evidence[a.id] = sorted({e.id for e in a.evidence if e.id})
        by_dx: dict[str, list[CaseRef]] = defaultdict(list)
        skipped: list[str] = []
        official: dict[str, str] = {}
        official_sources: set[str | None] = set()
        unlisted: dict[str, str | None] = {}  # image -> source, for cases without an official split
        for c in cases:
            if c.status not in case_status or c.diagnosis not in dx:  # excluded cases never
                continue
            if isinstance(c.meta.get("split"), str):
                official[c.image_sha256] = c.meta["split"]
                official_sources.add(c.source)
            else:
                unlisted[c.image_sha256] = c.source
            text = (c.rationale or c.caption or "").strip()
            own = text  # what describes *this* image
            case_evidence = [e.id for e in c.evidence if e.id]
            described = book_rationale(c, dx[c.diagnosis])
            if described is not None:  # a textbook figure: the book's description of d is r
                text, used = described
                case_evidence += [e.id for e in used if e.id]
                # only the caption describes the figure; the book's text describes the diagnosis
                adds = c.caption and caption_adds(c.caption, dx[c.diagnosis])
                own = c.caption if adds else ""
            names = [dx[c.diagnosis].name, *dx[c.diagnosis].synonyms]
            obs = case_observations(c.meta, own, knowledge, names)
            if not text:
                skipped.append(c.id)
                continue
            by_dx[c.diagnosis].append(
                CaseRef(
                    id=c.id,
                    diagnosis=c.diagnosis,
                    image_sha256=c.image_sha256,
                    image_path=c.image_path,
                    rationale=text,
                    evidence_ids=sorted(set(case_evidence)),
                    source=c.source,
                    source_sha256=next((e.source_sha256 for e in c.evidence), None),
                    observed=obs.observed,
                    not_observed=obs.not_observed,
                )
            )
        # A dataset with official splits that leaves some rows out (Derm7pt+ filters some): the RL /
        # eval builder splits those at random, so any of them may be an eval test image; hold them out.
        official |= {sha: "test" for sha, source in unlisted.items() if source in official_sources}
        nodes = {d.id: NodeInfo(d.id, d.name, d.malignancy, d.status) for d in dx.values()}
        view = GraphView(
            revision, include_proposed, nodes, taxonomy, ddx, {d: len(v) for d, v in by_dx.items()}, aliases
        )
        return cls(
            revision=revision,
            diagnoses=dx,
            view=view,
            edge_ids=edge_ids,
            cases={k: sorted(v, key=lambda r: r.id) for k, v in by_dx.items()},
            assertion_evidence=evidence,
            sources={s.sha256: s for s in sources},
            skipped_cases=sorted(skipped),
            official_splits=official,
            knowledge=knowledge,
        )

    @classmethod
    def from_export(cls, export: GraphExport, **flags: bool) -> SynthGraph:
        return cls.from_parts(
            revision=export.revision,
            diagnoses=export.diagnoses,
            assertions=export.assertions,
            cases=export.cases,
            sources=export.sources,
            findings=getattr(export, "findings", []),
            **flags,
        )

    @classmethod
    def from_store(
        cls,
        store: GraphStore,
        *,
        include_proposed: bool = False,
        include_proposed_cases: bool = False,
        include_proposed_assertions: bool = False,
    ) -> SynthGraph:
        """Read one consistent snapshot through the :class:`kg.store.base.GraphStore` interface."""
        proposed_cases = include_proposed or include_proposed_cases
        with store.transaction():
            revision = store.revision()
            return cls.from_parts(
                revision=revision,
                diagnoses=store.list_diagnoses(),
                assertions=list(store.iter_assertions()),
                cases=store.list_cases(status="accepted")
                + (store.list_cases(status="proposed") if proposed_cases else []),
                sources=store.list_sources(),
                findings=store.list_findings() if hasattr(store, "list_findings") else [],
                include_proposed=include_proposed,
                include_proposed_cases=include_proposed_cases,
                include_proposed_assertions=include_proposed_assertions,
            )

    def subset(self, per_diagnosis: int, diagnoses: Iterable[str] | None = None) -> SynthGraph:
        """The same graph with at most ``per_diagnosis`` cases of each (or of the given) diagnoses:
        a cheap dry run before paying for LLM comparisons."""
        keep = set(diagnoses) if diagnoses is not None else set(self.cases)
        cases = {d: cs[:per_diagnosis] for d, cs in self.cases.items() if d in keep and per_diagnosis > 0}
        counts = {d: len(cs) for d, cs in cases.items() if cs}
        view = dataclasses.replace(self.view, case_counts=counts, _memo={})
        return dataclasses.replace(self, view=view, cases=cases, _tax_cache={}, argument_cache={})

    # -- queries ---------------------------------------------------------------------------
    def name(self, d: str) -> str:
        return self.diagnoses[d].name

    def with_cases(self) -> list[str]:
        return sorted(d for d, cs in self.cases.items() if cs)

    def has_cases(self, d: str) -> bool:
        return bool(self.cases.get(d))

    def ddx_neighbours(self, d: str) -> list[tuple[str, str]]:
        """(neighbour, DDx assertion id), sorted."""
        return [(n, self.edge_ids[("ddx", d, n)]) for n in algorithms.ddx_neighbours(self.view, d)]

    def parents(self, d: str) -> list[str]:
        return algorithms.parents(self.view, d)

    def children(self, d: str) -> list[str]:
        return algorithms.children(self.view, d)

    def ddx_edge_count(self) -> int:
        return self.view.ddx.number_of_edges()

    def ddx_edge_ends(self, assertion_id: str) -> tuple[str, str]:
        """The two diagnoses of an accepted DDx assertion (a < b)."""
        if "_ddx_ends" not in self._tax_cache:
            self._tax_cache["_ddx_ends"] = {aid: (a, b) for aid, a, b in self.ddx_edges()}  # type: ignore[assignment]
        return self._tax_cache["_ddx_ends"][assertion_id]  # type: ignore[return-value,index]

    def ddx_edges(self) -> list[tuple[str, str, str]]:
        """(assertion id, a, b) of every DDx edge in the snapshot, a < b."""
        return sorted((self.edge_ids[("ddx", a, b)], *sorted((a, b))) for a, b in self.view.ddx.edges)

    def path(self, d: str) -> tuple[list[str], list[str]]:
        """Taxonomy path d -> root along primary parents (kg.algorithms.path) and its is_a ids."""
        ids = list(reversed(algorithms.path(self.view, d)))
        return ids, [self.edge_ids[("is_a", c, p)] for c, p in zip(ids, ids[1:], strict=False)]

    def malignancy(self, d: str) -> tuple[str | None, str | None]:
        """Own value first, else the nearest ancestor's (fine-to-coarse); (value, from id)."""
        res = algorithms.malignancy(self.view, d)
        return res.value, (d if res.source == "own" else res.inherited_from)

    def taxonomy(self, d: str) -> TaxonomyFact:
        """The taxonomy sentence closing every target, with the facts it states."""
        if d in self._tax_cache:
            return self._tax_cache[d]
        ids, assertions = self.path(d)
        names = [self.name(i) for i in ids]
        value, origin = self.malignancy(d)
        source = None
        if value and origin:
            own = self.diagnoses[origin].malignancy_source or "graph"
            source = own if origin == d else f"{own}, inherited from {self.name(origin)}"
        sentence = _taxonomy_sentence(names, value, source)
        evidence = sorted({e for a in assertions for e in self.assertion_evidence.get(a, [])})
        fact = TaxonomyFact(
            diagnosis=d,
            name=names[0],
            path=names,
            malignancy=value,
            malignancy_from=origin,
            malignancy_source=source,
            assertion_ids=assertions,
            evidence_ids=evidence,
            sentence=sentence,
        )
        self._tax_cache[d] = fact
        return fact

    def resolve_ddx_neighbor(self, d: str, rng: random.Random) -> tuple[str, str, PartnerSource] | None:
        """Algorithm 4 (kg.algorithms.resolve_ddx_neighbor) plus the DDx assertion it rests on.

        Returns (partner id, DDx assertion id, branch) or None (the caller samples at random).
        """
        found = algorithms.resolve_ddx_neighbor(self.view, d, rng)
        if found.neighbor is None:
            return None
        candidate = found.via or found.neighbor  # the DDx end (a child's parent for ddx_child)
        anchors = [d] if found.candidates_from == "diagnosis" else self.parents(d)
        aid = next(
            self.edge_ids[("ddx", a, candidate)] for a in anchors if ("ddx", a, candidate) in self.edge_ids
        )
        return found.neighbor, aid, _BRANCH[found.branch]


def _taxonomy_sentence(names: list[str], malignancy: str | None, source: str | None) -> str:
    """'X is a subtype of P. X is malignant.' — what a clinician says; where it came from stays in
    the provenance. "" when the graph knows neither.

    Only a parent that reads as clinical language is named (:func:`_clinical_parent`): vocabulary
    group labels ("malignant melanocytic proliferations (melanoma)", "flat melanotic pigmentations
    (not melanocytic nevus)") are filing categories, and a metastasis or a recurrence is no subtype of
    its tumour. The lesion condition is said plainly; the in-situ class ("precancerous in situ",
    the paper's middle bucket, which holds melanoma in situ as well as actinic keratosis) is said as
    what its members share (confined to the epidermis) with the class label the RL / eval rows use."""
    from synth.wording import article, clinical_name

    del source  # provenance, never target text
    subject = clinical_name(names[0])
    subject = subject[:1].upper() + subject[1:]
    parent = next((p for p in names[1:] if _clinical_parent(p, subject)), None)
    parts = []
    the = article(subject)
    plain = subject[:1].lower() + subject[1:] if the and subject[1:2].islower() else subject
    if parent and not _NOT_A_SUBTYPE.search(subject):
        parts.append(f"{the}{plain} is a subtype of {clinical_name(parent)}.")
    if malignancy:
        if malignancy == "premalignant":
            parts.append(
                f"{the}{plain} is confined to the epidermis (lesion condition: precancerous in situ)."
            )
        else:
            parts.append(f"{the}{plain} is {_MALIGNANCY_TEXT.get(malignancy, malignancy)}.")
    return " ".join(parts)


# a metastasis or a recurrence belongs to its tumour, it is not a subtype of it
_NOT_A_SUBTYPE = re.compile(r"\bmetasta|\brecurren|\bpersistent\b", re.I)
_GROUP_LABEL = re.compile(r"[()]|\s-\s|\bnot\b|\bother\b|\bmiscellaneous\b", re.I)


def _clinical_parent(name: str, subject: str) -> bool:
    """A parent worth naming: not a condition class, not a vocabulary group label (brackets, " - ",
    "not …", "other", a plural filing category such as "… proliferations", a bare adjective such as
    "Adnexal"), not the subject itself."""
    low = name.strip().lower()
    if not low or low in _CONDITION_NODES or low == subject.lower() or _GROUP_LABEL.search(name):
        return False
    head = low.split()[-1]
    plural = head.endswith(("s", "i", "ae")) and not head.endswith(("sis", "us", "ss", "xis", "itis"))
    adjective = head.endswith(("al", "ic", "ous", "ary"))  # "adnexal", "melanocytic": a filing facet
    return not plural and not adjective


def _knowledge(
    findings: Iterable[Any], assertions: list[Assertion], dx: dict[str, Diagnosis], status: set[str]
) -> FindingKnowledge:
    """Finding concepts (the seed when the graph has none) and the usable finding assertions."""
    infos = [FindingInfo(f.id, f.name, f.type, tuple(f.synonyms)) for f in findings]
    if not infos:
        return seed_knowledge()
    rows = [
        (a.id, a.subject, a.object, a.relation)
        for a in assertions
        if a.kind == "finding" and a.status in status and a.subject in dx and getattr(a, "relation", None)
    ]
    return FindingKnowledge.build(infos, rows)
