"""A page that fails shows a plain sentence and a reference id; the traceback goes to the log only."""

from __future__ import annotations

import logging
import re

from studio.components import facts
from tests.studio.conftest import open_app, plain


def test_a_failing_page_shows_a_reference_not_a_traceback(studio_env, monkeypatch, caplog):
    secret_path = str(studio_env["tmp"])

    def broken(store):
        raise RuntimeError(f"cannot read {secret_path}/kg.db: disk I/O error")

    # the Overview is the default page, run by app.py's navigation (AppTest's switch_page runs a
    # page file as its own main script, bypassing app.py)
    monkeypatch.setattr(facts, "agreement", broken)
    with caplog.at_level(logging.ERROR, logger="studio.errors"):
        at = open_app("cleo")  # asserts no uncaught exception reached Streamlit
    shown = plain(" ".join(e.value for e in at.error))
    ref = re.search(r"reference \*\*([0-9A-F]{8})\*\*", " ".join(e.value for e in at.error))
    assert ref, shown
    assert "Traceback" not in shown and secret_path not in shown and "RuntimeError" not in shown
    logged = [r for r in caplog.records if ref.group(1) in r.getMessage()]
    assert logged and logged[0].exc_info is not None  # the administrator finds the traceback by id
    # the sidebar and navigation still work: another page opens
    at.switch_page("pages/history.py").run()
    assert not at.exception and [t.value for t in at.title] == ["History"]


def test_an_unexpected_failure_in_an_action_is_a_reference_too(studio_env, monkeypatch, caplog):
    from studio import state
    from studio.actions import CurationActions

    def broken(self, *args, **kwargs):
        raise OSError(f"[Errno 28] No space left on device: '{studio_env['tmp']}/kg.db'")

    monkeypatch.setattr(CurationActions, "accept", broken)
    at = open_app("cleo", "pages/queue.py")
    with caplog.at_level(logging.ERROR, logger="studio.errors"):
        at.button(key=state.Q_ACCEPT).click().run()
    assert not at.exception
    shown = plain(" ".join(e.value for e in at.error))
    assert "failed unexpectedly" in shown and "reference" in shown
    assert str(studio_env["tmp"]) not in shown and "Errno" not in shown
