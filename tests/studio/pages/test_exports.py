"""Exports page: run the synth export from the studio and see the rows curation made stale."""

from __future__ import annotations

from studio import state
from tests.studio.conftest import open_app, plain


def test_run_the_export_then_see_stale_rows_after_curation(studio_env, read_store):
    from kg.findings import seed_findings
    from kg.models import Assertion

    # issue 12: a row needs an observation of its image and, for a pair, an accepted finding
    seen = {"melanoma": "blue-whitish veil", "naevus": "typical pigment network", "bcc": "arborizing vessels"}
    for case in read_store.list_cases():
        caption = f"Dermoscopy of {case.diagnosis}: {seen[case.diagnosis]}"
        read_store.update_case(case.id, {"status": "accepted", "caption": caption}, user="cleo")
    seed_findings(read_store)
    for dx, finding, relation in [
        ("melanoma", "fnd-blue-whitish-veil", "typical"),
        ("naevus", "fnd-blue-whitish-veil", "against"),
    ]:
        a = read_store.add_assertion(
            Assertion(kind="finding", subject=dx, object=finding, relation=relation, origin="human"),
            user="cleo",
        )
        read_store.review(a.id, "accept", user="cleo")
    out = studio_env["tmp"] / "data" / "exports" / "sft-v1"
    at = open_app("cleo", "pages/exports.py")
    at.text_input(key=state.E_DIR).input("sft-v1").run()
    assert any("No export named" in c.value for c in at.caption)
    at.button(key=state.E_RUN).click().run(timeout=240)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert (out / "trajectories.jsonl").exists()
    at.run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Stale rows"] == "0"
    # curation changes the DDx neighbourhood of melanoma: its Type 2/3 rows go stale
    read_store.review(studio_env["ids"]["melanoma-naevus"], "accept", user="cleo")
    at.run()
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Stale rows"]) + int(metrics["New rows on re-run"]) > 0
    assert metrics["Store revision"] != metrics["Exported at revision"]


def test_an_export_name_cannot_leave_the_data_dir(studio_env):
    at = open_app("cleo", "pages/exports.py")
    at.text_input(key=state.E_DIR).input("../../etc").run()
    assert any("single folder name" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == state.E_RUN]


def test_viewers_see_staleness_but_cannot_run_exports(studio_env):
    at = open_app("vic", "pages/exports.py")
    assert not [b for b in at.button if b.key == state.E_RUN]
    assert any("curator role" in i.value for i in at.info)


def test_an_empty_export_says_why(studio_env):
    # the fixture's cases are all proposed and no DDx is accepted: nothing can be exported
    at = open_app("cleo", "pages/exports.py")
    at.text_input(key=state.E_DIR).input("empty").run()
    at.button(key=state.E_RUN).click().run(timeout=240)
    assert not at.exception
    said = plain(" ".join(i.value for i in at.info))
    assert "Nothing was exported" in said
    assert "No case is accepted yet (3 proposed)" in said and "Accept cases on the Cases page" in said
    assert "No differential (DDx) is accepted yet (3 proposed wait in the review queue)" in said
