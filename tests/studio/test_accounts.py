"""Login throttling, lockout, equal-cost answers for unknown users, password rules, and the admin's
account operations, each recorded in the users file."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from dermkg.errors import InputError
from studio.accounts import LoginPolicy, forget_unknown_failures, log_in, reset_password, set_disabled, unlock
from studio.auth import (
    MAX_PASSWORD_BYTES,
    PermissionDeniedError,
    ensure_users_file,
    hash_cost,
    load_users,
    upsert_user,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
POLICY = LoginPolicy(max_failures=5, backoff_after=2, backoff_base_s=1.0, backoff_max_s=60.0)


@pytest.fixture
def users(tmp_path):
    forget_unknown_failures()
    path = tmp_path / "users.yaml"
    upsert_user(path, "root", role="admin", password="root-password")
    upsert_user(path, "alice", role="curator", password="alice-password")
    return path


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("failures", "delay"),
    [
        (0, 0.0),  # no failure yet: no wait
        (1, 0.0),  # a typo is free
        (2, 1.0),  # from backoff_after on, the wait doubles...
        (3, 2.0),
        (4, 4.0),
        (10, 60.0),  # ...up to the cap
    ],
)
def test_backoff_doubles_and_is_capped(failures, delay):
    assert POLICY.delay(failures) == delay


def test_repeated_failures_back_off_then_lock_until_an_admin_unlocks(users):
    wrong = [log_in(users, "alice", "guess", policy=POLICY, now=at(0)).outcome]
    wrong.append(log_in(users, "alice", "guess", policy=POLICY, now=at(0.1)).outcome)
    # two failures: the next attempt within 1 s is refused without checking, even the right password
    early = log_in(users, "alice", "alice-password", policy=POLICY, now=at(0.5))
    assert wrong == ["wrong", "wrong"] and early.outcome == "wait" and early.user is None
    assert "wait 1 s" in early.message
    assert log_in(users, "alice", "guess", policy=POLICY, now=at(1.2)).outcome == "wrong"  # 3rd
    assert log_in(users, "alice", "guess", policy=POLICY, now=at(2.0)).outcome == "wait"  # needs 2 s
    assert log_in(users, "alice", "guess", policy=POLICY, now=at(3.3)).outcome == "wrong"  # 4th
    assert log_in(users, "alice", "guess", policy=POLICY, now=at(7.4)).outcome == "locked"  # 5th
    # locked: the right password no longer works, however long one waits
    late = log_in(users, "alice", "alice-password", policy=POLICY, now=at(10_000))
    assert late.outcome == "locked" and "administrator" in late.message
    stored = load_users(users).get("alice")
    assert stored.locked and stored.failed_logins == 5
    assert [(e.by, e.action, e.username) for e in load_users(users).audit][-1] == ("system", "lock", "alice")
    root = load_users(users).get("root")
    unlock(users, "alice", acting=root)
    assert log_in(users, "alice", "alice-password", policy=POLICY, now=at(10_001)).outcome == "ok"
    assert [e.action for e in load_users(users).audit][-1] == "unlock"


def test_fifteen_wrong_then_the_right_password_in_one_go_is_refused(users):
    """The attack of issue 17: 15 wrong passwords, then the right one, as fast as possible."""
    policy = LoginPolicy(max_failures=10, backoff_after=3, backoff_base_s=1.0)
    outcomes = [
        log_in(users, "alice", f"guess-{i}", policy=policy, now=at(i * 0.05)).outcome for i in range(15)
    ]
    assert outcomes[:3] == ["wrong"] * 3 and set(outcomes[3:]) == {"wait"}  # no check after the 3rd
    assert log_in(users, "alice", "alice-password", policy=policy, now=at(0.8)).outcome == "wait"


def test_a_success_resets_the_count(users):
    log_in(users, "alice", "guess", policy=POLICY, now=at(0))
    assert log_in(users, "alice", "alice-password", policy=POLICY, now=at(1)).outcome == "ok"
    assert load_users(users).get("alice").failed_logins == 0


def test_unknown_names_get_the_same_answers_as_known_ones(users):
    for i, t in enumerate((0, 0.1, 1.2, 3.3, 7.4)):
        known = log_in(users, "alice", "guess", policy=POLICY, now=at(t))
        unknown = log_in(users, "mallory", "guess", policy=POLICY, now=at(t))
        assert known.outcome == unknown.outcome, i
        assert known.message == unknown.message
    assert log_in(users, "mallory", "x" * 10, policy=POLICY, now=at(1e5)).outcome == "locked"


def median_seconds(users, name: str, n: int = 5) -> float:
    times = []
    for i in range(n):
        forget_unknown_failures()
        start = time.perf_counter()
        log_in(users, name, f"wrong-{i}", policy=LoginPolicy(backoff_after=100, max_failures=1000))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@pytest.mark.slow  # times many bcrypt checks: ~10 s of one core, and only meaningful on a quiet one
def test_an_unknown_user_costs_as_long_as_a_known_one(users):
    """Issue 17: unknown 1 ms vs known 300 ms revealed which names exist."""
    assert hash_cost(load_users(users).get("alice").password_hash) == 12
    known = median_seconds(users, "alice")
    unknown = median_seconds(users, "nobody-here")
    ratio = unknown / known
    print(f"login check: known {known * 1000:.0f} ms, unknown {unknown * 1000:.0f} ms, ratio {ratio:.2f}")
    assert 0.5 <= ratio <= 2.0
    assert known > 0.05  # a real bcrypt cost, not a cheap one


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 8 characters"),  # too short
        ("x" * 80, "at most 72 bytes (bcrypt's limit); this one has 80"),  # over bcrypt's limit
        ("é" * 40, "this one has 80"),  # 40 characters but 80 bytes
    ],
)
def test_password_rules_are_stated(tmp_path, password, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        upsert_user(tmp_path / "users.yaml", "x", role="viewer", password=password)


def test_an_over_long_password_at_login_is_simply_wrong(users):
    assert (
        log_in(users, "alice", "alice-password" + "y" * MAX_PASSWORD_BYTES, policy=POLICY).outcome == "wrong"
    )


def test_an_80_character_admin_password_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("DERMKG_ADMIN_PASSWORD", "p" * 80)
    with pytest.raises(InputError, match="DERMKG_ADMIN_PASSWORD: a password may have at most 72 bytes"):
        ensure_users_file(tmp_path / "users.yaml")
    assert not (tmp_path / "users.yaml").exists()


def test_the_cli_refuses_an_80_character_admin_password_without_a_traceback(tmp_path, monkeypatch):
    from dermkg.cli import app

    monkeypatch.setenv("DERMKG_ADMIN_PASSWORD", "p" * 80)
    monkeypatch.setenv("DERMKG_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(
        app, ["studio", "--store", f"sqlite:///{tmp_path / 'kg.db'}", "--no-seed", "--port", "1"]
    )
    out = result.output
    assert result.exit_code == 2, out
    assert "DERMKG_ADMIN_PASSWORD" in out and "72 bytes" in out and "Traceback" not in out


def test_admins_disable_enable_and_reset_and_it_is_recorded(users):
    data = load_users(users)
    root, alice = data.get("root"), data.get("alice")
    with pytest.raises(PermissionDeniedError):
        set_disabled(users, "root", True, acting=alice)  # a curator may not
    with pytest.raises(InputError, match="your own account"):
        set_disabled(users, "root", True, acting=root)
    set_disabled(users, "alice", True, acting=root)
    assert log_in(users, "alice", "alice-password", policy=POLICY).outcome == "wrong"
    set_disabled(users, "alice", False, acting=root)
    with pytest.raises(InputError, match="at least 8"):
        reset_password(users, "alice", "short", acting=root)
    reset_password(users, "alice", "brand-new-password", acting=root)
    assert log_in(users, "alice", "alice-password", policy=POLICY).outcome == "wrong"
    assert log_in(users, "alice", "brand-new-password", policy=POLICY).outcome == "ok"
    audit = [(e.by, e.action, e.username) for e in load_users(users).audit]
    assert audit[-3:] == [
        ("root", "disable", "alice"),
        ("root", "enable", "alice"),
        ("root", "reset_password", "alice"),
    ]
    assert "brand-new-password" not in users.read_text()
