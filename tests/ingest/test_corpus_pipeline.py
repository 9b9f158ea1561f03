"""The old-prose book through the pipeline, on both store backends: printed page labels persist in the
evidence, historical names are proposed with a merge proposal (never renamed), pairs land as proposals."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import IngestPipeline
from ingest.synonyms import SynonymRow, historical_synonym, load_table
from kg.models import AssertionQuery, Diagnosis, Evidence
from kg.seed import init_store
from tests.ingest import corpus_texts as T
from tests.ingest.corpus_render import render_book


@pytest.fixture(scope="module")
def old_prose_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_book(tmp_path_factory.mktemp("old") / "old.pdf", T.OLD_PROSE, T.OLD_PROSE_STYLE)[0]


def test_labels_synonyms_and_pairs_persist(any_store, old_prose_pdf: Path, tmp_path: Path) -> None:
    init_store(any_store)
    any_store.upsert_diagnosis(Diagnosis(id="contact-dermatitis", name="Contact dermatitis"))
    (doc,) = IngestPipeline(any_store, data_dir=tmp_path).run([old_prose_pdf]).documents
    assert doc.status == "ingested", doc.error
    # the printed name is proposed as it is, and the table's row is offered for a curator to merge
    venenata = any_store.resolve_name("dermatitis venenata")
    assert venenata is not None and venenata.status == "proposed"
    assert doc.synonym_proposals["dermatitis venenata"]["current"] == "contact dermatitis"
    assert "DOID:2773" in doc.synonym_proposals["dermatitis venenata"]["source"]
    assert doc.suggestions["dermatitis venenata"][0] == "contact dermatitis"
    ddx = any_store.query_assertions(AssertionQuery(limit=None, kind="ddx")).items
    assert len(ddx) >= 18 and all(a.status == "proposed" for a in ddx)
    # the printed page number travels with the PDF page index, read back from the store
    labels = {(e.page, e.page_label) for a in ddx for e in a.evidence}
    assert labels and all(label == str(116 + page) for page, label in labels)


def test_evidence_page_label_is_optional_and_round_trips() -> None:
    ev = Evidence(source_sha256="s" * 64, page=3, page_label="xii", quote="q")
    assert Evidence.model_validate_json(ev.model_dump_json()).page_label == "xii"
    assert Evidence(source_sha256="s" * 64, quote="q").page_label is None


def test_every_synonym_row_cites_a_source() -> None:
    table = load_table()
    assert len(table) >= 15 and all(isinstance(r, SynonymRow) and r.source.strip() for r in table.values())
    assert historical_synonym("Seborrhœic eczema").current == "seborrhoeic dermatitis"  # ligature folded
    assert historical_synonym("psoriasis") is None


def test_a_bad_synonym_row_is_refused_with_its_index(tmp_path: Path) -> None:
    from dermkg.errors import InputError

    bad = tmp_path / "syn.yaml"
    bad.write_text("- {printed: a, current: b, source: c}\n- {printed: x, current: y}\n", "utf-8")
    with pytest.raises(InputError, match="synonym row 2"):
        load_table(bad)
