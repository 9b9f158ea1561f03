"""The rationale r of a textbook figure case, and what the grounded comparator may read in it."""

from __future__ import annotations

import hashlib

from kg.models import Case, Diagnosis, Evidence
from synth.case_rationale import MAX_CHARS, book_rationale, caption_adds
from synth.snapshot import SynthGraph

BOOK, OTHER_BOOK = "a" * 64, "b" * 64


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _evidence(quote: str, kind: str = "rationale", page: int = 54, source: str = BOOK) -> Evidence:
    key = _digest(f"{quote}|{kind}|{source}")
    return Evidence(id=f"e-{key}", source_sha256=source, page=page, quote=quote, kind=kind)  # type: ignore[arg-type]


def _bp(*rules: Evidence) -> Diagnosis:
    return Diagnosis(
        id="bullous-pemphigoid", name="Bullous pemphigoid", synonyms=["BP"], evidence=list(rules)
    )


def _figure(caption: str, diagnosis: str = "bullous-pemphigoid", **changes: object) -> Case:
    case = Case(
        id=f"c-{_digest(caption)}",
        diagnosis=diagnosis,
        image_sha256="f" * 64,
        image_path="/img.png",
        rationale=caption,
        caption=caption,
        evidence=[_evidence(caption, kind="caption")],
        origin="rules",
        status="accepted",
        source=BOOK,
    )
    return case.model_copy(update=changes)


BLISTERS = _evidence("Tense, fluid-filled blisters on an erythematous base")
ITCHY = _evidence("Lesions are often itchy", page=55)


def test_a_caption_adds_only_what_is_more_than_the_diagnosis_name() -> None:
    bp = _bp()
    assert not caption_adds("Bullous pemphigoid", bp)
    assert not caption_adds("bullous  pemphigoid.", bp)
    assert not caption_adds("BP", bp)  # a synonym is still just the label
    assert caption_adds("Bullous pemphigoid on the shins", bp)


def test_a_bare_label_takes_the_books_description_with_its_evidence() -> None:
    text, used = book_rationale(_figure("Bullous pemphigoid"), _bp(ITCHY, BLISTERS))  # type: ignore[misc]
    assert text == "Tense, fluid-filled blisters on an erythematous base. Lesions are often itchy."
    assert used == [BLISTERS, ITCHY]  # in page order


def test_a_descriptive_caption_comes_first() -> None:
    text, used = book_rationale(_figure("Bullous pemphigoid on the shins"), _bp(BLISTERS))  # type: ignore[misc]
    assert text.startswith("Bullous pemphigoid on the shins. Tense, fluid-filled blisters")
    assert used == [BLISTERS]


def test_a_bare_label_without_any_description_gives_no_rationale() -> None:
    assert book_rationale(_figure("Bullous pemphigoid"), _bp()) == ("", [])
    # a description from another book does not describe this book's figure
    other = _evidence("Large tense bullae", source=OTHER_BOOK)
    assert book_rationale(_figure("Bullous pemphigoid"), _bp(other)) == ("", [])
    text, used = book_rationale(_figure("Bullous pemphigoid (shins)"), _bp(other))  # type: ignore[misc]
    assert text == "Bullous pemphigoid (shins)." and used == []


def test_dataset_cases_and_curated_rationales_are_kept_as_they_are() -> None:
    dataset = _figure("x", evidence=[_evidence("row 12", kind="rationale")], source="derm7pt")
    assert book_rationale(dataset, _bp(BLISTERS)) is None
    curated = _figure("Bullous pemphigoid", rationale="Tense bullae on the flexures of an old man")
    assert book_rationale(curated, _bp(BLISTERS)) is None


def test_the_description_is_bounded_and_deduplicated() -> None:
    many = [_evidence(f"Sentence number {i} " + "about blisters " * 10, page=i) for i in range(30)]
    text, used = book_rationale(_figure("Bullous pemphigoid"), _bp(*many, many[0]))  # type: ignore[misc]
    assert len(text) <= MAX_CHARS and 1 < len(used) < 30
    assert len({e.id for e in used}) == len(used)


def test_the_snapshot_uses_it_and_cites_every_sentence() -> None:
    rules = [BLISTERS, ITCHY]
    labelled = _figure("Bullous pemphigoid")
    silent = _figure("Urticaria", diagnosis="urticaria")
    graph = SynthGraph.from_parts(
        revision=1,
        diagnoses=[_bp(*rules), Diagnosis(id="urticaria", name="Urticaria")],
        assertions=[],
        cases=[labelled, silent],
    )
    (ref,) = graph.cases["bullous-pemphigoid"]
    assert "Tense, fluid-filled blisters" in ref.rationale
    assert set(ref.evidence_ids) == {labelled.evidence[0].id, BLISTERS.id, ITCHY.id}
    assert graph.skipped_cases == [silent.id] and "urticaria" not in graph.cases


def test_proposed_cases_only_with_include_proposed_and_excluded_never() -> None:
    cases = [
        _figure("Bullous pemphigoid on the shins", status=status, id=f"c-{status}")
        for status in ("accepted", "proposed", "excluded")
    ]

    def ids(include: bool) -> set[str]:
        graph = SynthGraph.from_parts(
            revision=1, diagnoses=[_bp()], assertions=[], cases=cases, include_proposed=include
        )
        return {c.id for cs in graph.cases.values() for c in cs}

    assert ids(False) == {"c-accepted"}
    assert ids(True) == {"c-accepted", "c-proposed"}


def test_only_the_caption_is_an_observation_never_the_books_description_or_the_name() -> None:
    """The book's description of a diagnosis (e.g. the ABCDE checklist) describes the disease, not
    this figure; a diagnosis name ("Bullous pemphigoid") is not a feature either."""
    bare = _figure("Bullous pemphigoid", id="c-bare")
    shown = _figure("Bullous pemphigoid on the shins, with crusts", id="c-shown")
    graph = SynthGraph.from_parts(
        revision=1, diagnoses=[_bp(BLISTERS, ITCHY)], assertions=[], cases=[bare, shown]
    )
    refs = {c.id: c for c in graph.cases["bullous-pemphigoid"]}
    assert "blisters" in refs["c-bare"].rationale.lower()  # r still cites the book (provenance) ...
    assert refs["c-bare"].observed == []  # ... but nothing of it is this image's observation
    names = {graph.knowledge.findings[f].name for f in refs["c-shown"].observed}
    assert names == {"crust", "shin"} or names == {"crust", "lower limb"}, names
    assert not any(n.startswith(("vesicle", "bulla", "itch")) for n in names)
