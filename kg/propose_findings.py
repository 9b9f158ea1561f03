"""``dermkg kg propose-findings --from-cases``: diagnosis-level finding proposals from labelled cases.

Every Derm7pt meta row with a label that maps to a diagnosis counts (1,011 lesions, images present
or not: the findings are in the metadata). Each proposal is a ``finding`` assertion with origin
``stats``, status proposed, the relation the test supports (typical / against), a score (the Wilson
bound) and one ``statistics`` evidence quoting dataset, counts and test (:mod:`kg.finding_stats`).
A curator accepts or rejects it; nothing is used before. Re-running adds nothing new (same ids,
same evidence); a relation a curator changed is left alone.

Example:
    >>> propose_findings(store, [("derm7pt", Path("../shared/data/derm7pt-subset"))])  # doctest: +SKIP
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from dermkg.errors import InputError
from kg.finding_stats import THRESHOLD_TEXT, FindingStat, evidence_sentence, evidence_stats, finding_stats
from kg.findings import derm7pt_observations, is_derm7pt_row
from kg.ids import sha256_file
from kg.models import Agent, Assertion, Evidence, Source
from kg.store.base import GraphStore

AGENT = Agent(name="propose-findings", version="1")
DATASET_TITLES = {"derm7pt": ("Derm7pt metadata (meta/meta.csv)", "MIT (metadata); images CC BY-NC-ND 4.0")}


class ProposedFinding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    diagnosis: str
    finding: str
    relation: str
    support: int
    cases: int
    rate: float
    others_rate: float
    p_value: float
    status: str


class ProposeFindingsReport(BaseModel):
    """What a run read, tested and proposed."""

    model_config = ConfigDict(extra="forbid")

    datasets: dict[str, int] = Field(default_factory=dict)  # dataset -> rows with findings used
    skipped: dict[str, int] = Field(default_factory=dict)  # reason -> rows
    diagnoses_tested: int = 0
    tests: int = 0
    threshold: str = THRESHOLD_TEXT
    proposed: list[ProposedFinding] = Field(default_factory=list)
    created: int = 0  # new assertions (0 on an identical re-run)
    revision: int = 0


def _derm7pt_meta(path: Path) -> Path:
    meta = path / "meta" / "meta.csv" if path.is_dir() else path
    if not meta.is_file():
        raise InputError(
            "no Derm7pt meta.csv here (give the dataset folder or its meta/meta.csv)", location=str(path)
        )
    return meta


def _read_rows(meta: Path) -> list[dict[str, str]]:
    try:
        with meta.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read CSV: {exc}", location=str(meta)) from None
    if rows and ("diagnosis" not in rows[0] or not is_derm7pt_row(rows[0])):
        raise InputError(
            "Derm7pt meta.csv needs 'diagnosis' and the 7-point checklist columns", location=f"{meta}:1"
        )
    return rows


def lesions_from_dataset(
    store: GraphStore, dataset: str, path: Path, skipped: Counter[str]
) -> tuple[Source, list[tuple[str, list[str]]]]:
    """(source, [(diagnosis id, observed finding ids)]) for every mapped row with findings."""
    from kg.importers.cases import _LabelResolver

    if dataset != "derm7pt":
        raise InputError(f"--dataset {dataset}: only derm7pt rows carry findings (use derm7pt=PATH)")
    meta = _derm7pt_meta(path)
    title, licence = DATASET_TITLES[dataset]
    source = Source(
        sha256=sha256_file(str(meta)), title=title, licence=licence, path=str(meta.resolve()), kind="dataset"
    )
    resolve = _LabelResolver(store, dataset)
    out: list[tuple[str, list[str]]] = []
    for row in _read_rows(meta):
        label = (row.get("diagnosis") or "").strip()
        dx = resolve(label)
        if dx is None:
            skipped[f"label {label!r} maps to no diagnosis"] += 1
            continue
        observed = derm7pt_observations(row).observed
        if not observed:
            skipped["no finding recorded"] += 1
            continue
        out.append((dx, observed))
    return source, out


def lesions_from_store(store: GraphStore) -> list[tuple[str, list[str]]]:
    """Accepted cases whose meta holds Derm7pt criteria (when no dataset file is given)."""
    return [
        (c.diagnosis, derm7pt_observations(c.meta).observed)
        for c in store.list_cases(status="accepted")
        if is_derm7pt_row(c.meta)
    ]


def propose_findings(
    store: GraphStore, datasets: list[tuple[str, Path]] | None = None, *, user: str = "system"
) -> ProposeFindingsReport:
    """Test every (diagnosis, finding) pair and store what passes the threshold as proposals."""
    report = ProposeFindingsReport()
    skipped: Counter[str] = Counter()
    lesions: list[tuple[str, list[str]]] = []
    sources: list[Source] = []
    for name, path in datasets or []:
        source, rows = lesions_from_dataset(store, name, path, skipped)
        sources.append(source)
        report.datasets[name] = len(rows)
        lesions += rows
    if not datasets:
        lesions = lesions_from_store(store)
        report.datasets["store cases"] = len(lesions)
    if not lesions:
        raise InputError(
            "no case with recorded findings: give --dataset derm7pt=PATH or import Derm7pt cases"
        )
    stats = finding_stats(lesions)
    report.tests = len(stats)
    report.diagnoses_tested = len({s.diagnosis for s in stats})
    report.skipped = dict(sorted(skipped.items()))
    passed = [s for s in stats if s.relation]
    label = " + ".join(report.datasets)
    source_sha = sources[0].sha256 if sources else "store-cases"
    with store.transaction():
        for source in sources:
            store.upsert_source(source)
        before = {a.id for s in passed if (a := store.find_assertion("finding", s.diagnosis, s.finding))}
        assertions = [_assertion(store, s, label, source_sha) for s in passed]
        stored = store.add_assertions(assertions, user=user) if assertions else []
    report.created = sum(1 for a in stored if a.id not in before)
    report.proposed = [
        ProposedFinding(
            id=a.id,
            diagnosis=s.diagnosis,
            finding=s.finding,
            relation=a.relation or s.relation or "",
            support=s.support,
            cases=s.cases,
            rate=round(s.rate, 4),
            others_rate=round(s.others_rate, 4),
            p_value=float(f"{(s.p_enriched if s.relation == 'typical' else s.p_depleted):.3g}"),
            status=a.status,
        )
        for s, a in zip(passed, stored, strict=True)
    ]
    report.revision = store.revision()
    return report


def _assertion(store: GraphStore, s: FindingStat, dataset: str, source_sha: str) -> Assertion:
    dx = store.get_diagnosis(s.diagnosis)
    finding = store.get_finding(s.finding)
    if finding is None:
        raise InputError(
            f"finding {s.finding} is not in the graph: run `dermkg init` to seed the finding concepts"
        )
    quote = evidence_sentence(s, dx.name if dx else s.diagnosis, finding.name, dataset)
    score = s.wilson_lower if s.relation == "typical" else 1.0 - s.wilson_upper
    return Assertion(
        kind="finding",
        subject=s.diagnosis,
        object=s.finding,
        relation=s.relation,
        origin="stats",
        agent=AGENT,
        score=round(score, 4),
        status="proposed",
        evidence=[
            Evidence(
                kind="statistics", source_sha256=source_sha, quote=quote, stats=evidence_stats(s, dataset)
            )
        ],
    )
