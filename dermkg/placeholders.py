"""Placeholder secrets are not secrets: ``change-me-please`` copied from ``.env.example`` must never
guard a Neo4j server, a Label Studio token or an LLM key.

Example:
    >>> refuse_placeholder("NEO4J_PASSWORD", "change-me-please")  # doctest: +SKIP
    InputError: NEO4J_PASSWORD is a placeholder (as in .env.example), not a secret: set a real one
"""

from __future__ import annotations

import re
from pathlib import Path

from dermkg.errors import InputError

__all__ = ["is_placeholder", "refuse_placeholder"]

_KNOWN = {
    "change-me",
    "change-me-please",
    "changeme",
    "change_me",
    "changeit",
    "password",
    "passw0rd",
    "secret",
    "neo4j",  # Neo4j's initial password
    "admin",
    "test",
    "token",
    "your-api-key",
    "your_api_key",
    "sk-...",
    "0123456789abcdef0123456789abcdef01234567",  # .env.example's Label Studio token
}
_PATTERN = re.compile(
    r"(?i)^(?:change[-_ ]?(?:me|it)\b.*|<[^>]*>|\$\{[^}]*\}|x{3,}|\*{3,}|\.{3,}"
    r"|your[-_ ].*|example.*|placeholder.*|todo|fixme)$"
)


def _example_values() -> set[str]:
    """The values ``.env.example`` (in the working directory) ships, if there is one."""
    path = Path(".env.example")
    try:
        lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    except OSError:
        return set()
    values = {
        ln.split("=", 1)[1].strip().strip("'\"")
        for ln in lines
        if "=" in ln and not ln.lstrip().startswith("#")
    }
    return {v for v in values if v and not v.isdigit() and "/" not in v and not re.fullmatch(r"\d+[GMK]", v)}


def is_placeholder(value: str) -> bool:
    """Whether ``value`` is a documented placeholder rather than a chosen secret."""
    v = value.strip()
    return v.lower() in _KNOWN or bool(_PATTERN.match(v)) or v in _example_values()


def refuse_placeholder(name: str, value: str | None) -> str | None:
    """``value`` unless it is a placeholder; the error names the setting, never the value."""
    if value is not None and is_placeholder(value):
        raise InputError(f"{name} is a placeholder (as in .env.example), not a secret: set a real one")
    return value
