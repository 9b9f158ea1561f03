"""The graph model of DESIGN.md: what crosses the store boundary.

Machine output is never truth until a curator accepts it, so relations between diagnoses are
reified as :class:`Assertion` records with evidence and a review state; only accepted assertions
are projected to plain edges for traversal (see :mod:`kg.view`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    field_validator,
    model_validator,
)

from kg.names import MAX_SYNONYMS, check_id, clean_name

Malignancy = Literal["benign", "malignant", "premalignant"]
AssertionKind = Literal["is_a", "ddx", "finding"]
Origin = Literal["import", "rules", "llm", "stats", "human"]
FindingType = Literal["dermoscopy", "morphology", "colour", "distribution", "site", "history", "presentation"]
FindingRelation = Literal["typical", "possible", "against"]
AssertionStatus = Literal["proposed", "accepted", "rejected", "superseded"]
DiagnosisStatus = Literal["proposed", "accepted", "rejected", "merged"]
CaseStatus = Literal["proposed", "accepted", "excluded"]
Decision = Literal["accept", "reject", "supersede"]
EventAction = Literal[
    "accept",
    "reject",
    "edit",
    "merge",
    "split",
    "create",
    "comment",
    "supersede",
    "vote",
    "revert",
]
TargetType = Literal["diagnosis", "assertion", "case", "label_map", "source", "finding"]


def _policy_synonyms(value: list[str]) -> list[str]:
    if len(value) > MAX_SYNONYMS:
        raise ValueError(f"{len(value)} synonyms is more than {MAX_SYNONYMS}")
    return list(dict.fromkeys(clean_name(v, what="synonym") for v in value))


# One name policy for SQLite and Neo4j (kg.names), on every named thing of the graph.
PolicyName = Annotated[str, AfterValidator(clean_name)]
PolicySynonyms = Annotated[list[str], AfterValidator(_policy_synonyms)]


def utcnow() -> datetime:
    return datetime.now(UTC)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Source(_Model):
    """A document the evidence quotes from (a textbook PDF, a vocabulary file, a dataset)."""

    sha256: str
    title: str
    edition: str | None = None
    licence: str | None = None
    path: str | None = Field(default=None, description="last known file location, for rendering pages")
    kind: Literal["pdf", "vocabulary", "dataset", "other"] = "pdf"


class Evidence(_Model):
    """A verbatim quote from a source, located to page and box: why a machine fact exists."""

    id: str = ""  # filled by :func:`kg.ids.evidence_id` when empty
    source_sha256: str
    page: int | None = None  # 1-based page number in the PDF
    page_label: str | None = None  # the page number as printed ("117", "xii"): what a reader cites
    bbox: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1 in PDF points
    quote: str
    char_span: tuple[int, int] | None = None  # span of the quote in the page text
    context: str | None = None  # e.g. the presentation heading a DDx list was grouped under
    kind: Literal[
        "rationale", "ddx", "taxonomy", "caption", "definition", "statistics", "finding", "other"
    ] = "other"
    # the numbers behind a "statistics" quote (kg.finding_stats.evidence_stats), so readers never
    # parse them back out of the sentence; None for quotes from text and for older evidence
    stats: dict[str, float | int | str] | None = None
    ocr_confidence: float | None = Field(default=None, ge=0, le=1)  # mean over the quote's OCR'd words
    # for a finding assertion's evidence: the relation this quote states. One assertion per (diagnosis,
    # finding) holds the quotes of every book; two books stating different relations are a review
    # item (kg.conflicts.finding_conflicts), never a second assertion. None: not recorded (older rows)
    relation: FindingRelation | None = None


class Agent(_Model):
    """Who or what made an assertion: extractor name+version, model and prompt hash."""

    name: str
    version: str = "0"
    model: str | None = None
    prompt_hash: str | None = None


class Diagnosis(_Model):
    id: str
    name: PolicyName
    synonyms: PolicySynonyms = Field(default_factory=list)
    malignancy: Malignancy | None = None
    malignancy_source: str | None = None  # where the own value came from (vocabulary, curator, ...)
    codes: dict[str, str] = Field(default_factory=dict)  # isic, doid, icd10, umls, ...
    status: DiagnosisStatus = "accepted"
    origin: Origin = "import"
    evidence: list[Evidence] = Field(default_factory=list)  # e.g. textbook rationales
    aliases: list[str] = Field(default_factory=list)  # ids of diagnoses merged into this one
    version: int = 1  # optimistic concurrency: bumped on every change

    @field_validator("id")
    @classmethod
    def _id_policy(cls, value: str) -> str:
        return check_id(value)


class Finding(_Model):
    """A concept findings are stated in (``atypical pigment network``, ``blue-white veil``); what a
    ``finding`` assertion links a diagnosis to. Resolved by name and synonyms like diagnoses."""

    id: str = ""  # filled by :func:`kg.ids.finding_id` when empty
    name: PolicyName
    synonyms: PolicySynonyms = Field(default_factory=list)
    type: FindingType
    description: str | None = None
    status: DiagnosisStatus = "accepted"
    origin: Origin = "import"
    version: int = 1


class Vote(_Model):
    """One curator's independent review of an assertion (consensus of k votes, issue 5)."""

    user: str
    decision: Decision
    at: datetime = Field(default_factory=utcnow)
    reason: str | None = None


