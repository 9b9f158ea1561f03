"""Finding items in the review queue: read as findings, edited as findings, statistics beside them."""

from __future__ import annotations

from kg.store import make_store
from studio import state
from tests.studio.conftest import open_app, plain, table_with
from tests.studio.findings_graph import add_findings

QUEUE = "pages/queue.py"


def open_finding(studio_env, target_key: str = "stats", *, user: str = "cleo", status: str = "proposed"):
    with make_store(str(studio_env["url"])) as store:
        ids = add_findings(store)
    at = open_app(user, QUEUE)
    at.selectbox(key=state.Q_KIND).set_value("finding").run()
    if status != "proposed":
        at.selectbox(key=state.Q_STATUS).set_value(status).run()
    at.selectbox(key=state.Q_ITEM).set_value(ids[target_key]).run()
    assert not at.exception, at.exception
    return at, ids


def test_a_finding_item_reads_as_a_finding_with_its_type_and_offers_no_merge(studio_env):
    at, ids = open_finding(studio_env)
    headers = [plain(h.value) for h in at.subheader]
    assert "Melanoma — typical finding: Atypical pigment network (dermoscopic structure)" in headers
    assert not any("is a kind of" in h or "differential" in h for h in headers)
    item = at.selectbox(key=state.Q_ITEM)
    assert item.options == ["Melanoma — typical → Atypical pigment network"]  # only the proposed one
    assert [r["kind"] for r in table_with(at, "kind")] == ["typical finding →"]
    assert [r["object"] for r in table_with(at, "kind")] == ["Atypical pigment network"]
    assert not [b for b in at.button if b.key == state.Q_MERGE]
    assert not [s for s in at.selectbox if s.key == state.per(state.Q_EDIT_KIND, ids["stats"])]
    text = plain(" ".join(m.value for m in at.markdown))
    assert "**Atypical pigment network**" in text  # the finding concept, not a diagnosis lookup
    assert "no longer exists" not in " ".join(e.value for e in at.error)
    captions = plain(" ".join(c.value for c in at.caption))
    assert "finding · dermoscopic structure" in captions and "Irregular pigment network" in captions


def test_the_statistics_show_as_a_table_and_a_bar_chart_beside_the_decision(studio_env):
    at, _ = open_finding(studio_env)
    rows = table_with(at, "with finding")
    assert rows == [
        {"cases": "Melanoma", "with finding": 30, "without": 30, "rate": "50%", "95% bound": "≥ 38%"},
        {"cases": "other diagnoses", "with finding": 40, "without": 360, "rate": "10%", "95% bound": "—"},
    ]
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    chart = charts[0].proto
    assert '"type": "bar"' in chart.spec
    data = b"".join(d.data.data for d in chart.datasets)
    assert b"Melanoma" in data and b"other diagnoses" in data
    captions = plain(" ".join(c.value for c in at.caption))
    assert (
        "enrichment test p = 3.2e-12" in captions and "lower bound of the rate in Melanoma: 38%" in captions
    )
    assert "**Case statistics** (derm7pt)" in plain(" ".join(m.value for m in at.markdown))


def test_a_curator_finding_without_statistics_shows_no_chart(studio_env):
    at, _ = open_finding(studio_env, "possible", status="accepted")
    assert "Melanoma — possible finding: Regression structures (dermoscopic structure)" in [
        plain(h.value) for h in at.subheader
    ]
    assert not at.get("vega_lite_chart")
    assert not [df for df in at.dataframe if "with finding" in df.value.columns]


def test_editing_a_finding_changes_relation_and_finding_never_the_kind(studio_env, read_store):
    at, ids = open_finding(studio_env)
    target = ids["stats"]
    at.button(key=state.Q_EDIT_OPEN).click().run()  # E opens the edit panel
    relation = at.selectbox(key=state.per(state.Q_EDIT_RELATION, target))
    assert relation.options == ["typical finding", "possible finding", "finding against"]
    picker = at.selectbox(key=state.per(state.Q_EDIT_OBJECT, target))
    assert picker.options == [
        "Atypical pigment network",
        "Blue-white veil",
        "Regression structures",
        "Typical pigment network",
    ]  # finding concepts, not diagnoses
    relation.set_value("possible")
    picker.set_value("fnd-typical-pigment-network")
    at.button(key=state.Q_EDIT).click().run()
    assert not at.error, [e.value for e in at.error]
    edited = read_store.get_assertion(target)
    assert (edited.kind, edited.relation, edited.object) == (
        "finding",
        "possible",
        "fnd-typical-pigment-network",
    )
    # the statistics were counted for the atypical network, not the typical one: that evidence is
    # dropped from the edited assertion (the edit event keeps it) and the edit is cleo's own proposal
    assert edited.evidence == [] and (edited.origin, edited.status) == ("human", "proposed")


def test_the_kind_filter_offers_finding_and_stats_origin(studio_env):
    with make_store(str(studio_env["url"])) as store:
        add_findings(store)
    at = open_app("cleo", QUEUE)
    assert "finding" in at.selectbox(key=state.Q_KIND).options
    at.selectbox(key=state.Q_ORIGIN).set_value("stats").run()
    assert "**1** items" in " ".join(m.value for m in at.markdown)
    at.selectbox(key=state.Q_ORIGIN).set_value(None).run()
    at.selectbox(key=state.Q_KIND).set_value("ddx").run()
    assert "**3** items" in " ".join(m.value for m in at.markdown)  # findings are not DDx


def test_a_viewer_sees_the_statistics_without_actions(studio_env):
    at, _ = open_finding(studio_env, user="vic")
    assert table_with(at, "with finding")
    assert not [b for b in at.button if b.key == state.Q_EDIT]
