"""The one-screen review of an item: both ends and the evidence side by side, compact enough that
decision, diagnoses and the page crop fit a 1280×800 screen together (issue 15.1)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import streamlit as st

from kg.models import Assertion, Case, Finding
from kg.store.base import GraphStore
from studio.components import facts
from studio.components.evidence import show_evidence_crop, show_evidence_quote
from studio.components.images import show_case_image
from studio.components.safe import md
from studio.components.wording import FINDING_TYPE_WORDS

CARD_IMAGES = 3  # representative case images per diagnosis
NEIGHBOURS_SHOWN = 6

# Streamlit's default spacing fits a reading page, not a review desk: the queue page tightens the
# top padding and the gaps so the whole item fits 800 px. Static CSS (no user data).
COMPACT_CSS = """<style>
.stMainBlockContainer { padding: 3rem 1.5rem 2rem 1.5rem; max-width: none; }
.stMainBlockContainer h1 { font-size: 1.6rem; padding: 0; }
.st-key-review_desk [data-testid="stVerticalBlock"] { gap: 0.35rem; }
.st-key-review_desk [data-testid="stMarkdownContainer"] p { margin-bottom: 0.1rem; }
.st-key-review_desk h3 { padding: 0.1rem 0 0.2rem 0; font-size: 1.25rem; }
.st-key-review_desk blockquote { margin: 0 0 0.2rem 0; font-size: 0.9rem; }
.st-key-review_desk .stCaption, .st-key-review_desk [data-testid="stCaptionContainer"] { font-size: 0.8rem; }
</style>"""


def representative_cases(store: GraphStore, diagnosis_id: str, n: int = CARD_IMAGES) -> list[Case]:
    """Accepted cases first, then proposed ones (never excluded); one read."""
    cases = [c for c in store.list_cases(diagnosis=diagnosis_id, limit=4 * n) if c.status != "excluded"]
    return sorted(cases, key=lambda c: c.status != "accepted")[:n]


def malignancy_words(store: GraphStore, diagnosis_id: str, names: Mapping[str, str]) -> str:
    """ "malignant" or "benign (from Melanocytic lesion)"; "unknown" without a value anywhere above."""
    resolved = facts.malignancy(store, diagnosis_id)
    if resolved is None or resolved.value is None:
        return "unknown"
    if resolved.source == "own" or not resolved.inherited_from:
        return str(resolved.value)
    return f"{resolved.value} (from {names.get(resolved.inherited_from, resolved.inherited_from)})"


def diagnosis_card(store: GraphStore, diagnosis_id: str, names: Mapping[str, str], data_dir: Path) -> None:
    """Name, taxonomy path, malignancy, accepted DDx neighbours and a few case images."""
    d = store.get_diagnosis(diagnosis_id)
    if d is None:
        st.error(f"Diagnosis {md(diagnosis_id)} no longer exists.")
        return
    st.markdown(f"**{md(d.name)}**" + (f" · {md(d.status)}" if d.status != "accepted" else ""))
    lines = []
    if d.synonyms:
        lines.append("also: " + md(" · ".join(d.synonyms[:3])))
    path = facts.taxonomy_path(store, d.id)
    shown = " › ".join(names.get(p, p) for p in (path or [])[:-1])
    lines.append("**Path:** " + (md(shown) if shown else "_no parent yet_"))
    lines.append("**Malignancy:** " + md(malignancy_words(store, d.id, names)))
    ddx = facts.ddx_neighbours(store, d.id) or []
    listed = md(", ".join(names.get(n, n) for n in ddx[:NEIGHBOURS_SHOWN])) or "_none accepted yet_"
    more = f" (+{len(ddx) - NEIGHBOURS_SHOWN})" if len(ddx) > NEIGHBOURS_SHOWN else ""
    lines.append(f"**DDx now:** {listed}{more}")
    st.markdown("  \n".join(lines))
    cases = representative_cases(store, d.id)
    if not cases:
        st.caption("No case images yet.")
        return
    for col, case in zip(st.columns(CARD_IMAGES), cases, strict=False):
        with col:
            show_case_image(case.image_path, data_dir, width="stretch", edge=160)


def finding_card(finding: Finding | None, finding_id: str) -> None:
    if finding is None:
        st.error(f"Finding {md(finding_id)} no longer exists.")
        return
    st.markdown(f"**{md(finding.name)}**")
    also = f" · also: {' · '.join(finding.synonyms[:4])}" if finding.synonyms else ""
    st.caption(md(f"finding · {FINDING_TYPE_WORDS.get(finding.type, finding.type)}{also}"))
    if finding.description:
        st.caption(md(finding.description))


def show_review_desk(
    store: GraphStore,
    a: Assertion,
    names: Mapping[str, str],
    data_dir: Path,
    findings: Mapping[str, Finding] | None = None,
) -> None:
    """Subject card, object card and the quote in one row; the page crop across the full width
    below them, where a whole text line stays legible."""
    left, right, quote = st.columns([1, 1, 1.3])
    with left, st.container(border=True, key="card_subject"):
        diagnosis_card(store, a.subject, names, data_dir)
    with right, st.container(border=True, key="card_object"):
        if a.kind == "finding":
            found = (findings or {}).get(a.object) or store.get_finding(a.object)
            finding_card(found, a.object)
        else:
            diagnosis_card(store, a.object, names, data_dir)
    with quote, st.container(border=True, key="card_evidence"):
        if a.evidence:
            show_evidence_quote(store, a.evidence[0], more=len(a.evidence) - 1)
        else:
            st.caption("No evidence recorded (curated or imported by hand).")
    if a.evidence:
        show_evidence_crop(store, a.evidence[0])
