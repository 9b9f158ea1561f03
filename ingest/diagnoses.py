"""Which sections describe a diagnosis, their names, subtypes and the is_a the heading tree implies.

A heading followed by clinical sub-sections (Presentation, Clinical features, Management, ...) is a
diagnosis even when nobody knows the name yet (it is then *proposed*). A diagnosis section under a
heading that names a class of disease ("Skin cancer", "Blistering disorders", "Types of eczema")
gives a proposed is_a; so do the items of a "Types" / "Variants" sub-section and a list of bullet
items that each open with a subtype name ("Tinea pedis (athlete's foot) – ...").
"""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.labels import is_clinical_label
from ingest.mentions import clean_name, glosses, is_synonym_gloss, make_evidence, split_names
from ingest.ocr_words import denoise
from ingest.text_units import units
from ingest.types import DiagnosisCandidate, RelationCandidate, Section

CATEGORY = re.compile(
    r"\b(cancers?|carcinomas?|tumou?rs?|neoplasms?|disorders?|diseases?|conditions?|infections?|"
    r"infestations?|dermatitis|dermatoses|dermatosis|eczemas?|eruptions|naevi|nevi|syndromes|lymphomas?|"
    r"genodermatoses|vasculitides|alopecias|keratoses|ulcers|lesions|growths|reactions)\b",
    re.IGNORECASE,
)
NOT_A_DIAGNOSIS = re.compile(
    r"\b(learning|outcomes?|objectives?|skills?|therapeutics|introduction|preface|contents|references?|"
    r"acknowledg\w*|foreword|index|appendix|glossary|principles|structure|functions?|knowledge|problems?|"
    r"emergenc\w*|approach|chapter|summary|key points|questions|answers|further reading|terminology|"
    r"treatments?|therapy|therapies|drugs?|medications?|prescribing|education|communicat\w*|preventing|"
    r"prevention|how to|writing|taking|measuring|patient|dermatology|examining|healing|background|anatomy|"
    r"physiology|epidermis|dermis|appendages|examination|findings|"
    r"(?:case|card|question|vignette|scenario|station)\s+\d+)\b",
    re.IGNORECASE,
)
TYPES_TITLE = re.compile(
    r"^(types|subtypes|variants|varieties|clinical (types|variants|varieties|forms)|forms|classification)\b",
    re.I,
)
_DASH_HEAD = re.compile(r"^(?P<name>[A-Z][^–\-:()]{2,60}?)\s*(?P<gloss>\([^)]*\))?\s*(?:[–—:]|\s-\s)\s*\S")
_IS_HEAD = re.compile(r"^(?P<name>[A-Z][\w' -]{2,60}?)\s+(?:is|are)\s+(?:the|a|an)\b")
_INCLUDE = re.compile(r"\b(?:include|includes|including|are|such as)\s*:?\s+(?P<list>.+)$", re.IGNORECASE)


def clinical_children(section: Section) -> int:
    return sum(1 for t in section.child_titles if is_clinical_label(t))


def is_diagnosis_section(section: Section) -> bool:
    """A heading with clinical sub-sections that is not itself a clinical label or a book part."""
    title = section.title
    if not title or is_clinical_label(title) or NOT_A_DIAGNOSIS.search(title) or len(title.split()) > 12:
        return False
    return clinical_children(section) >= 1


def heading_names(title: str) -> tuple[list[str], list[str]]:
    """Names and synonyms of a heading: 'Eczema herpeticum (Kaposi's varicelliform eruption)' ->
    (['Eczema herpeticum'], ["Kaposi's varicelliform eruption"])."""
    names, synonyms = _heading_names(title)
    return list(names), list(synonyms)


