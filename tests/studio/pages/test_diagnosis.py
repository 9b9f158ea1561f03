"""Diagnosis page: path, children, DDx neighbours, malignancy with its source; edits and cycles."""

from __future__ import annotations

from kg.models import Assertion, Diagnosis
from studio import state
from tests.studio.conftest import open_app, plain
from tests.studio.findings_graph import add_findings


def open_diagnosis(username: str, diagnosis: str):
    at = open_app(username, "pages/diagnosis.py")
    at.selectbox(key=state.D_PICK).set_value(diagnosis).run()
    assert not at.exception
    return at


def text_of(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_shows_path_children_neighbours_and_inherited_malignancy(studio_env, read_store):
    read_store.review(studio_env["ids"]["melanoma-naevus"], "accept", user="cleo")
    at = open_diagnosis("vic", "melanocytic")
    text = text_of(at)
    assert "**Taxonomy path:** Skin lesion › Melanocytic lesion" in text
    assert "**Children:** Melanoma, Melanocytic naevus" in text
    at.selectbox(key=state.D_PICK).set_value("melanoma").run()
    text = text_of(at)
    assert "**DDx neighbours (accepted):** Melanocytic naevus" in text
    assert "**Malignancy:** malignant — own value" in text
    assert "Malignant melanoma" in text  # synonyms


def test_malignancy_is_inherited_from_the_nearest_ancestor_with_its_name(studio_env, read_store):
    read_store.update_diagnosis(
        "melanocytic", {"malignancy": "benign", "malignancy_source": "isic"}, user="ada"
    )
    read_store.upsert_diagnosis(Diagnosis(id="spitz", name="Spitz naevus"))
    read_store.add_assertion(
        Assertion(kind="is_a", subject="spitz", object="melanocytic", origin="human", status="accepted")
    )
    at = open_diagnosis("vic", "spitz")
    assert "**Malignancy:** benign — inherited from Melanocytic lesion (source: isic)" in text_of(at)


def test_a_curator_edits_synonyms_and_malignancy(studio_env, read_store):
    at = open_diagnosis("cleo", "seb-k")
    at.text_area(key=state.per(state.D_SYNONYMS, "seb-k")).input("Seborrhoeic wart\nBasal cell papilloma")
    at.selectbox(key=state.per(state.D_MALIGNANCY, "seb-k")).set_value("unset")
    at.button(key=state.D_SAVE).click().run()
    assert not at.error, [e.value for e in at.error]
    d = read_store.get_diagnosis("seb-k")
    assert d.synonyms == ["Seborrhoeic wart", "Basal cell papilloma"] and d.malignancy is None


def test_setting_a_parent_moves_the_diagnosis_and_records_the_user(studio_env, read_store):
    at = open_diagnosis("cleo", "bcc")
    at.selectbox(key=state.per(state.D_PARENT, "bcc")).set_value("skin-lesion").run()
    at.button(key=state.D_SET_PARENT).click().run()
    assert not at.error, [e.value for e in at.error]
    assert "**Taxonomy path:** Skin lesion › Basal cell carcinoma" in text_of(at)
    old = read_store.find_assertion("is_a", "bcc", "keratinocytic")
    assert old.status == "superseded" and old.reviewed_by == "cleo"


def test_a_parent_that_would_close_a_cycle_is_refused_with_a_message(studio_env, read_store):
    at = open_diagnosis("cleo", "melanocytic")
    at.selectbox(key=state.per(state.D_PARENT, "melanocytic")).set_value("melanoma").run()
    at.button(key=state.D_SET_PARENT).click().run()
    assert any("acyclic" in e.value and "cycle" in e.value for e in at.error)
    assert read_store.find_assertion("is_a", "melanocytic", "melanoma") is None
    assert read_store.find_assertion("is_a", "melanocytic", "skin-lesion").status == "accepted"


def test_a_viewer_cannot_edit(studio_env):
    at = open_diagnosis("vic", "melanoma")
    assert not [b for b in at.button if b.key in (state.D_SAVE, state.D_SET_PARENT)]
    assert not [w for w in at.text_area if w.key == state.per(state.D_SYNONYMS, "melanoma")]
    assert any("curator role" in i.value for i in at.info)


def test_the_edit_form_shows_the_facts_of_the_diagnosis_now_open(studio_env):
    at = open_diagnosis("cleo", "bcc")
    at.selectbox(key=state.D_PICK).set_value("melanoma").run()
    assert at.text_area(key=state.per(state.D_SYNONYMS, "melanoma")).value == "Malignant melanoma"
    assert at.selectbox(key=state.per(state.D_MALIGNANCY, "melanoma")).value == "malignant"
    assert at.selectbox(key=state.per(state.D_PARENT, "melanoma")).value == "melanocytic"


def test_accepted_findings_are_listed_by_relation(studio_env, read_store):
    ids = add_findings(read_store)
    at = open_diagnosis("vic", "melanoma")
    text = plain(text_of(at))
    assert "**Typical findings (accepted):** Blue-white veil" in text  # the stats proposal is not listed
    assert "**Possible findings (accepted):** Regression structures" in text
    assert "**Findings against (accepted):** _none_" in text
    assert "1 proposed finding assertions await review" in " ".join(c.value for c in at.caption)
    read_store.review(ids["stats"], "accept", user="cleo")
    at.selectbox(key=state.D_PICK).set_value("naevus").run()
    assert "**Findings against (accepted):** Atypical pigment network" in plain(text_of(at))
    at.selectbox(key=state.D_PICK).set_value("melanoma").run()
    assert "**Typical findings (accepted):** Atypical pigment network, Blue-white veil" in plain(text_of(at))
