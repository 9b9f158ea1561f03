"""Logging in under throttling, and the admin's account operations (disable, reset, unlock).

Throttling (issue 17): after ``backoff_after`` consecutive failures for a username, each further
attempt must wait ``backoff_base_s · 2^(n - backoff_after)`` seconds (capped) and is refused
unchecked before then; after ``max_failures`` the account is locked until an admin unlocks it.
Unknown usernames get the same answers at the same cost (a bcrypt check of the same cost, the same
back-off and "locked" message, kept in memory), so the login form does not reveal which names exist.
Every change is recorded in the users file's ``audit`` list.

Example:
    >>> result = log_in(path, "alice", "s3cret-pw")
    >>> result.user or result.message
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from dermkg.errors import InputError, NotFoundError
from dermkg.settings import LoginSettings
from studio.auth import (
    StudioUser,
    UsersFile,
    check_password_rules,
    dummy_hash,
    hash_password,
    load_users,
    require,
    save_users,
    users_cost,
    users_lock,
    verify_password,
)

log = logging.getLogger(__name__)


class LoginPolicy(BaseModel):
    """How hard repeated failures are throttled (``DERMKG_LOGIN_*`` environment variables)."""

    max_failures: int = 10
    backoff_after: int = 3
    backoff_base_s: float = 1.0
    backoff_max_s: float = 300.0

    @classmethod
    def from_env(cls) -> LoginPolicy:
        return cls(**LoginSettings().model_dump())

    def delay(self, failures: int) -> float:
        """Seconds to wait after ``failures`` consecutive failures before the next check."""
        if failures < self.backoff_after:
            return 0.0
        return min(self.backoff_base_s * 2 ** (failures - self.backoff_after), self.backoff_max_s)


class LoginResult(BaseModel):
    outcome: Literal["ok", "wrong", "wait", "locked"]
    user: StudioUser | None = None
    wait_s: float = 0.0

    @property
    def message(self) -> str:
        if self.outcome == "wait":
            return f"Too many failed attempts: wait {self.wait_s:.0f} s before trying again."
        if self.outcome == "locked":
            return "This account is locked after too many failed attempts. Ask an administrator to unlock it."
        return "Unknown username or wrong password." if self.outcome == "wrong" else ""


# Failures for names that have no account: (count, last failure), bounded so guessing many names
# cannot grow memory without limit.
_UNKNOWN: OrderedDict[str, tuple[int, datetime]] = OrderedDict()
_UNKNOWN_LOCK = threading.Lock()
_UNKNOWN_KEEP = 10_000


def _unknown_state(name: str) -> tuple[int, datetime | None]:
    with _UNKNOWN_LOCK:
        return _UNKNOWN.get(name, (0, None))


def _unknown_failed(name: str, now: datetime) -> int:
    with _UNKNOWN_LOCK:
        count = _UNKNOWN.pop(name, (0, now))[0] + 1
        _UNKNOWN[name] = (count, now)
        while len(_UNKNOWN) > _UNKNOWN_KEEP:
            _UNKNOWN.popitem(last=False)
        return count


def log_in(
    path: Path,
    username: str,
    password: str,
    *,
    policy: LoginPolicy | None = None,
    now: datetime | None = None,
) -> LoginResult:
    """Check a login under throttling; failures and lockouts are written to the users file."""
    policy = policy or LoginPolicy.from_env()
    now = now or datetime.now(UTC)
    name = username.strip()
    users = load_users(path)
    user = users.get(name)
    known = user is not None and bool(user.password_hash)
    if known:
        failures, last, locked = user.failed_logins, user.last_failed_at, user.locked
    else:
        failures, last = _unknown_state(name)
        locked = failures >= policy.max_failures
    if locked:
        log.info("login refused for %r: locked", name)
        return LoginResult(outcome="locked")
    wait = policy.delay(failures)
    if last is not None and wait > 0 and now < last + timedelta(seconds=wait):
        return LoginResult(outcome="wait", wait_s=(last + timedelta(seconds=wait) - now).total_seconds())
    if known:
        ok = verify_password(password, user.password_hash or "") and not user.disabled
    else:
        verify_password(password, dummy_hash(users_cost(users)))
        ok = False
    if not known:
        count = _unknown_failed(name, now)
        return LoginResult(outcome="locked" if count >= policy.max_failures else "wrong")
    with users_lock(path):
        users = load_users(path)
        fresh = users.get(name)
        if fresh is None:
            return LoginResult(outcome="wrong")
        if ok:
            if fresh.failed_logins or fresh.last_failed_at:
                users.replace(fresh.model_copy(update={"failed_logins": 0, "last_failed_at": None}))
                save_users(path, users)
            return LoginResult(outcome="ok", user=fresh)
        count = fresh.failed_logins + 1
        lock = count >= policy.max_failures
        users.replace(
            fresh.model_copy(update={"failed_logins": count, "last_failed_at": now, "locked": lock})
        )
        if lock and not fresh.locked:
            users.record("system", "lock", name, f"{count} failed logins in a row")
            log.warning("account %r locked after %d failed logins", name, count)
        save_users(path, users)
    return LoginResult(outcome="locked" if lock else "wrong")


def _change(
    path: Path, acting: StudioUser | None, username: str, action: str, **updates: object
) -> StudioUser:
    if acting is not None:
        require(acting, "users")
    with users_lock(path):
        users = load_users(path)
        user = users.get(username)
        if user is None:
            raise NotFoundError(f"no user named {username!r}")
        changed = user.model_copy(update=updates)
        users.replace(changed)
        users.record(acting.username if acting else "cli", action, username)
        save_users(path, users)
    return changed


def set_disabled(
    path: Path, username: str, disabled: bool, *, acting: StudioUser | None = None
) -> StudioUser:
    """Disable (or enable again) an account; a disabled user is logged out at their next click."""
    if disabled and acting is not None and acting.username == username:
        raise InputError("you cannot disable your own account; ask another admin")
    return _change(path, acting, username, "disable" if disabled else "enable", disabled=disabled)


def reset_password(
    path: Path, username: str, password: str, *, acting: StudioUser | None = None
) -> StudioUser:
    """Set a new password (the rules are checked first); also lifts a lockout."""
    check_password_rules(password)
    return _change(
        path,
        acting,
        username,
        "reset_password",
        password_hash=hash_password(password),
        failed_logins=0,
        last_failed_at=None,
        locked=False,
    )


def unlock(path: Path, username: str, *, acting: StudioUser | None = None) -> StudioUser:
    """Lift a lockout and forget the failures."""
    return _change(path, acting, username, "unlock", failed_logins=0, last_failed_at=None, locked=False)


def forget_unknown_failures() -> None:
    """Tests and restarts: clear the in-memory failures of unknown usernames."""
    with _UNKNOWN_LOCK:
        _UNKNOWN.clear()


__all__ = [
    "LoginPolicy",
    "LoginResult",
    "UsersFile",
    "forget_unknown_failures",
    "log_in",
    "reset_password",
    "set_disabled",
    "unlock",
]
