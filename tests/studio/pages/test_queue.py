"""Review queue page: filters, item detail with evidence, and every action through the UI."""

from __future__ import annotations

from kg.models import EventQuery
from studio import state
from tests.studio.conftest import open_app, plain

QUEUE = "pages/queue.py"


def titles(at) -> list[str]:
    return [t.value for t in at.title]


def test_queue_opens_the_highest_impact_item_with_paths_neighbours_and_the_highlighted_page(studio_env):
    at = open_app("cleo", QUEUE)
    assert titles(at) == ["Review queue"]
    text = " ".join(m.value for m in at.markdown)
    assert "**3** items" in text
    # melanoma-naevus: highest score among equal-impact items (no cases accepted yet)
    assert at.selectbox(key=state.Q_ITEM).value == studio_env["ids"]["melanoma-naevus"]
    assert text.count("**Path:** Skin lesion › Melanocytic lesion") == 2  # both ends' ancestors
    assert "**Malignancy:** malignant" in text and "**Malignancy:** benign" in text
    assert "A changing pigmented lesion" in text
    captions = plain(" ".join(c.value for c in at.caption))
    assert "BAD handbook (3rd ed.), PDF page 63 (printed 62)" in captions
    assert at.image  # the crop of the page around the quote, and case images


def test_accepting_records_the_user_and_moves_to_the_next_item(studio_env, read_store):
    at = open_app("cleo", QUEUE)
    target = at.selectbox(key=state.Q_ITEM).value
    at.button(key=state.Q_ACCEPT).click().run()
    assert not at.exception
    assert any("Accepted" in s.value for s in at.success)
    a = read_store.get_assertion(target)
    assert a.status == "accepted" and a.reviewed_by == "cleo"
    assert "**2** items" in " ".join(m.value for m in at.markdown)
    assert at.selectbox(key=state.Q_ITEM).value != target


def test_reject_without_a_reason_is_refused_and_changes_nothing(studio_env, read_store):
    at = open_app("cleo", QUEUE)
    target = at.selectbox(key=state.Q_ITEM).value
    at.button(key=state.Q_REJECT).click().run()
    assert any("Type the reason and press Enter to reject" in i.value for i in at.info)
    assert read_store.get_assertion(target).status == "proposed"
    # Enter in the reason field completes the rejection the X key started
    at.text_input(key=state.per(state.Q_REASON, target)).input("same lesion family, not a differential here")
    at.run()
    a = read_store.get_assertion(target)
    assert a.status == "rejected" and a.note == "same lesion family, not a differential here"


def test_a_viewer_sees_the_queue_without_actions(studio_env):
    at = open_app("vic", QUEUE)
    assert "A changing pigmented lesion" in " ".join(m.value for m in at.markdown)
    assert not [b for b in at.button if b.key == state.Q_ACCEPT]
    assert any("viewer" in i.value for i in at.info)


def test_a_concurrent_change_gives_a_conflict_message_and_keeps_the_typed_reason(studio_env, read_store):
    at = open_app("cleo", QUEUE)
    target = at.selectbox(key=state.Q_ITEM).value
    at.text_input(key=state.per(state.Q_REASON, target)).input("my careful reason")
    read_store.review(target, "accept", user="cara")  # another curator acts first
    at.button(key=state.Q_REJECT).click().run()
    errors = " ".join(e.value for e in at.error)
    assert "Conflict" in errors and "nothing was overwritten" in errors
    assert "“my careful reason”" in errors  # the item left the queue; the typed reason is handed back
    a = read_store.get_assertion(target)
    assert a.status == "accepted" and a.reviewed_by == "cara" and not a.note  # the first decision stands


def test_edit_object_and_comment(studio_env, read_store):
    at = open_app("cleo", QUEUE)
    target = studio_env["ids"]["melanoma-naevus"]
    at.button(key=state.Q_EDIT_OPEN).click().run()  # E opens the edit panel
    at.selectbox(key=state.per(state.Q_EDIT_OBJECT, target)).set_value("bcc").run()
    at.button(key=state.Q_EDIT).click().run()
    assert not at.error, [e.value for e in at.error]
    edited = read_store.get_assertion(target)
    assert {edited.subject, edited.object} == {"bcc", "melanoma"}
    # the naevus quote does not name BCC: dropped (kept in the edit event), and the edit is cleo's own
    assert edited.evidence == [] and (edited.origin, edited.status) == ("human", "proposed")
    [edit] = read_store.list_events(EventQuery(target=target, action="edit")).items
    assert edit.user == "cleo" and edit.before and edit.before["evidence"]
    at.selectbox(key=state.Q_ITEM).set_value(target).run()
    at.text_area(key=state.per(state.Q_COMMENT_TEXT, target)).input("check the 4th edition").run()
    at.button(key=state.Q_COMMENT).click().run()
    events = read_store.list_events(EventQuery(target=target, action="comment")).items
    assert [(e.user, e.reason) for e in events] == [("cleo", "check the 4th edition")]


