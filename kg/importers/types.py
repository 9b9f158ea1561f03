"""What crosses the importer boundary: parsed vocabularies and the report of an import."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from kg.models import Malignancy


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VocabTerm(_Model):
    """One diagnosis as a vocabulary file states it; ``key`` is unique within the file."""

    key: str
    name: str
    id: str | None = None  # an explicit diagnosis id (tabular files); else derived from the name
    synonyms: list[str] = Field(default_factory=list)
    malignancy: Malignancy | None = None
    codes: dict[str, str] = Field(default_factory=dict)
    quote: str  # the line (or record) of the file that states the term
    line: int | None = None


class VocabEdge(_Model):
    """``child`` is_a ``parent`` (both term keys of the same file)."""

    child: str
    parent: str
    quote: str
    line: int | None = None


class Vocabulary(_Model):
    """A parsed vocabulary file, before any name is resolved against the graph."""

    format: str
    title: str
    licence: str | None = None
    malignancy_source: str
    key_code: str | None = (
        None  # the code under which a term's key is stored (isic, doid): re-imports match it
    )
    merge_within_file: bool = (
        False  # two terms of the file with one name are one diagnosis (Skin-R1 variants)
    )
    terms: list[VocabTerm]
    edges: list[VocabEdge] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # defects found while parsing, reported as warnings


class SkippedItem(_Model):
    location: str  # file:line or file:row
    reason: str


class ImportReport(_Model):
    """Outcome of one import; everything it counts was written in a single transaction."""

    format: str
    path: str
    source_sha256: str | None = None
    terms: int = 0  # diagnoses stated by the file
    diagnoses_created: int = 0
    diagnoses_matched: int = 0  # resolved onto diagnoses already in the graph (by name / synonym)
    assertions: int = 0
    assertions_created: int = 0
    assertions_existing: int = 0
    cases: int = 0
    cases_created: int = 0
    label_mappings: int = 0
    finding_concepts: int = 0  # finding concepts seeded (dermkg init)
    status: str = "accepted"
    merged_onto: dict[str, str] = Field(default_factory=dict)  # file name -> existing diagnosis id
    skipped: list[SkippedItem] = Field(default_factory=list)
    skipped_counts: dict[str, int] = Field(default_factory=dict)  # reason -> count
    warnings: list[str] = Field(default_factory=list)
    revision: int | None = None
