"""A real curated graph for the trajectory tests, built once per session.

ISIC hierarchy + Skin-R1 vocabulary + the bundled seed (label maps) through the importers, the
Derm7pt subset's cases through ``import_cases``, and a handful of DDx edges a curator accepted
(proposed, then reviewed) — including edges that exercise every branch of ResolveDDXNeighbor.
Tests that curate get their own copy of the database file.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.ids import assertion_id
from kg.models import Assertion
from kg.store import GraphStore, make_store
from synth.snapshot import SynthGraph

CURATOR = "dr.curator"
# (a, b): accepted DDx edges between Derm7pt diagnoses (ids from the importers)
DDX_EDGES = [
    ("melanoma-invasive", "dysplastic-nevus"),
    ("melanoma-in-situ", "dysplastic-nevus"),
    ("seborrheic-keratosis", "melanoma-invasive"),
    ("basal-cell-carcinoma", "nevus-nos-dermal"),
    ("blue-nevus", "melanoma-metastasis"),
    ("spitz-nevus", "melanoma-invasive"),
    ("lentigo-nos", "melanoma-in-situ"),
    # a neighbour without cases: Algorithm 4 then looks at its children (ddx_child), and
    # melanocytic nevus's other children resolve through their parent (ddx_parent)
    ("nevus-combined", "melanocytic-nevus"),
]
# no DDx edge at all: dermatofibroma, melanosis, vascular-lesion (random fallback)


# a dermatologist's review of the statistics proposals (kg propose-findings over Derm7pt): body
# sites are epidemiology, not diagnostic criteria; superficial BCC is flat; regular streaks are no
# criterion of melanosis. Everything else the statistics propose is accepted.
REJECTED_FINDINGS = {("basal-cell-carcinoma", "fnd-flat"), ("melanosis", "fnd-regular-streaks")}


# what a dermatologist adds by hand for a diagnosis the statistics say nothing about: dermatofibroma
# shows a central white patch with a delicate peripheral network, so a blue-whitish veil and an
# atypical network argue against it (tests of the random fallback need a pair that can be separated)
DERMATOFIBROMA = [
    ("dermatofibroma", "fnd-palpable", "typical"),  # a firm papule: what ties a lesion to it
    ("dermatofibroma", "fnd-blue-whitish-veil", "against"),
    ("dermatofibroma", "fnd-atypical-pigment-network", "against"),
]


def add_findings(store: GraphStore, facts: list[tuple[str, str, str]]) -> None:
    """Propose (diagnosis, finding, relation) assertions and accept them as a curator would."""
    stored = store.add_assertions(
        [Assertion(kind="finding", subject=d, object=f, relation=r, origin="human") for d, f, r in facts],
        user=CURATOR,
    )
    for a in stored:
        store.review(a.id, "accept", user=CURATOR)


def with_findings(graph: SynthGraph, facts: list[tuple[str, str, str]]) -> SynthGraph:
    """A copy of a snapshot with more accepted findings (pure planning tests)."""
    from dataclasses import replace

    from synth.knowledge import FindingKnowledge

    k = graph.knowledge
    extra = {(d, f): (r, assertion_id("finding", d, f)) for d, f, r in facts}
    knowledge = FindingKnowledge(findings=k.findings, relations=k.relations | extra)
    return replace(graph, knowledge=knowledge, argument_cache={}, _tax_cache={})


def accepted_finding(dx: str, finding: str, relation: str, origin: str = "human") -> Assertion:
    """An accepted finding assertion under the id the store gives it."""
    return Assertion(
        id=assertion_id("finding", dx, finding),
        kind="finding",
        subject=dx,
        object=finding,
        relation=relation,
        origin=origin,
        status="accepted",
    )


def curate_findings(store: GraphStore, data: Path) -> dict[str, int]:
    """Propose findings from the Derm7pt meta rows and review them as above; returns counts."""
    from kg.models import AssertionQuery
    from kg.propose_findings import propose_findings

    propose_findings(store, [("derm7pt", data / "derm7pt-subset")])
    counts = {"accepted": 0, "rejected": 0}
    query = AssertionQuery(kind="finding", status="proposed", limit=None)
    for a in store.query_assertions(query).items:
        finding = store.get_finding(a.object)
        if (a.subject, a.object) in REJECTED_FINDINGS or (finding and finding.type == "site"):
            store.review(a.id, "reject", user=CURATOR, reason="not a diagnostic criterion")
            counts["rejected"] += 1
        else:
            store.review(a.id, "accept", user=CURATOR)
            counts["accepted"] += 1
    return counts


def build_graph(store: GraphStore, data: Path, *, ddx: bool = True, findings: bool = True) -> None:
    from kg.importers import import_cases, run_import
    from kg.seed import init_store

    run_import(store, "isic", data / "isic-taxonomy" / "diagnosis_paths.txt")
    run_import(store, "skinr1", data / "skinr1-vocabulary" / "synonym_and_subtype2.json")
    init_store(store)
    import_cases(store, "derm7pt", data / "derm7pt-subset")
    if ddx:
        add_ddx(store, DDX_EDGES)
    if findings:
        curate_findings(store, data)


def add_ddx(store: GraphStore, edges: list[tuple[str, str]]) -> list[str]:
    """Propose DDx edges and accept them as a curator would; returns the assertion ids."""
    stored = store.add_assertions(
        [Assertion(kind="ddx", subject=a, object=b, origin="human", note="test curation") for a, b in edges],
        user=CURATOR,
    )
    for a in stored:
        store.review(a.id, "accept", user=CURATOR)
    return [a.id for a in stored]


def _copy_db(src: Path, dest_dir: Path) -> Path:
    dest = dest_dir / src.name
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{src}{suffix}").exists():
            shutil.copyfile(f"{src}{suffix}", f"{dest}{suffix}")
    return dest


@pytest.fixture(scope="session")
def curated_db(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The curated graph's SQLite file (never modified by tests: they copy it)."""
    path = tmp_path_factory.mktemp("synth-graph") / "kg.db"
    with make_store(f"sqlite:///{path}") as store:
        build_graph(store, shared_data)
    return path


@pytest.fixture(scope="session")
def bare_db(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same graph without any DDx edge."""
    path = tmp_path_factory.mktemp("synth-bare") / "kg.db"
    with make_store(f"sqlite:///{path}") as store:
        build_graph(store, shared_data, ddx=False)
    return path


@pytest.fixture(scope="session")
def curated_graph(curated_db: Path):
    """A read-only snapshot of the curated graph (shared by pure algorithm tests)."""
    from synth.snapshot import SynthGraph

    with make_store(f"sqlite:///{curated_db}") as store:
        return SynthGraph.from_store(store)


@pytest.fixture
def curated_store(curated_db: Path, tmp_path: Path) -> Iterator[GraphStore]:
    """A private, writable copy of the curated graph."""
    store = make_store(f"sqlite:///{_copy_db(curated_db, tmp_path)}").open()
    try:
        yield store
    finally:
        store.close()
