"""The rules of finding concepts (pure): how an incoming finding is cleaned and merged into a stored one.

A finding (``atypical pigment network``) is a concept diagnosis-level findings are stated in; a
``finding`` assertion links a diagnosis (subject) to a finding (object) with a relation (typical /
possible / against) and is curated like is_a and DDx.
"""

from __future__ import annotations

from typing import Any

from dermkg.errors import InputError
from kg.ids import finding_id
from kg.models import Finding
from kg.names import normalize
from kg.store import _semantics as sem


def prepare_finding(f: Finding) -> Finding:
    """Trimmed name, cleaned synonyms and the deterministic id (``fnd-`` + slug) when none is given."""
    name = f.name.strip()
    if not name or not normalize(name):
        raise InputError(f"finding {f.id or f.name!r} needs a name with letters or digits")
    return f.model_copy(
        update={
            "id": f.id or finding_id(name),
            "name": name,
            "synonyms": sem.clean_synonyms(name, f.synonyms),
        }
    )


def merge_finding(existing: Finding, incoming: Finding) -> Finding | None:
    """Upsert of an existing id: synonyms unioned (a differing incoming name becomes one), a
    missing description filled, a proposed finding takes a final incoming status; the type and the
    name stay. None when nothing changes."""
    update: dict[str, Any] = {
        "synonyms": sem.clean_synonyms(existing.name, [*existing.synonyms, incoming.name, *incoming.synonyms])
    }
    if existing.description is None and incoming.description is not None:
        update["description"] = incoming.description
    if existing.status == "proposed" and incoming.status in {"accepted", "rejected"}:
        update["status"] = incoming.status
    changed = existing.model_copy(update=update)
    if changed == existing:
        return None
    return changed.model_copy(update={"version": existing.version + 1})


def reviewed_finding(current: Finding, decision: str, reason: str | None) -> Finding | None:
    """``current`` accepted or rejected (a presentation a book lists, a proposed concept): the next
    version, or None when it already has that status. Rejecting needs a reason, as for assertions."""
    if decision not in {"accept", "reject"}:
        raise InputError(f"unknown decision {decision!r} for a finding: use accept or reject")
    if decision == "reject" and not (reason and reason.strip()):
        raise InputError(f"rejecting {current.id} needs a reason")
    status = sem.DECISION_STATUS[decision]
    if current.status == status:
        return None
    return current.model_copy(update={"status": status, "version": current.version + 1})
