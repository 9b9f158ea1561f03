"""No silent last-write-wins from the CLI: a decision carries the version read, and never overturns
another curator's final decision unless the curator passes the version they saw."""

from __future__ import annotations

import json

from typer.testing import Result

from tests.hostile.conftest import assert_error, invoke, snapshot


def _proposed(store_url: str) -> dict:
    result = invoke(
        "review",
        "add",
        "--kind",
        "ddx",
        "melanoma",
        "seborrhoeic keratosis",
        "--user",
        "ann",
        "--json",
        store=store_url,
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _carol_rejects(store_url: str, assertion_id: str, seen_version: int, *extra: str) -> Result:
    """Carol rejects the assertion, stating the version she read."""
    return invoke(
        "review",
        "reject",
        assertion_id,
        "--user",
        "carol",
        "--reason",
        "not a ddx",
        "--expected-version",
        str(seen_version),
        *extra,
        store=store_url,
    )


def test_second_curator_cannot_silently_overturn_a_decision(store_url: str) -> None:
    a = _proposed(store_url)
    ok = invoke("review", "accept", a["id"], "--user", "bob", "--json", store=store_url)
    assert ok.exit_code == 0, ok.output
    accepted = json.loads(ok.stdout)[0]
    before = snapshot(store_url)
    clash = invoke("review", "reject", a["id"], "--user", "carol", "--reason", "not a ddx", store=store_url)
    line = assert_error(
        clash, a["id"], "accepted by bob", "last change: accept by bob at", "--expected-version"
    )
    assert "UTC" in line
    assert snapshot(store_url) == before
    # having read it, carol overrides with the version she saw
    done = _carol_rejects(store_url, a["id"], accepted["version"], "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)[0]["status"] == "rejected"


def test_a_stale_expected_version_names_who_changed_the_item(store_url: str) -> None:
    a = _proposed(store_url)
    assert invoke("review", "accept", a["id"], "--user", "bob", store=store_url).exit_code == 0
    before = snapshot(store_url)
    stale = _carol_rejects(store_url, a["id"], a["version"])
    assert_error(stale, f"not {a['version']}", "last change: accept by bob")
    assert snapshot(store_url) == before


def test_a_curator_may_change_their_own_decision(store_url: str) -> None:
    a = _proposed(store_url)
    assert invoke("review", "accept", a["id"], "--user", "bob", store=store_url).exit_code == 0
    again = invoke("review", "reject", a["id"], "--user", "bob", "--reason", "second look", store=store_url)
    assert again.exit_code == 0, again.output


def test_batch_with_one_conflict_writes_nothing(store_url: str) -> None:
    a = _proposed(store_url)
    b = json.loads(
        invoke(
            "review", "add", "--kind", "ddx", "melanoma", "mole", "--user", "ann", "--json", store=store_url
        ).stdout
    )
    assert (
        invoke("review", "reject", b["id"], "--user", "bob", "--reason", "no", store=store_url).exit_code == 0
    )
    before = snapshot(store_url)
    clash = invoke("review", "accept", a["id"], b["id"], "--user", "carol", store=store_url)
    assert_error(clash, b["id"], "rejected by bob")
    assert snapshot(store_url) == before


def test_supersede_takes_the_expected_version_its_conflict_names(store_url: str) -> None:
    """Superseding another curator's decision fails like any decision, and the option its message
    names exists on ``review supersede`` too (it was missing there)."""
    a = _proposed(store_url)
    ok = invoke("review", "accept", a["id"], "--user", "bob", "--json", store=store_url)
    accepted = json.loads(ok.stdout)[0]
    before = snapshot(store_url)
    clash = invoke("review", "supersede", a["id"], "--user", "carol", store=store_url)
    assert_error(clash, "accepted by bob", f"--expected-version {accepted['version']}")
    assert snapshot(store_url) == before
    done = invoke(
        "review",
        "supersede",
        a["id"],
        "--user",
        "carol",
        "--expected-version",
        str(accepted["version"]),
        "--json",
        store=store_url,
    )
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)[0]["status"] == "superseded"
