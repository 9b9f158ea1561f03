"""Ingest PDFs into the graph: extract, resolve names, write proposed assertions, cases and evidence.

One transaction per document: a document lands completely or not at all, and a bad file is reported
(naming the file and page) while the others go on. Ingesting a file whose sha256 is already a source
changes nothing. Photo captions are labelled when the document ends, by the book's own entries or
known diagnoses (:mod:`ingest.caption_labels`); names proposed from mentions only (a caption, a list
of causes) are listed apart in the summary for curators to confirm first. A new version of a
file (same file name, new sha256) supersedes what its previous version proposed and the new one does
not repeat; what curators accepted or rejected stays.
Image files are content-addressed under ``<data_dir>/images`` and written before the transaction
commits; a rolled-back document can leave an unreferenced image behind, never a broken reference.

Example:
    >>> with open_store("sqlite:///kg.db") as store:  # doctest: +SKIP
    ...     summary = IngestPipeline(store, data_dir=Path("data")).run([Path("book.pdf")])
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

from dermkg.errors import DermkgError, InputError
from ingest.books import annotate_conflicts, without_edited
from ingest.caption_labels import label_captions
from ingest.knowledge_writer import KnowledgeWriter
from ingest.pdf_loader import document_title, file_sha256, image_bytes, open_pdf
from ingest.synonyms import with_synonym
from ingest.types import DocumentSummary, Extraction, FigureCandidate, IngestSummary, RelationCandidate
from kg.ids import assertion_id, canonical_pair, case_id, diagnosis_id, sha256_bytes
from kg.models import Agent, Assertion, AssertionQuery, Case, Diagnosis, Evidence, Source
from kg.names import NamePolicyError, clean_name, normalize
from kg.store.base import GraphStore

log = logging.getLogger(__name__)

PageProgress = Callable[[int, int], None]
FLUSH_PAGES = 50


class Extractor(Protocol):
    name: str
    version: str

    def iter_document(
        self, doc: Any, source_sha256: str, *, on_page: PageProgress | None = None
    ) -> Iterable[Extraction]: ...


class _DocumentWriter:
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


class IngestPipeline:
    """``dermkg ingest``: PDFs -> proposed diagnoses, assertions, rationales and cases."""

    def __init__(
        self,
        store: GraphStore,
        *,
        data_dir: Path,
        extractor: Extractor | None = None,
        dry_run: bool = False,
        user: str = "system",
    ) -> None:
        from ingest.rules_extractor import RulesExtractor

        self.store = store
        self.extractor = extractor or RulesExtractor()
        self.dry_run = dry_run
        self.user = user
        self.images_dir = Path(data_dir) / "images"
        self.origin = "llm" if self.extractor.name == "llm" else "rules"
        self.suggest_min_score = 88.0

    def agent(self) -> Agent:
        agent = getattr(self.extractor, "agent", None)
        if callable(agent):
            return agent()
        return Agent(name=f"ingest.{self.extractor.name}", version=self.extractor.version)

    def run(
        self,
        paths: Iterable[Path],
        *,
        on_document: Callable[[Path, int], None] | None = None,
        on_page: PageProgress | None = None,
        on_page_written: PageProgress | None = None,
    ) -> IngestSummary:
        """``on_page`` counts pages read, ``on_page_written`` pages written (a document is read
        whole before its write transaction opens)."""
        summary = IngestSummary(extractor=self.origin, dry_run=self.dry_run)  # type: ignore[arg-type]
        for path in paths:
            summary.documents.append(
                self.ingest_file(
                    Path(path), on_document=on_document, on_page=on_page, on_page_written=on_page_written
                )
            )
        usage = getattr(self.extractor, "usage", None)
        if usage is not None:
            summary.llm_usage = {**usage.model_dump(), "malformed": getattr(self.extractor, "malformed", 0)}
        return summary

    def ingest_file(
        self,
        path: Path,
        *,
        on_document: Callable[[Path, int], None] | None = None,
        on_page: PageProgress | None = None,
        on_page_written: PageProgress | None = None,
    ) -> DocumentSummary:
        started = time.perf_counter()
        result = DocumentSummary(path=str(path))
        try:
            doc = open_pdf(path)
        except InputError as exc:
            result.status, result.error = "error", str(exc)
            return result
        try:
            result.sha256 = file_sha256(path)
            result.pages = doc.page_count
            result.warnings.extend(getattr(doc, "dermkg_warnings", []))
            if getattr(doc, "is_repaired", False):
                result.warnings.append(
                    f"{path}: the PDF is damaged and was repaired on opening; check the pages read"
                )
            if on_document is not None:
                on_document(path, doc.page_count)
            if self.store.get_source(result.sha256) is not None and not self.dry_run:
                result.status = "unchanged"
                return result
            self._ingest(doc, path, result, on_page, on_page_written)
            result.status = "dry-run" if self.dry_run else "ingested"
        except DermkgError as exc:
            result.status, result.error = "error", str(exc)
        except Exception as exc:  # a PDF that breaks the parser mid-way must not stop the batch
            result.status, result.error = "error", f"{path}: {type(exc).__name__}: {exc}"
        finally:
            doc.close()
            result.seconds = round(time.perf_counter() - started, 3)
        return result

    def _ingest(
        self,
        doc: Any,
        path: Path,
        result: DocumentSummary,
        on_page: PageProgress | None,
        on_page_written: PageProgress | None,
    ) -> None:
        sha = result.sha256 or ""
        previous = [
            s
            for s in self.store.list_sources()
            if s.kind == "pdf" and s.sha256 != sha and s.path and Path(s.path).name == path.name
        ]
        writer = _DocumentWriter(self, doc, sha, result)
        title = writer.title = document_title(doc, path)
        # Read the whole document before the write transaction: it takes the store's one writer slot,
        # and curators' accepts must not wait on parsing (or on an LLM extractor's calls). Chunks hold
        # text and image references only; image bytes are read as cases are written.
        chunks = list(self.extractor.iter_document(doc, sha, on_page=on_page))
        with self.store.transaction():
            if not self.dry_run:
                self.store.upsert_source(
                    Source(sha256=sha, title=title, path=str(path.resolve()), kind="pdf")
                )
            written = 0
            for chunk in chunks:
                writer.write(chunk)
                written += chunk.pages
                if on_page_written is not None and chunk.pages:
                    on_page_written(written, doc.page_count)
            writer.finish()
            writer.flush()
            if not self.dry_run:
                writer.supersede(previous)
        result.diagnoses_matched = len(writer.matched)
        result.diagnoses_proposed = len(writer.proposed)
        kinds: dict[str, int] = {}
        for kind in writer.assertions.values():
            kinds[kind] = kinds.get(kind, 0) + 1
        result.assertions_proposed = kinds
        result.cases = len(writer.cases)
