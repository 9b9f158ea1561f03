"""Two-way sync against a real Label Studio server (started by the ``labelstudio`` fixture)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from PIL import Image

from kg.models import EventQuery
from kg.store import GraphStore
from studio.labelstudio.client import LabelStudioClient
from studio.labelstudio.configs import CASES_TITLE, DDX_TITLE
from studio.labelstudio.sync import LabelStudioSync
from studio.labelstudio.types import AnnotationOutcome

pytestmark = pytest.mark.labelstudio


def choice(name: str, to: str, value: str) -> dict[str, object]:
    return {"from_name": name, "to_name": to, "type": "choices", "value": {"choices": [value]}}


def text(name: str, to: str, value: str) -> dict[str, object]:
    return {"from_name": name, "to_name": to, "type": "textarea", "value": {"text": [value]}}


REJECT = [choice("decision", "evidence", "reject"), text("reason", "evidence", "no")]
CORRECTION = [
    choice("decision", "evidence", "accept"),
    text("correction", "evidence", "erysipelas"),
]
RELABEL_AS_ERYSIPELAS = [choice("decision", "image", "relabel"), choice("diagnosis", "image", "Erysipelas")]
TITLES = {"ddx": DDX_TITLE, "cases": CASES_TITLE}


def task_of(client: LabelStudioClient, title: str, dermkg_id: str) -> int:
    project = client.find_project(title)
    assert project is not None
    return next(t.id for t in client.export_tasks(project.id) if t.dermkg_id == dermkg_id)


def annotate(
    syncer: LabelStudioSync, client: LabelStudioClient, kind: str, dermkg_id: str, *results: dict[str, object]
) -> int:
    """Push ``kind``, then let ``client`` annotate the task of ``dermkg_id`` with ``results``; the task."""
    syncer.push(kind)  # type: ignore[arg-type]
    task = task_of(client, TITLES[kind], dermkg_id)
    client.create_annotation(task, list(results))
    return task


def status(store: GraphStore, assertion_id: str) -> str:
    found = store.get_assertion(assertion_id)
    assert found is not None
    return found.status


def test_push_creates_both_projects_with_one_task_per_proposed_item(syncer: LabelStudioSync) -> None:
    ddx, cases = syncer.push("ddx"), syncer.push("cases")

    assert (ddx.project_created, ddx.tasks_created, ddx.predictions_created) == (True, 2, 2)
    assert (cases.project_created, cases.tasks_created) == (True, 1)
    tasks = syncer.client.export_tasks(ddx.project_id)
    by_object = {t.data["object_name"]: t.data for t in tasks}
    assert set(by_object) == {"Venous thrombosis", "Chronic venous insufficiency"}
    shown = by_object["Venous thrombosis"]
    assert shown["subject_name"] == "Cellulitis"
    assert shown["subject_path"] == "Skin infection › Cellulitis"
    assert "red swollen leg" in shown["evidence"] and "p. 67" in shown["evidence"]
    predictions = syncer.client.list_predictions(ddx.project_id)
    assert sorted((p["model_version"], p["score"]) for p in predictions) == [
        ("dermkg-llm", 0.6),
        ("dermkg-rules:ddx-rules@1", 0.9),
    ]
    case_data = syncer.client.export_tasks(cases.project_id)[0].data
    assert case_data["diagnosis_name"] == "Cellulitis"
    assert {o["value"] for o in case_data["diagnosis_options"]} >= {
        "Cellulitis",
        "Erysipelas",
        "Skin infection",
    }


def test_pushing_twice_creates_no_duplicates_and_updates_changed_items(syncer: LabelStudioSync) -> None:
    first = syncer.push("ddx")
    store: GraphStore = syncer.store
    store.update_diagnosis("venous-thrombosis", {"name": "Deep vein thrombosis"}, user="bob")

    second = syncer.push("ddx")

    assert (second.project_created, second.tasks_created, second.predictions_created) == (False, 0, 0)
    assert (second.tasks_updated, second.tasks_unchanged) == (1, 1)
    assert second.project_id == first.project_id
    tasks = syncer.client.export_tasks(first.project_id)
    assert len(tasks) == 2
    assert {t.data["object_name"] for t in tasks} == {"Deep vein thrombosis", "Chronic venous insufficiency"}
    assert len(syncer.client.list_predictions(first.project_id)) == 2
    assert syncer.push("ddx").tasks_unchanged == 2


def test_evidence_page_is_rendered_uploaded_and_served_to_annotators(
    syncer: LabelStudioSync, curator: LabelStudioClient
) -> None:
    report = syncer.push("ddx")

    tasks = syncer.client.export_tasks(report.project_id)
    urls = {t.data["page_image"] for t in tasks}
    assert len(urls) == 1  # both edges quote the same page: one upload
    assert report.images_uploaded == 1
    png = Image.open(io.BytesIO(curator.fetch(urls.pop())))
    assert png.format == "PNG" and png.width > 800  # page 67 at 1.5x zoom (A4: 595 pt wide)
    assert syncer.push("ddx").images_uploaded == 0


@dataclass
class Curating:
    """The graph pushed to Label Studio and its mapped curator: where every pull test starts."""

    syncer: LabelStudioSync
    curator: LabelStudioClient
    store: GraphStore
    ids: dict[str, str]

    def annotate(
        self, kind: str, item: str, *results: dict[str, object], by: LabelStudioClient | None = None
    ) -> int:
        """The curator (or ``by``) annotates the task of ``ids[item]``; returns the task id."""
        return annotate(self.syncer, by or self.curator, kind, self.ids[item], *results)

    def pull_one(self, kind: str) -> AnnotationOutcome:
        [outcome] = self.syncer.pull(kind).outcomes  # type: ignore[arg-type]
        return outcome

    def status(self, item: str) -> str:
        return status(self.store, self.ids[item])


@pytest.fixture
def ls(
    syncer: LabelStudioSync, curator: LabelStudioClient, graph: tuple[GraphStore, dict[str, str]]
) -> Curating:
    return Curating(syncer, curator, *graph)


def test_annotation_is_pulled_as_a_curation_event_by_the_mapped_user(ls: Curating) -> None:
    ls.annotate("ddx", "thrombosis", choice("decision", "evidence", "accept"))

    report = ls.syncer.pull("ddx")

    assert report.summary()["applied"] == 1
    [outcome] = report.outcomes
    assert (outcome.user, outcome.actions, outcome.dermkg_id) == ("alice", ["accept"], ls.ids["thrombosis"])
    assertion = ls.store.get_assertion(ls.ids["thrombosis"])
    assert assertion is not None and (assertion.status, assertion.reviewed_by) == ("accepted", "alice")
    [event] = ls.store.list_events(EventQuery(target=ls.ids["thrombosis"], action="accept")).items
    assert event.user == "alice" and "Label Studio" in (event.reason or "")
    assert ls.status("insufficiency") == "proposed"


def test_second_pull_applies_nothing(ls: Curating) -> None:
    ls.annotate("ddx", "insufficiency", *REJECT)
    assert ls.syncer.pull("ddx").summary()["applied"] == 1
    events_before, revision_before = ls.store.list_events().total, ls.store.revision()

    again = ls.syncer.pull("ddx")

    assert again.summary()["applied"] == 0 and again.summary()["already_applied"] == 1
    assert (ls.store.list_events().total, ls.store.revision()) == (events_before, revision_before)
    assert ls.status("insufficiency") == "rejected"


def test_annotation_not_fitting_the_config_is_reported_and_changes_nothing(ls: Curating) -> None:
    task = ls.annotate("ddx", "thrombosis", choice("decision", "evidence", "probably"))
    ls.curator.create_annotation(task, [choice("verdict", "evidence", "accept")])
    ls.curator.create_annotation(task, [choice("decision", "evidence", "reject")])  # no reason
    events_before = ls.store.list_events().total

    report = ls.syncer.pull("ddx")

    assert report.summary()["invalid"] == 3 and report.summary()["applied"] == 0
    errors = [o.errors for o in report.outcomes]
    assert "'probably' is not one of ['accept', 'reject', 'uncertain']" in errors[0][0]
    assert "unknown control 'verdict'" in errors[1][0]
    assert any("required control 'decision'" in e for e in errors[1])
    assert errors[2] == ["a rejection needs a reason (fill in 'Reason')"]
    assert ls.store.list_events().total == events_before
    assert ls.status("thrombosis") == "proposed"


def test_unmapped_annotator_is_reported_and_not_applied(ls: Curating, stranger: LabelStudioClient) -> None:
    ls.annotate("ddx", "thrombosis", choice("decision", "evidence", "accept"), by=stranger)

    report = ls.syncer.pull("ddx")

    assert report.summary()["unmapped_user"] == 1
    assert report.unmapped_users == ["stranger@dermkg.local"]
    assert ls.status("thrombosis") == "proposed"


def test_correction_edits_the_pair_then_accepts_it(ls: Curating) -> None:
    ls.annotate("ddx", "thrombosis", *CORRECTION)

    assert ls.pull_one("ddx").actions == ["edit", "accept"]
    corrected = ls.store.get_assertion(ls.ids["thrombosis"])
    assert corrected is not None
    assert ({corrected.subject, corrected.object}, corrected.status) == (
        {"cellulitis", "erysipelas"},
        "accepted",
    )


def test_decision_made_in_dermkg_meanwhile_is_a_conflict(ls: Curating) -> None:
    ls.annotate("ddx", "thrombosis", *REJECT)
    ls.store.review(ls.ids["thrombosis"], "accept", user="bob")  # after the annotation, before the pull

    outcome = ls.pull_one("ddx")

    assert outcome.status == "conflict" and "already accepted by bob" in outcome.errors[0]
    assert ls.status("thrombosis") == "accepted"


def test_case_relabel_is_pulled_with_a_diagnosis_from_the_graph(ls: Curating) -> None:
    ls.annotate("cases", "case", *RELABEL_AS_ERYSIPELAS)

    outcome = ls.pull_one("cases")

    assert outcome.status == "applied", outcome.errors
    case = ls.store.get_case(ls.ids["case"])
    assert case is not None and (case.diagnosis, case.status) == ("erysipelas", "accepted")
    assert ls.store.list_events(EventQuery(target=ls.ids["case"], limit=1)).items[0].user == "alice"


def test_case_image_is_uploaded_and_served(syncer: LabelStudioSync, curator: LabelStudioClient) -> None:
    report = syncer.push("cases")

    [task] = syncer.client.export_tasks(report.project_id)
    image = Image.open(io.BytesIO(curator.fetch(task.data["image"])))
    assert image.format == "JPEG" and image.width > 100


def test_sync_is_push_then_pull(ls: Curating) -> None:
    first = ls.syncer.sync()
    assert [p.tasks_created for p in first.push] == [2, 1]
    ls.curator.create_annotation(
        task_of(ls.curator, DDX_TITLE, ls.ids["thrombosis"]), [choice("decision", "evidence", "uncertain")]
    )

    second = ls.syncer.sync()

    assert [p.tasks_created for p in second.push] == [0, 0]
    assert second.pull[0].outcomes[0].actions == ["comment"]
    assert ls.status("thrombosis") == "proposed"


def test_pull_before_any_push_says_so_and_changes_nothing(syncer: LabelStudioSync) -> None:
    report = syncer.pull("ddx")

    assert (report.project_id, report.outcomes) == (None, [])
    assert report.note == f"no project {DDX_TITLE!r}: push first"


def test_push_restores_a_config_edited_on_the_server(syncer: LabelStudioSync) -> None:
    first = syncer.push("ddx")
    edited = '<View><Text name="evidence" value="$evidence"/><Choices name="decision" toName="evidence">' \
             '<Choice value="accept"/></Choices></View>'  # fmt: skip
    syncer.client.update_project(first.project_id, label_config=edited)

    again = syncer.push("ddx")

    assert again.config_updated and not again.project_created
    assert "uncertain" in syncer.client.get_project(first.project_id).label_config
