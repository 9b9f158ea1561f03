"""Studio users and roles: a YAML file of bcrypt hashes, or OIDC through Streamlit's ``st.login``.

Roles are enforced server-side by :func:`require`, which every action in :mod:`studio.actions`
calls before it touches the store; hiding a button is only a courtesy on top of that.

Example:
    >>> users = load_users(path)
    >>> user = authenticate(users, "alice", "s3cret")
    >>> require(user, "review")  # raises PermissionDeniedError for a viewer
"""

from __future__ import annotations

import fcntl
import functools
import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import bcrypt
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dermkg.errors import DermkgError, InputError
from dermkg.settings import StudioSettings

Role = Literal["viewer", "curator", "admin"]
ROLE_RANK: dict[Role, int] = {"viewer": 0, "curator": 1, "admin": 2}
ADMIN_PASSWORD_ENV = "DERMKG_ADMIN_PASSWORD"
FIRST_ADMIN = "admin"

# The least role allowed to perform each action (the audit log records who did it).
Permission = Literal[
    "view", "review", "edit", "merge", "comment", "case", "ingest", "export", "labelstudio", "revert", "users"
]
PERMISSIONS: dict[Permission, Role] = {
    "view": "viewer",
    "review": "curator",
    "edit": "curator",
    "merge": "curator",
    "comment": "curator",
    "case": "curator",
    "export": "curator",
    "labelstudio": "curator",
    "ingest": "admin",
    "revert": "admin",
    "users": "admin",
}


class PermissionDeniedError(DermkgError):
    """The logged-in user's role does not allow the action. Nothing was written."""


class StudioUser(BaseModel):
    """One account: a local password (bcrypt hash) or an OIDC identity matched by email."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=r"^[A-Za-z0-9_.@-]{1,64}$")
    name: str | None = None
    email: str | None = None
    role: Role = "viewer"
    password_hash: str | None = None
    disabled: bool = False
    # login throttling (see studio.throttle): consecutive failures, the last one, and a lockout
    # that only an admin lifts
    failed_logins: int = 0
    last_failed_at: datetime | None = None
    locked: bool = False

    @property
    def display_name(self) -> str:
        return self.name or self.username


class AccountEvent(BaseModel):
    """One change to an account, kept in the users file: who did what to whom, when."""

    model_config = ConfigDict(extra="forbid")

    at: datetime
    by: str  # the acting admin, "cli" for the local operator, "system" for an automatic lockout
    action: Literal["create", "update", "disable", "enable", "reset_password", "unlock", "lock"]
    username: str
    detail: str | None = None


AUDIT_KEEP = 2000  # the newest account events kept in the file


class UsersFile(BaseModel):
    """The users file as stored on disk (``<data dir>/users.yaml``)."""

    model_config = ConfigDict(extra="forbid")

    users: list[StudioUser] = Field(default_factory=list)
    audit: list[AccountEvent] = Field(default_factory=list)

    def record(self, by: str, action: str, username: str, detail: str | None = None) -> None:
        self.audit.append(
            AccountEvent(at=datetime.now(UTC), by=by, action=action, username=username, detail=detail)  # type: ignore[arg-type]
        )
        del self.audit[:-AUDIT_KEEP]

    def replace(self, user: StudioUser) -> None:
        self.users = [user if u.username == user.username else u for u in self.users]

    def get(self, username: str) -> StudioUser | None:
        return next((u for u in self.users if u.username == username), None)

    def by_email(self, email: str) -> StudioUser | None:
        email = email.lower()
        return next((u for u in self.users if u.email and u.email.lower() == email), None)


class FirstAdmin(BaseModel):
    """What :func:`ensure_users_file` did; ``password`` is set only when it was generated here."""

    created: bool
    path: Path
    username: str = FIRST_ADMIN
    password: str | None = None


MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_BYTES = 72  # bcrypt reads at most 72 bytes; longer passwords are refused, not cut
PASSWORD_RULES = (
    f"Passwords need at least {MIN_PASSWORD_CHARS} characters and at most {MAX_PASSWORD_BYTES} bytes "
    "(bcrypt's limit: 72 plain letters, fewer with accents or other non-ASCII characters)."
)
DEFAULT_COST = 12


def check_password_rules(password: str) -> None:
    """Raise InputError stating the rule a password breaks."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise InputError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
    size = len(password.encode("utf-8"))
    if size > MAX_PASSWORD_BYTES:
        raise InputError(
            f"a password may have at most {MAX_PASSWORD_BYTES} bytes (bcrypt's limit); this one has {size}"
        )


def hash_password(password: str) -> str:
    check_password_rules(password)
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(DEFAULT_COST)).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    """Constant work for any input: an over-long password is checked (cut) then refused, so its
    answer takes as long as any other."""
    raw = password.encode("utf-8")
    try:
        ok = bcrypt.checkpw(raw[:MAX_PASSWORD_BYTES], password_hash.encode("ascii"))
    except ValueError:  # malformed hash in the file: never a match
        return False
    return ok and len(raw) <= MAX_PASSWORD_BYTES


_COST = re.compile(r"^\$2[abxy]?\$(\d\d)\$")


def hash_cost(password_hash: str | None) -> int | None:
    m = _COST.match(password_hash or "")
    return int(m.group(1)) if m else None


@functools.lru_cache(maxsize=8)
def dummy_hash(cost: int) -> str:
    """A real hash of the same cost as the accounts' hashes, checked for unknown users so a wrong
    name costs exactly as long as a wrong password."""
    return bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt(cost)).decode("ascii")


