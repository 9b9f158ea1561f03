"""Which dermkg user a Label Studio annotator acts as: a small mapping file, kept out of the graph.

The file (``DERMKG_LABELSTUDIO_USERS``) is YAML or JSON, either a plain mapping or under ``users:``::

    users:
      ann.curator@hospital.org: ann
      bob@hospital.org: bob

Keys are Label Studio e-mails (or usernames), matched case-insensitively. Annotations by anyone not in
the map are reported and never applied: an unknown person must not curate the graph.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dermkg.errors import InputError
from studio.labelstudio.types import LsUser


class UserMap(BaseModel):
    model_config = ConfigDict(extra="forbid")

    users: dict[str, str] = Field(default_factory=dict)

    @field_validator("users")
    @classmethod
    def _normalise(cls, users: dict[str, str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, value in users.items():
            if not str(key).strip() or not str(value).strip():
                raise ValueError(f"empty Label Studio user or dermkg user in entry {key!r}: {value!r}")
            out[str(key).strip().lower()] = str(value).strip()
        return out

    def lookup(self, user: LsUser | None) -> str | None:
        """The dermkg user for a Label Studio user, or None when unmapped."""
        if user is None:
            return None
        for key in (user.email, user.username):
            if key and key.strip().lower() in self.users:
                return self.users[key.strip().lower()]
        return None

    @classmethod
    def load(cls, path: Path) -> UserMap:
        """Read a mapping file; InputError names the file and what is wrong."""
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError(
                f"cannot read the Label Studio user map: {exc.strerror}", location=str(path)
            ) from None
        except yaml.YAMLError as exc:
            raise InputError(f"not YAML/JSON: {exc}", location=str(path)) from None
        if raw is None:
            return cls()
        if not isinstance(raw, dict):
            raise InputError("expected a mapping of Label Studio user -> dermkg user", location=str(path))
        users = raw["users"] if set(raw) == {"users"} else raw
        try:
            return cls(users=users)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise InputError(f"bad user map: {first['msg']}", location=str(path)) from None

    @classmethod
    def from_settings(cls) -> UserMap:
        from dermkg.settings import get_settings

        path = get_settings().labelstudio_users
        return cls.load(Path(path)) if path else cls()
