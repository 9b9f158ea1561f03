"""Progress page: decisions made in the studio show up per curator and per book at once."""

from __future__ import annotations

from studio import state
from tests.studio.conftest import open_app, table_with
from tests.studio.queues_graph import BLISTERS


def test_a_decision_appears_per_curator_and_per_book(queues_env):
    at = open_app("cleo", "pages/progress.py")
    assert any("No curator has decided" in c.value for c in at.caption)
    (book,) = table_with(at, "book")
    assert (book["book"], book["decided"], book["remaining"]) == ("BAD handbook (3rd ed.)", 0, 6)

    shown = open_app("cleo", "pages/presentations.py")  # accept one member of the book's list
    shown.button(key=state.per(state.PR_MEMBER_ACCEPT, BLISTERS)).click().run()
    assert shown.success
    at.run()
    (row,) = table_with(at, "curator")
    assert (row["curator"], row["decided in total"], row["accepted"], row["remaining for them"]) == (
        "cleo",
        1,
        1,
        7,
    )
    (book,) = table_with(at, "book")
    assert (book["decided today"], book["decided"], book["remaining"]) == (1, 1, 5)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["You decided today"] == "1" and metrics["Proposed diagnoses"] == "4"
    assert metrics["Probable duplicates"] == "2" and metrics["Presentation members to review"] == "2"
