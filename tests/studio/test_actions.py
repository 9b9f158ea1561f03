"""Roles are enforced server-side on every action, whatever the UI shows; every change names its user."""

from __future__ import annotations

import pytest

from dermkg.errors import ConflictError, CycleError, InputError, NotFoundError
from studio.actions import CurationActions, run_exports, run_labelstudio, save_uploads
from studio.auth import PermissionDeniedError, StudioUser
from studio.jobs import run_ingest
from tests.studio.findings_graph import add_findings


def as_(store, role: str, k: int = 1) -> CurationActions:
    return CurationActions(store, StudioUser(username=f"a-{role}", role=role), consensus_k=k)


@pytest.fixture
def store(studio_env, read_store):
    return read_store


def every_action(actions: CurationActions, ids: dict[str, str], tmp_path) -> dict[str, object]:
    a = ids["melanoma-naevus"]
    return {
        "accept": lambda: actions.accept(a),
        "reject": lambda: actions.reject(a, "because"),
        "edit": lambda: actions.edit_assertion(a, object="bcc"),
        "comment": lambda: actions.comment("assertion", a, "hello"),
        "merge": lambda: actions.merge_diagnoses("melanoma", "seb-k"),
        "update_diagnosis": lambda: actions.update_diagnosis("bcc", synonyms=["Rodent ulcer"]),
        "set_parent": lambda: actions.set_parent("bcc", "skin-lesion"),
        "decide_case": lambda: actions.decide_case(actions.store.list_cases()[0].id, "accepted"),
        "relabel_case": lambda: actions.relabel_case(actions.store.list_cases()[0].id, "bcc"),
        "revert": lambda: actions.revert(actions.store.list_events().items[0].id),
        "save_uploads": lambda: save_uploads(actions, [("x.pdf", b"%PDF-1.4")], tmp_path),
        "run_ingest": lambda: run_ingest(actions, [], tmp_path),
        "run_exports": lambda: run_exports(actions, str(tmp_path / "out"), None),
        "run_labelstudio": lambda: run_labelstudio(actions, "push"),
    }


def test_a_viewer_is_refused_every_write_and_nothing_changes(store, studio_env, tmp_path):
    before = store.export_graph()
    for name, action in every_action(as_(store, "viewer"), studio_env["ids"], tmp_path).items():
        with pytest.raises(PermissionDeniedError, match="viewer"):
            action()
        assert store.export_graph() == before, name


@pytest.mark.parametrize("name", ["revert", "save_uploads", "run_ingest"])
def test_admin_only_actions_refuse_curators(store, studio_env, tmp_path, name):
    with pytest.raises(PermissionDeniedError, match="admin role"):
        every_action(as_(store, "curator"), studio_env["ids"], tmp_path)[name]()


def test_accept_records_the_user_and_consensus_needs_k_agreeing_curators(store, studio_env):
    target = studio_env["ids"]["melanoma-naevus"]
    first = as_(store, "curator", k=2).accept(target)
    assert first.status == "proposed" and [v.user for v in first.votes] == ["a-curator"]
    second = CurationActions(store, StudioUser(username="other", role="curator"), consensus_k=2).accept(
        target
    )
    assert second.status == "accepted" and second.reviewed_by == "other"


def test_reject_needs_a_reason(store, studio_env):
    with pytest.raises(InputError, match="needs a reason"):
        as_(store, "curator").reject(studio_env["ids"]["melanoma-naevus"], "   ")


def test_a_stale_version_is_a_conflict_and_the_first_decision_stands(store, studio_env):
    target = studio_env["ids"]["melanoma-naevus"]
    seen = store.get_assertion(target).version
    as_(store, "curator").accept(target, expected_version=seen)
    with pytest.raises(ConflictError):
        as_(store, "admin").reject(target, "no", expected_version=seen)
    assert store.get_assertion(target).status == "accepted"


def test_set_parent_refuses_cycles_and_supersedes_the_old_parent(store):
    curator = as_(store, "curator")
    with pytest.raises(CycleError, match="below"):
        curator.set_parent("skin-lesion", "melanoma")
    with pytest.raises(CycleError):
        curator.set_parent("melanoma", "melanoma")
    curator.set_parent("melanoma", "skin-lesion")
    assert store.find_assertion("is_a", "melanoma", "skin-lesion").status == "accepted"
    assert store.find_assertion("is_a", "melanoma", "melanocytic").status == "superseded"


def test_uploads_must_be_pdfs(store, tmp_path):
    with pytest.raises(InputError, match="notes.pdf is not a PDF"):
        save_uploads(
            as_(store, "admin"), [("ok.pdf", b"%PDF-1.7 ..."), ("notes.pdf", b"hello")], tmp_path / "up"
        )
    assert not (tmp_path / "up").exists()  # one bad file refuses the whole batch


def test_the_role_is_read_again_at_the_moment_of_the_action(store, studio_env):
    from studio.auth import load_users, upsert_user

    cleo = load_users(studio_env["users"]).get("cleo")
    actions = CurationActions(store, cleo, users_file=studio_env["users"])  # page rendered as curator
    upsert_user(studio_env["users"], "cleo", role="viewer")  # then an admin demotes her
    with pytest.raises(PermissionDeniedError, match="viewer"):
        actions.accept(studio_env["ids"]["melanoma-naevus"])
    assert store.get_assertion(studio_env["ids"]["melanoma-naevus"]).status == "proposed"


def test_under_consensus_a_vote_in_between_is_not_a_conflict_but_a_decision_is(store, studio_env):
    target = studio_env["ids"]["melanoma-naevus"]
    seen = store.get_assertion(target).version  # both curators opened the item at this version
    cara = CurationActions(store, StudioUser(username="cara", role="curator"), consensus_k=2)
    cleo = CurationActions(store, StudioUser(username="cleo", role="curator"), consensus_k=2)
    cara.accept(target, expected_version=seen)
    both = cleo.accept(target, expected_version=seen)  # independent vote: recorded, now final
    assert both.status == "accepted" and {v.user for v in both.votes} == {"cara", "cleo"}
    other = studio_env["ids"]["bcc-naevus"]
    seen = store.get_assertion(other).version
    as_(store, "admin").edit_assertion(other, object="seb-k", expected_version=seen)  # a real change
    with pytest.raises(ConflictError):
        cleo.reject(other, "not this pair", expected_version=seen)


def test_a_finding_edit_takes_a_finding_as_object_and_keeps_the_kind(store):
    ids = add_findings(store)
    actions = as_(store, "curator")
    with pytest.raises(NotFoundError, match="no finding 'bcc'"):  # a diagnosis is not a finding
        actions.edit_assertion(ids["stats"], object="bcc")
    with pytest.raises(NotFoundError, match="no finding"):
        actions.edit_assertion(ids["stats"], object="fnd-nothing-like-this")
    assert store.get_assertion(ids["stats"]).version == 1  # nothing written
    edited = actions.edit_assertion(ids["stats"], relation="against", object="fnd-typical-pigment-network")
    assert (edited.kind, edited.relation) == ("finding", "against")
    assert edited.object == "fnd-typical-pigment-network"
    with pytest.raises(NotFoundError, match="no diagnosis"):  # and a DDx still takes a diagnosis
        ddx = store.find_assertion("ddx", "melanoma", "naevus").id
        actions.edit_assertion(ddx, object="fnd-blue-white-veil")
