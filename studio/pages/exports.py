"""Exports: run the synth trajectory export and see which exported rows curation made stale."""

from __future__ import annotations

import re

import streamlit as st

from dermkg.errors import DermkgError
from studio import state
from studio.actions import run_exports
from studio.auth import can
from studio.components.export_reasons import empty_export_reasons
from studio.components.feedback import explain
from studio.components.safe import md
from studio.components.session import page_context
from synth.regeneration import MANIFEST_FILE, list_stale_rows, read_rows
from synth.types import ALL_TYPES, SynthOptions

ctx = page_context()
st.title("Exports")

root = ctx.config.data_dir / "exports"
name = st.text_input("Export name", "sft", key=state.E_DIR, help=f"a folder under {root}").strip()
if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", name):  # exports stay under the data dir
    st.error("An export name is a single folder name: letters, digits, '.', '_' or '-'.")
    st.stop()
out = root / name

st.subheader("Stale rows")
if not (out / MANIFEST_FILE).exists():
    st.caption(md(f"No export named {out.name} yet."))
else:
    try:
        report = list_stale_rows(out, ctx.store)
    except DermkgError as exc:
        st.error(md(explain(exc)))
    else:
        m = st.columns(5)
        m[0].metric("Exported at revision", report.exported_revision)
        m[1].metric("Store revision", report.current_revision)
        m[2].metric("Unchanged rows", report.unchanged)
        m[3].metric("Stale rows", len(report.stale) + len(report.removed))
        m[4].metric("New rows on re-run", len(report.new))
        stale = set(report.stale) | set(report.removed)
        if stale:
            rows = [r for r in read_rows(out / "trajectories.jsonl") if r.id in stale]
            st.dataframe(
                [
                    {
                        "row": r.id,
                        "type": r.type,
                        "diagnosis": r.diagnosis_name,
                        "why": "inputs changed" if r.id in report.stale else "no longer planned",
                        "revision": r.provenance.revision,
                    }
                    for r in rows
                ],
                hide_index=True,
                width="stretch",
                key="exports_stale",
            )
        else:
            st.success("Every exported row still matches the graph.")

st.subheader("Run the export")
if not can(ctx.user, "export"):
    st.info(f"You are logged in as a {ctx.user.role}: running exports needs the curator role.")
    st.stop()
types = st.multiselect("Trajectory types", list(ALL_TYPES), ["type1", "type2", "type3"], key="exports_types")
if not types:
    st.caption("Choose at least one trajectory type: with none, there is nothing to export.")
if st.button("Run export", key=state.E_RUN, type="primary", disabled=not types):
    with st.status(f"Synthesising into {out}…", expanded=True) as status:
        try:
            result = run_exports(ctx.actions, str(out), SynthOptions(types=types))
        except (DermkgError, PermissionError) as exc:
            status.update(label="Export refused", state="error")
            st.error(md(explain(exc)))
        else:
            status.update(
                label=f"Exported {result.total} rows at revision {result.revision}", state="complete"
            )
            st.json(result.model_dump(mode="json"), expanded=False)
            for warning in result.warnings:
                st.warning(md(warning))
            if result.total == 0:
                st.info(
                    "Nothing was exported. "
                    + " ".join(md(r) for r in empty_export_reasons(ctx.store, types)),
                    icon=":material/info:",
                )
