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

import gc
import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

from dermkg.errors import DermkgError, InputError
from ingest.document_writer import DocumentWriter
from ingest.pdf_loader import document_title, file_sha256, open_pdf
from ingest.types import DocumentSummary, Extraction, IngestSummary
from kg.models import Agent, Source
from kg.store.base import GraphStore

log = logging.getLogger(__name__)

PageProgress = Callable[[int, int], None]


class Extractor(Protocol):
    name: str
    version: str

    def iter_document(
        self, doc: Any, source_sha256: str, *, on_page: PageProgress | None = None
    ) -> Iterable[Extraction]: ...


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
        # The objects alive before the run (modules, settings, the store) are frozen out of the
        # cyclic collector: a book's pages allocate enough to trigger full collections, and each
        # one walked all of them again (6% of the handbook's ingest). Unfrozen when the run ends.
        froze = gc.get_freeze_count() == 0  # a caller that froze its own objects keeps them frozen
        if froze:
            gc.freeze()
        try:
            for path in paths:
                summary.documents.append(
                    self.ingest_file(
                        Path(path), on_document=on_document, on_page=on_page, on_page_written=on_page_written
                    )
                )
        finally:
            if froze:
                gc.unfreeze()
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
        writer = DocumentWriter(self, doc, sha, result)
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
