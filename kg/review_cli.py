"""``dermkg review …``: scriptable curation — list, accept, reject, merge, add, finding, history, revert.

Every decision is recorded as a CurationEvent with ``--user``. A decision carries the version read
just before it (so two concurrent commands never both win), and never silently overturns another
curator's final decision: that needs ``--expected-version`` (the version the curator saw). A conflict
is one ``error:`` line naming who changed the item, how and when (exit 2, nothing written).
"""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from dermkg.cli_common import JsonOpt, StoreOpt, UserOpt, emit, handle_errors
from dermkg.errors import ConflictError, InputError, NotFoundError
from kg.cli import lookup_diagnosis
from kg.cli_store import store_from
from kg.models import Assertion, AssertionQuery, EventQuery
from kg.store.base import GraphStore

app = typer.Typer(
    help="Curate assertions from scripts: list, accept, reject, merge, add.", no_args_is_help=True
)

Kind = Literal["is_a", "ddx", "finding"]
Relation = Literal["typical", "possible", "against"]
Status = Literal["proposed", "accepted", "rejected", "superseded", "any"]
Origin = Literal["import", "rules", "llm", "stats", "human"]
IdsArg = Annotated[list[str], typer.Argument(help="Assertion ids.")]
ReasonOpt = Annotated[str | None, typer.Option("--reason", "-r", help="Why (required to reject).")]
VersionOpt = Annotated[
    int | None,
    typer.Option(
        "--expected-version",
        help="Fail unless the item is at this version. Default: the version read just before deciding; "
        "another curator's final decision is never overturned without it.",
    ),
]
VotesOpt = Annotated[
    int, typer.Option("--votes", help="Independent votes needed before a decision is final.")
]


def _print_assertions(page: object) -> None:
    for a in page.items:  # type: ignore[attr-defined]
        score = "" if a.score is None else f" {a.score:.2f}"
        rel = f" ({a.relation})" if getattr(a, "relation", None) else ""
        typer.echo(f"{a.id}  {a.status:10} {a.kind:4} {a.subject} -> {a.object}{rel}  [{a.origin}{score}]")
    typer.echo(f"{len(page.items)} of {page.total}")  # type: ignore[attr-defined]


