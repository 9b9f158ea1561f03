"""Background ingestion: a job reads the real BAD handbook on its own store connection while other
curators keep reading the queue and accepting on the shared store; one ingestion per store at a time."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from dermkg.errors import ConflictError
from kg.models import AssertionQuery, EventQuery
from kg.store.base import GraphStore
from studio.actions import CurationActions
from studio.auth import PermissionDeniedError, StudioUser
from studio.jobs import IngestJob, IngestJobRegistry, IngestProgress
from tests.studio.conftest import PDF, build_graph

ADA = StudioUser(username="ada", role="admin")
CLEO = StudioUser(username="cleo", role="curator")
WAIT_S = 120  # generous bounds so a loaded CI machine never flakes; the events decide, not the clock


class PauseWhileReading:
    """A job listener that holds the ingestion mid-read (page 20 of the handbook) until released."""

    def __init__(self, page: int = 20) -> None:
        self.page = page
        self.reached = threading.Event()
        self.release = threading.Event()
        self.seen: list[IngestProgress] = []

    def __call__(self, job: IngestJob) -> None:
        self.seen.append(job.progress)
        if job.progress.phase == "reading" and job.progress.done == self.page and not self.reached.is_set():
            self.reached.set()
            self.release.wait(WAIT_S)


def curator_session(store: GraphStore, assertion_id: str, log: list[str]) -> None:
    """What another curator's page does on the shared store: read the queue, accept the top item."""
    queue = store.query_assertions(AssertionQuery(status="proposed", kind="ddx", limit=20))
    item = next(a for a in queue.items if a.id == assertion_id)
    CurationActions(store, CLEO).accept(item.id, expected_version=item.version)
    log.append("accepted")


@pytest.fixture
def handbook(shared_data: Path) -> Path:
    return shared_data / PDF


def test_curators_read_and_accept_while_a_book_is_being_ingested(
    any_store: GraphStore, shared_data: Path, handbook: Path, tmp_path: Path
):
    ids = build_graph(any_store, shared_data)
    registry, pause = IngestJobRegistry(), PauseWhileReading()
    # ada's ingestion of a *different* copy of the handbook (the fixture graph already has its sha)
    book = tmp_path / "bad-handbook-copy.pdf"
    book.write_bytes(handbook.read_bytes() + b"\n%% copy\n")
    job = registry.start(CurationActions(any_store, ADA), any_store.url, [book], tmp_path, listener=pause)
    assert job.state == "running" and job.started_by == "ada" and job.files == ["bad-handbook-copy.pdf"]
    assert pause.reached.wait(WAIT_S), "the ingestion never reached page 20"

    log: list[str] = []
    other = threading.Thread(target=curator_session, args=(any_store, ids["melanoma-naevus"], log))
    other.start()
    other.join(WAIT_S)
    assert not other.is_alive() and log == ["accepted"], "the curator was blocked by the ingestion"
    assert registry.get(job.id).state == "running"  # the accept finished while the ingest was mid-book

    pause.release.set()
    done = registry.wait(job.id, WAIT_S)
    assert done.state == "done", done.error
    (doc,) = done.summary.documents
    assert doc.status == "ingested" and doc.pages == 79 and sum(doc.assertions_proposed.values()) > 0
    assert done.finished_at is not None and done.finished_at >= done.started_at
    # progress went document by document: every page read, then every page written
    phases = [(p.phase, p.done) for p in pause.seen if p.total]
    assert phases.index(("reading", 79)) < phases.index(("writing", 79))
    # the audit log orders it: cleo's accept precedes every write of the ingestion
    accept = any_store.list_events(EventQuery(user="cleo", action="accept")).items
    created = any_store.list_events(EventQuery(user="ada", action="create", limit=None)).items
    assert len(accept) == 1 and created
    assert accept[0].seq < min(e.seq for e in created)
    assert any_store.get_assertion(ids["melanoma-naevus"]).status == "accepted"


