"""``dermkg ingest PDF...`` (issue 4): a thin wrapper over :class:`ingest.pipeline.IngestPipeline`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from dermkg.cli_common import JsonOpt, StoreOpt, UserOpt, console, emit, handle_errors
from kg.cli_store import store_from

ExtractorOpt = Annotated[
    str,
    typer.Option("--extractor", "-e", help="rules (offline, deterministic) or llm (DERMKG_LLM_* endpoint)."),
]


def _human(summary: Any) -> None:
    from rich.table import Table

    table = Table(title="dermkg ingest")
    for col in (
        "file",
        "status",
        "pages",
        "dx matched",
        "dx proposed",
        "ddx",
        "is_a",
        "cases",
        "OCR",
        "error",
    ):
        table.add_column(col)
    for d in summary.documents:
        table.add_row(
            Path(d.path).name,
            d.status,
            str(d.pages),
            str(d.diagnoses_matched),
            str(d.diagnoses_proposed),
            str(d.assertions_proposed.get("ddx", 0)),
            str(d.assertions_proposed.get("is_a", 0)),
            str(d.cases),
            str(d.ocr_pages),
            d.error or "",
        )
    console.print(table)
    for d in summary.documents:
        for warning in d.warnings:
            console.print(f"warning: {Path(d.path).name}: {escape(warning)}", highlight=False, soft_wrap=True)


def _extractor(name: str) -> Any:
    from ingest.rules_extractor import RulesExtractor

    if name == "rules":
        return RulesExtractor()
    if name == "llm":
        from ingest.llm_extractor import LlmExtractor

        return LlmExtractor.from_settings()
    raise typer.BadParameter(f"unknown extractor {name!r}: use rules or llm", param_hint="--extractor")


@handle_errors
def ingest(
    pdfs: Annotated[list[Path], typer.Argument(help="Textbook PDF files.", show_default=False)],
    extractor: ExtractorOpt = "rules",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Extract and resolve, write nothing.")] = False,
    store: StoreOpt = None,
    user: UserOpt = "system",
    as_json: JsonOpt = False,
) -> None:
    """Parse textbook PDFs into proposed diagnoses, is_a / DDx / finding assertions (presentations and the
    findings the text states), rationales and figure cases.

    Every proposal carries evidence (source sha256, page, box, verbatim quote). A bad file is
    reported and the others go on; the exit code is 1 when any file failed.

    Example: dermkg ingest books/*.pdf --json
    """
    from tqdm import tqdm

    from dermkg.settings import path_settings
    from ingest.pipeline import IngestPipeline

    chosen = _extractor(extractor)
    quiet = as_json and not console.is_terminal
    with (
        store_from(store, create=not dry_run) as graph,
        tqdm(total=len(pdfs), desc="documents", unit="pdf", disable=quiet, leave=not as_json) as docs,
        tqdm(total=None, desc="pages", unit="page", disable=quiet, leave=not as_json) as pages,
    ):

        def on_document(path: Path, n: int) -> None:
            pages.reset(total=n)
            pages.set_description(f"pages of {path.name}")

        def on_page(done: int, total: int) -> None:
            pages.total, pages.n = total, done
            pages.refresh()
            if done == total:
                docs.update(1)

        pipeline = IngestPipeline(
            graph, data_dir=path_settings().data_dir, extractor=chosen, dry_run=dry_run, user=user
        )
        summary = pipeline.run(pdfs, on_document=on_document, on_page=on_page)
        docs.n = len(pdfs)  # files that failed to open never reach on_page
        docs.refresh()
    result = {**summary.model_dump(mode="json"), "totals": summary.totals(), "errors": summary.errors}
    emit(result, as_json, lambda _: _human(summary))
    if summary.errors:
        raise typer.Exit(1)
