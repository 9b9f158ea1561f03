"""Why an export came out empty, in the curator's terms ("Exported 0 rows" alone says nothing)."""

from __future__ import annotations

from collections.abc import Sequence

from kg.models import AssertionQuery
from kg.store.base import GraphStore


def empty_export_reasons(store: GraphStore, types: Sequence[str]) -> list[str]:
    """What is missing for the chosen trajectory types, with where to fix it."""
    reasons: list[str] = []
    accepted = store.count_cases(status="accepted")
    proposed = store.count_cases(status="proposed")
    if accepted == 0:
        reasons.append(
            f"No case is accepted yet ({proposed:,} proposed): every row starts from an accepted case "
            "(image + diagnosis). Accept cases on the Cases page."
        )
    if any(t in ("type2", "type3") for t in types):
        ddx = store.count_assertions(AssertionQuery(kind="ddx", status="accepted"))
        waiting = store.count_assertions(AssertionQuery(kind="ddx", status="proposed"))
        if ddx == 0:
            reasons.append(
                f"No differential (DDx) is accepted yet ({waiting:,} proposed wait in the review queue): "
                "types 2 and 3 reason about a differential, so they need accepted DDx assertions."
            )
    if not reasons:
        reasons.append(
            "Every accepted case was already exported at this revision (a re-run only writes stale or new "
            "rows), or the synthesis validator refused the drafts: see the warnings above."
        )
    return reasons
