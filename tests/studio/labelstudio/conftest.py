"""A small real graph (BAD handbook evidence, a Derm7pt figure) and clients for the Label Studio tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.ids import sha256_file
from kg.models import Agent, Assertion, Case, Diagnosis, Evidence, Source
from kg.store import GraphStore
from studio.labelstudio.client import LabelStudioClient
from studio.labelstudio.sync import LabelStudioSync
from studio.labelstudio.users import UserMap
from tests.fixtures.labelstudio_server import LabelStudioService

HANDBOOK = "bad-handbook/bad-derm-handbook-3rd-ed.pdf"
# Verbatim from page 67 of the handbook ("A red swollen leg").
RED_LEG_QUOTE = (
    "The main differential diagnoses for a red swollen leg are cellulitis, erysipelas, venous "
    "thrombosis and chronic venous insufficiency."
)
FIGURE = "derm7pt-subset/images/FDL/FDL022.JPG"


def seed_graph(store: GraphStore, shared_data: Path) -> dict[str, str]:
    """Diagnoses under one parent, two proposed DDx edges quoting the real PDF, one proposed figure case."""
    pdf = shared_data / HANDBOOK
    source = Source(sha256=sha256_file(str(pdf)), title="BAD student handbook", edition="3rd", path=str(pdf))
    store.upsert_source(source)
    names = [
        "Skin infection",
        "Cellulitis",
        "Erysipelas",
        "Venous thrombosis",
        "Chronic venous insufficiency",
    ]
    store.upsert_diagnoses([Diagnosis(id=n.lower().replace(" ", "-"), name=n) for n in names])
    store.add_assertions(
        [
            Assertion(
                kind="is_a", subject="cellulitis", object="skin-infection", origin="import", status="accepted"
            ),
            Assertion(
                kind="is_a", subject="erysipelas", object="skin-infection", origin="import", status="accepted"
            ),
        ]
    )
    evidence = Evidence(source_sha256=source.sha256, page=67, quote=RED_LEG_QUOTE, kind="ddx")
    agent = Agent(name="ddx-rules", version="1")
    ddx = store.add_assertions(
        [
            Assertion(kind="ddx", subject="cellulitis", object="venous-thrombosis", origin="rules",
                      agent=agent, score=0.9, evidence=[evidence]),
            Assertion(kind="ddx", subject="cellulitis", object="chronic-venous-insufficiency", origin="llm",
                      score=0.6, evidence=[evidence]),
        ]
    )  # fmt: skip
    image = shared_data / FIGURE
    case = Case(
        diagnosis="cellulitis",
        image_sha256=sha256_file(str(image)),
        image_path=str(image),
        caption="Figure: a red, swollen lower leg.",
        origin="import",
        status="proposed",
    )
    store.add_cases([case])
    case_id = store.list_cases(status="proposed")[0].id
    return {"thrombosis": ddx[0].id, "insufficiency": ddx[1].id, "case": case_id}


@pytest.fixture
def graph(sqlite_store: GraphStore, shared_data: Path) -> tuple[GraphStore, dict[str, str]]:
    return sqlite_store, seed_graph(sqlite_store, shared_data)


@pytest.fixture
def ls_admin(clean_labelstudio: LabelStudioService) -> Iterator[LabelStudioClient]:
    with LabelStudioClient(clean_labelstudio.url, clean_labelstudio.token) as client:
        yield client


@pytest.fixture
def curator(clean_labelstudio: LabelStudioService) -> Iterator[LabelStudioClient]:
    """The Label Studio annotator mapped to dermkg user ``alice``."""
    _, token = clean_labelstudio.annotator("curator")
    with LabelStudioClient(clean_labelstudio.url, token) as client:
        yield client


@pytest.fixture
def stranger(clean_labelstudio: LabelStudioService) -> Iterator[LabelStudioClient]:
    """A Label Studio annotator nobody mapped to a dermkg user."""
    _, token = clean_labelstudio.annotator("stranger")
    with LabelStudioClient(clean_labelstudio.url, token) as client:
        yield client


@pytest.fixture
def syncer(
    graph: tuple[GraphStore, dict[str, str]],
    ls_admin: LabelStudioClient,
    clean_labelstudio: LabelStudioService,
) -> LabelStudioSync:
    email, _ = clean_labelstudio.annotator("curator")
    return LabelStudioSync(graph[0], ls_admin, UserMap(users={email: "alice"}))
