"""Shared inputs of the ingest tests: the real BAD handbook and a synthetic two-column text book."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pdf_loader import file_sha256, open_pdf
from ingest.rules_extractor import RulesExtractor
from ingest.types import Extraction
from tests.ingest.synthetic_book import build_textbook

GOLD = Path(__file__).with_name("gold") / "bad_handbook.yaml"


@pytest.fixture(scope="session")
def bad_pdf(shared_data: Path) -> Path:
    path = shared_data / "bad-handbook" / "bad-derm-handbook-3rd-ed.pdf"
    assert path.is_file(), f"BAD handbook missing at {path}"
    return path


@pytest.fixture(scope="session")
def bad_extraction(bad_pdf: Path) -> Extraction:
    with open_pdf(bad_pdf) as doc:
        return RulesExtractor().extract(doc, file_sha256(bad_pdf))


@pytest.fixture(scope="session")
def synthetic_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_textbook(tmp_path_factory.mktemp("books") / "textbook.pdf")


@pytest.fixture(scope="session")
def synthetic_extraction(synthetic_pdf: Path) -> Extraction:
    with open_pdf(synthetic_pdf) as doc:
        return RulesExtractor().extract(doc, file_sha256(synthetic_pdf))
