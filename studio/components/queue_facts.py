"""The curation queues' reads, cached until anything is curated: finding duplicates over a whole
vocabulary and counting progress over the audit log take seconds on a large graph (3,000
diagnoses: 4.2 s; 20,000 proposed assertions and 2,000 decisions: 2.5 s), a page render must not."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from kg.models import EventQuery
from kg.store.base import GraphStore
from studio.duplicates import DuplicateItem, pending_duplicates
from studio.presentations import Presentation, list_presentations
from studio.progress import ProgressReport, progress
from studio.proposed import ProposedItem, proposed_diagnoses


def token(store: GraphStore) -> tuple[str, int, int]:
    """Changes whenever anything is written (every write appends an event): revision, newest event."""
    newest = store.list_events(EventQuery(limit=1)).items
    return store.url, store.revision(), newest[0].seq if newest else 0


@st.cache_data(max_entries=4, show_spinner=False)
def _duplicates(_store: GraphStore, key: tuple[str, int, int]) -> list[DuplicateItem]:
    return pending_duplicates(_store)


@st.cache_data(max_entries=4, show_spinner=False)
def _presentations(_store: GraphStore, key: tuple[str, int, int]) -> list[Presentation]:
    return list_presentations(_store)


@st.cache_data(max_entries=4, show_spinner=False)
def _progress(_store: GraphStore, key: tuple[str, int, int], day: str) -> ProgressReport:
    return progress(_store)


@st.cache_data(max_entries=4, show_spinner=False)
def _proposed(_store: GraphStore, key: tuple[str, int, int]) -> list[ProposedItem]:
    return proposed_diagnoses(_store)


def proposed(store: GraphStore) -> list[ProposedItem]:
    """200 proposed names against 3,000 diagnoses: 1.4 s of fuzzy suggestions uncached."""
    return _proposed(store, token(store))


def duplicates(store: GraphStore) -> list[DuplicateItem]:
    return _duplicates(store, token(store))


def presentations(store: GraphStore) -> list[Presentation]:
    return _presentations(store, token(store))


def progress_report(store: GraphStore) -> ProgressReport:
    return _progress(store, token(store), datetime.now(UTC).date().isoformat())