def users_cost(users: UsersFile) -> int:
    """The bcrypt cost of the accounts (the most common one)."""
    costs = [c for u in users.users if (c := hash_cost(u.password_hash)) is not None]
    return max(set(costs), key=costs.count) if costs else DEFAULT_COST


@contextmanager
def users_lock(path: Path) -> Iterator[None]:
    """Serialise read-modify-write of the users file across threads and processes (CLI + server)."""
    lock = Path(path).with_name(Path(path).name + ".lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def load_users(path: Path) -> UsersFile:
    """Read and validate the users file; a bad file raises InputError naming it and the problem."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise InputError(
            "users file not found; run `dermkg studio` once to create it", location=str(path)
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", location=str(path)) from None
    try:
        users = UsersFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{where}: {first['msg']}", location=str(path)) from None
    names = [u.username for u in users.users]
    if len(names) != len(set(names)):
        raise InputError("duplicate usernames", location=str(path))
    return users


def save_users(path: Path, users: UsersFile) -> None:
    """Write atomically (temp file + rename) with owner-only permissions: the file holds hashes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = yaml.safe_dump(users.model_dump(mode="json", exclude_none=True), sort_keys=False)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".users-", suffix=".yaml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def authenticate(users: UsersFile, username: str, password: str) -> StudioUser | None:
    """The user when the password matches and the account is enabled, else None."""
    user = users.get(username.strip())
    if user is None or not user.password_hash:
        verify_password(password, dummy_hash(users_cost(users)))
        return None
    if not verify_password(password, user.password_hash) or user.disabled or user.locked:
        return None
    return user


def oidc_user(users: UsersFile, email: str, name: str | None) -> StudioUser:
    """Map an OIDC identity to its account by email; unknown people get the read-only role."""
    known = users.by_email(email)
    if known is not None:
        if known.disabled:
            raise PermissionDeniedError(f"account {known.username} is disabled")
        return known
    return StudioUser(username=email.lower()[:64], name=name, email=email, role="viewer")


def has_role(user: StudioUser, role: Role) -> bool:
    return not user.disabled and ROLE_RANK[user.role] >= ROLE_RANK[role]


def can(user: StudioUser | None, permission: Permission) -> bool:
    return user is not None and has_role(user, PERMISSIONS[permission])


def require(user: StudioUser | None, permission: Permission) -> StudioUser:
    """Raise PermissionDeniedError unless ``user`` may perform ``permission``; returns the user."""
    if user is None:
        raise PermissionDeniedError("log in first")
    if not can(user, permission):
        need = PERMISSIONS[permission]
        raise PermissionDeniedError(
            f"{user.username} is a {user.role}; {permission!r} needs the {need} role (ask an admin)"
        )
    return user


def ensure_users_file(path: Path, *, password: str | None = None) -> FirstAdmin:
    """Create the users file with a first admin when it does not exist (first start of the studio).

    The password comes from ``password``, else ``DERMKG_ADMIN_PASSWORD``, else it is generated and
    returned once in :attr:`FirstAdmin.password` for the caller to print; only its hash is stored.
    """
    path = Path(path)
    if path.exists():
        load_users(path)  # fail now, with the file named, rather than at the first login
        return FirstAdmin(created=False, path=path)
    stored = StudioSettings().admin_password
    given = password or (stored.get_secret_value() if stored is not None else None)
    chosen = given or secrets.token_urlsafe(12)
    try:
        hashed = hash_password(chosen)
    except InputError as exc:
        raise InputError(f"{ADMIN_PASSWORD_ENV}: {exc}. {PASSWORD_RULES}") from None
    admin = StudioUser(username=FIRST_ADMIN, name="Administrator", role="admin", password_hash=hashed)
    users = UsersFile(users=[admin])
    users.record("system", "create", FIRST_ADMIN, "first admin")
    save_users(path, users)
    return FirstAdmin(created=True, path=path, password=None if given else chosen)


def upsert_user(
    path: Path,
    username: str,
    *,
    role: Role,
    password: str | None = None,
    name: str | None = None,
    email: str | None = None,
    acting: StudioUser | None = None,
) -> StudioUser:
    """Add or change an account. Only admins may (``acting``); None means the local CLI operator."""
    if acting is not None:
        require(acting, "users")
    with users_lock(path):
        return _upsert(path, username, role=role, password=password, name=name, email=email, acting=acting)


def _upsert(
    path: Path,
    username: str,
    *,
    role: Role,
    password: str | None,
    name: str | None,
    email: str | None,
    acting: StudioUser | None,
) -> StudioUser:
    users = load_users(path) if Path(path).exists() else UsersFile()
    existing = users.get(username)
    changes: dict[str, object] = {"role": role}
    if password:
        changes["password_hash"] = hash_password(password)
    if name is not None:
        changes["name"] = name
    if email is not None:
        changes["email"] = email
    if existing is None:
        if not password and not email:
            raise InputError(f"new user {username!r} needs a password (or an email to log in through OIDC)")
        try:
            user = StudioUser.model_validate({"username": username, **changes})
        except ValidationError:
            raise InputError(f"invalid username {username!r}: use letters, digits and . _ @ -") from None
        users.users.append(user)
        users.record(acting.username if acting else "cli", "create", user.username, f"role {role}")
    else:
        if acting is not None and existing.username == acting.username and role != "admin":
            raise InputError("you cannot remove your own admin role; ask another admin")
        user = StudioUser.model_validate({**existing.model_dump(), **changes})
        users.replace(user)
        said = [f"role {existing.role} → {role}"] if role != existing.role else []
        said += ["password set"] if password else []
        users.record(acting.username if acting else "cli", "update", user.username, "; ".join(said) or None)
    save_users(path, users)
    return user
