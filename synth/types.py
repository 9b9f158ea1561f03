"""What crosses the ``synth`` trajectory boundary: plans, rows, provenance and run reports.

A *plan* is everything a trajectory depends on except the comparator's text (cheap to compute for
the whole graph); a *row* is a finished trajectory. The plan's ``input_hash`` decides whether an
earlier row can be reused after curation (targeted regeneration).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

TrajectoryType = Literal["type1", "type2", "type3", "control2", "control3"]
# type1: direct (Algorithm 1); type2: DDx neighbour considered, primary kept (Algorithm 2);
# type3: reflective revision to the differential (Algorithm 3); control2/3: the same with a random
# non-DDx partner, for ablations (the paper's random-DDx types 4/5).
ALL_TYPES: tuple[TrajectoryType, ...] = ("type1", "type2", "type3", "control2", "control3")
PartnerSource = Literal["ddx", "ddx_parent", "ddx_child", "random_fallback", "random_control"]
ComparatorName = Literal["grounded", "llm"]
Mode = Literal["keep", "switch"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CaseRef(_Model):
    """The parts of a :class:`kg.models.Case` a trajectory uses (content-hashed for staleness)."""

    id: str
    diagnosis: str  # diagnosis id
    image_sha256: str
    image_path: str
    rationale: str
    evidence_ids: list[str] = Field(default_factory=list)
    source: str | None = None  # dataset name (Case.source)
    source_sha256: str | None = None  # the Source its evidence quotes (for the licence)
    # this lesion's own findings (finding ids): Derm7pt criteria, a caption or a curator's rationale;
    # never a textbook's description of the diagnosis
    observed: list[str] = Field(default_factory=list)
    not_observed: list[str] = Field(default_factory=list)


FindingRelation = Literal["typical", "possible", "against"]


class Claim(_Model):
    """A diagnosis-level statement backed by one accepted finding assertion.

    ``seen``: True when this lesion shows the finding, False when it was assessed and not seen.
    """

    assertion_id: str
    diagnosis: str
    finding: str
    relation: FindingRelation
    seen: bool


class Argument(_Model):
    """What a comparison may say: this lesion's observations and the accepted claims that favour
    ``favoured`` over ``other`` (:mod:`synth.argument`). Comparators only word it."""

    mode: Mode
    wording: Literal["ddx", "contrast"]  # contrast: a random partner, never called a differential
    favoured: str  # diagnosis id
    other: str
    favoured_name: str
    other_name: str
    observed: list[str]
    not_observed: list[str]
    support_other: list[Claim] = Field(default_factory=list)  # type 3: why `other` came to mind
    support: list[Claim] = Field(default_factory=list)  # type 2: shown findings of `favoured` not in claims
    described: list[Claim] = Field(default_factory=list)  # the partner's accepted typical findings
    claims: list[Claim]  # discriminating (and supporting) claims, in wording order
    facts: list[Claim] = Field(default_factory=list)  # LLM comparator only: every accepted finding of both
    # accepted finding assertions that decided what is said or left unsaid without being stated (a
    # finding shared by both diagnoses separates nothing): the row depends on them, so it lists them
    consulted: list[str] = Field(default_factory=list)


class TaxonomyFact(_Model):
    """The taxonomy sentence and the graph facts it states (Appendix B path + malignancy)."""

    diagnosis: str
    name: str
    path: list[str]  # names, the diagnosis first, then nearest parent ... root
    malignancy: str | None
    malignancy_from: str | None  # diagnosis id whose own value was used (itself or an ancestor)
    malignancy_source: str | None
    assertion_ids: list[str] = Field(default_factory=list)  # is_a assertions along the path
    evidence_ids: list[str] = Field(default_factory=list)
    sentence: str


class Provenance(_Model):
    """Where every part of a row came from; enough to audit or regenerate it."""

    case_ids: list[str]
    assertion_ids: list[str]
    evidence_ids: list[str]
    revision: int
    comparator: ComparatorName | None  # None for type1 (no comparison)
    model: str | None
    prompt_hash: str  # hash of the Appendix D instruction prompt (and comparator prompt if any)
    partner_source: PartnerSource | None = None
    input_hash: str  # hash of every input of this row; equal hash -> row reusable


class TrajectoryPlan(_Model):
    """A trajectory before its differential reasoning is written (Algorithms 1-3, planning half)."""

    id: str  # stable per (type, primary case, slot): survives curation
    type: TrajectoryType
    slot: int = 0
    primary: CaseRef
    partner: CaseRef | None = None
    primary_name: str
    partner_name: str | None = None
    final_diagnosis: str  # id: d_p for types 1/2/control2, d_d for type3/control3
    final_name: str
    image_sha256: str
    image_path: str
    taxonomy: TaxonomyFact  # of the final diagnosis
    ddx_assertion_id: str | None = None
    ddx_edge: list[str] = Field(default_factory=list)  # names of the accepted DDx edge's two ends
    partner_source: PartnerSource | None = None
    mode: Mode | None = None
    support: list[Claim] = Field(default_factory=list)  # type 1: accepted findings this lesion shows
    argument: Argument | None = None  # types 2/3 and controls
    # type 1: accepted assertions that decided the row without being stated (its diagnosis explains a
    # shown finding typical of another diagnosis: synth.argument.explaining)
    consulted: list[str] = Field(default_factory=list)
    prompt: str
    input_hash: str = ""


class GroundednessResult(_Model):
    """Outcome of the groundedness check of one differential reasoning ρ."""

    passed: bool
    features: list[str] = Field(default_factory=list)  # concept ids named in ρ
    ungrounded: list[str] = Field(default_factory=list)  # named in ρ, absent from r_p and r_d
    reasons: list[str] = Field(default_factory=list)


class TrajectoryRow(_Model):
    """A finished trajectory: prompt, target and provenance (one line of ``trajectories.jsonl``)."""

    id: str
    type: TrajectoryType
    image_sha256: str
    image_path: str
    diagnosis: str  # final diagnosis id
    diagnosis_name: str
    primary_diagnosis: str
    partner_diagnosis: str | None = None
    ddx_assertion_id: str | None = None
    prompt: str
    reasoning: str | None = None  # ρ (types 2/3 and controls)
    completion: str  # <thinking>...</thinking><diagnosis>...</diagnosis>
    grounded: GroundednessResult | None = None
    observed: list[str] = Field(default_factory=list)  # finding ids this lesion shows
    not_observed: list[str] = Field(default_factory=list)  # assessed and not seen
    provenance: Provenance
    split: str | None = None  # train / validation / test, set at export


class RegenerationStats(_Model):
    reused: int = 0
    regenerated: int = 0
    new: int = 0
    removed: int = 0


class SynthOptions(_Model):
    """Settings of one synthesis run (the CLI flags)."""

    types: list[TrajectoryType] = Field(default_factory=lambda: ["type1", "type2", "type3"])
    comparator: ComparatorName = "grounded"
    seed: int = 0
    include_proposed_cases: bool = False
    include_proposed_assertions: bool = False
    fallback: Literal["skip", "contrast"] = "skip"  # a random partner: no row, or a neutral contrast row
    per_case: int = Field(default=1, ge=1, description="type 2/3 trajectories per primary case")
    on_ungrounded: Literal["drop", "queue"] = "queue"
    # rows of one diagnosis whose thinking repeats word for word (other images, same recorded findings):
    # drop keeps the first; keep writes them all. Thinking shared with another diagnosis always drops.
    repeats: Literal["drop", "keep"] = "drop"
    test_fraction: float = Field(default=0.1, ge=0.0, lt=1.0)
    validation_fraction: float = Field(default=0.1, ge=0.0, lt=1.0)


class SynthReport(_Model):
    """What a synthesis run did, including what was missing and which fallbacks were taken."""

    out: str
    revision: int
    counts_by_type: dict[str, int] = Field(default_factory=dict)
    counts_by_split: dict[str, int] = Field(default_factory=dict)
    total: int = 0
    regeneration: RegenerationStats = Field(default_factory=RegenerationStats)
    grounded_passed: int = 0
    grounded_failed: int = 0
    dropped: int = 0
    queued_for_review: int = 0
    random_fallbacks: int = 0
    skipped_random_pairs: int = 0  # --fallback skip: random partners not written
    contrast_rows: int = 0  # rows with a random partner, worded as a contrast (never a differential)
    unseparated: dict[str, int] = Field(
        default_factory=dict
    )  # "no accepted finding separates A from B" -> pairs
    dropped_reasons: dict[str, int] = Field(default_factory=dict)  # planning drops by reason
    without_taxonomy: int = 0  # rows whose diagnosis has no taxonomy or lesion condition in the graph
    validation: dict[str, int] = Field(
        default_factory=dict
    )  # validator: rows checked / passed / rejected by reason
    validation_examples: list[str] = Field(default_factory=list)  # a few rejected rows with their reasons
    comparator_calls: int = 0
    missing: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    seconds: float = 0.0
