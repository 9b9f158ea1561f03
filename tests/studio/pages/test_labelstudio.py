"""Label Studio page: the studio's push / pull / sync buttons over the sync library."""

from __future__ import annotations

import socket

import httpx
import pytest

from studio import state
from studio.labelstudio.configs import TITLES
from tests.studio.conftest import open_app, plain


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_label_studio_gives_a_clear_message_and_changes_nothing(
    studio_env, read_store, monkeypatch
):
    url = f"http://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("DERMKG_LABELSTUDIO_URL", url)
    monkeypatch.setenv("DERMKG_LABELSTUDIO_TOKEN", "token-for-nowhere")
    events = read_store.list_events().total
    at = open_app("cleo", "pages/labelstudio.py")
    at.button(key=state.LS_SYNC).click().run()
    errors = plain(" ".join(e.value for e in at.error))
    assert url in errors and "Nothing was changed" in errors
    assert "token-for-nowhere" not in errors
    assert read_store.list_events().total == events


def test_viewers_cannot_sync(studio_env):
    at = open_app("vic", "pages/labelstudio.py")
    assert not [b for b in at.button if b.key in (state.LS_PUSH, state.LS_PULL, state.LS_SYNC)]


@pytest.mark.labelstudio
def test_the_push_button_creates_one_task_per_proposed_item_and_is_idempotent(
    studio_env, clean_labelstudio, monkeypatch
):
    monkeypatch.setenv("DERMKG_LABELSTUDIO_URL", clean_labelstudio.url)
    monkeypatch.setenv("DERMKG_LABELSTUDIO_TOKEN", clean_labelstudio.token)
    at = open_app("cleo", "pages/labelstudio.py")
    at.button(key=state.LS_PUSH).click().run(timeout=240)
    assert not at.error, [e.value for e in at.error]
    assert any("3 new" in s.value for s in at.success)  # 3 proposed DDx assertions
    at.button(key=state.LS_PUSH).click().run(timeout=240)
    assert any("0 new" in s.value and "3 unchanged" in s.value for s in at.success)
    headers = {"Authorization": f"Token {clean_labelstudio.token}"}
    with httpx.Client(base_url=clean_labelstudio.url, headers=headers) as http:
        projects = {p["title"]: p for p in http.get("/api/projects/").raise_for_status().json()["results"]}
    assert projects[TITLES["ddx"]]["task_number"] == 3  # one task per proposed DDx, none duplicated
    assert projects[TITLES["cases"]]["task_number"] == 3  # the three proposed cases
