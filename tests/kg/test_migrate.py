"""`dermkg kg migrate`: a whole graph moves between backends and back, exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dermkg.errors import InputError
from kg.migrate import migrate, redact_url
from kg.models import Assertion, Case, Diagnosis, Evidence, LabelMapping, Source
from kg.store import GraphStore, make_store
from tests.fixtures.neo4j_server import wipe_neo4j

SHA = "a" * 64


@pytest.mark.parametrize(
    "url, shown",
    [
        ("neo4j://neo4j:s3cret@db:7687", "neo4j://neo4j:***@db:7687"),  # password masked
        ("bolt://neo4j@db:7687", "bolt://neo4j@db:7687"),  # no password: unchanged
        ("sqlite:///data/dermkg.db", "sqlite:///data/dermkg.db"),  # file URL: unchanged
    ],
)
def test_redact_url_masks_only_the_password(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def _populate(store: GraphStore) -> None:
    """A small graph that uses every part of the model: merges, votes, cases, label maps, events."""
    store.upsert_source(Source(sha256=SHA, title="BAD handbook", licence="education"))
    store.upsert_diagnoses(
        [
            Diagnosis(id="melanocytic", name="Melanocytic proliferation"),
            Diagnosis(id="melanoma", name="Melanoma", malignancy="malignant", synonyms=["MM"]),
            Diagnosis(id="nevus", name="Melanocytic naevus", synonyms=["Mole"], malignancy="benign"),
            Diagnosis(id="seb-k", name="Seborrhoeic keratosis"),
            Diagnosis(id="mel-dup", name="Malignant melanoma of skin"),
            Diagnosis(id="odd", name="O'Brien's `{x}` «granuloma» 紅斑"),
        ],
        user="importer",
    )
    ev = Evidence(source_sha256=SHA, page=12, quote="Differential diagnosis: melanoma, seborrhoeic keratosis")
    store.add_assertions(
        [
            Assertion(
                kind="is_a", subject="melanoma", object="melanocytic", origin="import", status="accepted"
            ),
            Assertion(kind="is_a", subject="nevus", object="melanocytic", origin="import", status="accepted"),
            Assertion(kind="ddx", subject="seb-k", object="melanoma", origin="llm", score=0.8, evidence=[ev]),
            Assertion(kind="ddx", subject="nevus", object="mel-dup", origin="rules", evidence=[ev]),
            Assertion(kind="ddx", subject="odd", object="seb-k", origin="llm", score=0.2),
        ]
    )
    ddx = store.find_assertion("ddx", "melanoma", "seb-k")
    assert ddx is not None
    store.review(ddx.id, "accept", user="ann", required_votes=2)
    store.review(ddx.id, "accept", user="bob", required_votes=2)
    store.review(store.find_assertion("ddx", "odd", "seb-k").id, "reject", user="ann", reason="no")  # type: ignore[union-attr]
    store.merge_diagnoses("melanoma", "mel-dup", user="ann", reason="same disease")
    store.add_cases(
        [Case(diagnosis="melanoma", image_sha256="1" * 64, image_path="img/1.jpg", rationale="ABCD")]
    )
    store.set_label_mappings([LabelMapping(dataset="HAM10000", label="mel", diagnosis="mel-dup")])
    store.update_diagnosis("seb-k", {"malignancy": "benign"}, user="ann", reason="textbook")
    store.comment("diagnosis", "seb-k", "check the edition", user="bob")


@pytest.mark.neo4j
def test_a_graph_goes_sqlite_to_neo4j_to_sqlite_unchanged(tmp_path: Path, neo4j_url: str) -> None:
    wipe_neo4j(neo4j_url)
    first, last = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    with make_store(first) as store:
        _populate(store)
        original = store.export_graph()
    there = migrate(first, neo4j_url)
    assert there.verified and there.revision == original.revision
    assert there.counts["diagnoses"] == 5 and there.counts["events"] == len(original.events)
    assert "***" in there.dst and parse_password(neo4j_url) not in there.model_dump_json()
    with make_store(neo4j_url) as neo:  # the copy is a working graph, not just equal JSON
        assert neo.resolve_name("Malignant melanoma of skin").id == "melanoma"  # type: ignore[union-attr]
        assert neo.get_diagnosis("mel-dup").id == "melanoma"  # type: ignore[union-attr]
        assert neo.graph_view().ddx.has_edge("melanoma", "seb-k")
    back = migrate(neo4j_url, last)
    assert back.verified
    with make_store(last) as store:
        assert store.export_graph().model_dump(mode="json") == original.model_dump(mode="json")


@pytest.mark.neo4j
def test_migrating_into_a_store_that_is_not_empty_is_refused(tmp_path: Path, neo4j_url: str) -> None:
    wipe_neo4j(neo4j_url)
    src = f"sqlite:///{tmp_path / 'a.db'}"
    with make_store(src) as store:
        store.upsert_diagnoses([Diagnosis(id="bcc", name="Basal cell carcinoma")])
    with make_store(neo4j_url) as neo:
        neo.upsert_diagnoses([Diagnosis(id="scc", name="Squamous cell carcinoma")])
    with pytest.raises(InputError, match="not empty"):
        migrate(src, neo4j_url)
    with make_store(neo4j_url) as neo:
        assert [d.id for d in neo.list_diagnoses()] == ["scc"]


@pytest.mark.neo4j
def test_the_cli_migrates_and_reports_json_without_the_password(tmp_path: Path, neo4j_url: str) -> None:
    from dermkg.cli import app

    wipe_neo4j(neo4j_url)
    src = f"sqlite:///{tmp_path / 'a.db'}"
    with make_store(src) as store:
        _populate(store)
    result = CliRunner().invoke(app, ["kg", "migrate", "--from", src, "--to", neo4j_url, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["verified"] is True and report["counts"]["assertions"] == 5
    assert parse_password(neo4j_url) not in result.output
    again = CliRunner().invoke(app, ["kg", "migrate", "--from", src, "--to", neo4j_url, "--json"])
    assert again.exit_code == 2 and "not empty" in " ".join(again.output.split())  # rich wraps lines
    assert parse_password(neo4j_url) not in again.output


def parse_password(url: str) -> str:
    from kg.store._neo4j_conn import parse_store_url

    return parse_store_url(url).password.get_secret_value()


def _cli_migrate(src: str, dst: str) -> tuple[int, str]:
    from dermkg.cli import app

    result = CliRunner().invoke(app, ["kg", "migrate", "--from", src, "--to", dst, "--json"])
    return result.exit_code, result.output


@pytest.fixture
def populated(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'src.db'}"
    with make_store(url) as store:
        store.upsert_diagnoses([Diagnosis(id="bcc", name="Basal cell carcinoma")])
    return url


@pytest.mark.parametrize(
    "case, expected",
    [
        ("bad scheme", "unknown store URL scheme"),
        ("neo4j URL without a host", "bad Neo4j URL"),
        ("neo4j URL with a bad port", "bad Neo4j URL"),
        ("missing sqlite source", "does not exist"),
        ("source is not a database", "file is not a database"),
        ("target is not a database", "file is not a database"),
        ("target not empty", "not empty"),
        ("source server refuses connections", "cannot reach Neo4j at bolt://neo4j:***@127.0.0.1:1"),
        ("target host unknown", "cannot reach Neo4j at bolt://neo4j:***@no-such-host.invalid:7687"),
    ],
)
def test_every_migrate_failure_is_one_clean_line_with_exit_code_2(
    case: str, expected: str, populated: str, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not sqlite at all\n" * 100)
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    src, dst = {
        "bad scheme": ("ftp://example.org/kg", empty),
        "neo4j URL without a host": ("neo4j://", empty),
        "neo4j URL with a bad port": ("bolt://neo4j:s3cret@127.0.0.1:seven", empty),
        "missing sqlite source": (f"sqlite:///{tmp_path / 'nope.db'}", empty),
        "source is not a database": (f"sqlite:///{junk}", empty),
        "target is not a database": (populated, f"sqlite:///{junk}"),
        "target not empty": (populated, populated),
        "source server refuses connections": ("bolt://neo4j:s3cret@127.0.0.1:1", empty),
        "target host unknown": (populated, "bolt://neo4j:s3cret@no-such-host.invalid:7687"),
    }[case]
    code, output = _cli_migrate(src, dst)
    assert code == 2, output
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], output
    assert "Traceback" not in output and "s3cret" not in output
    assert not (tmp_path / "nope.db").exists()  # a missing source is not created as an empty store


@pytest.mark.neo4j
def test_migrate_with_wrong_neo4j_credentials_names_the_url_not_the_password(
    populated: str, neo4j_url: str
) -> None:
    wrong = neo4j_url.replace(parse_password(neo4j_url), "wrong-s3cret")
    code, output = _cli_migrate(populated, wrong)
    assert code == 2 and len(output.strip().splitlines()) == 1, output
    assert "refused the credentials" in output and "wrong-s3cret" not in output
