"""Presentations and findings of one document, resolved and buffered as proposed ``finding`` assertions.

The data contract (shared with the studio's presentations view):

- a presentation is a :class:`~kg.models.Finding` with ``type="presentation"``, named as printed and
  normalised ("itchy eruption"), id :func:`kg.ids.finding_id`, origin ``rules``, status ``proposed``
  when new (a known presentation, found through ``store.resolve_finding``, is reused);
- each member diagnosis is a ``finding`` assertion: subject the diagnosis, object the presentation,
  relation ``possible``, with the list sentence or table as evidence;
- a finding the text states is a ``finding`` assertion to a known concept (the lexicon seeded by
  ``dermkg init``) or to a newly proposed :class:`~kg.models.Finding` of the candidate's type.

A dry run writes nothing, so this document's own proposals are resolved in memory by the store's name
key: the dry run predicts the write. Ids are deterministic, so ingesting again merges instead of
duplicating.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ingest.types import Extraction, FindingCandidate, PresentationCandidate
from kg.ids import assertion_id, finding_id
from kg.models import Assertion, Evidence, Finding
from kg.names import NamePolicyError, clean_name, name_keys, normalize

if TYPE_CHECKING:
    from ingest.document_writer import DocumentWriter

_SCORE = {"table": 0.6, "rationale": 0.5, "checklist": 0.4}


class KnowledgeWriter:
    """The presentation and finding half of a document's write
    (:class:`ingest.document_writer.DocumentWriter`)."""

    def __init__(self, writer: DocumentWriter) -> None:
        self.w = writer
        self.findings: dict[tuple[str, bool], str] = {}  # (name key, is presentation) -> finding id
        self.proposed: set[str] = set()  # finding ids this document proposes (not presentations)
        self.presentations: set[str] = set()
        self.members: set[str] = set()  # assertion ids of presentation memberships
        self.waiting: list[FindingCandidate] = []
        # Findings proposed at the document's end, written in one batch (one upsert, not one each):
        # by id, and every name key they will be found by (a lookup that could meet one writes them
        # first, so that every lookup reads what the one-by-one writes gave).
        self.batching = False
        self.pending: dict[str, Finding] = {}
        self.pending_keys: set[str] = set()

    def write(self, chunk: Extraction) -> None:
        """Presentations land at once (their members are proposed like any listed name); findings wait
        for the document's end, when every entry their subject may name is known."""
        for p in chunk.presentations:
            self._presentation(p)
        self.waiting.extend(chunk.findings)

    def finish(self) -> None:
        self.batching = True
        for cand in self.waiting:
            did, relation = self.w.resolve(cand.diagnosis, None, propose=False), cand.relation
            subtype = "/" not in cand.diagnosis.split()[0]  # "Pityriasis/Tinea versicolor" names, no subtype
            if did is None and (did := self._parent(cand.diagnosis)) is not None and subtype:
                relation = "possible" if relation == "typical" else relation  # a subtype's typical: possible
            if did is None:
                continue  # a finding of something that is no diagnosis here (a glossary term, a sign)
            fid = self._finding(cand.finding, cand.type, cand.synonyms)
            if fid is not None:
                score = _SCORE.get(cand.rule.split(":")[0], 0.5)
                self._assert(did, fid, relation, cand.evidence, cand.rule, score)
        self.waiting = []
        self.batching = False
        self._write_pending()
        s = self.w.summary
        s.presentations = len(self.presentations)
        s.presentation_members = len(self.members)
        s.findings_proposed = len(self.proposed)

    def _parent(self, name: str) -> str | None:
        """A known diagnosis the name qualifies: 'Nodular basal cell carcinoma' -> basal cell carcinoma."""
        words = name.split()
        if "/" in words[0]:  # "Pityriasis/Tinea versicolor": either printed name
            for alt in words[0].split("/"):
                if did := self.w.resolve(" ".join([alt, *words[1:]]), None, propose=False):
                    return did
        for i in range(1, min(len(words), 3)):
            if did := self.w.resolve(" ".join(words[i:]), None, propose=False):
                return did
        return None

    # -- presentations ---------------------------------------------------------------------
    def _presentation(self, p: PresentationCandidate) -> None:
        pid = self._finding(p.name, "presentation", [])
        if pid is None:
            return
        self.presentations.add(pid)
        for name in p.members:
            did = self.w.resolve(name, p.evidence)
            if did is not None:
                self.members.add(
                    self._assert(did, pid, "possible", p.evidence, f"presentation:{p.rule}", 0.5)
                )

    # -- finding concepts ------------------------------------------------------------------
    def _finding(self, name: str, type_: str, synonyms: list[str]) -> str | None:
        """The id of the finding concept ``name``: known (through names and synonyms; a presentation
        only as a presentation), proposed earlier by this document, or proposed now."""
        presentation = type_ == "presentation"
        key = (normalize(name) or name.lower(), presentation)
        if key in self.findings:
            return self.findings[key]
        store = self.w.store
        slug = finding_id(name)
        if self.pending and (
            key[0] in self.pending_keys
            or slug in self.pending
            or (presentation and finding_id(f"{name} presentation") in self.pending)
        ):
            self._write_pending()
        known = [store.resolve_finding(name), store.get_finding(slug)]
        if presentation:
            known.append(store.get_finding(finding_id(f"{name} presentation")))
        found = next((f for f in known if f is not None and (f.type == "presentation") == presentation), None)
        if found is not None:
            self.findings[key] = found.id
            return found.id
        if any(f is not None and f.id == slug for f in known):  # the slug names a concept of another kind
            slug = finding_id(f"{name} presentation")
        try:
            finding = Finding(
                id=slug,
                name=clean_name(name),
                synonyms=[s for s in synonyms if normalize(s) != key[0]],
                type=type_,  # type: ignore[arg-type]
                status="proposed",
                origin=self.w.p.origin,  # type: ignore[arg-type]
            )
        except (NamePolicyError, ValueError) as exc:
            self.w.summary.warnings.append(f"finding {name!r} not proposed: {exc}")
            return None
        if self.batching and not self.w.p.dry_run:
            if slug in self.pending:  # a presentation's slug taken: the later upsert merges, as one by one
                self._write_pending()
            self.pending[slug] = finding
            self.pending_keys.update(k for k, _, _ in name_keys(finding.name, finding.synonyms))
            self.pending_keys.update(normalize(s) for s in (name, *synonyms))
        elif not self.w.p.dry_run:
            store.upsert_findings([finding], user=self.w.p.user)
        if not presentation:
            self.proposed.add(slug)
        self.findings[key] = slug
        return slug

    def _write_pending(self) -> None:
        if self.pending:
            self.w.store.upsert_findings(list(self.pending.values()), user=self.w.p.user)
        self.pending, self.pending_keys = {}, set()

    # -- assertions ------------------------------------------------------------------------
    def _assert(self, did: str, fid: str, relation: str, ev: Evidence, rule: str, score: float) -> str:
        aid = assertion_id("finding", did, fid)
        ev = ev.model_copy(update={"relation": relation})  # what this quote states (kg.conflicts)
        batch = self.w.batch
        if aid in batch:
            have = batch[aid]
            if ev.id not in {e.id for e in have.evidence}:
                have.evidence.append(ev)
            if {have.relation, relation} == {"possible", "typical"}:
                have.relation = "typical"  # the book states it as typical somewhere: that is the claim
            elif have.relation != relation and "also read as" not in (have.note or ""):
                have.note = f"{have.note} | also read as {relation}: {ev.quote[:120]}"  # a conflict to review
            return aid
        batch[aid] = Assertion(
            id=aid,
            kind="finding",
            subject=did,
            object=fid,
            relation=relation,  # type: ignore[arg-type]
            origin=self.w.p.origin,  # type: ignore[arg-type]
            agent=self.w.agent,
            score=score,
            note=rule + (f" | {ev.context}" if ev.context else ""),
            evidence=[ev],
        )
        self.w.assertions[aid] = "finding"
        return aid
