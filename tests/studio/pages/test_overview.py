"""Overview page: counts, revision, lint, recent activity and Cohen's kappa per curator pair."""

from __future__ import annotations

from tests.studio.conftest import open_app, table_with


def test_overview_counts_assertions_by_kind_and_status(studio_env):
    at = open_app("vic", "pages/overview.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Proposed DDx"] == "3" and metrics["Diagnoses"] == "7" and metrics["Cases"] == "3"
    table = {row["kind"]: row for row in table_with(at, "superseded")}
    assert table["is_a"]["accepted"] == 6 and table["ddx"]["proposed"] == 3
    assert table["finding"]["total"] == 0  # a row for findings even before any is proposed


def test_overview_shows_lint_warnings_and_recent_activity(studio_env, read_store):
    read_store.review(studio_env["ids"]["bcc-naevus"], "reject", user="cleo", reason="different lineage")
    at = open_app("vic", "pages/overview.py")
    from kg.lint import lint_store

    expected = lint_store(read_store).issues
    if expected:  # the page lists exactly what kg.lint finds
        assert [r["message"] for r in table_with(at, "severity")] == [i.message for i in expected]
    else:
        assert any("No lint warnings" in s.value for s in at.success)
    recent = table_with(at, "action")
    assert (recent[0]["user"], recent[0]["action"]) == ("cleo", "reject")


def test_overview_reports_kappa_for_each_curator_pair(studio_env, read_store):
    ids = studio_env["ids"]
    # cleo and cara agree on two items and disagree on one, with k = 3 so nothing becomes final
    for target, cleo, cara in [
        (ids["melanoma-naevus"], "accept", "accept"),
        (ids["melanoma-seb-k"], "reject", "reject"),
        (ids["bcc-naevus"], "accept", "reject"),
    ]:
        read_store.review(target, cleo, user="cleo", reason="r", required_votes=3)
        read_store.review(target, cara, user="cara", reason="r", required_votes=3)
    at = open_app("vic", "pages/overview.py")
    rows = table_with(at, "kappa")
    assert rows == [{"curators": "cara / cleo", "shared items": 3, "agreement": 0.667, "kappa": 0.4}]
