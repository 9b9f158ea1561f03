"""``dermkg kg …`` and ``dermkg init``: import, inspect, lint and export the knowledge graph.

Each command is a thin wrapper over one library call; ``--json`` prints machine-readable output and
``--store URL`` overrides ``DERMKG_STORE``.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from dermkg.cli_common import JsonOpt, StoreOpt, UserOpt, console, emit, handle_errors
from dermkg.errors import NotFoundError
from kg.cli_store import store_from
from kg.models import Diagnosis
from kg.store.base import GraphStore

app = typer.Typer(help="Knowledge graph: import, inspect, lint, export.", no_args_is_help=True)

ImportFormat = Literal["isic", "obo", "skinr1", "csv", "json", "graph-json"]
CaseFormat = Literal["derm7pt", "csv"]
ExportFormatOpt = Literal["json", "graphml", "csv"]


def lookup_diagnosis(store: GraphStore, name: str) -> Diagnosis:
    """A diagnosis by id (or merged id) or by exact name / synonym; unknown names list suggestions."""
    found = store.get_diagnosis(name) or store.resolve_name(name)
    if found is not None:
        return found
    hints = ", ".join(f"{m.diagnosis.name!r} ({m.score:.0f})" for m in store.suggest_names(name, limit=3))
    raise NotFoundError(f"unknown diagnosis {name!r}" + (f"; did you mean {hints}?" if hints else ""))


@handle_errors
def init(store: StoreOpt = None, user: UserOpt = "system", as_json: JsonOpt = False) -> None:
    """Create the store and load the bundled seed vocabulary (idempotent).

    Example: dermkg init --json
    """
    from kg.seed import init_store

    with store_from(store, create=True) as s:
        emit(init_store(s, user=user), as_json)


@app.command("import")
@handle_errors
def import_(
    path: Annotated[Path, typer.Argument(help="Vocabulary file, or a graph export (graph-json).")],
    fmt: Annotated[ImportFormat, typer.Option("--format", "-f", help="File format.")],
    root: Annotated[str | None, typer.Option(help="OBO only: import this term's subtree (DOID:37).")] = None,
    proposed: Annotated[bool, typer.Option("--proposed", help="Import assertions as proposed.")] = False,
    user: UserOpt = "system",
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import a vocabulary (one transaction) or restore a graph export into an empty store.

    Example: dermkg kg import --format obo ../shared/data/doid-skin/HumanDO.obo --root DOID:37
    """
    with store_from(store, create=True) as s:
        if fmt == "graph-json":
            from kg.export import restore_graph_json

            emit(restore_graph_json(s, path), as_json)
            return
        from kg.importers import run_import

        emit(run_import(s, fmt, path, root=root, as_proposed=proposed, user=user), as_json)


