"""``dermkg review finding``: a presentation's own node (and any finding concept) is accepted or
rejected with a reason, audited, and reverted with ``review revert``; on both backends through the
store, on the command line through SQLite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dermkg.errors import InputError
from kg.models import EventQuery, Finding, GraphExport
from kg.review_cli import app as review_app

runner = CliRunner()
BLISTERS = Finding(
    id="fnd-causes-of-blisters", name="Causes of blisters", type="presentation", status="proposed"
)


def test_review_finding_on_the_store(any_store) -> None:
    any_store.upsert_findings([BLISTERS])
    with pytest.raises(InputError, match="reason"):
        any_store.review_finding(BLISTERS.id, "reject", user="ann")
    with pytest.raises(InputError, match="accept or reject"):
        any_store.review_finding(BLISTERS.id, "supersede", user="ann")  # type: ignore[arg-type]
    done = any_store.review_finding(BLISTERS.id, "accept", user="ann", expected_version=1)
    assert (done.status, done.version) == ("accepted", 2)
    assert any_store.review_finding(BLISTERS.id, "accept", user="bob").version == 2  # nothing to change
    (event,) = any_store.list_events(EventQuery(target=BLISTERS.id, action="accept")).items
    assert (event.user, event.target_type, event.before["status"], event.after["status"]) == (
        "ann",
        "finding",
        "proposed",
        "accepted",
    )
    any_store.revert_event(event.id, user="ann", reason="misclick")
    assert any_store.get_finding(BLISTERS.id).status == "proposed"


def test_review_finding_on_the_command_line(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(GraphExport(revision=1, findings=[BLISTERS]).model_dump_json(), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'kg.db'}"
    from kg.cli import app as kg_app

    env = {"DERMKG_STORE": ""}
    assert (
        runner.invoke(
            kg_app, ["import", "--format", "graph-json", str(seed), "--store", url], env=env
        ).exit_code
        == 0
    )

    def review(*args: str) -> object:
        return runner.invoke(review_app, [*args, "--store", url], env=env)

    refused = review("finding", "causes of blisters", "reject", "--user", "ann")
    assert refused.exit_code == 2 and "reason" in refused.output
    out = review(
        "finding", "causes of blisters", "reject", "--user", "ann", "--reason", "a chapter title", "--json"
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["status"] == "rejected"
    events = json.loads(review("history", "--target", BLISTERS.id, "--json").stdout)["items"]
    assert [e["action"] for e in events][0] == "reject"
    assert review("revert", events[0]["id"], "--user", "ann").exit_code == 0
    unknown = review("finding", "causes of bullae", "accept", "--user", "ann")
    assert unknown.exit_code == 2 and "causes of blisters" in unknown.output.lower()
