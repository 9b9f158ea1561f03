"""Deterministic ids, so re-running an import or an extraction is idempotent."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from kg.models import AssertionKind


def _digest(*parts: object, n: int = 16) -> str:
    h = hashlib.sha256("\x1f".join(["" if p is None else str(p) for p in parts]).encode("utf-8"))
    return h.hexdigest()[:n]


def slugify(name: str) -> str:
    """ASCII, lower-case, hyphenated: 'Café-au-lait macule' -> 'cafe-au-lait-macule'."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text or "dx-" + _digest(name, n=10)


def diagnosis_id(name: str) -> str:
    return slugify(name)


def finding_id(name: str) -> str:
    """Finding ids live apart from diagnosis ids: 'Blue-white veil' -> 'fnd-blue-white-veil'."""
    return "fnd-" + slugify(name)


def canonical_pair(kind: AssertionKind, subject: str, object: str) -> tuple[str, str]:
    """DDx is symmetric: stored once with subject < object. is_a and finding keep their direction."""
    if kind == "ddx" and object < subject:
        return object, subject
    return subject, object


def assertion_id(kind: AssertionKind, subject: str, object: str) -> str:
    s, o = canonical_pair(kind, subject, object)
    return f"a-{_digest(kind, s, o)}"


def evidence_id(source_sha256: str, page: int | None, quote: str) -> str:
    return f"e-{_digest(source_sha256, page, quote)}"


def case_id(image_sha256: str, diagnosis: str) -> str:
    return f"c-{_digest(image_sha256, diagnosis)}"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
