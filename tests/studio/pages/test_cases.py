"""Cases page: gallery with image, caption and diagnosis; accept, exclude and relabel."""

from __future__ import annotations

from studio import state
from tests.studio.conftest import open_app


def case_of(store, diagnosis: str):
    return store.list_cases(diagnosis=diagnosis)[0]


def test_gallery_shows_real_images_with_caption_and_diagnosis(studio_env):
    at = open_app("vic", "pages/cases.py")
    assert len(at.image) == 3
    text = " ".join(m.value for m in at.markdown)
    assert "**Melanoma** · proposed" in text
    assert any("Dermoscopy of melanoma" in c.value for c in at.caption)
    assert not [b for b in at.button if b.key and b.key.startswith(state.C_ACCEPT)]  # viewer


def test_accept_exclude_and_relabel(studio_env, read_store):
    melanoma, naevus, bcc = (case_of(read_store, d) for d in ("melanoma", "naevus", "bcc"))
    at = open_app("cleo", "pages/cases.py")
    at.button(key=state.C_ACCEPT + melanoma.id).click().run()
    assert read_store.get_case(melanoma.id).status == "accepted"
    at.button(key=state.C_EXCLUDE + naevus.id).click().run()
    assert read_store.get_case(naevus.id).status == "excluded"
    at.selectbox(key=state.C_RELABEL_TO + bcc.id).set_value("seb-k").run()
    at.button(key=state.C_RELABEL + bcc.id).click().run()
    assert not at.error, [e.value for e in at.error]
    assert read_store.get_case(bcc.id).diagnosis == "seb-k"
    assert any("Relabelled as Seborrhoeic keratosis" in s.value for s in at.success)
    curation = [e for e in read_store.list_events().items if e.target_type == "case" and e.action != "create"]
    assert len(curation) == 3 and {e.user for e in curation} == {"cleo"}


def test_status_filter(studio_env, read_store):
    read_store.update_case(case_of(read_store, "bcc").id, {"status": "accepted"}, user="cleo")
    at = open_app("vic", "pages/cases.py")
    at.selectbox(key=state.C_STATUS).set_value("accepted").run()
    assert len(at.image) == 1 and "**Basal cell carcinoma** · accepted" in " ".join(
        m.value for m in at.markdown
    )
