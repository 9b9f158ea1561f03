"""A graph for the curation queues (issue 15.3, 14.3): obvious duplicates, proposed diagnoses from a
book, and a presentation ("Causes of blisters") with members, on top of the studio's base graph."""

from __future__ import annotations

from pathlib import Path

from kg.ids import sha256_file
from kg.models import Assertion, Diagnosis, Evidence, Finding
from kg.store import GraphStore
from tests.studio.conftest import PDF, build_graph

BLISTERS = "causes-of-blisters"
BLISTER_QUOTE = (
    "Causes of blisters include bullous pemphigoid, pemphigus vulgaris and dermatitis herpetiformis"
)


def build_queues_graph(store: GraphStore, shared_data: Path) -> dict[str, str]:
    """The studio's base graph plus the queue items."""
    return {**build_graph(store, shared_data), **add_queue_items(store, shared_data)}


def add_queue_items(store: GraphStore, shared_data: Path) -> dict[str, str]:
    """Duplicates, proposed diagnoses and a presentation, added to a store holding the base graph."""
    ids: dict[str, str] = {}
    sha = sha256_file(str(shared_data / PDF))
    book = Evidence(source_sha256=sha, page=61, page_label="60", quote=BLISTER_QUOTE, kind="finding")
    store.upsert_diagnoses(
        [
            # duplicates: a different genus word before a distinctive one; a generic word more
            Diagnosis(id="tinea-versicolor", name="Tinea versicolor"),
            Diagnosis(
                id="pityriasis-versicolor", name="Pityriasis versicolor", status="proposed", origin="rules"
            ),
            Diagnosis(id="herpes-simplex", name="Herpes simplex"),
            Diagnosis(
                id="herpes-simplex-infection",
                name="Herpes simplex infection",
                status="proposed",
                origin="rules",
            ),
            # proposed names from a book: a misspelling of an existing diagnosis, and a non-diagnosis
            Diagnosis(
                id="basal-cell-carcinom",
                name="Basal cell carcinom",
                status="proposed",
                origin="rules",
                evidence=[book.model_copy(update={"quote": "basal cell carcinom of the face"})],
            ),
            Diagnosis(id="itchy-rash", name="Itchy rash", status="proposed", origin="rules"),
            # the members of a presentation
            Diagnosis(id="bullous-pemphigoid", name="Bullous pemphigoid", malignancy="benign"),
            Diagnosis(id="pemphigus-vulgaris", name="Pemphigus vulgaris"),
            Diagnosis(id="dermatitis-herpetiformis", name="Dermatitis herpetiformis"),
        ]
    )
    store.add_assertions(
        [
            Assertion(
                kind="ddx", subject="herpes-simplex-infection", object="melanoma", origin="rules", score=0.4
            ),
            Assertion(kind="ddx", subject="basal-cell-carcinom", object="naevus", origin="rules", score=0.4),
            # a pair of the presentation that is already a differential
            Assertion(
                kind="ddx",
                subject="bullous-pemphigoid",
                object="pemphigus-vulgaris",
                origin="import",
                status="accepted",
            ),
        ]
    )
    store.upsert_findings(
        [Finding(id=BLISTERS, name="Causes of blisters", type="presentation", origin="rules")]
    )
    members = store.add_assertions(
        Assertion(
            kind="finding",
            subject=d,
            object=BLISTERS,
            relation="possible",
            origin="rules",
            score=0.5,
            evidence=[book],
        )
        for d in ("bullous-pemphigoid", "pemphigus-vulgaris", "dermatitis-herpetiformis")
    )
    ids.update({f"member:{a.subject}": a.id for a in members})
    return ids


def curator_actions(store: GraphStore, users: Path, username: str = "cleo", k: int = 1) -> object:
    """The store seen through a real account of the test users file."""
    from studio.actions import CurationActions
    from studio.auth import load_users

    return CurationActions(store, load_users(users).get(username), consensus_k=k, users_file=users)
