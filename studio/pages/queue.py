"""Review queue: proposed assertions ordered by impact, one item open with its evidence and actions."""

from __future__ import annotations

import streamlit as st

from studio import state
from studio.auth import can
from studio.components import facts
from studio.components.assertion_card import show_assertion, show_assertion_header, show_more_actions
from studio.components.feedback import show_flash
from studio.components.finding_stats import show_statistics, statistics_of
from studio.components.queue_table import show_queue_table
from studio.components.review_card import COMPACT_CSS, show_review_desk
from studio.components.review_keys import apply_focus, show_decision_bar
from studio.components.session import page_context
from studio.components.url_state import keep_in_url, restore_from_url
from studio.components.wording import arrow
from studio.queue import ORDER_WORDS, QueueFilters, load_page

ctx = page_context(messages=False)  # shown beside the decision buttons instead
store = ctx.store
st.html(COMPACT_CSS)
title, counter, filter_box = st.columns([2, 5, 1], vertical_alignment="center")
title.title("Review queue")

token = facts.store_state(store)  # read once: every read below is a round trip to the store
names = facts.diagnosis_names(store, token)
findings = facts.findings(store, token)  # a finding item's object is a finding concept, not a diagnosis
finding_names = {i: f.name for i, f in findings.items()}
restore_from_url()  # a deep link or a reload: filters, page and open item come from the address
filter_pop = filter_box.popover("Filters", icon=":material/filter_list:", width="stretch")
mode = filter_pop.radio(
    "Queue",
    ["proposed", "disagreements"],
    key=state.Q_MODE,
    horizontal=True,
    format_func=lambda m: "Proposed" if m == "proposed" else f"Disagreements (k = {ctx.config.consensus_k})",
)
with filter_pop:
    c1, c2, c3, c4 = st.columns(4)
    kind = c1.selectbox(
        "Kind", [None, "ddx", "is_a", "finding"], key=state.Q_KIND, format_func=lambda v: v or "any"
    )
    status = c2.selectbox(
        "Status",
        ["proposed", "accepted", "rejected", "superseded", None],
        key=state.Q_STATUS,
        format_func=lambda v: v or "any",
        disabled=mode == "disagreements",
    )
    origin = c3.selectbox(
        "Origin",
        [None, "llm", "rules", "stats", "import", "human"],
        key=state.Q_ORIGIN,
        format_func=lambda v: v or "any",
    )
    order = c4.selectbox("Order", list(ORDER_WORDS), key=state.Q_ORDER, format_func=ORDER_WORDS.get)
    c5, c6, c7 = st.columns([2, 2, 1])
    sources = {s.sha256: s.title for s in store.list_sources()}
    source = c5.selectbox(
        "Source",
        [None, *sources],
        key=state.Q_SOURCE,
        format_func=lambda v: sources.get(v, "any") if v else "any",
    )
    diagnosis = c6.selectbox(
        "Diagnosis (subject or object)",
        [None, *sorted(names, key=lambda d: names[d].lower())],
        key=state.Q_DIAGNOSIS,
        format_func=lambda v: names.get(v, v) if v else "any",
    )
    min_score = c7.number_input("Min score", 0.0, 1.0, value=None, step=0.05, key=state.Q_MIN_SCORE)


filters = QueueFilters(
    mode=mode,
    kind=kind,
    status=status,
    origin=origin,
    source_sha256=source,
    diagnosis=diagnosis,
    min_score=min_score,
    order=order,
)
entries = facts.queue_entries(store, filters, ctx.config.data_dir / "exports")
page_size = 20
wanted = st.session_state.pop(state.Q_URL_ITEM, None)
if wanted:  # a linked item (or an undone decision): open the page it is on
    at = next((i for i, e in enumerate(entries) if e.id == wanted), None)
    if at is not None:
        st.session_state[state.QUEUE_PAGE] = at // page_size
        st.session_state[state.Q_ITEM] = wanted
page_no = st.session_state.get(state.QUEUE_PAGE, 0)
page = load_page(store, entries, page_no, page_size, filters)
total = facts.queue_total(store, filters, token) if filters.mode == "proposed" else page.total
st.session_state[state.QUEUE_PAGE] = page.page
counter.markdown(
    f"**{total:,}** items · page **{page.page + 1:,}** of {page.pages:,} · ordered by {ORDER_WORDS[order]}",
    help="Impact = accepted cases plus exported rows of the subject and object diagnoses.",
)

if not page.items:
    show_flash()
    st.success("Nothing to review with these filters.", icon=":material/done_all:")
    st.stop()

ids = [a.id for a in page.items]
by_id = {a.id: a for a in page.items}
if st.session_state.get(state.Q_ITEM) not in by_id:  # decided or left: the next one takes its place
    st.session_state[state.Q_ITEM] = ids[min(st.session_state.get(state.Q_POS, 0), len(ids) - 1)]
item = by_id[st.session_state[state.Q_ITEM]]
st.session_state[state.Q_POS] = ids.index(item.id)


def turn(delta: int, pos: int = 0) -> None:
    """Another page of the queue; ``pos`` is the item that opens there."""
    st.session_state[state.QUEUE_PAGE] = page.page + delta
    st.session_state.pop(state.Q_ITEM, None)
    st.session_state[state.Q_POS] = pos


def move(delta: int) -> None:
    """The next / previous item, across page ends."""
    at = st.session_state.get(state.Q_POS, 0) + delta  # the place of the item on screen
    if 0 <= at < len(ids):
        st.session_state[state.Q_ITEM], st.session_state[state.Q_POS] = ids[at], at
    elif at >= len(ids) and page.page < page.pages - 1:
        turn(1)
    elif at < 0 and page.page > 0:
        turn(-1, page_size - 1)


keep_in_url(page.page, item.id)
with st.container(key="review_desk"):
    show_assertion_header(item, names, findings)
    show_flash()  # the outcome of the last action, next to the keys the curator just used
    if can(ctx.user, "review"):
        show_decision_bar(ctx, item, names, findings, move, by_id)
    else:
        st.info(f"You are logged in as a {ctx.user.role}: you can read the queue but not change it.")
    show_review_desk(store, item, names, ctx.config.data_dir, findings)

st.divider()
show_queue_table(ctx, page, names, finding_names, ids)
nav = st.columns([1, 3, 1])
nav[0].button(
    "Previous page",
    key=state.Q_PREV,
    disabled=page.page == 0,
    icon=":material/chevron_left:",
    on_click=turn,
    args=(-1,),
)
nav[1].selectbox(
    "Open item",
    ids,
    key=state.Q_ITEM,
    format_func=lambda i: (
        f"{names.get(by_id[i].subject, '?')} {arrow(by_id[i].kind, by_id[i].relation)} "
        f"{(finding_names if by_id[i].kind == 'finding' else names).get(by_id[i].object, '?')}"
    ),
)
nav[2].button(
    "Next page",
    key=state.Q_NEXT,
    disabled=page.page >= page.pages - 1,
    icon=":material/chevron_right:",
    on_click=turn,
    args=(1,),
)
stats = statistics_of(item.evidence) if item.kind == "finding" else None
if stats:  # the counts the proposal rests on
    show_statistics(stats, names.get(item.subject, item.subject), finding_names.get(item.object, item.object))
if can(ctx.user, "review"):
    show_more_actions(ctx, item)
blind = ctx.user.username if ctx.config.consensus_k > 1 else None
show_assertion(store, item, names, blind_for=blind, findings=findings, cards=False)
apply_focus()
