"""Neo4j-specific behaviour beyond the shared contract: connection errors, hostile text, atomicity.

The contract suite (test_contract.py) already runs on Neo4j; these tests cover what only a server
backend has: URLs and credentials, the full-text shortlist, and connections that drop mid-batch.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dermkg.errors import InputError, StoreUnavailableError
from kg.models import Assertion, AssertionQuery, Diagnosis, EventQuery, Evidence, LabelMapping
from kg.store._neo4j_conn import parse_store_url
from kg.store.neo4j import Neo4jGraphStore
from tests.fixtures.neo4j_server import fresh_neo4j_store, wipe_neo4j
from tests.kg.store.hostile_text import HOSTILE_TEXT, LUCENE_SYNTAX

pytestmark = pytest.mark.neo4j


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def store(neo4j_url: str) -> Iterator[Neo4jGraphStore]:
    s = fresh_neo4j_store(neo4j_url)
    assert isinstance(s, Neo4jGraphStore)
    yield s
    s.close()


# -- URLs and credentials --------------------------------------------------------------------
@pytest.mark.parametrize(
    "url, uri, user, database, shown",
    [
        # password in the URL: masked in what is shown
        ("neo4j://ann:pw-123456@db:7687", "neo4j://db:7687", "ann", "neo4j", "neo4j://ann:***@db:7687"),
        # no user: the default user; a database in the path
        (
            "bolt://:pw-123456@db:7687/derm",
            "bolt://db:7687",
            "neo4j",
            "derm",
            "bolt://neo4j:***@db:7687/derm",
        ),
        # percent-encoded password characters
        ("bolt+s://neo4j:p%40ss%3Aword@db", "bolt+s://db", "neo4j", "neo4j", "bolt+s://neo4j:***@db"),
    ],
)
def test_store_urls_parse_and_never_show_the_password(
    url: str, uri: str, user: str, database: str, shown: str
) -> None:
    t = parse_store_url(url)
    assert (t.uri, t.user, t.database, t.display) == (uri, user, database, shown)
    assert "pw-123456" not in repr(t) and "p@ss" not in repr(t)


def test_the_password_may_come_from_the_environment_or_dot_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, neo4j_url: str
) -> None:
    target = parse_store_url(neo4j_url)
    password = target.password.get_secret_value()
    with Neo4jGraphStore(neo4j_url) as s:
        revision = s.revision()  # the same server, reached with the password in the URL
    without = f"bolt://{target.user}@{target.uri.split('://', 1)[1]}"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEO4J_PASSWORD", password)
    with Neo4jGraphStore(without) as s:
        assert s.revision() == revision
    monkeypatch.delenv("NEO4J_PASSWORD")
    with pytest.raises(InputError, match="NEO4J_PASSWORD"):
        Neo4jGraphStore(without).open()
    (tmp_path / ".env").write_text(f"NEO4J_PASSWORD={password}\n")  # the docker compose .env
    with Neo4jGraphStore(without) as s:
        assert s.revision() == revision


def test_an_unreachable_server_fails_fast_naming_the_url_without_the_password() -> None:
    port = _closed_port()
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError) as err:
        Neo4jGraphStore(f"bolt://neo4j:Sup3r-Secret@127.0.0.1:{port}").open()
    assert time.monotonic() - started < 10
    message = str(err.value)
    assert f"127.0.0.1:{port}" in message and "Sup3r-Secret" not in message


def test_wrong_credentials_fail_fast_naming_the_url_without_the_password(neo4j_url: str) -> None:
    target = parse_store_url(neo4j_url)
    bad = f"bolt://neo4j:Wr0ng-Passw0rd@{target.uri.split('://', 1)[1]}"
    with pytest.raises(StoreUnavailableError, match="refused the credentials") as err:
        Neo4jGraphStore(bad).open()
    assert target.uri.split("://", 1)[1] in str(err.value)
    assert "Wr0ng-Passw0rd" not in str(err.value)
    assert target.password.get_secret_value() not in str(err.value)


# -- hostile text ----------------------------------------------------------------------------
@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_hostile_text_is_data_in_every_field(store: Neo4jGraphStore, text: str) -> None:
    store.upsert_diagnoses(
        [Diagnosis(id=text, name=f"{text} dermatosis"), Diagnosis(id="plain", name="Plain")]
    )
    a = store.add_assertion(
        Assertion(
            kind="ddx",
            subject=text,
            object="plain",
            origin="human",
            note=text,
            status="accepted",
            evidence=[Evidence(source_sha256=text, quote=text)],
        )
    )
    store.set_label_mappings([LabelMapping(dataset=text, label=text, diagnosis=text)], user=text)
    assert store.get_assertion(a.id).note == text  # type: ignore[union-attr]
    assert store.query_assertions(AssertionQuery(source_sha256=text)).total == 1
    assert store.get_label_map(text)[0].label == text
    assert store.list_events(EventQuery(user=text)).total == 1
    assert store.resolve_name(f"{text} dermatosis").id == text  # type: ignore[union-attr]
    assert store.count_diagnoses() == 2  # nothing was injected


def test_full_text_shortlist_suggests_like_the_full_scan(store: Neo4jGraphStore) -> None:
    store.upsert_diagnoses(
        [
            Diagnosis(id="melanoma", name="Melanoma", synonyms=["Malignant melanoma"]),
            Diagnosis(id="seb-k", name="Seborrhoeic keratosis"),
            Diagnosis(id="psoriasis", name="Psoriasis vulgaris"),
            Diagnosis(id="odd", name=LUCENE_SYNTAX),
        ]
    )
    queries = ["melanomma", "seborheic keratosis", "psoriasis", "keratosis", LUCENE_SYNTAX, "zzzz"]
    full = {q: [(m.diagnosis.id, m.score) for m in store.suggest_names(q, min_score=60)] for q in queries}
    store.fulltext_threshold = 0  # every catalogue is "large" now: candidates come from the index
    short = {q: [(m.diagnosis.id, m.score) for m in store.suggest_names(q, min_score=60)] for q in queries}
    assert short == full
    assert full["melanomma"][0][0] == "melanoma" and full["zzzz"] == []


# -- dropped connections ---------------------------------------------------------------------
class CuttingProxy:
    """A TCP proxy to Neo4j that drops the connection once ``cut_after`` client bytes have passed,
    then either lets new connections through or refuses them (``refuse_after_cut``)."""

    def __init__(self, upstream: tuple[str, int], *, refuse_after_cut: bool) -> None:
        self.upstream = upstream
        self.refuse_after_cut = refuse_after_cut
        self.cut_after: int | None = None
        self.sent = 0
        self.cuts = 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self._lock = threading.Lock()
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def arm(self, cut_after: int) -> None:
        with self._lock:
            self.sent, self.cut_after = 0, cut_after

    def _accept(self) -> None:
        self.server.settimeout(0.2)
        while not self._stop:
            try:
                client, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self.cuts and self.refuse_after_cut:
                client.close()
                continue
            upstream = socket.create_connection(self.upstream)
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, counted: bool) -> None:
        try:
            while data := src.recv(65536):
                if counted:
                    with self._lock:
                        self.sent += len(data)
                        cut = self.cut_after is not None and self.sent > self.cut_after
                        if cut:
                            self.cut_after = None
                            self.cuts += 1
                    if cut:
                        break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def close(self) -> None:
        self._stop = True
        self.server.close()


def _batch(n: int) -> list[Assertion]:
    return [
        Assertion(
            kind="ddx",
            subject=f"d{i:05d}",
            object=f"d{i + 1:05d}",
            origin="llm",
            score=0.5,
            evidence=[Evidence(source_sha256="f" * 64, page=i, quote=f"quote number {i} " * 5)],
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("refuse_after_cut", [False, True], ids=["reconnects", "stays-down"])
def test_a_connection_dropped_mid_batch_leaves_the_batch_whole_or_absent(
    neo4j_url: str, refuse_after_cut: bool, caplog: pytest.LogCaptureFixture
) -> None:
    n = 3000
    wipe_neo4j(neo4j_url)
    target = parse_store_url(neo4j_url)
    host, port = target.uri.split("://", 1)[1].rsplit(":", 1)
    proxy = CuttingProxy((host, int(port)), refuse_after_cut=refuse_after_cut)
    proxied = f"bolt://{target.user}:{target.password.get_secret_value()}@127.0.0.1:{proxy.port}"
    try:
        with Neo4jGraphStore(proxied) as s:
            s.upsert_diagnoses([Diagnosis(id=f"d{i:05d}", name=f"Diagnosis {i}") for i in range(n + 1)])
            events_before = s.list_events(EventQuery(action="create", limit=1)).total
            # the batch sends ~4.9 MB: ~2.2 MB of assertion rows, then their events; cut in the events,
            # after the server has already created every assertion node of the (uncommitted) batch
            proxy.arm(cut_after=3_000_000)
            if refuse_after_cut:
                with pytest.raises(StoreUnavailableError):
                    s.add_assertions(_batch(n))
            else:
                with caplog.at_level(logging.WARNING, logger="kg.store._neo4j_tx"):
                    assert len(s.add_assertions(_batch(n))) == n  # retried on a fresh connection
                retries = [r.getMessage() for r in caplog.records if r.name == "kg.store._neo4j_tx"]
                assert any("retrying a write" in m for m in retries), retries
                assert not any(target.password.get_secret_value() in m for m in retries)
        assert proxy.cuts == 1
    finally:
        proxy.close()
    with Neo4jGraphStore(neo4j_url) as direct:
        stored = direct.query_assertions(AssertionQuery(limit=1)).total
        created = direct.list_events(EventQuery(action="create", limit=1)).total - events_before
        assert (stored, created) == ((0, 0) if refuse_after_cut else (n, n))


# -- schema and graph projection -------------------------------------------------------------
def test_first_use_sets_up_unique_ids_indexes_and_the_full_text_index(store: Neo4jGraphStore) -> None:
    rows = store.rows.q("SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties")
    unique = {(r["labelsOrTypes"][0], r["properties"][0]) for r in rows if r["type"] == "UNIQUENESS"}
    for label, prop in [("Diagnosis", "id"), ("Assertion", "id"), ("Case", "id"), ("Event", "id"),
                        ("Source", "sha256"), ("Alias", "alias"), ("LabelMap", "key")]:  # fmt: skip
        assert (label, prop) in unique
    indexes = store.rows.q("SHOW INDEXES YIELD name, type, state")
    assert {"dermkg_diagnosis_status", "dermkg_assertion_kind_status"} <= {r["name"] for r in indexes}
    assert any(r["name"] == "dermkg_names" and r["type"] == "FULLTEXT" for r in indexes)
    assert all(r["state"] == "ONLINE" for r in indexes)


def _projected(store: Neo4jGraphStore, rel: str) -> list[tuple[str, str]]:
    rows = store.rows.q(
        f"MATCH (s:Diagnosis)-[:{rel}]->(o:Diagnosis) RETURN s.id AS s, o.id AS o ORDER BY s, o"
    )
    return [(r["s"], r["o"]) for r in rows]


def test_accepted_assertions_are_mirrored_as_is_a_and_ddx_relationships(store: Neo4jGraphStore) -> None:
    store.upsert_diagnoses([Diagnosis(id=i, name=i.title()) for i in ("a", "b", "c", "d", "p")])
    store.add_assertions(
        [
            Assertion(kind="is_a", subject="a", object="p", origin="import", status="accepted"),
            Assertion(kind="ddx", subject="a", object="b", origin="llm", status="accepted"),
            Assertion(kind="ddx", subject="a", object="c", origin="llm"),
        ]
    )
    proposed = store.find_assertion("ddx", "a", "c")
    assert proposed is not None
    store.review(proposed.id, "accept", user="ann")
    rejected = store.find_assertion("ddx", "a", "b")
    store.review(rejected.id, "reject", user="ann", reason="not in the table")  # type: ignore[union-attr]
    store.edit_assertion(proposed.id, object="d", user="ann")  # a-c becomes a-d: ann's proposal again
    assert _projected(store, "DDX") == []  # no longer accepted: no longer projected
    store.review(proposed.id, "accept", user="bob")
    store.merge_diagnoses("a", "b", user="ann")
    for kind, rel in (("is_a", "IS_A"), ("ddx", "DDX")):
        assert _projected(store, rel) == store.edges(kind)  # type: ignore[arg-type]
    assert store.edges("ddx") == [("a", "d")]
    merge = store.list_events(EventQuery(action="merge")).items[0]
    store.revert_event(merge.id, user="ann")  # b is back: so is its own (rejected) DDX, unprojected
    for kind, rel in (("is_a", "IS_A"), ("ddx", "DDX")):
        assert _projected(store, rel) == store.edges(kind)  # type: ignore[arg-type]
    assert store.edges("ddx") == [("a", "d")] and store.get_diagnosis("b").id == "b"  # type: ignore[union-attr]


def test_every_command_fails_fast_on_an_unreachable_store() -> None:
    from typer.testing import CliRunner

    from dermkg.cli import app

    url = f"bolt://neo4j:Sup3r-Secret@127.0.0.1:{_closed_port()}"
    result = CliRunner().invoke(app, ["kg", "stats", "--store", url, "--json"])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "127.0.0.1" in message and "Sup3r-Secret" not in message
