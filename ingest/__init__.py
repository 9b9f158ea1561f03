"""Textbook ingestion (issue 4): PDFs -> proposed diagnoses, is_a / DDx assertions, rationales, cases.

Example:
    >>> from ingest import IngestPipeline
    >>> with open_store() as store:  # doctest: +SKIP
    ...     IngestPipeline(store, data_dir=Path("data")).run([Path("book.pdf")]).totals()
"""

from ingest.pipeline import IngestPipeline
from ingest.rules_extractor import RulesExtractor
from ingest.types import DocumentSummary, Extraction, IngestSummary

__all__ = ["IngestPipeline", "RulesExtractor", "Extraction", "IngestSummary", "DocumentSummary"]
