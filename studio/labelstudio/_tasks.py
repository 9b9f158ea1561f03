"""Build Label Studio task data from the graph: names, taxonomy paths, evidence, images, predictions."""

from __future__ import annotations

import mimetypes
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kg.models import Assertion, Case, Diagnosis, Source
from kg.store.base import GraphStore
from studio.labelstudio._images import MediaStore, page_image_name, readable_pdf, render_page
from studio.labelstudio.types import CaseTaskData, DdxTaskData, DiagnosisOption, Prediction

MAX_QUOTES = 5
MAX_OPTIONS = 40


@dataclass
class GraphContext:
    """Per-push caches over the store: diagnoses, sources, taxonomy parents and DDx neighbours."""

    store: GraphStore
    data_dir: Path | None = None
    _diagnoses: dict[str, Diagnosis | None] = field(default_factory=dict)
    _sources: dict[str, Source | None] = field(default_factory=dict)
    _parents: dict[str, list[str]] | None = None
    _children: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    _ddx: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def diagnosis(self, id: str) -> Diagnosis | None:
        if id not in self._diagnoses:
            self._diagnoses[id] = self.store.get_diagnosis(id)
        return self._diagnoses[id]

    def name(self, id: str) -> str:
        found = self.diagnosis(id)
        return found.name if found is not None else id

    def source(self, sha256: str) -> Source | None:
        if sha256 not in self._sources:
            self._sources[sha256] = self.store.get_source(sha256)
        return self._sources[sha256]

    def _load_edges(self) -> dict[str, list[str]]:
        if self._parents is None:
            self._parents = defaultdict(list)
            for child, parent in self.store.edges("is_a"):
                self._parents[child].append(parent)
                self._children[parent].append(child)
            for a, b in self.store.edges("ddx", include_proposed=True):
                self._ddx[a].add(b)
                self._ddx[b].add(a)
        return self._parents

    def taxonomy_path(self, id: str) -> str:
        """Root › … › diagnosis along the first accepted parent (Appendix B: taxonomy path)."""
        parents = self._load_edges()
        chain, seen, node = [id], {id}, id
        while parents.get(node):
            node = sorted(parents[node])[0]
            if node in seen:  # a cycle cannot be accepted, but never loop on bad data
                break
            seen.add(node)
            chain.append(node)
        return " › ".join(self.name(n) for n in reversed(chain))

    def neighbourhood(self, id: str) -> list[str]:
        """Plausible relabel targets: the diagnosis, its DDx neighbours, parent, siblings, children."""
        parents = self._load_edges()
        around: list[str] = [id, *sorted(self._ddx.get(id, ())), *parents.get(id, [])]
        for parent in parents.get(id, []):
            around.extend(sorted(self._children.get(parent, [])))
        around.extend(sorted(self._children.get(id, [])))
        out: list[str] = []
        for node in around:
            if node not in out and self.diagnosis(node) is not None:
                out.append(node)
        return out[:MAX_OPTIONS]


def ddx_task(ctx: GraphContext, media: MediaStore, assertion: Assertion) -> tuple[DdxTaskData, Prediction]:
    quotes = []
    for ev in assertion.evidence[:MAX_QUOTES]:
        src = ctx.source(ev.source_sha256)
        where = ", ".join(x for x in (src.title if src else ev.source_sha256[:12], _page(ev.page)) if x)
        context = f" [{ev.context}]" if ev.context else ""
        quotes.append(f"“{ev.quote}” — {where}{context}")
    data = DdxTaskData(
        dermkg_id=assertion.id,
        dermkg_version=assertion.version,
        subject_name=ctx.name(assertion.subject),
        object_name=ctx.name(assertion.object),
        subject_path=ctx.taxonomy_path(assertion.subject),
        object_path=ctx.taxonomy_path(assertion.object),
        evidence="\n".join(quotes) or "(no evidence recorded)",
        page_image=_evidence_image(ctx, media, assertion),
        origin=assertion.origin,
        score=assertion.score,
    )
    agent = f":{assertion.agent.name}@{assertion.agent.version}" if assertion.agent else ""
    prediction = Prediction(
        model_version=f"dermkg-{assertion.origin}{agent}",
        score=assertion.score,
        result=[_choice("decision", "evidence", "accept")],
    )
    return data, prediction


def case_task(ctx: GraphContext, media: MediaStore, case: Case) -> tuple[CaseTaskData, Prediction]:
    options = ctx.neighbourhood(case.diagnosis) or [case.diagnosis]
    names = {ctx.name(o): o for o in options}
    data = CaseTaskData(
        dermkg_id=case.id,
        dermkg_version=case.version,
        image=_case_image(ctx, media, case),
        caption=case.caption or case.rationale or "(no caption)",
        diagnosis_name=ctx.name(case.diagnosis),
        diagnosis_options=[DiagnosisOption(value=n) for n in names],
        diagnosis_ids=names,
        origin=case.origin,
    )
    prediction = Prediction(
        model_version=f"dermkg-{case.origin}", score=None, result=[_choice("decision", "image", "accept")]
    )
    return data, prediction


def _evidence_image(ctx: GraphContext, media: MediaStore, assertion: Assertion) -> str:
    for ev in assertion.evidence:
        source = ctx.source(ev.source_sha256)
        pdf = readable_pdf(source)
        if pdf is not None and source is not None and ev.page is not None:
            return media.url_for(page_image_name(source, ev), lambda pdf=pdf, ev=ev: render_page(pdf, ev))
    return media.placeholder()


def _case_image(ctx: GraphContext, media: MediaStore, case: Case) -> str:
    path = Path(case.image_path)
    if not path.is_absolute() and ctx.data_dir is not None:
        path = ctx.data_dir / path
    if not path.is_file():
        return media.placeholder()
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    name = f"case-{case.image_sha256[:16]}{path.suffix.lower()}"
    return media.url_for(name, path.read_bytes, mime)


def _choice(from_name: str, to_name: str, value: str) -> dict[str, object]:
    return {"from_name": from_name, "to_name": to_name, "type": "choices", "value": {"choices": [value]}}


def _page(page: int | None) -> str:
    return f"p. {page}" if page is not None else ""