@app.command("list")
@handle_errors
def list_(
    kind: Annotated[Kind | None, typer.Option(help="is_a, ddx or finding.")] = None,
    status: Annotated[Status, typer.Option(help="Review state, or any.")] = "proposed",
    origin: Annotated[Origin | None, typer.Option(help="Who made it.")] = None,
    diagnosis: Annotated[str | None, typer.Option(help="Name or id at either end.")] = None,
    source: Annotated[str | None, typer.Option(help="Has evidence from this source sha256.")] = None,
    min_score: Annotated[float | None, typer.Option(help="Lowest score.")] = None,
    offset: Annotated[int, typer.Option(help="Skip this many.")] = 0,
    limit: Annotated[int, typer.Option(help="Page size.")] = 50,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List assertions (default: proposed ones), oldest first.

    Example: dermkg review list --kind ddx --status proposed --json
    """
    with store_from(store) as s:
        did = lookup_diagnosis(s, diagnosis).id if diagnosis else None
        query = AssertionQuery(
            kind=kind,
            status=None if status == "any" else status,
            origin=origin,
            diagnosis=did,
            source_sha256=source,
            min_score=min_score,
            offset=offset,
            limit=limit,
        )
        emit(s.query_assertions(query), as_json, _print_assertions)


_FINAL = {"accepted": "accept", "rejected": "reject", "superseded": "supersede"}


def last_change(store: GraphStore, target: str) -> str:
    """Who changed ``target`` last and how, for a conflict message: 'rejected by bob at 10:02:11 UTC
    (reason: ...)'."""
    page = store.list_events(EventQuery(target=target, limit=1))
    if not page.items:
        return "no recorded change"
    e = page.items[0]
    reason = f" (reason: {e.reason})" if e.reason else ""
    return f"last change: {e.action} by {e.user} at {e.at:%Y-%m-%d %H:%M:%S} UTC{reason}"


def _decide_one(
    s: GraphStore,
    id: str,
    decision: Literal["accept", "reject", "supersede"],
    user: str,
    reason: str | None,
    expected_version: int | None,
    votes: int,
) -> Assertion:
    """Read, then decide with the version read. Without ``--expected-version`` a decision never
    overturns another curator's final decision the caller may not have seen: that is a conflict."""
    current = s.get_assertion(id)
    if current is None:  # the store's own message names the id
        return s.review(id, decision, user=user, reason=reason, required_votes=votes)
    final = _FINAL.get(current.status)
    if (
        expected_version is None
        and final is not None
        and final != decision
        and current.reviewed_by not in {None, user}
    ):
        raise ConflictError(
            f"assertion {id} is already {current.status} by {current.reviewed_by}; "
            f"read it (dermkg review history --target {id}) and pass --expected-version "
            f"{current.version} to {decision} it anyway"
        )
    version = expected_version if expected_version is not None else current.version
    return s.review(id, decision, user=user, reason=reason, expected_version=version, required_votes=votes)


def _decide(
    ids: list[str],
    decision: Literal["accept", "reject", "supersede"],
    user: str,
    reason: str | None,
    expected_version: int | None,
    votes: int,
    store: str | None,
    as_json: bool,
) -> None:
    if expected_version is not None and len(ids) != 1:
        raise typer.BadParameter("--expected-version applies to a single assertion id")
    with store_from(store) as s:
        target = ids[0] if ids else ""
        try:
            with s.transaction():
                done = []
                for target in ids:
                    done.append(_decide_one(s, target, decision, user, reason, expected_version, votes))
        except ConflictError as exc:  # nothing was written; say who changed the item and how
            raise ConflictError(f"{exc}; {last_change(s, target)}") from None
    emit(
        done,
        as_json,
        lambda rows: [typer.echo(f"{a.id}  {a.status}  ({len(a.votes)} vote(s))") for a in rows],
    )


def _decision_command(decision: Literal["accept", "reject", "supersede"], doc: str) -> None:
    """Register ``dermkg review accept|reject|supersede``: one signature (a conflict's message names
    ``--expected-version``, so every decision takes it); the store requires a reject's reason."""

    def command(
        ids: IdsArg,
        user: UserOpt,
        reason: ReasonOpt = None,
        expected_version: VersionOpt = None,
        votes: VotesOpt = 1,
        store: StoreOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        _decide(ids, decision, user, reason, expected_version, votes, store, as_json)

    command.__doc__ = doc
    app.command(decision)(handle_errors(command))


_decision_command(
    "accept",
    """Accept assertions (all or none).

    Example: dermkg review accept a-0123456789abcdef --user ann
    """,
)
_decision_command(
    "reject",
    """Reject assertions (all or none); a reason is required.

    Example: dermkg review reject a-0123456789abcdef --user ann --reason "not in the textbook"
    """,
)


_decision_command(
    "supersede",
    """Mark assertions superseded (replaced by a better one).

    Example: dermkg review supersede a-0123456789abcdef --user ann --reason "finer edge added"
    """,
)


@app.command()
@handle_errors
def merge(
    keep: Annotated[str, typer.Argument(help="Diagnosis that stays (name or id).")],
    drop: Annotated[str, typer.Argument(help="Diagnosis folded into it (name or id).")],
    user: UserOpt,
    reason: ReasonOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Merge two diagnoses: names become synonyms, the old id stays valid as an alias.

    Example: dermkg review merge "melanocytic naevus" "mole" --user ann
    """
    with store_from(store) as s:
        k, d = lookup_diagnosis(s, keep), lookup_diagnosis(s, drop)
        merged = s.merge_diagnoses(k.id, d.id, user=user, reason=reason)
    emit(merged, as_json, lambda m: typer.echo(f"{m.id}: {m.name} (aliases {', '.join(m.aliases)})"))


@app.command()
@handle_errors
def add(
    subject: Annotated[
        str, typer.Argument(help="Subject name or id (is_a: the child; finding: the diagnosis).")
    ],
    object: Annotated[
        str, typer.Argument(help="Object name or id (is_a: the parent; finding: the finding).")
    ],
    kind: Annotated[Kind, typer.Option(help="is_a, ddx or finding.")],
    user: UserOpt,
    relation: Annotated[
        Relation | None, typer.Option(help="finding only: typical, possible or against.")
    ] = None,
    accept_: Annotated[
        bool, typer.Option("--accept", help="Accept it at once (recorded as a review).")
    ] = False,
    note: Annotated[str | None, typer.Option(help="A note kept on the assertion.")] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a curator's assertion (origin human): between two diagnoses, or a diagnosis's finding.

    Example: dermkg review add --kind finding "basal cell carcinoma" "arborizing vessels" --relation typical
    -u ann --accept
    """
    if kind == "finding" and relation is None:
        raise InputError("--kind finding needs --relation typical|possible|against")
    if kind != "finding" and relation is not None:
        raise InputError("--relation is only for --kind finding")
    with store_from(store, create=True) as s, s.transaction():
        sub = lookup_diagnosis(s, subject)
        obj_id = _lookup_finding(s, object) if kind == "finding" else lookup_diagnosis(s, object).id
        stored = s.add_assertion(
            Assertion(kind=kind, subject=sub.id, object=obj_id, relation=relation, origin="human", note=note),
            user=user,
        )
        if kind == "finding" and stored.relation != relation:
            stored = s.edit_assertion(stored.id, user=user, relation=relation)
        if accept_ and stored.status != "accepted":
            stored = s.review(stored.id, "accept", user=user)
    emit(stored, as_json, lambda a: typer.echo(f"{a.id}  {a.status}  {a.kind} {a.subject} -> {a.object}"))


def _lookup_finding(store: object, name: str) -> str:
    """A finding by id or by name / synonym (case-insensitive); unknown names list close ones."""
    found = store.get_finding(name) or store.resolve_finding(name)  # type: ignore[attr-defined]
    if found is not None:
        return found.id
    import difflib

    names = [f.name for f in store.list_findings()]  # type: ignore[attr-defined]
    hints = ", ".join(repr(n) for n in difflib.get_close_matches(name, names, n=3))
    raise NotFoundError(f"unknown finding {name!r}" + (f"; did you mean {hints}?" if hints else ""))


@app.command("finding")
@handle_errors
def finding_(
    finding: Annotated[str, typer.Argument(help="Finding or presentation: id, name or synonym.")],
    decision: Annotated[Literal["accept", "reject"], typer.Argument(help="accept or reject.")],
    user: UserOpt,
    reason: ReasonOpt = None,
    expected_version: VersionOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Accept or reject a finding concept or a presentation itself ("causes of blisters"), not its
    assertions; a reject needs a reason. Audited; undo with `dermkg review revert`.

    Example: dermkg review finding "causes of blisters" reject --user ann --reason "a chapter title"
    """
    with store_from(store) as s:
        fid = _lookup_finding(s, finding)
        done = s.review_finding(fid, decision, user=user, reason=reason, expected_version=expected_version)
    emit(done, as_json, lambda f: typer.echo(f"{f.id}  {f.status}  {f.type} {f.name}"))


@app.command()
@handle_errors
def history(
    target: Annotated[str | None, typer.Option(help="Assertion / diagnosis / case id.")] = None,
    user: Annotated[str | None, typer.Option("--user", "-u", help="Only this user's events.")] = None,
    limit: Annotated[int, typer.Option(help="Page size.")] = 50,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The audit log, newest first.

    Example: dermkg review history --target a-0123456789abcdef --json
    """
    with store_from(store) as s:
        page = s.list_events(EventQuery(target=target, user=user, limit=limit))

    def human(p: object) -> None:
        for e in p.items:  # type: ignore[attr-defined]
            typer.echo(
                f"{e.at:%Y-%m-%d %H:%M:%S}  {e.id}  {e.user:10} {e.action:9} {e.target}  {e.reason or ''}"
            )

    emit(page, as_json, human)


@app.command()
@handle_errors
def revert(
    event: Annotated[str, typer.Argument(help="Event id (see `dermkg review history`).")],
    user: UserOpt,
    reason: ReasonOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Restore what an event changed (fails if the item changed since); history is kept.

    Example: dermkg review revert ev-0123456789abcdef0123 --user ann --reason "wrong click"
    """
    with store_from(store) as s:
        emit(s.revert_event(event, user=user, reason=reason), as_json)
