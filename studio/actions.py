"""Every write the studio can make, behind one role check per action.

Pages never call a store write directly: they call a :class:`CurationActions` bound to the
logged-in user, which checks the role server-side (:func:`studio.auth.require`), passes the user to
the store for the audit log, and passes the version the curator saw so that a concurrent change
raises :class:`dermkg.errors.ConflictError` instead of being overwritten.

Example:
    >>> actions = CurationActions(store, user, consensus_k=2)
    >>> actions.accept("a-1234", expected_version=3)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Literal

from dermkg.errors import ConflictError, CycleError, InputError, NotFoundError
from kg.ids import sha256_bytes
from kg.models import (
    Assertion,
    AssertionKind,
    Case,
    CurationEvent,
    Decision,
    Diagnosis,
    EventQuery,
    FindingRelation,
    Malignancy,
)
from kg.store.base import GraphStore
from studio.auth import Permission, PermissionDeniedError, StudioUser, load_users, require

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CurationActions:
    """The store, seen through one user's permissions."""

    store: GraphStore
    user: StudioUser
    consensus_k: int = 1
    users_file: Path | None = None  # when given, the role is re-read at every action

    @property
    def username(self) -> str:
        return self.user.username

    def check(self, permission: Permission) -> StudioUser:
        """Raise PermissionDeniedError unless the user may, with their role as it is *now*: a page
        rendered before an admin demoted them must not keep its powers."""
        user = self.user
        if self.users_file is not None and self.users_file.exists():
            fresh = load_users(self.users_file).get(user.username)
            if fresh is not None:
                user = fresh
            elif user.password_hash is not None:  # a local account that was removed
                raise PermissionDeniedError(f"account {user.username} no longer exists")
        try:
            return require(user, permission)
        except PermissionDeniedError:
            log.info("%s (%s) refused %r", user.username, user.role, permission)
            raise

    # -- assertions ----------------------------------------------------------------------
    def accept(self, assertion_id: str, *, expected_version: int | None = None) -> Assertion:
        self.check("review")
        return self._vote(assertion_id, "accept", None, expected_version)

    def reject(self, assertion_id: str, reason: str, *, expected_version: int | None = None) -> Assertion:
        self.check("review")
        if not reason or not reason.strip():
            raise InputError("rejecting needs a reason: say why, so the next curator and the extractor learn")
        return self._vote(assertion_id, "reject", reason.strip(), expected_version)

    def _vote(self, assertion_id: str, decision: Decision, reason: str | None, seen: int | None) -> Assertion:
        """Review at the version the curator saw. Under consensus (k > 1) another curator's vote
        in between is not a conflict: votes are independent, so the vote is recorded on the new
        version, unless anything else changed (an edit, a final decision), which stays a conflict."""
        review = partial(
            self.store.review,
            assertion_id,
            decision,
            user=self.username,
            reason=reason,
            required_votes=self.consensus_k,
        )
        try:
            return review(expected_version=seen)
        except ConflictError:
            if self.consensus_k == 1 or seen is None or not self._only_votes_since(assertion_id, seen):
                raise
            current = self.store.get_assertion(assertion_id)
            assert current is not None
            return review(expected_version=current.version)

    def _only_votes_since(self, assertion_id: str, seen: int) -> bool:
        current = self.store.get_assertion(assertion_id)
        if current is None or current.status != "proposed":
            return False
        newer = [
            e
            for e in self.store.list_events(
                EventQuery(target=assertion_id, limit=current.version - seen + 5)
            ).items
            if int((e.after or {}).get("version", 0)) > seen
        ]
        return len(newer) == current.version - seen and all(e.action == "vote" for e in newer)

    def edit_assertion(
        self,
        assertion_id: str,
        *,
        kind: AssertionKind | None = None,
        object: str | None = None,
        reason: str | None = None,
        expected_version: int | None = None,
        relation: FindingRelation | None = None,
    ) -> Assertion:
        """Change the kind / object (or, for a finding, the relation / finding); history is kept."""
        self.check("edit")
        current = self.store.get_assertion(assertion_id)
        is_finding = (kind or (current.kind if current else None)) == "finding"
        if object is not None and is_finding and self.store.get_finding(object) is None:
            raise NotFoundError(f"no finding {object!r}: pick the new finding from the list")
        if object is not None and not is_finding and self.store.get_diagnosis(object) is None:
            raise NotFoundError(f"no diagnosis {object!r}: pick the new object from the list")
        return self.store.edit_assertion(
            assertion_id,
            user=self.username,
            kind=kind,
            object=object,
            reason=reason,
            expected_version=expected_version,
            relation=relation,
        )

    def comment(self, target_type: str, target: str, text: str) -> CurationEvent:
        self.check("comment")
        if not text.strip():
            raise InputError("a comment needs some text")
        return self.store.comment(target_type, target, text.strip(), user=self.username)

    # -- diagnoses -----------------------------------------------------------------------
    def merge_diagnoses(self, keep: str, drop: str, *, reason: str | None = None) -> Diagnosis:
        self.check("merge")
        if keep == drop:
            raise InputError("pick two different diagnoses to merge")
        linked = self.store.query_assertions(_query(kind="is_a", status="accepted", diagnosis=keep)).items
        if any({x.subject, x.object} == {keep, drop} for x in linked):
            raise InputError(
                "one of these diagnoses is an accepted kind of the other, so they are different "
                "diagnoses by definition; reject that is-a first if they really are duplicates"
            )
        return self.store.merge_diagnoses(keep, drop, user=self.username, reason=reason)

    def update_diagnosis(
        self,
        diagnosis_id: str,
        *,
        synonyms: list[str] | None = None,
        malignancy: Malignancy | None | str = "unchanged",
        expected_version: int | None = None,
    ) -> Diagnosis:
        """Change synonyms and / or the diagnosis's own malignancy (``None`` clears it)."""
        self.check("edit")
        changes: dict[str, Any] = {}
        if synonyms is not None:
            changes["synonyms"] = [s.strip() for s in synonyms if s.strip()]
        if malignancy != "unchanged":
            changes["malignancy"] = malignancy
            changes["malignancy_source"] = f"curator:{self.username}" if malignancy else None
        if not changes:
            raise InputError("nothing to change")
        return self.store.update_diagnosis(
            diagnosis_id, changes, user=self.username, expected_version=expected_version
        )

    def set_parent(self, diagnosis_id: str, parent_id: str, *, reason: str | None = None) -> Assertion:
        """Make ``parent_id`` the (only) accepted parent: a human is_a assertion is accepted and
        the old parents' assertions are superseded, all in one transaction. Cycles are refused."""
        self.check("edit")
        if self.store.get_diagnosis(parent_id) is None:
            raise NotFoundError(f"no diagnosis {parent_id!r}")
        if parent_id == diagnosis_id:
            raise CycleError(f"{diagnosis_id} cannot be its own parent")
        below = _descendants(self.store.edges("is_a"), diagnosis_id)
        if parent_id in below:
            raise CycleError(
                f"{parent_id} is below {diagnosis_id} in the taxonomy; "
                "making it the parent would create a cycle"
            )
        old = [
            a
            for a in self.store.query_assertions(
                _query(kind="is_a", status="accepted", diagnosis=diagnosis_id)
            ).items
            if a.subject == diagnosis_id and a.object != parent_id
        ]
        with self.store.transaction():
            proposed = self.store.add_assertion(
                Assertion(kind="is_a", subject=diagnosis_id, object=parent_id, origin="human", note=reason),
                user=self.username,
            )
            accepted = proposed
            if proposed.status != "accepted":
                accepted = self.store.review(proposed.id, "accept", user=self.username, reason=reason)
            for a in old:
                self.store.review(a.id, "supersede", user=self.username, reason=f"parent set to {parent_id}")
        return accepted

    # -- cases ---------------------------------------------------------------------------
    def decide_case(self, case_id: str, status: str, *, expected_version: int | None = None) -> Case:
        self.check("case")
        if status not in {"accepted", "excluded"}:
            raise InputError(f"a case is accepted or excluded, not {status!r}")
        return self.store.update_case(
            case_id, {"status": status}, user=self.username, expected_version=expected_version
        )

    def relabel_case(self, case_id: str, diagnosis_id: str, *, expected_version: int | None = None) -> Case:
        self.check("case")
        if self.store.get_diagnosis(diagnosis_id) is None:
            raise NotFoundError(f"no diagnosis {diagnosis_id!r}")
        return self.store.update_case(
            case_id, {"diagnosis": diagnosis_id}, user=self.username, expected_version=expected_version
        )

    # -- history -------------------------------------------------------------------------
    def undo(self, event_id: str) -> CurationEvent:
        """A curator takes back one of their own decisions (the review screen's undo): the store's
        revert of that event. Reverting someone else's event stays an admin's :meth:`revert`."""
        self.check("review")
        event = self.store.get_event(event_id)
        if event is None:
            raise NotFoundError(f"no event {event_id!r}")
        if event.user != self.username:
            raise PermissionDeniedError("only your own decisions can be undone; an admin reverts others'")
        return self.store.revert_event(event_id, user=self.username, reason="undo")

    def revert(self, event_id: str, *, reason: str | None = None) -> CurationEvent:
        self.check("revert")
        return self.store.revert_event(event_id, user=self.username, reason=reason)


