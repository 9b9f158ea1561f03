"""What a book only *mentions* is told apart from what it presents: lists of causes and a presentation's
examples (flagged, lower score), photo captions (labelled by the book's entries, never by a sign), and
glosses or headings that merely describe. Checked on a small generated book in a wording unlike the BAD
handbook's, through the extractor and through the pipeline into a real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.evaluation import entry_names, mentioned_names, predicted_names
from ingest.pdf_loader import file_sha256, open_pdf
from ingest.pipeline import IngestPipeline
from ingest.rules_extractor import RulesExtractor
from ingest.signs import is_sign
from ingest.types import Extraction
from kg.models import Diagnosis
from kg.names import normalize
from kg.store.base import GraphStore
from tests.ingest.synthetic_book import _Cursor, render

BOOK: list[tuple[str, str]] = [
    ("chapter", "Chapter 7. Vesiculobullous Diseases"),
    ("section", "Documenting Examination Findings"),
    ("sub", "Morphology"),
    ("para", "Record the size, shape and contents of every blister, and test for the Nikolsky sign."),
    ("figure", "Fig. 1. Nikolsky sign."),
    ("section", "Approach to Blisters"),
    (
        "para",
        "The usual causes of blisters in children include bullous impetigo, friction, insect bites and "
        "thermal burns.",
    ),
    ("section", "Generalised Itching"),
    (
        "para",
        "Generalised itching can be due to skin disease (e.g. scabies, urticaria, dermatitis herpetiformis) "
        "or to systemic disease (e.g. iron deficiency, cholestasis).",
    ),
    ("section", "Dermatitis Herpetiformis"),
    ("sub", "Clinical Features"),
    ("para", "Intensely itchy grouped vesicles lie symmetrically on the elbows, knees and buttocks."),
    ("figure", "Fig. 2. Childhood dermatitis herpetiformis."),
    ("section", "Erythema Multiforme"),
    ("sub", "Aetiology"),
    ("para", "Recognised causes of erythema multiforme include herpes simplex and mycoplasma infection."),
    ("sub", "Clinical Features"),
    ("para", "Target lesions with a dusky centre appear acrally and spread centripetally."),
    ("figure", "Fig. 3. Pemphigus foliaceus."),
    ("section", "Ichthyosis Vulgaris (dry scaly skin)"),
    ("sub", "Clinical Features"),
    ("para", "Fine white scales cover the extensor limbs and spare the flexures."),
    ("section", "Tinea Pedis (Athlete's Foot)"),
    ("sub", "Clinical Features"),
    ("para", "Itchy maceration between the toes spreads to the sole."),
]
BOOK_ENTRIES = {"dermatitis herpetiformis", "erythema multiforme", "ichthyosis vulgaris", "tinea pedis"}


@pytest.fixture(scope="module")
def book_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import pymupdf

    path = tmp_path_factory.mktemp("mentions") / "bullous.pdf"
    doc = pymupdf.open()
    render(_Cursor(doc=doc), BOOK)
    doc.save(path)
    doc.close()
    return path


@pytest.fixture(scope="module")
def extraction(book_pdf: Path) -> Extraction:
    with open_pdf(book_pdf) as doc:
        return RulesExtractor().extract(doc, file_sha256(book_pdf))


def _ddx(ex: Extraction, rule: str) -> dict[tuple[str, str], bool]:
    return {
        tuple(sorted((normalize(r.subject), normalize(r.object)))): r.mention
        for r in ex.relations
        if r.kind == "ddx" and r.rule == rule
    }


def _keys(*names: str) -> set[str]:
    return {normalize(n) for n in names}


def _presentations(ex: Extraction) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for p in ex.presentations:
        out.setdefault(p.name, set()).update(normalize(m) for m in p.members)
    return out


def test_causes_of_a_presentation_are_a_presentation_not_ddx_pairs(extraction) -> None:
    assert _ddx(extraction, "prose:causes") == {}  # no member pairs (issue 14 point 3)
    members = _presentations(extraction)["blisters"]  # "in children" qualifies, it is no part of it
    assert members == _keys("bullous impetigo", "friction", "insect bites", "thermal burns")
    # proposed (so that the memberships can land), but apart from the book's entries
    assert _keys("friction", "thermal burns") <= mentioned_names(extraction)
    assert not _keys("friction", "thermal burns") & entry_names(extraction)


def test_causes_of_a_condition_are_its_aetiology_not_differentials(extraction) -> None:
    names = {normalize(n) for r in extraction.relations for n in (r.subject, r.object)}
    assert not _keys("mycoplasma infection", "herpes simplex") & names


def test_a_presentations_examples_are_its_members_and_mentions(extraction) -> None:
    assert _ddx(extraction, "presentation-list") == {}
    members = _presentations(extraction)["generalised itching"]
    assert members == _keys(
        "scabies", "urticaria", "dermatitis herpetiformis", "iron deficiency", "cholestasis"
    )
    assert normalize("scabies") in mentioned_names(extraction)
    assert normalize("dermatitis herpetiformis") in entry_names(extraction)  # it has its own entry too


def test_captions_are_labelled_by_the_books_entries_never_by_a_sign(extraction) -> None:
    figures = {f.caption: f for f in extraction.figures}
    assert set(figures) == {"Nikolsky sign", "Childhood dermatitis herpetiformis", "Pemphigus foliaceus"}
    assert all(f.mention for f in figures.values())
    proposed = predicted_names(extraction)
    assert normalize("Childhood dermatitis herpetiformis") not in proposed  # narrows to the entry
    assert normalize("Nikolsky sign") not in proposed  # a sign labels no photo
    assert normalize("Pemphigus foliaceus") in mentioned_names(extraction)  # shown, not described


def test_the_books_entries(extraction) -> None:
    # the four conditions, the chapter's class of disease (is_a parent) and a lay synonym
    assert entry_names(extraction) == _keys(
        "dermatitis herpetiformis",
        "erythema multiforme",
        "ichthyosis vulgaris",
        "tinea pedis",
        "Vesiculobullous Diseases",
        "Athlete's Foot",
    )


def test_a_gloss_that_describes_is_not_a_synonym(extraction) -> None:
    synonyms = {d.name: d.synonyms for d in extraction.diagnoses if d.role == "heading" and d.clinical}
    assert synonyms["Ichthyosis Vulgaris"] == []  # '(dry scaly skin)' says what it is
    assert synonyms["Tinea Pedis"] == ["Athlete's Foot"]  # a possessive lay name renames


def test_a_heading_about_examination_findings_is_not_a_diagnosis(extraction) -> None:
    assert not any("Findings" in d.name for d in extraction.diagnoses)


@pytest.mark.parametrize(
    "name, sign",
    [
        ("Nikolsky sign", True),
        ("Beau's lines", True),
        ("Darier's sign", True),
        ("Onychogryphosis", True),
        ("Facial telangiectasia", True),
        ("Hyperpigmentation of the flexures", True),
        ("Erythema multiforme", False),  # a sign word that is not the head
        ("Pitted keratolysis", False),
        ("Lichen striatus", False),
        ("Plaque psoriasis", False),
        ("Pyogenic granuloma", False),
        ("Mongolian spots", False),  # a birthmark, though its name sounds like a sign
    ],
)
def test_signs_and_morphology_are_told_from_diagnoses(name: str, sign: bool) -> None:
    assert is_sign(name) is sign


def test_pipeline_proposes_entries_labels_photos_and_reports_mentions_apart(
    sqlite_store: GraphStore, book_pdf: Path, tmp_path: Path
) -> None:
    for name in ["Bullous impetigo", "Insect bites", "Urticaria"]:
        sqlite_store.upsert_diagnosis(Diagnosis(id=normalize(name).replace(" ", "-"), name=name))
    (doc,) = IngestPipeline(sqlite_store, data_dir=tmp_path).run([book_pdf]).documents
    assert doc.status == "ingested", doc.error
    listed = _keys("friction", "thermal burns", "scabies", "iron deficiency", "cholestasis")
    listed |= _keys("Pemphigus foliaceus")
    assert {normalize(n) for n in doc.proposed_from_mentions} == listed
    proposed = {normalize(d.name) for d in sqlite_store.list_diagnoses(status="proposed")}
    assert proposed == listed | _keys(*BOOK_ENTRIES, "Vesiculobullous Diseases")
    assert doc.unlabelled_captions == ["Nikolsky sign"]
    dh = sqlite_store.resolve_name("dermatitis herpetiformis")
    pf = sqlite_store.resolve_name("Pemphigus foliaceus")
    cases = {c.caption: c.diagnosis for c in sqlite_store.list_cases()}
    assert cases == {"Childhood dermatitis herpetiformis": dh.id, "Pemphigus foliaceus": pf.id}
    bi, ib = sqlite_store.resolve_name("Bullous impetigo").id, sqlite_store.resolve_name("Insect bites").id
    assert sqlite_store.find_assertion("ddx", bi, ib) is None  # members of a presentation, not a DDx pair
    (blisters,) = [f for f in sqlite_store.list_findings(type="presentation") if f.name == "blisters"]
    assert blisters.status == "proposed" and blisters.origin == "rules"
    for member in (bi, ib):
        link = sqlite_store.find_assertion("finding", member, blisters.id)
        assert link is not None and link.relation == "possible" and link.status == "proposed"
        assert link.evidence[0].quote.startswith("The usual causes of blisters in children include")
