"""Write a parsed :class:`Vocabulary` into a store: resolve names, check, then one transaction.

Every check (unknown keys, cycles) runs before the first write, so a bad file changes nothing;
deterministic ids and the store's evidence merge make a re-import a no-op.
"""

from __future__ import annotations

import logging
from pathlib import Path

from dermkg.errors import InputError
from kg.ids import diagnosis_id, sha256_file
from kg.importers.types import ImportReport, VocabTerm, Vocabulary
from kg.models import Agent, Assertion, AssertionQuery, Diagnosis, Evidence, Source
from kg.names import NamePolicyError, check_id, clean_name, normalize
from kg.store._semantics import find_cycle
from kg.store.base import GraphStore

log = logging.getLogger(__name__)

IMPORTER_VERSION = "1"


def vocabulary_source(path: Path, vocab: Vocabulary) -> Source:
    return Source(
        sha256=sha256_file(str(path)),
        title=vocab.title,
        licence=vocab.licence,
        path=str(path.resolve()),
        kind="vocabulary",
    )


class _Resolver:
    """Maps names to diagnosis ids: this batch first, then the graph (exact, never fuzzy)."""

    def __init__(self, store: GraphStore, key_code: str | None) -> None:
        self.store = store
        self.batch: dict[str, str] = {}  # normalised name -> id
        self.existing: dict[str, Diagnosis] = {}
        self.by_code: dict[str, str] = {}  # the file's own key (codes[key_code]) -> id
        if key_code:
            for d in store.list_diagnoses():
                for value in d.codes.get(key_code, "").split("|"):
                    if value:
                        self.by_code.setdefault(value, d.id)
                        self.existing[d.id] = d

    def lookup(self, name: str, *, batch: bool = True) -> str | None:
        key = normalize(name)
        if not key:
            return None
        if batch and key in self.batch:
            return self.batch[key]
        found = self.store.resolve_name(name)
        if found is None:
            return None
        self.existing[found.id] = found
        return found.id

    def claim(self, name: str, id: str) -> None:
        key = normalize(name)
        if key:
            self.batch.setdefault(key, id)

    def fresh_id(self, name: str, taken: set[str]) -> str:
        base = diagnosis_id(name)
        candidate, n = base, 2
        while candidate in taken or self.store.get_diagnosis(candidate) is not None:
            candidate, n = f"{base}-{n}", n + 1
        return candidate


def _find_cycle(store: GraphStore, new_edges: list[tuple[str, str]]) -> list[str] | None:
    """A cycle through the graph's is_a edges (accepted and proposed) and the file's, closed (the
    first node repeated at the end); linear whatever the depth (see ``find_cycle``)."""
    cycle = find_cycle([*store.edges("is_a", include_proposed=True), *new_edges])
    return None if cycle is None else [*cycle, cycle[0]]


def _policy(term: VocabTerm, path: Path) -> VocabTerm:
    """``term`` with its names cleaned by the name policy (:func:`kg.names.clean_name`), checked
    before anything is written; a refused name is an InputError naming the file and line."""
    try:
        return term.model_copy(
            update={
                "name": clean_name(term.name),
                "synonyms": list(dict.fromkeys(clean_name(s, what="synonym") for s in term.synonyms)),
                "id": check_id(term.id) if term.id else None,
            }
        )
    except NamePolicyError as exc:
        raise InputError(str(exc), location=f"{path}:{term.line or term.key[:40]!r}") from None


