"""Users file, bcrypt passwords and roles: the server-side rules behind every studio action."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from dermkg.errors import InputError
from studio.auth import (
    PERMISSIONS,
    PermissionDeniedError,
    StudioUser,
    UsersFile,
    authenticate,
    can,
    ensure_users_file,
    load_users,
    oidc_user,
    require,
    save_users,
    upsert_user,
)


def test_first_start_creates_an_admin_with_a_generated_password_shown_once(tmp_path, monkeypatch):
    monkeypatch.delenv("DERMKG_ADMIN_PASSWORD", raising=False)
    path = tmp_path / "users.yaml"
    first = ensure_users_file(path)
    assert first.created and first.password and len(first.password) >= 12
    text = path.read_text()
    assert first.password not in text  # only the hash is stored
    assert "$2b$" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert authenticate(load_users(path), "admin", first.password).role == "admin"
    again = ensure_users_file(path)  # second start: nothing created, nothing printed
    assert not again.created and again.password is None


def test_first_admin_password_from_the_environment_is_not_echoed(tmp_path, monkeypatch):
    monkeypatch.setenv("DERMKG_ADMIN_PASSWORD", "correct horse battery")
    first = ensure_users_file(tmp_path / "users.yaml")
    assert first.created and first.password is None
    assert authenticate(load_users(first.path), "admin", "correct horse battery") is not None


@pytest.mark.parametrize(
    ("username", "password", "ok"),
    [
        ("alice", "alice-password", True),  # right password
        ("alice", "wrong-password", False),  # wrong password
        ("nobody", "alice-password", False),  # unknown user
        ("  alice ", "alice-password", True),  # stray spaces around the name are forgiven
        ("bob", "bob-password", False),  # disabled account
    ],
)
def test_authenticate(tmp_path, username, password, ok):
    path = tmp_path / "users.yaml"
    upsert_user(path, "alice", role="curator", password="alice-password")
    upsert_user(path, "bob", role="admin", password="bob-password")
    users = load_users(path)
    users.users = [u.model_copy(update={"disabled": u.username == "bob"}) for u in users.users]
    assert (authenticate(users, username, password) is not None) is ok


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("viewer", {"view"}),
        ("curator", {"view", "review", "edit", "merge", "comment", "case", "export", "labelstudio"}),
        ("admin", set(PERMISSIONS)),
    ],
)
def test_roles_allow_exactly_their_actions(role, allowed):
    user = StudioUser(username="u", role=role)
    assert {p for p in PERMISSIONS if can(user, p)} == allowed
    for permission in set(PERMISSIONS) - allowed:
        with pytest.raises(PermissionDeniedError, match=permission):
            require(user, permission)


def test_nobody_logged_in_may_do_nothing():
    assert not can(None, "view")
    with pytest.raises(PermissionDeniedError, match="log in"):
        require(None, "view")


def test_only_admins_manage_users_and_cannot_demote_themselves(tmp_path):
    path = tmp_path / "users.yaml"
    admin = upsert_user(path, "root", role="admin", password="root-password")
    curator = upsert_user(path, "carol", role="curator", password="carol-password", acting=admin)
    with pytest.raises(PermissionDeniedError):
        upsert_user(path, "mallory", role="admin", password="mallory-pass", acting=curator)
    with pytest.raises(InputError, match="own admin role"):
        upsert_user(path, "root", role="viewer", acting=admin)
    assert {u.username: u.role for u in load_users(path).users} == {"root": "admin", "carol": "curator"}


def test_short_passwords_are_refused(tmp_path):
    with pytest.raises(InputError, match="8 characters"):
        upsert_user(tmp_path / "users.yaml", "x", role="viewer", password="short")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("users: [", "not valid YAML"),  # broken YAML
        ("users:\n  - username: a\n    role: boss\n", "users.0.role"),  # unknown role, row named
        ("users:\n  - username: a\n  - username: a\n", "duplicate"),  # same name twice
        ("people: []\n", "people"),  # unknown top-level key
    ],
)
def test_a_bad_users_file_names_the_file_and_the_problem(tmp_path: Path, content, message):
    path = tmp_path / "users.yaml"
    path.write_text(content)
    with pytest.raises(InputError, match=message) as err:
        load_users(path)
    assert str(path) in str(err.value)


def test_oidc_identities_map_by_email_and_strangers_only_view():
    users = UsersFile(users=[StudioUser(username="derm1", email="Derm1@Clinic.org", role="curator")])
    assert oidc_user(users, "derm1@clinic.org", "Dr One").role == "curator"
    stranger = oidc_user(users, "someone@else.org", "Someone")
    assert stranger.role == "viewer" and stranger.username == "someone@else.org"


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "users.yaml"
    save_users(path, UsersFile(users=[StudioUser(username="a", role="viewer")]))
    save_users(path, UsersFile(users=[StudioUser(username="b", role="viewer")]))
    assert [p.name for p in tmp_path.iterdir()] == ["users.yaml"]
    assert load_users(path).users[0].username == "b"
