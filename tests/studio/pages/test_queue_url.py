"""The queue's filters, page and open item live in the address: a reload or a link opens the same item."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from studio import state
from tests.studio.conftest import APP


def queue_with(params: dict[str, str], username: str = "cleo") -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state[state.USERNAME] = username
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page("pages/queue.py").run()
    assert not at.exception, at.exception
    return at


def test_a_link_opens_its_item_with_its_filters(studio_env):
    target = studio_env["ids"]["melanoma-seb-k"]
    at = queue_with({"item": target, "order": "impact", "kind": "ddx"})
    assert at.selectbox(key=state.Q_ITEM).value == target
    assert at.selectbox(key=state.Q_ORDER).value == "impact"
    assert at.selectbox(key=state.Q_KIND).value == "ddx"
    assert "Melanoma — is in the differential of — Seborrhoeic keratosis" in at.subheader[0].value


def test_the_address_follows_the_curator(studio_env):
    at = queue_with({})
    first = at.selectbox(key=state.Q_ITEM).value
    assert at.query_params["item"] == first and at.query_params["order"] == "score"
    other = studio_env["ids"]["bcc-naevus"]
    at.selectbox(key=state.Q_ITEM).set_value(other).run()
    assert at.query_params["item"] == other and at.query_params["page"] == "1"


def test_nonsense_in_the_address_is_ignored(studio_env):
    at = queue_with({"order": "drop table", "kind": "<script>", "page": "-3", "item": "x" * 500})
    assert at.selectbox(key=state.Q_ORDER).value == "score"
    assert at.selectbox(key=state.Q_KIND).value is None
    assert at.selectbox(key=state.Q_ITEM).value == studio_env["ids"]["melanoma-naevus"]