def test_a_second_ingestion_on_the_same_store_is_refused_while_one_runs(
    sqlite_store: GraphStore, handbook: Path, tmp_path: Path
):
    registry, pause = IngestJobRegistry(), PauseWhileReading(page=1)
    first = registry.start(
        CurationActions(sqlite_store, ADA), sqlite_store.url, [handbook], tmp_path, listener=pause
    )
    assert pause.reached.wait(WAIT_S)
    with pytest.raises(ConflictError, match="started by ada .* is still running on this store"):
        registry.start(CurationActions(sqlite_store, ADA), sqlite_store.url, [handbook], tmp_path)
    assert registry.running(sqlite_store.url) == registry.get(first.id)
    pause.release.set()
    assert registry.wait(first.id, WAIT_S).state == "done"
    # once it has finished, the same file again is a new job that changes nothing
    again = registry.wait(
        registry.start(CurationActions(sqlite_store, ADA), sqlite_store.url, [handbook], tmp_path).id, WAIT_S
    )
    assert [d.status for d in again.summary.documents] == ["unchanged"]
    assert [j.id for j in registry.recent(sqlite_store.url)] == [again.id, first.id]


def test_only_an_admin_can_start_an_ingestion(sqlite_store: GraphStore, handbook: Path, tmp_path: Path):
    registry = IngestJobRegistry()
    with pytest.raises(PermissionDeniedError):
        registry.start(CurationActions(sqlite_store, CLEO), sqlite_store.url, [handbook], tmp_path)
    assert registry.recent(sqlite_store.url) == []


def test_an_unreachable_store_fails_the_job_with_a_clear_message(
    sqlite_store: GraphStore, handbook, tmp_path
):
    registry = IngestJobRegistry()
    missing = f"sqlite:///{tmp_path / 'no-such-dir' / 'kg.db'}"
    job = registry.wait(
        registry.start(CurationActions(sqlite_store, ADA), missing, [handbook], tmp_path).id, WAIT_S
    )
    assert job.state == "failed" and job.summary is None
    assert "cannot be reached" in job.error and "Nothing was changed" in job.error
    assert sqlite_store.count_diagnoses() == 0


def test_a_broken_pdf_is_reported_by_name_and_the_good_one_still_lands(
    sqlite_store: GraphStore, handbook: Path, tmp_path: Path
):
    broken = tmp_path / "truncated.pdf"
    broken.write_bytes(handbook.read_bytes()[:4000])
    registry = IngestJobRegistry()
    job = registry.start(CurationActions(sqlite_store, ADA), sqlite_store.url, [broken, handbook], tmp_path)
    done = registry.wait(job.id, WAIT_S)
    assert done.state == "done"
    bad, good = done.summary.documents
    assert bad.status == "error" and "truncated.pdf" in bad.error
    assert good.status == "ingested" and len(sqlite_store.list_sources()) == 1


def test_finished_jobs_are_kept_up_to_a_limit(sqlite_store: GraphStore, handbook: Path, tmp_path: Path):
    registry = IngestJobRegistry(keep_finished=2)
    jobs = []
    for _ in range(4):
        jobs.append(
            registry.start(CurationActions(sqlite_store, ADA), sqlite_store.url, [handbook], tmp_path)
        )
        registry.wait(jobs[-1].id, WAIT_S)
    assert [j.id for j in registry.recent(sqlite_store.url)] == [jobs[3].id, jobs[2].id, jobs[1].id]


@pytest.mark.parametrize(
    ("progress", "fraction"),
    [
        (IngestProgress(), 0.0),  # nothing known yet
        (
            IngestProgress(
                phase="reading", document="a.pdf", document_number=1, documents=2, done=0, total=None
            ),
            0.0,
        ),
        (
            IngestProgress(
                phase="reading", document="a.pdf", document_number=1, documents=2, done=10, total=10
            ),
            0.25,
        ),
        (
            IngestProgress(
                phase="writing", document="a.pdf", document_number=1, documents=2, done=5, total=10
            ),
            0.375,
        ),
        (
            IngestProgress(
                phase="writing", document="b.pdf", document_number=2, documents=2, done=10, total=10
            ),
            1.0,
        ),
    ],
)
def test_progress_fraction_counts_reading_and_writing_halves(progress: IngestProgress, fraction: float):
    assert progress.fraction == pytest.approx(fraction)
