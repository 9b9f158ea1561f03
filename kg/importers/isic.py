"""The official ISIC diagnosis hierarchy: one colon-separated path per line (``diagnosis_paths.txt``).

Each line is a node; dropping its last component gives its parent. Malignancy comes from the
root of the path (Benign / Malignant); Indeterminate is left open for curators and the other
vocabularies to settle.
"""

from __future__ import annotations

from pathlib import Path

from dermkg.errors import InputError
from kg.importers.types import VocabEdge, VocabTerm, Vocabulary
from kg.models import Malignancy

ROOT_MALIGNANCY: dict[str, Malignancy | None] = {
    "Benign": "benign",
    "Malignant": "malignant",
    "Indeterminate": None,
}


def parse_isic(path: Path) -> Vocabulary:
    """Parse ``diagnosis_paths.txt``; every parent path must itself be a line of the file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read ISIC hierarchy: {exc}", location=str(path)) from None
    terms: list[VocabTerm] = []
    edges: list[VocabEdge] = []
    seen: dict[str, int] = {}
    for lineno, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        parts = [p.strip() for p in text.split(":")]
        if any(not p for p in parts):
            raise InputError(f"empty path component in {text!r}", location=f"{path}:{lineno}")
        if text in seen:
            raise InputError(
                f"duplicate path {text!r} (first on line {seen[text]})", location=f"{path}:{lineno}"
            )
        if parts[0] not in ROOT_MALIGNANCY:
            raise InputError(
                f"path {text!r} must start with one of {sorted(ROOT_MALIGNANCY)}", location=f"{path}:{lineno}"
            )
        seen[text] = lineno
        terms.append(
            VocabTerm(
                key=text,
                name=parts[-1],
                malignancy=ROOT_MALIGNANCY[parts[0]],
                codes={"isic": text},
                quote=text,
                line=lineno,
            )
        )
        if len(parts) > 1:
            edges.append(VocabEdge(child=text, parent=":".join(parts[:-1]), quote=text, line=lineno))
    if not terms:
        raise InputError("no diagnosis paths found", location=str(path))
    return Vocabulary(
        format="isic",
        title="ISIC Archive hierarchical diagnosis vocabulary (isic-metadata DiagnosisEnum)",
        licence="Apache-2.0",
        malignancy_source="isic",
        key_code="isic",
        terms=terms,
        edges=edges,
    )
