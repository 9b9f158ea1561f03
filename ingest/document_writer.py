"""One document's write: resolve its names against the store and the document's own proposals, batch
its assertions and cases, and supersede what an earlier version of the file proposed. With ``dry_run``
it only counts, resolving exactly as the write would (the dry run predicts the write).
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from dermkg.errors import InputError
from ingest.books import annotate_conflicts, without_edited
from ingest.caption_labels import label_captions
from ingest.knowledge_writer import KnowledgeWriter
from ingest.pdf_loader import image_bytes
from ingest.synonyms import with_synonym
from ingest.types import DocumentSummary, Extraction, FigureCandidate, RelationCandidate
from kg.ids import assertion_id, canonical_pair, case_id, diagnosis_id, sha256_bytes
from kg.models import Assertion, AssertionQuery, Case, Diagnosis, Evidence, Source
from kg.names import NamePolicyError, clean_name, normalize

if TYPE_CHECKING:
    from ingest.pipeline import IngestPipeline

log = logging.getLogger(__name__)
FLUSH_PAGES = 50


class DocumentWriter:
    """Resolves names and writes one document's chunks; with ``dry_run`` it only counts."""

    def __init__(self, pipeline: IngestPipeline, doc: Any, sha: str, summary: DocumentSummary) -> None:
        self.p = pipeline
        self.store = pipeline.store
        self.doc = doc
        self.sha = sha
        self.summary = summary
        self.ids: dict[str, str | None] = {}  # name (lower) -> diagnosis id
        self.matched: set[str] = set()
        self.proposed: set[str] = set()
        self.assertions: dict[str, str] = {}  # id -> kind
        self.cases: set[str] = set()
        self.agent = pipeline.agent()
        # Writes waiting for the next flush (bounded by FLUSH_PAGES pages of findings).
        self.batch: dict[str, Assertion] = {}
        self.evidence: dict[str, dict[str, Evidence]] = {}
        self.case_batch: dict[str, Case] = {}
        self.pages_buffered = 0
        # Captions wait for the whole document: the entries that label their photos may come later.
        self.captions: list[FigureCandidate] = []
        self.unlabelled: set[str] = set()
        self.from_entries: set[str] = set()  # ids a heading, a table or a described relation names
        self.names: dict[str, str] = {}  # proposed id -> name
        self.proposed_keys: dict[str, str] = {}  # store name key of a proposal -> its id
        self.knowledge = KnowledgeWriter(self)  # presentations and findings (ingest.knowledge_writer)
        self.title = ""

    # -- names -------------------------------------------------------------------------------
    def resolve(
        self, name: str, evidence: Evidence | None, synonyms: list[str] | None = None, *, propose: bool = True
    ) -> str | None:
        """The diagnosis id for ``name``: known (exact, through names and synonyms) or newly proposed."""
        key = " ".join(name.lower().split())
        if key in self.ids:
            return self.ids[key]
        found = self.store.resolve_name(name)
        if found is not None:
            if found.id not in self.proposed:  # an earlier proposal of this document is no match
                self.matched.add(found.id)
            self.ids[key] = found.id
            return found.id
        # A dry run writes nothing, so the store cannot resolve this document's own proposals: look
        # them up by the store's name key ("Arterial ulcer" is the "arterial ulcers" proposed before).
        if (did := self.proposed_keys.get(normalize(name) or key)) is not None:
            self.ids[key] = did
            return did
        if not propose:
            return None
        try:  # the name policy (kg.names): a 10 kB "heading" or control characters propose nothing
            name = clean_name(name)
            synonyms = [clean_name(s, what="synonym") for s in (synonyms or [])]
        except NamePolicyError as exc:
            page = f"page {evidence.page}: " if evidence is not None and evidence.page else ""
            self.summary.warnings.append(f"{page}not proposed: {exc}")
            return None
        did = diagnosis_id(name)
        existing = self.store.get_diagnosis(did)
        if existing is not None:  # same slug, e.g. an earlier proposal under another spelling
            self.ids[key] = existing.id
            (self.matched if existing.status != "proposed" else self.proposed).add(existing.id)
            self.names.setdefault(existing.id, existing.name)
            return existing.id
        safe_synonyms = [s for s in (synonyms or []) if self.store.resolve_name(s) is None]
        found = self.store.suggest_names(name, limit=3, min_score=self.p.suggest_min_score)
        near = with_synonym(name, [m.diagnosis.name for m in found], self.summary.synonym_proposals)
        if near:
            self.summary.suggestions[name] = near
        if not self.p.dry_run:
            self.store.upsert_diagnoses(
                [
                    Diagnosis(
                        id=did,
                        name=name,
                        synonyms=safe_synonyms,
                        status="proposed",
                        origin=self.p.origin,
                        evidence=[evidence] if evidence else [],
                    )
                ],
                user=self.p.user,
            )
        self.proposed.add(did)
        self.names.setdefault(did, name)
        for alias in (name, *safe_synonyms):
            self.proposed_keys.setdefault(normalize(alias), did)
        self.ids[key] = did
        return did

    # -- chunks ------------------------------------------------------------------------------
    def write(self, chunk: Extraction) -> None:
        """Resolve a chunk's names and buffer its writes; flush every ``FLUSH_PAGES`` pages, so that
        a book repeating the same facts merges them in memory instead of rewriting them per page."""
        self.summary.ocr_pages += chunk.ocr_pages
        self.summary.images_skipped += chunk.images_skipped
        self.summary.warnings.extend(chunk.warnings)
        for cand in chunk.diagnoses:
            # A plain heading attaches to a known diagnosis; only clinical sections propose new ones.
            did = self.resolve(
                cand.name, cand.evidence, cand.synonyms, propose=cand.clinical or cand.role != "heading"
            )
            if did:
                self.from_entries.add(did)
            if did and cand.role == "heading":
                self.evidence.setdefault(did, {})[cand.evidence.id] = cand.evidence
        for rel in chunk.relations:
            self._add_relation(rel)
        self.knowledge.write(chunk)
        for rat in chunk.rationales:
            did = self.ids.get(" ".join(rat.diagnosis.lower().split()))
            if did is None:
                continue
            self.summary.rationales += 1
            self.evidence.setdefault(did, {})[rat.evidence.id] = rat.evidence
        for fig in chunk.figures:
            if fig.mention and fig.diagnosis:
                self.captions.append(fig)
            else:
                self._add_case(self._case(fig))
        self.pages_buffered += chunk.pages
        if self.pages_buffered >= FLUSH_PAGES:
            self.flush()

    def finish(self) -> None:
        """At the end of the document, when its entries are known: label the photos (the book's entry,
        a known diagnosis, else a proposal unless a sign: :func:`label_captions`), and report the
        proposals that rest on mentions only."""
        evidence = {f.diagnosis: f.evidence for f in reversed(self.captions)}  # the first caption's
        labels = label_captions(
            [f.diagnosis for f in self.captions if f.diagnosis],
            lambda name: self.resolve(name, None, propose=False),
            lambda name: self.resolve(name, evidence[name]),
        )
        for fig in self.captions:
            did = labels.get(fig.diagnosis or "")
            if did is None:
                self.unlabelled.add(fig.diagnosis or "")
            self._add_case(self._case(fig, did))
        self.captions = []
        self.knowledge.finish()
        self.summary.unlabelled_captions = sorted(self.unlabelled)
        self.summary.proposed_from_mentions = sorted(
            self.names[d] for d in self.proposed - self.from_entries if d in self.names
        )

    def _add_relation(self, rel: RelationCandidate) -> None:
        s = self.resolve(rel.subject, rel.evidence)
        o = self.resolve(rel.object, rel.evidence)
        if not s or not o or s == o:
            return
        if not rel.mention:
            self.from_entries.update((s, o))
        s, o = canonical_pair(rel.kind, s, o)
        aid = assertion_id(rel.kind, s, o)
        batch = self.batch
        if aid in batch:
            if rel.evidence.id not in {e.id for e in batch[aid].evidence}:
                batch[aid].evidence.append(rel.evidence)
            return
        batch[aid] = Assertion(
            id=aid,
            kind=rel.kind,
            subject=s,
            object=o,
            origin=self.p.origin,
            agent=self.agent,
            score=rel.score,
            note=f"{rel.rule}" + (f" | {rel.evidence.context}" if rel.evidence.context else ""),
            evidence=[rel.evidence],
        )
        self.assertions[aid] = rel.kind

    def _add_case(self, case: Case | None) -> None:
        if case is None:
            return
        if case.id in self.case_batch:
            merged = {e.id: e for e in [*self.case_batch[case.id].evidence, *case.evidence]}
            case = case.model_copy(update={"evidence": list(merged.values())})
        self.case_batch[case.id] = case
        self.cases.add(case.id)

    def flush(self) -> None:
        if not self.p.dry_run:
            if self.batch:  # several books: curators' edits stand, conflicts are flagged (ingest.books)
                without_edited(self.store, self.batch)
                annotate_conflicts(self.store, self.batch, self.sha, self.title)
                self.store.add_assertions(list(self.batch.values()), user=self.p.user)
            for did, evidence in self.evidence.items():
                self.store.add_diagnosis_evidence(did, list(evidence.values()))
            if self.case_batch:
                self.store.add_cases(list(self.case_batch.values()), user=self.p.user)
        self.batch, self.evidence, self.case_batch, self.pages_buffered = {}, {}, {}, 0

    def _case(self, fig: FigureCandidate, did: str | None = None) -> Case | None:
        """The photo as a case of ``did`` (or, for a proposing caption, of the name it reads)."""
        if not fig.diagnosis:
            self.summary.images_skipped += 1
            log.debug("page %s: photo skipped, its caption names no diagnosis", fig.evidence.page)
            return None
        if did is None and not fig.mention:
            did = self.resolve(fig.diagnosis, fig.evidence)
        if did is None:
            self.summary.images_skipped += 1  # a photo no diagnosis can label
            log.debug("page %s: photo skipped, %r resolves to no diagnosis", fig.evidence.page, fig.diagnosis)
            return None
        try:
            data, ext = image_bytes(self.doc, fig.image)
        except InputError as exc:  # over the pixel limit: never decoded, never stored
            self.summary.images_skipped += 1
            self.summary.warnings.append(f"{exc}, skipped")
            return None
        sha = sha256_bytes(data)
        path = self.p.images_dir / sha[:2] / f"{sha}.{ext}"
        if not self.p.dry_run and not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        return Case(
            id=case_id(sha, did),
            diagnosis=did,
            image_sha256=sha,
            image_path=str(path),
            rationale=fig.caption,
            caption=fig.caption,
            credit=fig.credit,
            evidence=[fig.evidence],
            origin=self.p.origin,
            status="proposed",
            source=self.sha,
            meta={"page": fig.image.page, "bbox": list(fig.image.bbox)},
        )

    # -- versions ----------------------------------------------------------------------------
    def supersede(self, previous: list[Source]) -> None:
        """Retire what older versions of this file proposed and this version no longer says."""
        for old in previous:
            page = self.store.query_assertions(
                AssertionQuery(source_sha256=old.sha256, status="proposed", limit=None)
            )
            for a in page.items:
                if a.id in self.assertions or a.origin not in {"rules", "llm"}:
                    continue
                self.store.review(a.id, "supersede", user=self.p.user, reason=f"new version {self.sha[:12]}")
                self.summary.assertions_superseded += 1
            for case in self.store.list_cases(status="proposed"):
                if case.source == old.sha256 and case.id not in self.cases:
                    self.store.update_case(
                        case.id,
                        {"status": "excluded"},
                        user=self.p.user,
                        reason=f"new version {self.sha[:12]}",
                    )
