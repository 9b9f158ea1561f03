"""The rules extractor: layout -> sections -> diagnoses, is_a, DDx, rationales and figures.

It streams: each page is laid out, its figures paired, its sections closed as headings arrive, and
an :class:`~ingest.types.Extraction` chunk is yielded per page, so memory stays flat in the number of
pages. Findings about a condition that appear in its sub-sections (rationales, subtypes, DDx) wait
until the condition's own heading closes and proves to be a diagnosis.

Example:
    >>> doc = open_pdf("book.pdf")
    >>> chunks = list(RulesExtractor().iter_document(doc, source_sha256="..."))
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from ingest.ddx_rules import DDX_TITLE, PRESENTATION_WORDS, prose_relations
from ingest.ddx_sections import section_relations
from ingest.ddx_tables import table_members, table_relations
from ingest.diagnoses import (
    NOT_A_DIAGNOSIS,
    category_name,
    diagnosis_candidates,
    heading_is_a,
    heading_names,
    is_diagnosis_section,
    subtypes,
)
from ingest.figures import caption_diagnosis, pair_captions, skip_reason
from ingest.findings import section_findings, table_findings
from ingest.labels import is_clinical_label
from ingest.layout import RunningText, layout_page, learn_running_text, page_label, reading_order
from ingest.mentions import make_evidence
from ingest.note_cues import note_relations
from ingest.ocr import needs_ocr, ocr_page, tidy_ocr_lines
from ingest.pdf_loader import oversized_images
from ingest.presentations import PresentationTables, cause_sentences, split_presentations
from ingest.rationales import RATIONALE_TITLE, rationale_candidates
from ingest.scan_figures import is_scan, outside_photos, scan_photos
from ingest.scan_tables import stamp_table_confidence, table_keys
from ingest.sections import SectionBuilder
from ingest.types import (
    DiagnosisCandidate,
    Extraction,
    FigureCandidate,
    PageLayout,
    RationaleCandidate,
    RelationCandidate,
    Section,
)

log = logging.getLogger(__name__)

VERSION = "1"
PageHook = Callable[[int, int], None]


class RulesExtractor:
    """Deterministic, grounded extraction from a text book's layout. Constructing it does no I/O."""

    name = "rules"
    version = VERSION

    def __init__(self, *, ocr: bool = True, ocr_language: str = "eng") -> None:
        self.ocr = ocr
        self.ocr_language = ocr_language

    def iter_document(
        self, doc: Any, source_sha256: str, *, on_page: PageHook | None = None
    ) -> Iterator[Extraction]:
        running = learn_running_text(doc)
        builder = SectionBuilder(running.body_size)
        state = SectionState(source_sha256)
        total = doc.page_count
        labels: dict[int, str] = {}  # page -> printed page number, for every evidence record
        scanned: dict[Any, Any] = {}  # tables read from a scan's pixels, to stamp OCR confidence
        for index in range(total):
            chunk = Extraction(source_sha256=source_sha256, pages=1)
            layout = self.layout_page(doc[index], running, chunk)
            if layout.label:
                labels[layout.number] = layout.label
            scanned.update(table_keys(layout.tables))
            self.pair_figures(layout, running, state, chunk)
            for section in builder.add_page(layout):
                state.process(section, chunk)
            if on_page is not None:
                on_page(index + 1, total)
            yield stamp_table_confidence(stamp_labels(split_presentations(chunk), labels), scanned)
        tail = Extraction(source_sha256=source_sha256, pages=0)
        for section in builder.finish():
            state.process(section, tail)
        yield stamp_table_confidence(stamp_labels(split_presentations(tail), labels), scanned)

    def extract(self, doc: Any, source_sha256: str) -> Extraction:
        """The whole document at once (for tests and evaluation)."""
        return merge_chunks(self.iter_document(doc, source_sha256), source_sha256)

    def layout_page(self, page: Any, running: RunningText, chunk: Extraction) -> PageLayout:
        layout = layout_page(page, running)
        scan = is_scan(layout)  # a scanned page's photos lie inside its one page-sized image
        if self.ocr and needs_ocr(page, layout.lines) and oversized_images(page):
            chunk.warnings.append(
                f"page {page.number + 1}: not OCR'd, it holds an image over the pixel limit"
            )
        elif self.ocr and needs_ocr(page, layout.lines):
            scan_lines = ocr_page(page, language=self.ocr_language)
            lines = tidy_ocr_lines(
                [ln for ln in scan_lines.lines if not running.is_running(ln, layout.height)],
                layout.height,
                running.body_size,
            )
            layout = layout.model_copy(
                update={
                    "lines": reading_order(lines, layout.width),
                    "tables": scan_lines.tables,
                    "ocr": True,
                    "images": [],
                    "label": layout.label or page_label(page, scan_lines.lines, layout.height),
                }
            )
            chunk.ocr_pages += 1
        if scan is not None and not oversized_images(page):
            layout.images = [i for i in layout.images if i.width * i.height < scan[0] * scan[1]]
            layout.images += scan_photos(page, scan, layout.lines)
            layout.lines = outside_photos(layout.lines, layout.images)
        return layout

    def pair_figures(
        self,
        layout: PageLayout,
        running: RunningText,
        state: SectionState,
        chunk: Extraction,
        *,
        mention: bool = True,
    ) -> None:
        """Pair photos with captions. A caption labels a photo, it is not an entry: by default its name
        is a mention, labelled by the book's own entry or a known diagnosis when it names one."""
        photos = []
        for image in layout.images:
            reason = skip_reason(image, layout.width, layout.height)
            if reason:
                chunk.images_skipped += 1
                log.debug("page %d: image skipped (%s)", layout.number, reason)
                if reason == "oversized":
                    chunk.warnings.append(
                        f"page {image.page}: image {image.width}x{image.height} "
                        f"({image.width * image.height / 1e6:.0f} megapixels) over the pixel limit, skipped"
                    )
                continue
            photos.append(image)
        if not photos:
            return
        used: set[int] = set()
        for match in pair_captions(photos, layout.lines, running.body_size):
            caption = match.caption
            if not caption:
                chunk.images_skipped += 1  # a photo without a caption cannot be labelled
                log.debug("page %d: photo skipped, no caption", layout.number)
                continue
            lines = match.caption_lines + match.credit_lines
            used.update(id(ln) for ln in lines)
            ev = make_evidence(state.source, match.caption_lines, caption, kind="caption")
            chunk.figures.append(
                FigureCandidate(
                    image=match.image,
                    caption=caption,
                    credit=match.credit,
                    diagnosis=caption_diagnosis(caption),
                    evidence=ev,
                    mention=mention,
                )
            )
        layout.lines = [ln for ln in layout.lines if id(ln) not in used]