@app.command("import-cases")
@handle_errors
def import_cases(
    path: Annotated[Path, typer.Argument(help="Dataset folder or CSV of labelled images.")],
    fmt: Annotated[CaseFormat, typer.Option("--format", "-f", help="Dataset layout.")],
    user: UserOpt = "system",
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import labelled images as cases of their diagnoses.

    Example: dermkg kg import-cases --format derm7pt ../shared/data/derm7pt-subset
    """
    from kg.importers.cases import import_cases as run

    with store_from(store, create=True) as s:
        emit(run(s, fmt, path, user=user), as_json)


@app.command("propose-findings")
@handle_errors
def propose_findings_(
    from_cases: Annotated[
        bool, typer.Option("--from-cases", help="Statistics over labelled cases (the only source so far).")
    ] = True,
    dataset: Annotated[
        list[str] | None,
        typer.Option("--dataset", "-d", help="NAME=PATH of a dataset with findings (derm7pt=…); repeatable."),
    ] = None,
    user: UserOpt = "system",
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Propose diagnosis-level findings (typical / against) that pass an enrichment test over
    labelled cases; every proposal waits for a curator (dermkg review list --kind finding).

    Without --dataset the accepted Derm7pt cases in the store are used (only those with images);
    with it every meta row with findings counts. Re-running adds nothing new.

    Example: dermkg kg propose-findings --from-cases --dataset derm7pt=../shared/data/derm7pt-subset --json
    """
    from dermkg.errors import InputError
    from kg.propose_findings import propose_findings

    if not from_cases:
        raise InputError("only --from-cases is supported: textbook findings come from ingestion")
    pairs: list[tuple[str, Path]] = []
    for item in dataset or []:
        name, sep, path = item.partition("=")
        if not sep:
            name, path = "derm7pt", item
        pairs.append((name.strip().lower(), Path(path)))
    with store_from(store) as s:
        emit(propose_findings(s, pairs, user=user), as_json, _print_proposals)


def _print_proposals(report: Any) -> None:
    console.print(f"rows used: {report.datasets}; tests: {report.tests}; threshold: {report.threshold}")
    for p in report.proposed:
        console.print(
            f"{p.id}  {p.status:9} {p.relation:8} {p.diagnosis} -> {p.finding}  "
            f"{p.support}/{p.cases} ({p.rate:.0%} vs {p.others_rate:.0%}, p={p.p_value:.2g})"
        )
    console.print(
        f"{len(report.proposed)} pass the threshold, {report.created} new (revision {report.revision})"
    )


@app.command()
@handle_errors
def migrate(
    src: Annotated[str, typer.Option("--from", help="Source store URL.")],
    dst: Annotated[str, typer.Option("--to", help="Target store URL (must be empty).")],
    as_json: JsonOpt = False,
) -> None:
    """Copy a whole graph between stores (e.g. sqlite to neo4j).

    Example: dermkg kg migrate --from sqlite:///data/dermkg.db --to neo4j://neo4j@localhost:7687
    """
    from kg.migrate import migrate as run

    emit(run(src, dst), as_json)


@app.command()
@handle_errors
def stats(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Counts of diagnoses, assertions per kind and status, cases, and the revision.

    Example: dermkg kg stats --json
    """
    from kg.stats import graph_stats

    with store_from(store) as s:
        emit(graph_stats(s), as_json)


@app.command()
@handle_errors
def resolve(
    name: Annotated[str, typer.Argument(help="A diagnosis name, synonym or id.")],
    limit: Annotated[int, typer.Option(help="Number of suggestions.")] = 5,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Exact resolution of a name plus fuzzy suggestions (suggestions are never applied).

    Example: dermkg kg resolve "seborrhoeic keratoses"
    """
    with store_from(store) as s:
        exact = s.get_diagnosis(name) or s.resolve_name(name)
        emit({"query": name, "match": exact, "suggestions": s.suggest_names(name, limit=limit)}, as_json)


def _node(view: Any, d: str) -> dict[str, Any]:
    return {"id": d, "name": view.nodes[d].name, "cases": view.cases(d)}


@app.command()
@handle_errors
def path(
    name: Annotated[str, typer.Argument(help="A diagnosis name, synonym or id.")],
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The taxonomy path root -> diagnosis, with depth, children, siblings and malignancy.

    Example: dermkg kg path "superficial spreading melanoma"
    """
    from kg import algorithms as alg

    with store_from(store) as s:
        d = lookup_diagnosis(s, name)
        view = s.graph_view()
        result = {
            "diagnosis": _node(view, view.resolve(d.id)),
            "path": [_node(view, x) for x in alg.path(view, d.id)],
            "depth": alg.depth(view, d.id),
            "all_paths": alg.paths(view, d.id),
            "children": alg.children(view, d.id),
            "siblings": alg.siblings(view, d.id),
            "malignancy": alg.malignancy(view, d.id),
            "revision": view.revision,
        }

        def human(r: dict[str, Any]) -> None:
            typer.echo(" > ".join(n["name"] for n in r["path"]))
            m = r["malignancy"]
            origin = f" (from {m.inherited_from})" if m.inherited_from else ""
            typer.echo(f"depth {r['depth']} · malignancy {m.value or 'unknown'} [{m.source}{origin}]")

        emit(result, as_json, human)


@app.command()
@handle_errors
def ddx(
    name: Annotated[str, typer.Argument(help="A diagnosis name, synonym or id.")],
    resolve_neighbor: Annotated[
        bool, typer.Option("--resolve", help="Run ResolveDDXNeighbor (Algorithm 4) instead of listing.")
    ] = False,
    include_proposed: Annotated[bool, typer.Option(help="Count proposed assertions too.")] = False,
    seed: Annotated[int | None, typer.Option(help="Seed a random pick among equals.")] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """DDx neighbours of a diagnosis (symmetric), or the resolved DDx neighbour with cases.

    Example: dermkg kg ddx melanoma --resolve --json
    """
    from kg import algorithms as alg

    with store_from(store) as s:
        d = lookup_diagnosis(s, name)
        view = s.graph_view(include_proposed=include_proposed)
        if resolve_neighbor:
            rng = random.Random(seed) if seed is not None else None
            emit(alg.resolve_ddx_neighbor(view, d.id, rng=rng, include_proposed=include_proposed), as_json)
            return
        result = {
            "diagnosis": _node(view, view.resolve(d.id)),
            "neighbours": [_node(view, n) for n in alg.ddx_neighbours(view, d.id)],
            "revision": view.revision,
        }
        emit(
            result,
            as_json,
            lambda r: [typer.echo(f"{n['name']}  ({n['id']}, {n['cases']} cases)") for n in r["neighbours"]],
        )


@app.command()
@handle_errors
def lint(
    fail_on: Annotated[
        Literal["never", "error", "warning"], typer.Option(help="Exit 1 when issues of this severity exist.")
    ] = "never",
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Cycles, orphans, malignancy conflicts, name collisions, DDx between ancestor and descendant,
    machine assertions without evidence.

    Example: dermkg kg lint --json --fail-on error
    """
    from kg.lint import lint_store

    with store_from(store) as s:
        report = lint_store(s)

    def human(r: Any) -> None:
        for i in r.issues:
            typer.echo(f"{i.severity:7} {i.code:20} {i.message}")
        typer.echo(f"{r.counts} at revision {r.revision}")

    emit(report, as_json, human)
    failing = {"never": [], "error": ["error"], "warning": ["error", "warning"]}[fail_on]
    if any(report.counts.get(sev, 0) for sev in failing):
        raise typer.Exit(1)


@app.command()
@handle_errors
def conflicts(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Conflicts between books: one diagnosis filed under two unrelated classes (at least one side
    still proposed; settled by rejecting one side or accepting both), and a proposed finding whose
    books state different relations (settled by accepting it, its relation edited if need be, or
    rejecting it). Each JSON item has ``kind`` "is_a" or "finding".

    Example: dermkg kg conflicts --json
    """
    from kg.conflicts import finding_conflicts, taxonomy_conflicts

    with store_from(store) as s:
        found: list[Any] = [*taxonomy_conflicts(s), *finding_conflicts(s)]

    def human(items: Any) -> None:
        for c in found:
            if c.kind == "finding":
                said = "; ".join(f"{rel} ({', '.join(books)})" for rel, books in c.stated.items())
                typer.echo(
                    f"{c.subject}: finding {c.assertion.object} is {c.assertion.relation}; books say {said}"
                )
                continue
            typer.echo(
                f"{c.subject}: is_a {c.first.object} ({c.first.status}, {c.first_source_title})"
                f" vs is_a {c.second.object} ({c.second.status}, {c.second_source_title})"
            )
        typer.echo(f"{len(found)} conflicts")

    emit([c.model_dump(mode="json") for c in found], as_json, human)


@app.command()
@handle_errors
def export(
    out: Annotated[Path, typer.Argument(help="Output file (a folder or prefix.csv for csv).")],
    fmt: Annotated[ExportFormatOpt, typer.Option("--format", "-f", help="Output format.")] = "json",
    names: Annotated[
        bool, typer.Option("--names", help="Diagnosis names instead of ids (no round trip).")
    ] = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Canonical, sorted export; ``--format json`` round-trips through ``kg import --format graph-json``.

    Example: dermkg kg export --format json graph.json
    """
    from kg.export import export_store, write_export

    with store_from(store) as s:
        export_ = export_store(s)
    files = write_export(export_, out, fmt=fmt, names=names)
    console.print(f"wrote {', '.join(map(str, files))} (revision {export_.revision})")
    emit({"files": [str(f) for f in files], "revision": export_.revision}, as_json)


@app.command()
@handle_errors
def duplicates(
    apply: Annotated[
        str | None, typer.Option("--apply", help="Merge this proposal id (revertible: `review revert`).")
    ] = None,
    swap: Annotated[bool, typer.Option(help="With --apply: keep the other diagnosis.")] = False,
    show_dismissed: Annotated[
        bool, typer.Option(help="Also list pairs a curator dismissed as not duplicates.")
    ] = False,
    user: UserOpt = "system",
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Propose merges of diagnoses that name one entity (shared or inverted names, spelling and
    plural variants, a generic word more, a distinctive shared word); --apply merges one. Pairs a
    curator dismissed as not duplicates (studio or a comment) are left out unless --show-dismissed.

    Example: dermkg kg duplicates --json ; dermkg kg duplicates --apply dup-0123abcd4567 -u ann
    """
    from kg.duplicates import apply_proposal, find_duplicates

    with store_from(store) as s:
        if apply is not None:
            merged = apply_proposal(s, apply, user=user, swap=swap)
            emit(merged, as_json, lambda m: typer.echo(f"merged into {m.id}: {m.name} (aliases {m.aliases})"))
            return
        report = find_duplicates(s, include_dismissed=show_dismissed)

    def human(r: Any) -> None:
        for p in r.proposals:
            flags = (" [is_a related]" if p.related else "") + (
                f" [classes differ: {p.malignancy}]" if len(set(p.malignancy) - {None}) > 1 else ""
            )
            typer.echo(f"{p.id}  {p.rule:17} keep {p.names[0]!r} <- {p.names[1]!r}{flags}")
        hidden = f"; {r.dismissed} dismissed (--show-dismissed)" if r.dismissed else ""
        typer.echo(f"{len(r.proposals)} proposals {r.by_rule} at revision {r.revision}{hidden}")

    emit(report, as_json, human)