@lru_cache(maxsize=4096)
def _heading_names(title: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    # cached: a heading is read again for every sentence of its section (stem_cues.section_subject)
    bare, found = glosses(denoise(title))  # a scanned book's heading: "PSORIASLS", "Seborrhcea"
    synonyms = [g for g in found if is_synonym_gloss(g)]
    names = split_names(bare) if re.search(r",|\band\b|/", bare) else [n for n in [clean_name(bare)] if n]
    return tuple(names), tuple(synonyms)


def diagnosis_candidates(section: Section, source: str) -> list[DiagnosisCandidate]:
    names, synonyms = heading_names(section.title)
    heading_line = [ln for ln in section.lines[:1]]
    ev = make_evidence(source, heading_line or _pseudo(section), section.title, kind="definition")
    ev = ev.model_copy(update={"bbox": section.bbox, "page": section.page})
    return [
        DiagnosisCandidate(
            name=name,
            synonyms=synonyms if len(names) == 1 else [],
            role="heading",
            clinical=True,
            evidence=ev,
        )
        for name in names
    ]


def _pseudo(section: Section) -> list:
    from ingest.types import Line

    return [Line(page=section.page, text=section.title, bbox=section.bbox, size=0)]


def category_name(title: str) -> str | None:
    """'Skin Cancer' -> 'Skin Cancer'; 'Types of eczema' -> 'eczema'; 'Emergency Dermatology' -> None."""
    m = re.match(r"^(?:types|forms|kinds|varieties) of (.+)$", title.strip(), re.IGNORECASE)
    if m:
        return clean_name(m.group(1))
    if not title or NOT_A_DIAGNOSIS.search(title) or is_clinical_label(title):
        return None
    if not CATEGORY.search(title):
        return None
    return clean_name(glosses(title)[0].split("/")[0])


def heading_is_a(
    section: Section, names: list[str], source: str, preceding: Section | None = None
) -> list[RelationCandidate]:
    """is_a from the nearest enclosing heading that names a class of disease.

    ``preceding`` is the last class heading closed before this one under the same parent: a class
    heading set smaller than the conditions after it ("Pigmentary disorders" in 10 pt above
    "Vitiligo" in 11 pt) is closed by them, yet still governs them.
    """
    titles = list(section.path)
    before = preceding is not None and (preceding.page, preceding.bbox[1]) < (section.page, section.bbox[1])
    if before and preceding.path[: len(section.path)] == section.path and section.page - preceding.page <= 2:
        titles.append(preceding.title)
    for title in reversed(titles):
        parent = category_name(title)
        if parent is None:
            continue
        ev = make_evidence(source, _pseudo(section), f"{title} > {section.title}", kind="taxonomy")
        return [
            RelationCandidate(
                kind="is_a", subject=n, object=parent, rule="heading-tree", score=0.4, evidence=ev
            )
            for n in names
            if n.lower() != parent.lower()
        ]
    return []


def _head_noun(name: str) -> str:
    return name.split()[-1]


def subtype_items(section: Section) -> list[tuple[str, list]]:
    """(name, lines) of subtype items in a Types sub-section or a list of bullet heads."""
    items: list[tuple[str, list]] = []
    typed = bool(TYPES_TITLE.match(section.title))
    heads: list[tuple[str, list]] = []
    for unit in units(section.lines):
        text = unit.text
        m = _DASH_HEAD.match(text) if unit.bullet else None
        if m and clean_name(m.group("name")):
            for name in _expand_slash(m.group("name")):
                heads.append((name, unit.lines))
            continue
        if not typed:
            continue
        m2 = _IS_HEAD.match(text)
        if m2 and clean_name(m2.group("name")):
            items.append((clean_name(m2.group("name")) or "", unit.lines))
        m3 = _INCLUDE.search(text)
        if m3:
            items.extend((n, unit.lines) for n in split_names(m3.group("list")))
    if typed or len(heads) >= 3 and _share_word([h for h, _ in heads]):
        items.extend(heads)
    return items


def _expand_slash(name: str) -> list[str]:
    """'Pityriasis/Tinea versicolor' -> ['Pityriasis versicolor', 'Tinea versicolor']."""
    name = " ".join(glosses(name)[0].split())
    m = re.match(r"^(\w+)\s*/\s*(\w+)(\s+.+)$", name)
    if m:
        return [m.group(1) + m.group(3), m.group(2) + m.group(3)]
    return [n for n in (clean_name(p) for p in name.split("/")) if n]


def _share_word(names: list[str]) -> bool:
    firsts = [n.split()[0].lower() for n in names if n.split()]
    lasts = [n.split()[-1].lower() for n in names if n.split()]
    most = max(max(firsts.count(w) for w in firsts), max(lasts.count(w) for w in lasts))
    return most >= 3 and not any(w in {"lesions", "therapies", "therapy", "measures"} for w in lasts)


def subtypes(
    section: Section, parent: str, source: str
) -> tuple[list[DiagnosisCandidate], list[RelationCandidate]]:
    """Subtype diagnoses of ``parent`` found in ``section`` and their is_a relations."""
    dx: list[DiagnosisCandidate] = []
    rel: list[RelationCandidate] = []
    head = _head_noun(parent).lower()
    for name, lines in subtype_items(section):
        if len(name.split()) == 1 and name.lower() != head and name[0].islower():
            name = f"{name} {_head_noun(parent).lower()}"  # 'guttate' under Psoriasis -> 'guttate Psoriasis'
        if name.lower() == parent.lower():
            continue
        ev = make_evidence(source, lines, kind="taxonomy", context=f"{parent} > {section.title}")
        dx.append(DiagnosisCandidate(name=name, role="subtype", clinical=True, evidence=ev))
        rel.append(
            RelationCandidate(
                kind="is_a", subject=name, object=parent, rule="subtype-list", score=0.6, evidence=ev
            )
        )
    return dx, rel