class SectionState:
    """What waits for a condition's heading to close, and which photos were already seen."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.last_category: Section | None = None
        self.presentations = PresentationTables(source)
        self.pending: dict[
            str, tuple[list[RationaleCandidate], list[RelationCandidate], list[DiagnosisCandidate]]
        ] = {}

    def _bucket(
        self, title: str
    ) -> tuple[list[RationaleCandidate], list[RelationCandidate], list[DiagnosisCandidate]]:
        return self.pending.setdefault(title, ([], [], []))

    def process(self, section: Section, chunk: Extraction) -> None:
        parent = section.path[-1] if section.path else None
        if parent and (is_clinical_label(section.title) or DDX_TITLE.match(section.title)):
            names = heading_names(parent)[0]
            anchor = names[0] if names else None
            rationales, relations, dx = self._bucket(parent)
            rationales.extend(rationale_candidates(section, names, self.source))
            if anchor:
                if DDX_TITLE.match(section.title):
                    relations.extend(section_relations(section, anchor, self.source))
                sub_dx, sub_rel = subtypes(section, anchor, self.source)
                dx.extend(sub_dx)
                relations.extend(sub_rel)
            relations.extend(prose_relations(section, anchor, self.source))
            chunk.presentations.extend(cause_sentences(section, self.source, title=parent))
            described = bool(RATIONALE_TITLE.match(section.title))
            chunk.findings.extend(section_findings(section, anchor, self.source, implicit=described))
            relations.extend(note_relations(section, anchor, self.source))
            for table in section.tables:
                relations.extend(table_relations(table, parent, self.source, anchor))
                chunk.findings.extend(table_findings(table, table_members(table), self.source, parent))
            return
        rationales, relations, dx = self.pending.pop(section.title, ([], [], []))
        names: list[str] = []
        if is_diagnosis_section(section):
            candidates = diagnosis_candidates(section, self.source)
            names = [c.name for c in candidates]
            chunk.diagnoses.extend(candidates)
            chunk.diagnoses.extend(dx)
            chunk.rationales.extend(rationales)
            chunk.relations.extend(relations)
            chunk.relations.extend(heading_is_a(section, names, self.source, self.last_category))
            chunk.relations.extend(prose_relations(section, names[0] if names else None, self.source))
            anchor = names[0] if names else None
            chunk.findings.extend(section_findings(section, anchor, self.source, implicit=True))
            chunk.presentations.extend(cause_sentences(section, self.source))
            chunk.relations.extend(note_relations(section, names[0] if names else None, self.source))
        else:
            if category_name(section.title):
                self.last_category = section
            elif (
                section.title
                and not NOT_A_DIAGNOSIS.search(section.title)
                and not is_clinical_label(section.title)
            ):
                known = [
                    c.model_copy(update={"clinical": False})
                    for c in diagnosis_candidates(section, self.source)
                ]
                chunk.diagnoses.extend(known[:1] if len(known) == 1 else [])
            # Not a condition: keep only what stands on its own (tables, grouped lists, cue phrases).
            standalone = {"table", "prose:presentation", "prose:causes"}
            chunk.relations.extend(r for r in relations if r.rule in standalone)
            subject = _implicit_subject(section)
            chunk.findings.extend(
                section_findings(section, subject, self.source, implicit=subject is not None)
            )
            listed = prose_relations(section, subject, self.source, implicit=True)
            chunk.relations.extend(listed)
            chunk.presentations.extend(self.presentations.add(section, table_members))
            chunk.presentations.extend(cause_sentences(section, self.source))
        subject = names[0] if names else _implicit_subject(section)
        for table in section.tables:
            chunk.relations.extend(table_relations(table, section.title or None, self.source, subject))
            chunk.findings.extend(table_findings(table, table_members(table), self.source, section.title))
            for name in table_members(table):
                line_ev = make_evidence(self.source, _table_line(table), kind="ddx", context=section.title)
                chunk.diagnoses.append(DiagnosisCandidate(name=name, role="ddx", evidence=line_ev))


def _implicit_subject(section: Section) -> str | None:
    """The condition a heading without clinical sub-sections names ("IMPETIGO CONTAGIOSA", "Bowen's
    disease"): what 'it', 'the disease' and "From X, by ..." in its paragraphs refer to."""
    title = section.title
    if not title or not section.lines or NOT_A_DIAGNOSIS.search(title) or is_clinical_label(title):
        return None
    last = title.split()[-1].lower()
    # Latin names end in -is, -us, -ans, -ens ("migrans", "perstans", "repens"), not English plurals
    plural = last.endswith("s") and not last.endswith(("is", "us", "ss", "ies", "pes", "'s", "ans", "ens"))
    if plural or section.child_titles or PRESENTATION_WORDS.search(title):
        return None  # a class of conditions or a presentation ("Itchy eruption") is no subject
    names = heading_names(title)[0]
    return names[0] if len(names) == 1 else None


def _table_line(table: Any) -> list:
    from ingest.types import Line

    return [Line(page=table.page, text=" | ".join(table_members(table)), bbox=table.bbox, size=0)]


def stamp_labels(chunk: Extraction, labels: dict[int, str]) -> Extraction:
    """Evidence cites the printed page number next to the PDF page index."""
    for item in (
        *chunk.diagnoses,
        *chunk.relations,
        *chunk.rationales,
        *chunk.figures,
        *chunk.presentations,
        *chunk.findings,
    ):
        ev = item.evidence
        if ev.page_label is None and ev.page in labels:
            ev.page_label = labels[ev.page]
    return chunk


def merge_chunks(chunks: Any, source_sha256: str) -> Extraction:
    out = Extraction(source_sha256=source_sha256, pages=0)
    for c in chunks:
        out.pages += c.pages
        out.diagnoses.extend(c.diagnoses)
        out.relations.extend(c.relations)
        out.rationales.extend(c.rationales)
        out.figures.extend(c.figures)
        out.presentations.extend(c.presentations)
        out.findings.extend(c.findings)
        out.images_skipped += c.images_skipped
        out.ocr_pages += c.ocr_pages
    return out