def test_merge_keeps_the_established_term_previews_and_needs_a_confirmation(studio_env, read_store):
    at = open_app("cleo", QUEUE)
    target = studio_env["ids"]["melanoma-seb-k"]
    at.selectbox(key=state.Q_ITEM).set_value(target).run()
    at.session_state[state.per(state.Q_MERGE_OPEN, target)] = True  # the curator opens the panel
    at.run()
    survivor = at.radio(key=state.per(state.Q_MERGE_DROP, target))
    assert survivor.value == "melanoma"  # more cases and assertions: the established term
    preview = plain(" ".join(m.value for m in at.markdown))
    assert "New synonyms of Melanoma: Seborrhoeic keratosis, Seborrhoeic wart." in preview
    assert "Cases moving over: 0." in preview and "Assertions moving over: 2." in preview
    assert at.button(key=state.Q_MERGE).disabled  # nothing happens before the confirmation
    at.checkbox(key=state.per(state.Q_MERGE_CONFIRM, target)).check().run()
    at.button(key=state.Q_MERGE).click().run()
    assert not at.error, [e.value for e in at.error]
    assert read_store.get_diagnosis("seb-k").id == "melanoma"
    assert "Seborrhoeic keratosis" in read_store.get_diagnosis("melanoma").synonyms


def test_the_curator_may_choose_the_other_survivor(studio_env, read_store):
    at = open_app("cleo", QUEUE)
    target = studio_env["ids"]["melanoma-seb-k"]
    at.selectbox(key=state.Q_ITEM).set_value(target).run()
    at.session_state[state.per(state.Q_MERGE_OPEN, target)] = True
    at.run()
    at.radio(key=state.per(state.Q_MERGE_DROP, target)).set_value("seb-k").run()
    assert "Cases moving over: 1." in plain(" ".join(m.value for m in at.markdown))  # melanoma's case
    at.checkbox(key=state.per(state.Q_MERGE_CONFIRM, target)).check().run()
    at.button(key=state.Q_MERGE).click().run()
    assert read_store.get_diagnosis("melanoma").id == "seb-k"


def test_is_a_items_offer_no_merge(studio_env):
    at = open_app("cleo", QUEUE)
    at.selectbox(key=state.Q_KIND).set_value("is_a").run()
    at.selectbox(key=state.Q_STATUS).set_value("accepted").run()
    assert "is a kind of" in " ".join(h.value for h in at.subheader)
    assert not [b for b in at.button if b.key == state.Q_MERGE]


def test_filters_narrow_the_queue(studio_env):
    at = open_app("cleo", QUEUE)
    at.selectbox(key=state.Q_ORIGIN).set_value("rules").run()
    assert "**1** items" in " ".join(m.value for m in at.markdown)
    at.selectbox(key=state.Q_ORIGIN).set_value(None).run()
    at.selectbox(key=state.Q_DIAGNOSIS).set_value("seb-k").run()
    assert at.selectbox(key=state.Q_ITEM).value == studio_env["ids"]["melanoma-seb-k"]
    at.number_input(key=state.Q_MIN_SCORE).set_value(0.95).run()
    assert any("Nothing to review" in s.value for s in at.success)


def test_disagreements_queue_with_two_required_votes(studio_env, read_store, monkeypatch):
    monkeypatch.setenv("DERMKG_CONSENSUS_K", "2")
    target = studio_env["ids"]["bcc-naevus"]
    read_store.review(target, "accept", user="cara", required_votes=2)
    read_store.review(target, "reject", user="vic", reason="no", required_votes=2)
    at = open_app("cleo", QUEUE)
    at.radio(key=state.Q_MODE).set_value("disagreements").run()
    captions = " ".join(c.value for c in at.caption)
    assert "2 independent vote(s) recorded; shown after you vote" in captions  # blind review
    assert "cara → accept" not in " ".join(m.value for m in at.markdown)
    item = at.selectbox(key=state.Q_ITEM)
    assert item.options == ["Basal cell carcinoma ↔ Melanocytic naevus"] and item.value == target
    at.button(key=state.Q_ACCEPT).click().run()  # the second accept makes the decision final
    assert read_store.get_assertion(target).status == "accepted"
