"""One assertion in full (both diagnoses in context, every evidence quote) and the curator's actions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from dermkg.errors import DermkgError
from kg.models import Assertion, EventQuery, Finding
from kg.store.base import GraphStore
from studio import state
from studio.components import facts
from studio.components.evidence import show_evidence
from studio.components.feedback import action_button
from studio.components.safe import md
from studio.components.wording import FINDING_TYPE_WORDS, assertion_words, provenance, relation_words
from studio.merging import plan_merge


def diagnosis_summary(store: GraphStore, diagnosis_id: str, names: dict[str, str]) -> None:
    """Name, taxonomy path and existing DDx neighbours: what a curator needs to judge an edge."""
    d = store.get_diagnosis(diagnosis_id)
    if d is None:
        st.error(f"Diagnosis {md(diagnosis_id)} no longer exists.")
        return
    st.markdown(f"#### {md(d.name)}")
    st.caption(md(d.status) + (f" · also: {md(' · '.join(d.synonyms[:4]))}" if d.synonyms else ""))
    path = facts.taxonomy_path(store, d.id)
    st.markdown("**Path:** " + (md(" › ".join(names.get(p, p) for p in path)) if path else "_no parent yet_"))
    ddx = facts.ddx_neighbours(store, d.id)
    listed = md(", ".join(names.get(n, n) for n in ddx[:12])) or "_none accepted yet_"
    more = f" (+{len(ddx) - 12} more)" if len(ddx) > 12 else ""
    st.markdown(f"**DDx neighbours:** {listed}{more}")


def finding_summary(finding: Finding | None, finding_id: str) -> None:
    """Name, type, synonyms and description of the finding concept a finding assertion names."""
    if finding is None:
        st.error(f"Finding {md(finding_id)} no longer exists.")
        return
    st.markdown(f"#### {md(finding.name)}")
    st.caption(
        md(f"finding · {FINDING_TYPE_WORDS.get(finding.type, finding.type)} · {finding.status}")
        + (f" · also: {md(' · '.join(finding.synonyms[:4]))}" if finding.synonyms else "")
    )
    if finding.description:
        st.markdown(md(finding.description))


def show_assertion_header(
    a: Assertion, names: dict[str, str], findings: Mapping[str, Finding] | None = None
) -> None:
    """The relation in words and its provenance, above the decision buttons. A finding item reads
    "Melanoma — typical finding: Atypical pigment network (dermoscopic structure)"."""
    found = (findings or {}).get(a.object) if a.kind == "finding" else None
    line = assertion_words(
        a.kind, a.subject, a.object, a.relation, names, {a.object: found.name} if found else None
    )
    if found is not None:
        line += f" ({FINDING_TYPE_WORDS.get(found.type, found.type)})"
    st.subheader(md(line))
    meta = [f"**{md(a.status)}**", md(provenance(a)), f"version {a.version}"]
    if a.agent and a.agent.model and a.origin != "llm":
        meta.append(md(a.agent.model))
    st.caption(" · ".join(meta))


def show_assertion(
    store: GraphStore,
    a: Assertion,
    names: dict[str, str],
    *,
    blind_for: str | None = None,
    findings: Mapping[str, Finding] | None = None,
    cards: bool = True,
) -> None:
    """Both ends in context (a diagnosis, or for a finding item the finding concept), the votes so
    far, and every evidence quote with its page.

    ``blind_for``: under consensus, a curator who has not voted yet does not see the others' votes,
    so the k reviews stay independent. ``cards=False``: the review desk shows the ends already,
    and the page images are one key away, so only quotes are listed."""
    if cards:
        left, right = st.columns(2)
        with left, st.container(border=True):
            diagnosis_summary(store, a.subject, names)
        with right, st.container(border=True):
            if a.kind == "finding":
                found = (findings or {}).get(a.object) or store.get_finding(a.object)
                finding_summary(found, a.object)
            else:
                diagnosis_summary(store, a.object, names)
    if a.votes and blind_for and a.status == "proposed" and blind_for not in {v.user for v in a.votes}:
        st.caption(f"{len(a.votes)} independent vote(s) recorded; shown after you vote (blind review).")
    elif a.votes:
        st.markdown(
            "**Votes:** "
            + md(
                "; ".join(
                    f"{v.user} → {v.decision}" + (f" ({v.reason})" if v.reason else "") for v in a.votes
                )
            )
        )
    if a.note:
        st.markdown(f"**Note:** {md(a.note)}")
    st.markdown(f"**Evidence** ({len(a.evidence)})")
    show_evidence(store, a.evidence, render_pages=cards)
    comments = store.list_events(EventQuery(target=a.id, action="comment", limit=20)).items
    for ev in comments:
        st.caption(
            md(f"💬 {ev.user}, {ev.at:%Y-%m-%d %H:%M}: {ev.reason or (ev.after or {}).get('text', '')}")
        )


def _typed(key: str) -> str | None:
    """What the curator typed in widget ``key`` at click time."""
    value = st.session_state.get(key)
    return value.strip() or None if isinstance(value, str) else value


def show_more_actions(ctx: Any, a: Assertion) -> None:
    """The rarer actions, below the review desk: merge duplicates (DDx only) and comment. The
    decisions themselves are keys on the decision bar (:mod:`studio.components.review_keys`)."""
    reason_key = state.per(state.Q_REASON, a.id)
    comment_key = state.per(state.Q_COMMENT_TEXT, a.id)
    if a.kind == "ddx":  # is-a ends differ by definition; a finding's ends are different things
        show_merge(ctx, a, reason_key)
    with st.expander("Comment", icon=":material/chat:"):
        st.text_area("Comment", key=comment_key, label_visibility="collapsed")
        action_button(
            "Add comment",
            key=state.Q_COMMENT,
            action=lambda: ctx.actions.comment("assertion", a.id, _typed(comment_key) or ""),
            success="Comment added.",
        )


@dataclass(frozen=True)
class _Choice:
    """One select box of the edit panel: the assertion field it sets, and what it offers."""

    field: str  # "kind", "relation" or "object"
    label: str
    options: list[str]
    key: str
    format_func: Callable[[str], str] = str
    fallback: int | None = 0  # the index shown when the current value is not an option


def show_edit(
    ctx: Any,
    a: Assertion,
    names: Mapping[str, str],
    findings: Mapping[str, Finding],
    reason_key: str,
    on_saved: Callable[[], None] | None = None,
) -> None:
    """Two choices side by side, saved as the fields that differ from the assertion. A finding item
    stays a finding: its relation (typical / possible / against) and finding concept change, never the
    kind; a DDx or is-a item changes its kind between the two, or its object diagnosis."""
    object_key = state.per(state.Q_EDIT_OBJECT, a.id)
    if a.kind == "finding":
        choices = (
            _Choice(
                "relation",
                "Relation",
                ["typical", "possible", "against"],
                state.per(state.Q_EDIT_RELATION, a.id),
                relation_words,
            ),
            _Choice(
                "object",
                "Finding",
                sorted(findings, key=lambda f: findings[f].name.lower()),
                object_key,
                lambda f: findings[f].name if f in findings else f,  # options are plain text
                fallback=None,
            ),
        )
    else:
        choices = (
            _Choice("kind", "Kind", ["ddx", "is_a"], state.per(state.Q_EDIT_KIND, a.id)),
            _Choice(
                "object",
                "Object",
                sorted(names, key=lambda d: names[d].lower()),
                object_key,
                lambda d: names.get(d, d),
            ),
        )
    # the caller frames the panel (the decision bar opens it with E)
    for column, c in zip(st.columns([1, 3]), choices, strict=True):
        current = getattr(a, c.field)
        column.selectbox(
            c.label,
            c.options,
            index=c.options.index(current) if current in c.options else c.fallback,
            key=c.key,
            format_func=c.format_func,
        )

    def changes() -> dict[str, Any]:
        chosen = {c.field: _typed(c.key) for c in choices}
        return {f: v if v and v != getattr(a, f) else None for f, v in chosen.items()}

    _save_edit_button(ctx, a, reason_key, changes, on_saved)


def _save_edit_button(
    ctx: Any,
    a: Assertion,
    reason_key: str,
    changes: Callable[[], dict[str, Any]],
    on_saved: Callable[[], None] | None,
) -> None:
    """Save the fields ``changes`` reads from the edit panel (None: unchanged) at the version shown."""

    def edit() -> Assertion:
        edited = ctx.actions.edit_assertion(
            a.id, **changes(), reason=_typed(reason_key), expected_version=a.version
        )
        if on_saved:
            on_saved()
        return edited

    action_button(
        "Save edit",
        key=state.Q_EDIT,
        action=edit,
        success="Edited; evidence and history are kept.",
        shortcut="Ctrl+Enter",
    )


def show_merge(ctx: Any, a: Assertion, reason_key: str) -> None:
    """Merge the two ends: the survivor chosen explicitly (default: the established term), a
    preview of what moves, and a confirmation before the button works."""
    keep_key, confirm_key = state.per(state.Q_MERGE_DROP, a.id), state.per(state.Q_MERGE_CONFIRM, a.id)
    merge = st.expander(
        "Merge: both ends are the same disease",
        icon=":material/merge:",
        key=state.per(state.Q_MERGE_OPEN, a.id),
        on_change="rerun",
    )
    if not merge.open:  # the preview reads the store: only when the curator looks at it
        return
    with merge:
        try:
            default = plan_merge(ctx.store, a.subject, a.object)
        except DermkgError as exc:
            st.caption(md(str(exc)))
            return
        sides = {default.keep.id: default.keep.name, default.drop.id: default.drop.name}
        keep = st.radio(
            "Which name survives?",
            [default.keep.id, default.drop.id],
            key=keep_key,
            format_func=lambda d: md(sides[d]) + (" (suggested)" if d == default.keep.id else ""),
        )
        plan = plan_merge(ctx.store, a.subject, a.object, keep=keep)
        st.caption(md(f"Suggested because {default.reason}."))
        st.markdown("  \n".join(md(line) for line in plan.preview()))
        confirmed = st.checkbox(
            md(f"Yes, {plan.drop.name} is the same disease as {plan.keep.name}"), key=confirm_key
        )
        action_button(
            md(f"Merge into {plan.keep.name}"),
            key=state.Q_MERGE,
            disabled=not confirmed,
            action=lambda: ctx.actions.merge_diagnoses(plan.keep.id, plan.drop.id, reason=_typed(reason_key)),
            success=lambda d: f"Merged {plan.drop.name} into {d.name}.",
        )
