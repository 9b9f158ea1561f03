"""Session tokens: signed, expiring, revocable; tickets are one-time; redirects stay on this server."""

from __future__ import annotations

import base64
import time

import pytest

from studio import session_cookie as sc


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.delenv("DERMKG_SESSION_SECRET", raising=False)
    monkeypatch.setenv("DERMKG_SESSION_HOURS", "8")


def test_a_token_names_its_user_until_it_expires(tmp_path):
    token = sc.make_token("cleo", tmp_path)
    assert sc.read_token(token, tmp_path) == "cleo"
    assert sc.read_token(token, tmp_path, now=time.time() + 8 * 3600 + 5) is None  # expired
    assert (tmp_path / "session.key").stat().st_mode & 0o777 == 0o600


def test_a_changed_name_or_another_key_breaks_the_signature(tmp_path):
    token = sc.make_token("cleo", tmp_path)
    user, expires, sig = base64.urlsafe_b64decode(token).decode().rsplit("|", 2)
    forged = base64.urlsafe_b64encode(f"admin|{expires}|{sig}".encode()).decode()
    assert sc.read_token(forged, tmp_path) is None
    assert sc.read_token(token, tmp_path / "other-server") is None  # a different secret
    assert sc.read_token("not base64 !!", tmp_path) is None and sc.read_token("x" * 600, tmp_path) is None


def test_revoked_tokens_are_refused(tmp_path):
    token = sc.make_token("cleo", tmp_path)
    sc.revoke(token)
    assert sc.read_token(token, tmp_path) is None


def test_tickets_are_single_use():
    ticket = sc.issue_ticket("cleo")
    assert sc.redeem_ticket(ticket) == "cleo"
    assert sc.redeem_ticket(ticket) is None
    assert sc.redeem_ticket("guessed") is None


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/queue?item=a-1", "/queue?item=a-1"),  # a page of this server
        ("https://evil.example/", "/"),  # another site: refused
        ("//evil.example/x", "/"),  # scheme-relative: refused
        ("javascript:alert(1)", "/"),  # not a path
        (None, "/"),
    ],
)
def test_redirects_stay_on_this_server(target, safe):
    assert sc.safe_next(target) == safe


def test_zero_hours_turns_persistent_sessions_off(monkeypatch):
    monkeypatch.setenv("DERMKG_SESSION_ROUTES", "1")
    assert sc.routes_enabled()
    monkeypatch.setenv("DERMKG_SESSION_HOURS", "0")
    assert not sc.routes_enabled()