class Assertion(_Model):
    """A reified relation. DDx is symmetric: stored once with ``subject < object`` (by id). A
    ``finding`` assertion links a diagnosis (subject) to a finding (object) with a ``relation``."""

    id: str = ""  # filled by :func:`kg.ids.assertion_id` when empty
    kind: AssertionKind
    subject: str  # diagnosis id (is_a: the child)
    object: str  # diagnosis id (is_a: the parent; finding: a finding id)
    relation: FindingRelation | None = None  # required for kind "finding", None otherwise
    origin: Origin
    agent: Agent | None = None
    score: float | None = None
    status: AssertionStatus = "proposed"
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    note: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    votes: list[Vote] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=utcnow)
    version: int = 1

    @model_validator(mode="after")
    def _relation_matches_kind(self) -> Assertion:
        check_relation(self.kind, self.relation)
        return self


def check_relation(kind: str, relation: str | None) -> None:
    """A finding assertion states how the finding relates to the diagnosis; other kinds have none."""
    if kind == "finding" and relation is None:
        raise ValueError("a finding assertion needs a relation (typical, possible or against)")
    if kind != "finding" and relation is not None:
        raise ValueError(f"an {kind} assertion has no relation (got {relation!r})")


class Case(_Model):
    """The (image, rationale, diagnosis) triplet of the paper, e.g. a textbook figure + caption."""

    id: str = ""  # filled by :func:`kg.ids.case_id` when empty
    diagnosis: str  # diagnosis id
    image_sha256: str
    image_path: str  # stored file (content-addressed under the data dir) or dataset path
    rationale: str | None = None
    caption: str | None = None
    credit: str | None = None  # photo credit, kept apart from the caption
    evidence: list[Evidence] = Field(default_factory=list)
    origin: Origin = "import"
    status: CaseStatus = "accepted"
    source: str | None = None  # dataset name or source sha256
    meta: dict[str, Any] = Field(default_factory=dict)
    version: int = 1


class CurationEvent(_Model):
    """Append-only audit record: who changed what, with before/after snapshots for revert."""

    id: str = ""  # filled by the store
    seq: int = 0  # monotonically increasing, assigned by the store
    at: datetime = Field(default_factory=utcnow)
    user: str
    action: EventAction
    target_type: TargetType
    target: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    reason: str | None = None


class LabelMapping(_Model):
    """A dataset label mapped onto a canonical diagnosis: label maps are data in the graph."""

    dataset: str
    label: str
    diagnosis: str | None  # None = reviewed and deliberately unmapped
    status: Literal["proposed", "accepted", "rejected"] = "accepted"
    origin: Origin = "import"
    note: str | None = None


class NameMatch(_Model):
    """A candidate for a free-text name; ``exact`` matches resolve, fuzzy ones only suggest."""

    diagnosis: Diagnosis
    matched: str  # the name or synonym that matched
    score: float  # 0..100 (rapidfuzz scale); 100 for exact / normalised matches
    exact: bool


class AssertionQuery(_Model):
    """Filters for :meth:`kg.store.base.GraphStore.query_assertions`. ``None`` means any."""

    kind: AssertionKind | None = None
    status: AssertionStatus | list[AssertionStatus] | None = None
    origin: Origin | None = None
    source_sha256: str | None = None  # has evidence from this source
    diagnosis: str | None = None  # subject or object
    min_score: float | None = None
    max_score: float | None = None
    offset: int = 0
    limit: int | None = 100


class AssertionSummary(_Model):
    """An assertion without evidence, votes or note: what ordering a whole review queue needs
    (:meth:`kg.store.base.GraphStore.summarize_assertions`), a few bytes instead of a full record."""

    id: str
    kind: AssertionKind
    subject: str
    object: str
    status: AssertionStatus
    origin: Origin
    score: float | None = None
    created_at: datetime

    @classmethod
    def of(cls, a: Assertion) -> AssertionSummary:
        """The summary's fields, taken from the full assertion."""
        return cls.model_validate({f: getattr(a, f) for f in _SUMMARY_FIELDS})

    @classmethod
    def from_rows(cls, rows: Iterable[Sequence[Any]]) -> list[AssertionSummary]:
        """Validate store rows (id, kind, subject, object, status, origin, score, created_at) in one
        pass of pydantic-core: for 20,000 rows several times faster than one model at a time."""
        return _SUMMARY_LIST.validate_python([dict(zip(_SUMMARY_FIELDS, r, strict=True)) for r in rows])


_SUMMARY_FIELDS = ("id", "kind", "subject", "object", "status", "origin", "score", "created_at")
_SUMMARY_LIST = TypeAdapter(list[AssertionSummary])


class Page(_Model):
    items: list[Any]
    total: int
    offset: int
    limit: int | None


class EventQuery(_Model):
    user: str | None = None
    action: EventAction | None = None
    target: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    offset: int = 0
    limit: int | None = 100


class GraphExport(_Model):
    """The canonical export (``dermkg kg export --format json``): round-trips exactly."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["dermkg-graph"] = "dermkg-graph"
    format_version: int = 1
    revision: int
    sources: list[Source] = Field(default_factory=list)
    diagnoses: list[Diagnosis] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    assertions: list[Assertion] = Field(default_factory=list)
    cases: list[Case] = Field(default_factory=list)
    label_maps: list[LabelMapping] = Field(default_factory=list)
    events: list[CurationEvent] = Field(default_factory=list)
