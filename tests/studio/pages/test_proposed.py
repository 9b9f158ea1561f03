"""Proposed-diagnoses page: the nearest existing diagnosis is offered first; accept, reject (with a
reason) and merge (after confirmation) reach the store and the audit log as the curator."""

from __future__ import annotations

from kg.models import EventQuery
from studio import state
from tests.studio.conftest import open_app, plain, table_with


def open_item(at, name: str) -> str:
    box = at.selectbox(key=state.PD_PICK)
    box.select_index(box.options.index(name)).run()
    return at.selectbox(key=state.PD_PICK).value


def test_the_queue_shows_names_and_suggestions(queues_env):
    at = open_app("cleo", "pages/proposed.py")
    rows = {r["name"]: r for r in table_with(at, "nearest existing")}
    assert set(rows) == {
        "Basal cell carcinom",
        "Herpes simplex infection",
        "Itchy rash",
        "Pityriasis versicolor",
    }
    assert rows["Basal cell carcinom"]["nearest existing"].startswith("Basal cell carcinoma (")
    assert rows["Itchy rash"]["nearest existing"] == "none close"
    pick = open_item(at, "Basal cell carcinom")
    into = at.selectbox(key=state.per(state.PD_INTO, pick))
    assert into.value == "bcc" and into.options[0] == "Basal cell carcinoma (suggested)"
    quotes = " ".join(plain(m.value) for m in at.markdown) + " ".join(plain(c.value) for c in at.caption)
    assert "basal cell carcinom of the face" in quotes
    assert "BAD handbook (3rd ed.), p. 60 (PDF page 61)" in quotes  # title and both page numbers


def test_reject_accept_and_merge_are_audited(queues_env, read_store):
    at = open_app("cleo", "pages/proposed.py")
    pick = open_item(at, "Itchy rash")
    at.button(key=state.per(state.PD_REJECT, pick)).click().run()
    assert any("needs a reason" in plain(e.value) for e in at.error)
    at.text_input(key=state.per(state.PD_REASON, pick)).input("a symptom").run()
    at.button(key=state.per(state.PD_REJECT, pick)).click().run()
    assert any("Rejected Itchy rash." in plain(s.value) for s in at.success)

    pick = open_item(at, "Pityriasis versicolor")
    at.button(key=state.per(state.PD_ACCEPT, pick)).click().run()
    assert read_store.get_diagnosis("pityriasis-versicolor").status == "accepted"

    pick = open_item(at, "Basal cell carcinom")
    at.button(key=state.per(state.PD_MERGE, pick)).click().run()
    assert any("tick the confirmation" in plain(e.value) for e in at.error)
    assert read_store.get_diagnosis("basal-cell-carcinom").id == "basal-cell-carcinom"
    at.checkbox(key=state.per(state.PD_CONFIRM, pick)).check().run()
    at.button(key=state.per(state.PD_MERGE, pick)).click().run()
    assert any("Merged Basal cell carcinom into Basal cell carcinoma." in plain(s.value) for s in at.success)
    assert read_store.get_diagnosis("basal-cell-carcinom").id == "bcc"

    mine = [e for e in read_store.list_events(EventQuery(limit=None)).items if e.user == "cleo"]
    decided = sorted((e.action, e.target, (e.after or {}).get("status")) for e in mine)
    assert decided == [
        ("edit", "itchy-rash", "rejected"),
        ("edit", "pityriasis-versicolor", "accepted"),
        ("merge", "bcc", decided[2][2]),
    ]
    assert next(e for e in mine if e.target == "itchy-rash").reason == "a symptom"
    assert [r["name"] for r in table_with(at, "nearest existing")] == ["Herpes simplex infection"]


def test_a_viewer_sees_the_queues_without_decision_buttons(queues_env):
    for page, prefix in (
        ("pages/proposed.py", state.PD_ACCEPT),
        ("pages/presentations.py", state.PR_ACCEPT_PAIRS),
    ):
        at = open_app("vic", page)
        assert any("curators decide" in i.value for i in at.info), page
        assert not [b for b in at.button if str(b.key).startswith(prefix)], page
