"""Paths of the real vocabularies the importer tests read (from the shared data folder)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def isic_paths(shared_data: Path) -> Path:
    return shared_data / "isic-taxonomy" / "diagnosis_paths.txt"


@pytest.fixture(scope="session")
def doid_obo(shared_data: Path) -> Path:
    return shared_data / "doid-skin" / "HumanDO_2015-03-20.obo"


@pytest.fixture(scope="session")
def skinr1_json(shared_data: Path) -> Path:
    return shared_data / "skinr1-vocabulary" / "synonym_and_subtype2.json"


@pytest.fixture(scope="session")
def derm7pt_dir(shared_data: Path) -> Path:
    return shared_data / "derm7pt-subset"
