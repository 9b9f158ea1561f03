"""Label Studio: push proposed items as tasks, pull annotations back as curation events."""

from __future__ import annotations

import streamlit as st

from dermkg.errors import DermkgError
from dermkg.settings import Settings
from studio import state
from studio.actions import run_labelstudio
from studio.auth import can
from studio.components.feedback import explain
from studio.components.safe import md
from studio.components.session import page_context

ctx = page_context()
st.title("Label Studio")

settings = Settings()
st.caption(
    f"Server {settings.labelstudio_url} · token "
    + ("configured" if settings.labelstudio_token else "missing (set DERMKG_LABELSTUDIO_TOKEN)")
)
st.markdown(
    "**Push** creates or updates the DDx-review and figure-case projects with every proposed item as a "
    "task. **Pull** validates each annotation against the project's labeling config and applies it as a "
    "curation event by the mapped dermkg user; a second pull applies nothing twice."
)
if not can(ctx.user, "labelstudio"):
    st.info(f"You are logged in as a {ctx.user.role}: syncing needs the curator role.")
    st.stop()

cols = st.columns(3)
operation = None
for col, (op, key) in zip(
    cols, [("push", state.LS_PUSH), ("pull", state.LS_PULL), ("sync", state.LS_SYNC)], strict=True
):
    if col.button(op.title(), key=key, width="stretch", type="primary" if op == "sync" else "secondary"):
        operation = op
if operation:
    bar = st.progress(0.0, text=f"{operation}…")

    def tick(phase: str, done: int, total: int | None) -> None:
        bar.progress(
            min(done / total, 1.0) if total else 0.0,
            text=f"{phase}: {done}" + (f" / {total}" if total else ""),
        )

    try:
        report = run_labelstudio(ctx.actions, operation, progress=tick)
    except (DermkgError, PermissionError) as exc:
        bar.empty()
        st.error(md(explain(exc) + " Nothing was changed in the graph."))
    else:
        bar.progress(1.0, text="done")
        for push in report.push:
            st.success(
                md(
                    f"Pushed {push.project} (project {push.project_id}): {push.tasks_created} new, "
                    f"{push.tasks_updated} updated, {push.tasks_unchanged} unchanged tasks."
                )
            )
        for pull in report.pull:
            summary = pull.summary()
            counts = ", ".join(f"{k} {v}" for k, v in summary.items() if v) or "nothing new"
            st.info(md(f"Pulled {pull.project}: {counts}"))
            problems = [
                o for o in pull.outcomes if o.status in ("invalid", "conflict", "failed", "unmapped_user")
            ]
            if problems:
                st.dataframe(
                    [o.model_dump(mode="json") for o in problems],
                    hide_index=True,
                    key=f"ls_problems_{pull.project}",
                )
