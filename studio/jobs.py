"""Background ingestion: a job runs in its own thread on its own store connection.

Ingesting a book inside a page script would hold the process-wide shared store (and its lock) for
the whole run, so every other curator's page would wait. A job instead opens a store of its own from
the same URL (closed when it ends), acts as the admin who started it (the role is checked before it
starts and again when it runs), and records its progress, its :class:`IngestSummary` or its error in a
process-wide :class:`IngestJobRegistry`, where every session of the studio can read it. One ingestion
runs per store at a time; a second start is refused. The pipeline writes one transaction per
document, so a failed or interrupted job leaves each document either fully written or not at all.

Example:
    >>> job = JOBS.start(actions, "sqlite:///data/dermkg.db", [Path("book.pdf")], Path("data"))
    >>> JOBS.wait(job.id, timeout=600).summary.totals()  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from dermkg.errors import ConflictError, DermkgError, StoreUnavailableError
from ingest.types import IngestSummary
from kg.store import GraphStore, embedded_path, make_store
from studio.actions import CurationActions

log = logging.getLogger(__name__)

JobState = Literal["running", "done", "failed"]
KEEP_FINISHED = 20  # finished jobs kept per registry for the recent-jobs list


class IngestProgress(BaseModel):
    """Where a running ingestion is: which document, reading or writing, pages done of total."""

    model_config = ConfigDict(frozen=True)

    phase: Literal["starting", "reading", "writing"] = "starting"
    document: str | None = None
    document_number: int = 0
    documents: int = 0
    done: int = 0
    total: int | None = None

    @property
    def fraction(self) -> float:
        """Overall completion: documents done, plus this one's pages (reading and writing halves)."""
        if not self.documents:
            return 0.0
        page = min(self.done / self.total, 1.0) if self.total else 0.0
        within = page / 2 if self.phase == "reading" else 0.5 + page / 2 if self.phase == "writing" else 0.0
        return min((max(self.document_number - 1, 0) + within) / self.documents, 1.0)

    def describe(self) -> str:
        if self.phase == "starting" or self.document is None:
            return "starting…"
        pages = f", page {self.done}/{self.total}" if self.total else ""
        return f"{self.phase} {self.document} ({self.document_number}/{self.documents}){pages}"


def run_ingest(
    actions: CurationActions,
    paths: list[Path],
    data_dir: Path,
    progress: Callable[[IngestProgress], None] | None = None,
) -> IngestSummary:
    """Run the ingestion pipeline over saved PDFs; proposals are written as the acting user.

    The pipeline reads each document with no transaction open, then writes it in its own
    transaction, so other curators' writes wait only for the short write, never for the reading.
    ``progress`` gets an :class:`IngestProgress` per phase and page."""
    actions.check("ingest")
    from ingest.pipeline import IngestPipeline

    pipeline = IngestPipeline(actions.store, data_dir=data_dir, user=actions.username)
    summary = IngestSummary(extractor=pipeline.origin)  # type: ignore[arg-type]
    for number, path in enumerate(paths, start=1):
        tick = _ticker(progress, Path(path).name, number, len(paths))
        tick("reading", 0, None)
        part = pipeline.run(
            [Path(path)], on_page=partial(tick, "reading"), on_page_written=partial(tick, "writing")
        )
        summary.documents.extend(part.documents)
        summary.llm_usage = part.llm_usage
    return summary


def _ticker(
    progress: Callable[[IngestProgress], None] | None, document: str, number: int, documents: int
) -> Callable[[str, int, int | None], None]:
    """``tick(phase, done, total)`` reporting one document's progress as an IngestProgress."""

    def tick(phase: str, done: int, total: int | None) -> None:
        if progress is not None:
            progress(
                IngestProgress(
                    phase=phase,  # type: ignore[arg-type]
                    document=document,
                    document_number=number,
                    documents=documents,
                    done=done,
                    total=total,
                )
            )

    return tick


