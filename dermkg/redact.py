"""Masking secrets in text shown to people: one function every error and log path uses.

A URL's password is masked whatever its scheme (``noe4j://neo4j:SECRET@host``, a mistyped scheme,
is masked as well as ``neo4j://``), and so are secret-looking query parameters (``?token=...``).
The user name stays: it is what a reader needs to tell which account failed.

Example:
    >>> mask_secrets("unknown scheme in 'noe4j://neo4j:SECRET@host:7687'")
    "unknown scheme in 'noe4j://neo4j:***@host:7687'"
"""

from __future__ import annotations

import logging
import re

__all__ = ["install_log_filter", "mask_secrets", "mask_url", "url_password"]

# scheme://rest-of-token (up to whitespace or a quote): a password may hold '/', '@' or '?' unencoded
_URL = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<netloc>[^\s'\"<>]*)")
_QUERY_SECRET = re.compile(
    r"(?i)(?P<key>[?&;](?:password|passwd|pwd|pass|token|access_token|api[_-]?key|apikey|secret|auth)=)"
    r"(?P<value>[^&#\s'\"]*)"
)


def _mask_netloc(match: re.Match[str]) -> str:
    rest = match["netloc"]
    if "@" not in rest:
        return match.group(0)
    userinfo, host = rest.rsplit("@", 1)  # masks too much rather than too little
    user = userinfo.split(":", 1)[0]
    if ":" in userinfo and "/" not in user:
        return f"{match['scheme']}{user}:***@{host}"
    return match.group(0)


def mask_secrets(text: str) -> str:
    """``text`` with every URL's password and secret query values replaced by ``***``."""
    if "://" not in text and "=" not in text:
        return text
    text = _URL.sub(_mask_netloc, text)
    return _QUERY_SECRET.sub(lambda m: f"{m['key']}***" if m["value"] else m.group(0), text)


def mask_url(url: str) -> str:
    """One URL (the whole string, spaces included) with its password masked."""
    if "://" in url and "@" in url:
        scheme, rest = url.split("://", 1)
        userinfo, host = rest.rsplit("@", 1)
        if ":" in userinfo:
            url = f"{scheme}://{userinfo.split(':', 1)[0]}:***@{host}"
    return mask_secrets(url)


def url_password(url: str) -> str | None:
    """The password in ``url``'s userinfo, read the way :func:`mask_url` masks it (to scrub it from
    messages of libraries that echo it)."""
    if "://" not in url or "@" not in url:
        return None
    userinfo = url.split("://", 1)[1].rsplit("@", 1)[0]
    return userinfo.split(":", 1)[1] or None if ":" in userinfo else None


class _MaskingFilter(logging.Filter):
    """Masks secrets in every record's message (drivers log their connection URLs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def install_log_filter() -> None:
    """Mask secrets in every log record, whichever logger emits it (idempotent): a filter on each
    handler of the root logger and on the factory of new records."""
    old_factory = logging.getLogRecordFactory()
    if getattr(old_factory, "_dermkg_masking", False):
        return

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = old_factory(*args, **kwargs)  # type: ignore[arg-type]
        _MaskingFilter().filter(record)
        return record

    factory._dermkg_masking = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
