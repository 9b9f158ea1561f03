"""Logins that survive a reload: a signed, HttpOnly, SameSite=Strict cookie set by a server route.

Streamlit scripts cannot set cookies, so after a successful login the script issues a one-time
ticket (random, 60 s, kept in this process) and sends the browser to ``/_dermkg/session``, a route
of the studio's ``st.App`` (:mod:`studio.server`), which redeems it, sets the cookie and redirects
back to the page the user asked for. Each run reads the cookie through ``st.context.cookies`` and
checks its signature and expiry; the account's current state (disabled, removed) is checked as
before. Logging out clears the cookie (``/_dermkg/logout``) and revokes it server-side.

``DERMKG_SESSION_HOURS`` sets the lifetime (default 8; 0 turns persistent sessions off);
``DERMKG_SESSION_SECRET`` the signing key (default: a random key kept in ``<data dir>/session.key``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from dermkg.settings import SessionSettings

log = logging.getLogger(__name__)

COOKIE = "dermkg_session"
TICKET_SECONDS = 60
_tickets: dict[str, tuple[str, float]] = {}
_revoked: dict[str, float] = {}  # token signature -> its expiry
_lock = threading.Lock()


def routes_enabled() -> bool:
    """Whether the server runs studio/server.py (``dermkg studio``), whose routes set the cookie."""
    settings = SessionSettings()
    return settings.routes and settings.hours > 0


def session_hours() -> float:
    return SessionSettings().hours


def _secret(data_dir: Path) -> bytes:
    given = SessionSettings().secret
    if given is not None and given.get_secret_value():
        return given.get_secret_value().encode()
    path = Path(data_dir) / "session.key"
    try:
        return bytes.fromhex(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key.hex())
        return key


def _sign(secret: bytes, payload: str) -> str:
    return hmac.new(secret, payload.encode(), hashlib.sha256).hexdigest()


def make_token(username: str, data_dir: Path, *, now: float | None = None) -> str:
    expires = int((now or time.time()) + session_hours() * 3600)
    payload = f"{username}|{expires}"
    raw = f"{payload}|{_sign(_secret(data_dir), payload)}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def read_token(token: str | None, data_dir: Path, *, now: float | None = None) -> str | None:
    """The username of a valid, unexpired, unrevoked token; None otherwise."""
    if not token or len(token) > 512:
        return None
    try:
        username, expires, sig = base64.urlsafe_b64decode(token.encode()).decode().rsplit("|", 2)
        expiry = int(expires)
    except (ValueError, UnicodeDecodeError):
        log.info("session cookie refused: malformed")
        return None
    good = _sign(_secret(data_dir), f"{username}|{expires}")
    if not hmac.compare_digest(sig, good):
        log.warning("session cookie refused: bad signature (forged, or signed with another secret)")
        return None
    if expiry < (now or time.time()):
        log.info("session cookie of %r refused: expired", username)
        return None
    with _lock:
        if sig in _revoked:
            log.info("session cookie of %r refused: revoked at logout", username)
            return None
    return username


def revoke(token: str | None) -> None:
    if not token:
        return
    try:
        _, expires, sig = base64.urlsafe_b64decode(token.encode()).decode().rsplit("|", 2)
        with _lock:
            now = time.time()
            for k in [k for k, exp in _revoked.items() if exp < now]:
                del _revoked[k]
            _revoked[sig] = float(expires)
    except (ValueError, UnicodeDecodeError):
        return


def issue_ticket(username: str) -> str:
    ticket = secrets.token_urlsafe(24)
    with _lock:
        now = time.time()
        for k in [k for k, (_, exp) in _tickets.items() if exp < now]:
            del _tickets[k]
        _tickets[ticket] = (username, now + TICKET_SECONDS)
    return ticket


def redeem_ticket(ticket: str) -> str | None:
    with _lock:
        found = _tickets.pop(ticket, None)
    if found is None or found[1] < time.time():
        return None
    return found[0]


def safe_next(target: str | None) -> str:
    """Only a path on this server (no scheme, no host, no //): an open redirect is refused."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target