class IngestJob(BaseModel):
    """One ingestion run: who started it and when, its progress, and its outcome."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12])
    store_key: str = Field(repr=False)  # the store URL; never shown (it may hold credentials)
    started_by: str
    started_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    files: list[str]
    state: JobState = "running"
    progress: IngestProgress = Field(default_factory=IngestProgress)
    summary: IngestSummary | None = None
    error: str | None = None

    @property
    def outcome(self) -> str:
        """One line for the recent-jobs list."""
        if self.state == "running":
            return self.progress.describe()
        if self.error or self.summary is None:
            return self.error or "failed"
        t = self.summary.totals()
        assertions = sum(v for k, v in t.items() if k.startswith("assertions_"))
        parts = [
            f"{t['pages']} pages",
            f"{assertions} assertions",
            f"{t['diagnoses_proposed']} new diagnoses",
        ]
        parts += [f"{t['cases']} cases"] + ([f"{t['errors']} files failed"] if t["errors"] else [])
        return ", ".join(parts)


JobListener = Callable[[IngestJob], None]


class IngestJobRegistry:
    """The ingestion jobs of this server process, behind one lock; reads return immutable snapshots."""

    def __init__(self, *, keep_finished: int = KEEP_FINISHED) -> None:
        self.keep_finished = keep_finished
        self._lock = threading.Lock()
        self._jobs: dict[str, IngestJob] = {}  # in start order
        self._threads: dict[str, threading.Thread] = {}

    def start(
        self,
        actions: CurationActions,
        store_url: str,
        paths: list[Path],
        data_dir: Path,
        *,
        names: list[str] | None = None,
        listener: JobListener | None = None,
    ) -> IngestJob:
        """Start ingesting ``paths`` into the store at ``store_url`` as ``actions.user``; returns at once.

        Raises PermissionDeniedError for a non-admin and ConflictError while another ingestion runs
        on this store. ``names`` are the files as the user named them (default: the paths' names);
        ``listener`` is called (in the job's thread) after every change of the job."""
        actions.check("ingest")
        with self._lock:
            busy = next(
                (j for j in self._jobs.values() if j.store_key == store_url and j.state == "running"), None
            )
            if busy is not None:
                raise ConflictError(
                    f"an ingestion started by {busy.started_by} at {busy.started_at:%H:%M:%S} UTC is still "
                    f"running on this store ({busy.progress.describe()}); start again when it has finished"
                )
            job = IngestJob(
                store_key=store_url, started_by=actions.username, files=names or [Path(p).name for p in paths]
            )
            self._jobs[job.id] = job
            thread = threading.Thread(
                target=self._run,
                args=(job.id, actions, store_url, list(paths), data_dir, listener),
                name=f"dermkg-ingest-{job.id}",
                daemon=True,  # a stopped server rolls back the open document's transaction
            )
            self._threads[job.id] = thread
            self._forget_old()
        log.info("ingestion job %s started by %s: %d file(s)", job.id, actions.username, len(paths))
        try:
            thread.start()
        except RuntimeError as exc:  # no thread to be had: the job must not stay "running" forever
            self._finish(job.id, None, error=f"Could not start the ingestion: {exc}. Nothing was changed.")
            raise
        return job

    def get(self, job_id: str) -> IngestJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def running(self, store_url: str) -> IngestJob | None:
        """The ingestion now running on this store, if any."""
        return next((j for j in self.recent(store_url) if j.state == "running"), None)

    def recent(self, store_url: str, limit: int = 10) -> list[IngestJob]:
        """This store's jobs, newest first."""
        with self._lock:
            jobs = [j for j in self._jobs.values() if j.store_key == store_url]
        return jobs[::-1][:limit]

    def wait(self, job_id: str, timeout: float | None = None) -> IngestJob:
        """Block until the job ends (or ``timeout`` seconds pass); its latest snapshot."""
        with self._lock:
            thread = self._threads.get(job_id)
        if thread is not None:
            thread.join(timeout)
        job = self.get(job_id)
        if job is None:
            raise KeyError(f"no ingestion job {job_id}")
        return job

    # -- the job's thread --------------------------------------------------------------------
    def _run(
        self,
        job_id: str,
        actions: CurationActions,
        store_url: str,
        paths: list[Path],
        data_dir: Path,
        listener: JobListener | None,
    ) -> None:
        def on_progress(progress: IngestProgress) -> None:
            self._update(job_id, listener, progress=progress)

        try:
            store = _open_existing(store_url)
            try:
                own = CurationActions(
                    store, actions.user, consensus_k=actions.consensus_k, users_file=actions.users_file
                )
                summary = run_ingest(own, paths, data_dir, progress=on_progress)
            finally:
                store.close()
        except (DermkgError, PermissionError) as exc:
            self._finish(job_id, listener, error=_describe(exc))
        except Exception as exc:  # a bug must still end the job visibly, not leave it "running"
            log.exception("ingestion job %s crashed", job_id)
            self._finish(job_id, listener, error=f"Ingestion failed: {type(exc).__name__}: {exc}")
        else:
            self._finish(job_id, listener, summary=summary)

    def _finish(self, job_id: str, listener: JobListener | None, **outcome: object) -> None:
        state: JobState = "failed" if outcome.get("error") else "done"
        if state == "failed":
            log.warning("ingestion job %s failed: %s", job_id, outcome["error"])
        else:
            log.info("ingestion job %s done", job_id)
        self._update(job_id, listener, state=state, finished_at=datetime.now(UTC), **outcome)
        with self._lock:
            self._threads.pop(job_id, None)

    def _update(self, job_id: str, listener: JobListener | None, **changes: object) -> None:
        with self._lock:
            job = self._jobs[job_id].model_copy(update=changes)
            self._jobs[job_id] = job
        if listener is not None:
            listener(job)

    def _forget_old(self) -> None:
        finished = [i for i, j in self._jobs.items() if j.state != "running"]
        for job_id in finished[: max(len(finished) - self.keep_finished, 0)]:
            del self._jobs[job_id]


def _open_existing(store_url: str) -> GraphStore:
    """The job's own connection to the studio's store; an embedded file that vanished since the
    studio opened it is an error, not a new empty store to ingest into."""
    path = embedded_path(store_url)
    if path is not None and not path.exists():
        raise StoreUnavailableError(f"the store file {path} does not exist (moved or deleted?)")
    return make_store(store_url).open()


def _describe(exc: Exception) -> str:
    from studio.components.feedback import explain

    return explain(exc)


JOBS = IngestJobRegistry()  # the studio's registry: module state, shared by every session of the server
