"""What crosses the ingest boundary: page layout records, extraction candidates, the run summary.

The extractors (rules, LLM) only *read* a document and return an :class:`Extraction` of candidate
names and relations with verbatim evidence; :mod:`ingest.pipeline` alone resolves names through the
store and writes proposed assertions. That split keeps extraction testable without a store.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kg.models import Evidence

BBox = tuple[float, float, float, float]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Line(_Model):
    """One visual text line (a PyMuPDF line, possibly one of several on the same baseline)."""

    page: int  # 1-based
    text: str
    bbox: BBox
    size: float
    bold: bool = False
    italic: bool = False
    column: int = 0
    has_right_sibling: bool = False  # another line shares the baseline to the right (a side head)
    ocr_conf: tuple[float, ...] | None = None  # OCR confidence (0-1) of each word of ``text``; None: no OCR


class ImageRef(_Model):
    """An embedded image placed on a page; bytes are read only for images that become cases."""

    page: int
    bbox: BBox
    xref: int  # 0 for inline images (rendered from their box when stored)
    digest: str  # "xref-N" for stored images, an MD5 of the pixels for inline ones: the dedup key
    width: int
    height: int


class TableGrid(_Model):
    page: int
    bbox: BBox
    rows: list[list[str]]  # cell texts; merged cells repeat as empty strings
    # a table read from a scan: each word's OCR confidence, keyed by its lower-case letters and digits
    ocr_words: dict[str, float] | None = None


class PageLayout(_Model):
    """A page in reading order, with running headers, footers and page numbers removed."""

    number: int
    width: float
    height: float
    lines: list[Line] = Field(default_factory=list)
    images: list[ImageRef] = Field(default_factory=list)
    tables: list[TableGrid] = Field(default_factory=list)
    ocr: bool = False
    label: str | None = None  # the printed page number (PDF page label, else the number in the margin)


class Section(_Model):
    """A heading and what it governs; ``path`` holds the titles of the enclosing headings."""

    title: str
    level: int
    page: int
    bbox: BBox
    path: list[str] = Field(default_factory=list)
    lines: list[Line] = Field(default_factory=list)  # its own body lines, not its sub-sections'
    child_titles: list[str] = Field(default_factory=list)
    tables: list[TableGrid] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)


class DiagnosisCandidate(_Model):
    """A name the document presents as a diagnosis (a heading, a table column, a subtype, a caption)."""

    name: str
    synonyms: list[str] = Field(default_factory=list)
    role: Literal["heading", "subtype", "ddx", "caption", "llm"] = "heading"
    clinical: bool = False  # followed by clinical sub-sections: proposed even when unknown
    evidence: Evidence


class RelationCandidate(_Model):
    """A candidate is_a (subject is_a object) or ddx (symmetric) between two free-text names."""

    kind: Literal["is_a", "ddx"]
    subject: str
    object: str
    rule: str  # which cue produced it: "table", "prose:distinguished", "types-section", ...
    score: float = 0.5
    evidence: Evidence
    # True when the names are only *mentioned* in a list (the causes of a presentation, its examples),
    # not described: still proposed, so that the pair can land, but reported apart for curators.
    mention: bool = False


class PresentationCandidate(_Model):
    """A presentation the book lists causes of ("causes of blisters", "an itchy eruption can be caused
    by ...", a "Causes of leg ulcers" table): its members are possible causes, not mutual DDx."""

    name: str  # as printed, normalised: "itchy eruption", "blisters"
    members: list[str]
    rule: str  # which shape framed it: "prose:causes", "presentation-list", "table:causes", ...
    evidence: Evidence


class FindingCandidate(_Model):
    """A diagnosis-level finding the text states ("In lichen planus the papules are violaceous")."""

    diagnosis: str  # the name as printed
    finding: str  # the concept's name (a lexicon concept's preferred name, else the phrase as printed)
    type: Literal["dermoscopy", "morphology", "colour", "distribution", "site", "history"]
    synonyms: list[str] = Field(default_factory=list)  # a lexicon concept's synonyms
    relation: Literal["typical", "possible", "against"]
    known: bool = True  # a lexicon concept (False: a new phrase, proposed as a new finding)
    rule: str  # "rationale", "table:lesion", "prose:in-x", "checklist", ...
    evidence: Evidence


class RationaleCandidate(_Model):
    """Sentences describing how a diagnosis looks and presents (the r of (I, r, d))."""

    diagnosis: str
    evidence: Evidence


class FigureCandidate(_Model):
    """An embedded photo paired with its caption (and credit line kept apart)."""

    image: ImageRef
    caption: str
    credit: str | None = None
    diagnosis: str | None = None  # the name read from the caption
    evidence: Evidence
    # False: the caption's name is proposed as read. True (the rules extractor: a caption is not an
    # entry): the photo is labelled at the end of the document by the book's entry or a known diagnosis
    # its name narrows to; it proposes its own name only when nothing matches and it names no sign
    # (ingest.caption_labels), and such a proposal is reported apart for curators.
    mention: bool = False


class Extraction(_Model):
    """Everything one extractor read from one document, before name resolution."""

    source_sha256: str
    pages: int
    diagnoses: list[DiagnosisCandidate] = Field(default_factory=list)
    relations: list[RelationCandidate] = Field(default_factory=list)
    rationales: list[RationaleCandidate] = Field(default_factory=list)
    figures: list[FigureCandidate] = Field(default_factory=list)
    presentations: list[PresentationCandidate] = Field(default_factory=list)
    findings: list[FindingCandidate] = Field(default_factory=list)
    images_skipped: int = 0
    ocr_pages: int = 0
    warnings: list[str] = Field(default_factory=list)  # each names its page


class DocumentSummary(_Model):
    """Per-file outcome of ``dermkg ingest`` (the ``--json`` summary)."""

    path: str
    sha256: str | None = None
    status: Literal["ingested", "unchanged", "dry-run", "error"] = "ingested"
    error: str | None = None
    pages: int = 0
    ocr_pages: int = 0
    diagnoses_matched: int = 0
    diagnoses_proposed: int = 0
    assertions_proposed: dict[str, int] = Field(default_factory=dict)  # by kind
    assertions_superseded: int = 0
    rationales: int = 0
    cases: int = 0
    # Presentations named (new or known) and their members; finding concepts newly proposed.
    presentations: int = 0
    presentation_members: int = 0
    findings_proposed: int = 0
    images_skipped: int = 0
    seconds: float = 0.0
    # What was read despite a problem (a repaired PDF, an image over the pixel limit), each naming its page.
    warnings: list[str] = Field(default_factory=list)
    # Proposed names that look like known diagnoses (fuzzy): for curators to merge, never applied.
    suggestions: dict[str, list[str]] = Field(default_factory=dict)
    # Printed historical names with the current name the synonym table maps them to, and its source
    # (ingest/historical_synonyms.yaml): merge proposals for a curator, never applied.
    synonym_proposals: dict[str, dict[str, str]] = Field(default_factory=dict)
    # Proposed names the document only mentions (a list of causes, a caption), with no entry of their
    # own: what curators should confirm first.
    proposed_from_mentions: list[str] = Field(default_factory=list)
    # Captions naming a sign or a lesion's morphology that matched no diagnosis: photos left unlabelled.
    unlabelled_captions: list[str] = Field(default_factory=list)


class IngestSummary(_Model):
    extractor: Literal["rules", "llm"] = "rules"
    dry_run: bool = False
    documents: list[DocumentSummary] = Field(default_factory=list)
    llm_usage: dict[str, int] | None = None

    @property
    def errors(self) -> list[str]:
        return [d.error or d.path for d in self.documents if d.status == "error"]

    def totals(self) -> dict[str, int]:
        out: dict[str, int] = {"pages": 0, "ocr_pages": 0, "diagnoses_matched": 0, "diagnoses_proposed": 0}
        out |= {"cases": 0, "images_skipped": 0, "rationales": 0, "errors": 0}
        out |= {"presentations": 0, "presentation_members": 0, "findings_proposed": 0}
        for d in self.documents:
            for key in ("presentations", "presentation_members", "findings_proposed"):
                out[key] += getattr(d, key)
            for key in ("pages", "ocr_pages", "diagnoses_matched", "diagnoses_proposed", "cases"):
                out[key] += getattr(d, key)
            out["images_skipped"] += d.images_skipped
            out["rationales"] += d.rationales
            out["errors"] += d.status == "error"
            for kind, n in d.assertions_proposed.items():
                out[f"assertions_{kind}"] = out.get(f"assertions_{kind}", 0) + n
        return out