def _query(**filters: Any) -> Any:
    from kg.models import AssertionQuery

    return AssertionQuery(limit=None, **filters)


def _descendants(is_a_edges: list[tuple[str, str]], root: str) -> set[str]:
    """Every diagnosis below ``root`` (edges are child -> parent)."""
    children: dict[str, list[str]] = {}
    for child, parent in is_a_edges:
        children.setdefault(parent, []).append(child)
    seen: set[str] = set()
    stack = [root]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def run_exports(actions: CurationActions, out: str, options: Any) -> Any:
    """Synthesise the SFT export from the store (re-runs regenerate only stale rows)."""
    actions.check("export")
    from synth.pipeline import synthesize

    return synthesize(actions.store, out, options, progress=False)


def run_labelstudio(
    actions: CurationActions, operation: Literal["push", "pull", "sync"], progress: Any = None
) -> Any:
    """Push, pull or sync with the configured Label Studio server (annotations are applied as the
    mapped Label Studio users; the acting studio user must be allowed to start a sync)."""
    actions.check("labelstudio")
    from studio.labelstudio.client import LabelStudioClient
    from studio.labelstudio.sync import LabelStudioSync
    from studio.labelstudio.types import PROJECT_KINDS, SyncReport

    if operation not in {"push", "pull", "sync"}:
        raise InputError(f"unknown Label Studio operation {operation!r}: use push, pull or sync")
    from dermkg.settings import Settings

    settings = Settings()  # read now, not cached: the page shows the same server it syncs with
    with LabelStudioClient(settings.labelstudio_url, settings.labelstudio_token) as client:
        sync = LabelStudioSync.from_settings(actions.store, client)
        sync.required_votes = actions.consensus_k
        sync.progress = progress
        if operation == "sync":
            return sync.sync()
        report = SyncReport()
        for kind in PROJECT_KINDS:  # called by reference, not looked up by the operation's name
            if operation == "push":
                report.push.append(sync.push(kind))
            else:
                report.pull.append(sync.pull(kind))
        return report


def save_uploads(actions: CurationActions, files: list[tuple[str, bytes]], folder: Path) -> list[Path]:
    """Check every upload is a PDF, then store them by content hash. One bad file refuses the batch."""
    actions.check("ingest")
    if not files:
        raise InputError("no files uploaded")
    for name, data in files:
        if not data.startswith(b"%PDF-"):
            raise InputError(
                f"{name} is not a PDF (its content does not start with %PDF-); upload textbook PDFs"
            )
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in files:
        path = folder / f"{sha256_bytes(data)[:16]}-{Path(name).name}"
        if not path.exists():
            tmp = path.with_suffix(".part")
            tmp.write_bytes(data)
            tmp.replace(path)
        paths.append(path)
    return paths
