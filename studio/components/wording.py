"""How the studio says things to a dermatologist: where an assertion came from and how sure the
machine was in words, and a history event as "object: varicella → eczema herpeticum" rather than
JSON. Pure functions (no Streamlit), so they are tested as tables of cases.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kg.models import Assertion, CurationEvent

ORIGIN_WORDS = {
    "import": "imported from a vocabulary",
    "rules": "found by text rules",
    "llm": "suggested by a language model",
    "stats": "suggested by co-occurrence statistics",
    "human": "added by a curator",
}
# Fields whose values are diagnosis ids: shown by name.
_ID_FIELDS = frozenset({"subject", "object", "diagnosis", "parent", "keep", "drop", "merged_into"})
# Bookkeeping that says nothing to a curator.
_HIDDEN = frozenset(
    {"version", "id", "updated_at", "created_at", "seq", "evidence_ids", "image_sha256", "source_sha256"}
)
_EMPTY = (None, "", [], {})
RELATION_WORDS = {"typical": "typical finding", "possible": "possible finding", "against": "finding against"}
RELATION_HEADINGS = {
    "typical": "Typical findings",
    "possible": "Possible findings",
    "against": "Findings against",
}
FINDING_TYPE_WORDS = {
    "dermoscopy": "dermoscopic structure",
    "morphology": "morphology",
    "colour": "colour",
    "distribution": "distribution",
    "site": "body site",
    "history": "history",
}


def confidence(score: float | None) -> str | None:
    """A machine score in words: high (≥ 0.7), medium (≥ 0.5), low."""
    if score is None:
        return None
    return "high" if score >= 0.7 else "medium" if score >= 0.5 else "low"


def origin_words(origin: str) -> str:
    return ORIGIN_WORDS.get(origin, origin)


def provenance(a: Assertion) -> str:
    """ "found in a list of causes (low confidence)" instead of "origin rules · score 0.40"."""
    kinds = {ev.kind for ev in a.evidence}
    if a.origin == "rules" and "ddx" in kinds:
        words = "found in a list of causes"
    elif a.origin == "rules" and "caption" in kinds:
        words = "found in a figure caption"
    elif a.origin == "llm" and a.agent and a.agent.model:
        words = f"suggested by a language model ({a.agent.model})"
    else:
        words = origin_words(a.origin)
    level = confidence(a.score)
    return f"{words} ({level} confidence)" if level else words


def relation_words(relation: str | None) -> str:
    """``typical`` -> "typical finding"; an unknown relation is shown as it is."""
    return RELATION_WORDS.get(relation or "", f"{relation or 'unstated'} finding")


def arrow(kind: str, relation: str | None = None) -> str:
    """The short link between the two ends in lists: ``↔`` DDx, ``→`` is-a, ``— typical →``."""
    if kind == "finding":
        return f"— {relation or '?'} →"
    return "↔" if kind == "ddx" else "→"


def assertion_words(
    kind: str,
    subject: str,
    object: str,
    relation: str | None,
    names: Mapping[str, str],
    findings: Mapping[str, str] | None = None,
) -> str:
    """The relation as a sentence: "Melanoma — typical finding: Atypical pigment network",
    "Melanoma — is a kind of — Melanocytic lesion". Finding objects are named from ``findings``."""
    s = names.get(subject, subject)
    if kind == "finding":
        return f"{s} — {relation_words(relation)}: {(findings or {}).get(object, object)}"
    verb = "is in the differential of" if kind == "ddx" else "is a kind of"
    return f"{s} — {verb} — {names.get(object, object)}"


def _value(field: str, value: Any, names: Mapping[str, str]) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if field in _ID_FIELDS and isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, list):
        return ", ".join(_value(field, v, names) for v in value[:12]) + (" …" if len(value) > 12 else "")
    if isinstance(value, dict):
        return f"{len(value)} fields"
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "…"


def event_changes(event: CurationEvent, names: Mapping[str, str]) -> list[str]:
    """One line per field that changed, ``"object: Varicella → Eczema herpeticum"``; large
    snapshots (a merge moves hundreds of records) stay a few lines."""
    before, after = event.before or {}, event.after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    lines = []
    for field in [*before, *(k for k in after if k not in before)]:
        if field in _HIDDEN or field.startswith("_"):
            continue
        old, new = before.get(field), after.get(field)
        if old == new or (old in _EMPTY and new in _EMPTY):
            continue
        if isinstance(old, list | dict) or isinstance(new, list | dict):
            if (
                isinstance(old, list)
                and isinstance(new, list)
                and all(not isinstance(v, dict) for v in (*old, *new))
            ):
                added = [v for v in new if v not in old]
                removed = [v for v in old if v not in new]
                parts = []
                if added:
                    parts.append("added " + _value(field, added, names))
                if removed:
                    parts.append("removed " + _value(field, removed, names))
                lines.append(f"{field.replace('_', ' ')}: " + "; ".join(parts))
            else:
                n_old = len(old) if isinstance(old, list | dict) else 0
                n_new = len(new) if isinstance(new, list | dict) else 0
                lines.append(f"{field.replace('_', ' ')}: {n_old} → {n_new} entries")
            continue
        if field in before and field in after:
            lines.append(
                f"{field.replace('_', ' ')}: {_value(field, old, names)} → {_value(field, new, names)}"
            )
        elif field in after:
            lines.append(f"{field.replace('_', ' ')}: {_value(field, new, names)}")
        else:
            lines.append(f"{field.replace('_', ' ')}: {_value(field, old, names)} (removed)")
    return lines[:40]


def event_target(event: CurationEvent, names: Mapping[str, str]) -> str:
    """The target by name: a diagnosis by its name, an assertion by its two ends."""
    snap = event.after or event.before or {}
    if event.target_type == "diagnosis":
        return names.get(
            event.target, snap.get("name", event.target) if isinstance(snap, dict) else event.target
        )
    if event.target_type == "assertion" and isinstance(snap, dict) and "subject" in snap:
        link = arrow(str(snap.get("kind")), snap.get("relation"))
        s, o = snap.get("subject", ""), snap.get("object", "")
        return f"{names.get(s, s)} {link} {names.get(o, o)}"
    if event.target_type == "case" and isinstance(snap, dict) and "diagnosis" in snap:
        d = snap["diagnosis"]
        return f"case of {names.get(d, d)}"
    return f"{event.target_type} {event.target[:12]}"
