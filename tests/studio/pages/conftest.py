"""Page fixtures: the studio's store with the curation-queue items added (duplicates, proposed
diagnoses, a presentation)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.store import make_store
from tests.studio.queues_graph import add_queue_items


@pytest.fixture
def queues_env(studio_env: dict[str, object], shared_data: Path) -> dict[str, object]:
    with make_store(str(studio_env["url"])) as store:
        studio_env["ids"].update(add_queue_items(store, shared_data))  # type: ignore[union-attr]
    return studio_env