def apply_vocabulary(
    store: GraphStore,
    vocab: Vocabulary,
    path: Path,
    *,
    as_proposed: bool = False,
    user: str = "system",
) -> ImportReport:
    """Resolve every term onto an existing or new diagnosis and write terms and is_a edges."""
    status = "proposed" if as_proposed else "accepted"
    source = vocabulary_source(path, vocab)
    report = ImportReport(
        format=vocab.format,
        path=str(path),
        source_sha256=source.sha256,
        terms=len(vocab.terms),
        status=status,
        warnings=list(vocab.notes),
    )
    vocab = vocab.model_copy(update={"terms": [_policy(t, path) for t in vocab.terms]})
    keys = [t.key for t in vocab.terms]
    if len(set(keys)) != len(keys):
        dup = sorted({k for k in keys if keys.count(k) > 1})
        raise InputError(f"duplicate ids {dup[:5]} in {path}", location=str(path))

    resolver = _Resolver(store, vocab.key_code)
    key_to_id: dict[str, str] = {}
    new_ids: set[str] = set()
    diagnoses: dict[str, Diagnosis] = {}
    for term in vocab.terms:
        found = resolver.by_code.get(term.key) if vocab.key_code else None
        if found is None and term.id and store.get_diagnosis(term.id) is not None:
            found = term.id
        if found is None:
            found = resolver.lookup(term.name, batch=vocab.merge_within_file)
        if found is None:
            for syn in term.synonyms:
                found = resolver.lookup(syn, batch=vocab.merge_within_file)
                if found is not None:
                    break
        if found is None:
            found = term.id if term.id and term.id not in new_ids else resolver.fresh_id(term.name, new_ids)
            new_ids.add(found)
        elif found not in new_ids and found in resolver.existing:
            existing = resolver.existing[found]
            if normalize(existing.name) != normalize(term.name):
                report.merged_onto[term.name] = found
            if existing.malignancy and term.malignancy and existing.malignancy != term.malignancy:
                report.warnings.append(
                    f"malignancy disagreement: {path.name} files {term.name!r} {term.malignancy}, the graph "
                    f"has {found} {existing.malignancy} (from {existing.malignancy_source}); kept, see lint"
                )
        key_to_id[term.key] = found
        synonyms = []
        for syn in term.synonyms:
            other = resolver.lookup(syn)
            if other is not None and other != found:
                report.warnings.append(
                    f"{path.name}:{term.line or term.key}: synonym {syn!r} of {term.name!r} already names "
                    f"{other}; not added"
                )
                continue
            synonyms.append(syn)
        for name in (term.name, *synonyms):
            resolver.claim(name, found)
        incoming = Diagnosis(
            id=found,
            name=term.name,
            synonyms=synonyms,
            malignancy=term.malignancy,
            malignancy_source=vocab.malignancy_source if term.malignancy else None,
            codes=term.codes,
            status=status,
            origin="import",
        )
        diagnoses[found] = _combine(diagnoses.get(found), incoming)

    edges: dict[tuple[str, str], Assertion] = {}
    agent = Agent(name=f"import:{vocab.format}", version=IMPORTER_VERSION)
    for edge in vocab.edges:
        for key in (edge.child, edge.parent):
            if key not in key_to_id:  # not defined in the file: must already be in the graph
                known = store.get_diagnosis(key)
                found = known.id if known is not None else resolver.lookup(key, batch=False)
                if found is None:
                    loc = f"{path}:{edge.line}" if edge.line else str(path)
                    raise InputError(
                        f"is_a edge names {key!r}, which is neither in the file nor in the graph",
                        location=loc,
                    )
                key_to_id[key] = found
        child, parent = key_to_id[edge.child], key_to_id[edge.parent]
        if child == parent:
            report.warnings.append(
                f"{path.name}:{edge.line}: {edge.child!r} is_a {edge.parent!r} names one "
                "diagnosis twice after synonym resolution; skipped"
            )
            log.info("%s: skipped %s", path.name, report.warnings[-1])
            continue
        evidence = Evidence(source_sha256=source.sha256, page=None, quote=edge.quote, kind="taxonomy")
        if (child, parent) in edges:
            known = edges[(child, parent)]
            known.evidence = [*known.evidence, evidence]
            continue
        edges[(child, parent)] = Assertion(
            kind="is_a",
            subject=child,
            object=parent,
            origin="import",
            agent=agent,
            status=status,
            evidence=[evidence],
        )
    cycle = _find_cycle(store, list(edges))
    if cycle:
        raise InputError(f"is_a cycle {' -> '.join(cycle)}; nothing imported", location=str(path))

    report.diagnoses_created = len(new_ids)
    report.diagnoses_matched = len(set(key_to_id.values()) - new_ids)
    report.assertions = len(edges)
    # one read of the stored is_a pairs (light summaries), not a lookup per edge: on Neo4j that was
    # three round trips per row of the file
    stored = {
        (a.subject, a.object) for a in store.summarize_assertions(AssertionQuery(kind="is_a", limit=None))
    }
    report.assertions_existing = sum(1 for pair in edges if pair in stored)
    report.assertions_created = report.assertions - report.assertions_existing
    with store.transaction():
        store.upsert_source(source)
        store.upsert_diagnoses(list(diagnoses.values()), user=user)
        if edges:
            store.add_assertions(list(edges.values()), user=user)
    report.revision = store.revision()
    return report


def _combine(known: Diagnosis | None, incoming: Diagnosis) -> Diagnosis:
    """Two terms of one file that resolve onto one diagnosis (e.g. a variant and its canonical)."""
    if known is None:
        return incoming
    synonyms = [*known.synonyms]
    for name in (incoming.name, *incoming.synonyms):
        if normalize(name) != normalize(known.name) and name not in synonyms:
            synonyms.append(name)
    return known.model_copy(
        update={
            "synonyms": synonyms,
            "codes": {**incoming.codes, **known.codes},
            "malignancy": known.malignancy or incoming.malignancy,
            "malignancy_source": known.malignancy_source or incoming.malignancy_source,
        }
    )
