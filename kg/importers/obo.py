"""OBO 1.2 ontologies (e.g. the Human Disease Ontology), optionally cut to one subtree.

Only ``[Term]`` stanzas are read; obsolete terms are dropped. EXACT synonyms become synonyms (the
broader / narrower / related ones would merge different diseases by name); xrefs become codes
(``ICD10CM:L40.0`` -> ``codes["icd10cm"]``; several values of one prefix joined by ``|``).
"""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
from pydantic import BaseModel, Field

from dermkg.errors import InputError
from kg.importers.types import VocabEdge, VocabTerm, Vocabulary

_SYNONYM = re.compile(r'^"((?:[^"\\]|\\.)*)"\s+(EXACT|BROAD|NARROW|RELATED)\b')
_TAG = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):\s?(.*)$")


class OboTerm(BaseModel):
    id: str
    line: int
    name: str | None = None
    synonyms: list[str] = Field(default_factory=list)
    xrefs: list[str] = Field(default_factory=list)
    parents: list[tuple[str, int]] = Field(default_factory=list)  # (id, line)
    obsolete: bool = False


def _strip_comment(value: str) -> str:
    """Drop a trailing ``! comment`` (OBO's comment marker outside quotes)."""
    out, quoted, escaped = [], False, False
    for ch in value:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == "!" and not quoted:
            break
        out.append(ch)
    return "".join(out).strip()


def read_obo_terms(path: Path) -> dict[str, OboTerm]:
    """Every ``[Term]`` of the file by id; malformed lines raise InputError naming the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read OBO file: {exc}", location=str(path)) from None
    terms: dict[str, OboTerm] = {}
    current: OboTerm | None = None
    stanza: str | None = None
    stanza_line = 0
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("!"):
            continue
        if line.startswith("["):
            if not line.endswith("]"):
                raise InputError(f"malformed stanza header {line!r}", location=f"{path}:{lineno}")
            if stanza == "Term" and current is None:
                raise InputError("[Term] stanza without an id", location=f"{path}:{stanza_line}")
            stanza, stanza_line, current = line[1:-1], lineno, None
            continue
        match = _TAG.match(line)
        if match is None:
            raise InputError(f"expected 'tag: value', got {line[:60]!r}", location=f"{path}:{lineno}")
        if stanza != "Term":
            continue  # header tags and [Typedef] stanzas
        tag, value = match.group(1), _strip_comment(match.group(2))
        if tag == "id":
            if current is not None:
                raise InputError(f"second id {value!r} in one [Term] stanza", location=f"{path}:{lineno}")
            if not value:
                raise InputError("empty term id", location=f"{path}:{lineno}")
            if value in terms:
                raise InputError(
                    f"duplicate term id {value} (first on line {terms[value].line})",
                    location=f"{path}:{lineno}",
                )
            current = terms[value] = OboTerm(id=value, line=lineno)
            continue
        if current is None:
            raise InputError(f"tag {tag!r} before the term's id", location=f"{path}:{lineno}")
        if tag == "name":
            current.name = value
        elif tag == "synonym":
            syn = _SYNONYM.match(value)
            if syn is None:
                raise InputError(f"malformed synonym {value[:60]!r}", location=f"{path}:{lineno}")
            if syn.group(2) == "EXACT":
                current.synonyms.append(syn.group(1).replace('\\"', '"').strip())
        elif tag == "xref":
            current.xrefs.append(value.split(" ", 1)[0])
        elif tag == "is_a":
            current.parents.append((value.split(" ", 1)[0], lineno))
        elif tag == "is_obsolete":
            current.obsolete = value.lower() == "true"
    if stanza == "Term" and current is None:
        raise InputError("[Term] stanza without an id", location=f"{path}:{stanza_line}")
    for term in terms.values():
        if term.name is None and not term.obsolete:
            raise InputError(f"term {term.id} has no name", location=f"{path}:{term.line}")
    return terms


def subtree(terms: dict[str, OboTerm], root: str) -> set[str]:
    """``root`` and every non-obsolete term below it through is_a."""
    if root not in terms or terms[root].obsolete:
        raise InputError(f"root {root} is not a (non-obsolete) term of the ontology")
    graph = nx.DiGraph()  # parent -> child, non-obsolete terms only
    graph.add_node(root)
    graph.add_edges_from(
        (parent, term.id) for term in terms.values() if not term.obsolete for parent, _ in term.parents
    )
    return {root} | nx.descendants(graph, root)


def _codes(term: OboTerm) -> dict[str, str]:
    grouped: dict[str, set[str]] = {"doid" if term.id.startswith("DOID:") else "obo": {term.id}}
    for xref in term.xrefs:
        if ":" not in xref:
            continue
        prefix, value = xref.split(":", 1)
        key = re.sub(r"_\d.*$", "", prefix).lower()  # SNOMEDCT_2010_1_31 -> snomedct
        grouped.setdefault(key, set()).add(value)
    return {k: "|".join(sorted(v)) for k, v in sorted(grouped.items())}


def parse_obo(path: Path, *, root: str | None = None) -> Vocabulary:
    """Terms (all, or the subtree under ``root``) and the is_a edges among them."""
    terms = read_obo_terms(path)
    keep = subtree(terms, root) if root else {t.id for t in terms.values() if not t.obsolete}
    vocab_terms: list[VocabTerm] = []
    edges: list[VocabEdge] = []
    dangling: list[str] = []
    for term_id in sorted(keep):
        term = terms[term_id]
        assert term.name is not None
        vocab_terms.append(
            VocabTerm(
                key=term.id,
                name=term.name,
                synonyms=term.synonyms,
                codes=_codes(term),
                quote=f"id: {term.id} name: {term.name}",
                line=term.line,
            )
        )
        for parent, lineno in term.parents:
            if parent in keep:
                edges.append(
                    VocabEdge(child=term.id, parent=parent, quote=f"[{term.id}] is_a: {parent}", line=lineno)
                )
            elif root is None or term.id == root:
                continue
            elif parent not in terms:
                dangling.append(f"{path.name}:{lineno}: {term.id} is_a unknown term {parent}")
    if root is None:
        for term_id in keep:
            for parent, lineno in terms[term_id].parents:
                if parent not in terms:
                    raise InputError(f"{term_id} is_a unknown term {parent}", location=f"{path}:{lineno}")
    title = "Human Disease Ontology (DOID)" if any(t.startswith("DOID:") for t in keep) else path.name
    return Vocabulary(
        format="obo",
        title=f"{title}{' subtree ' + root if root else ''}",
        licence="CC BY 3.0" if title.startswith("Human Disease") else None,
        malignancy_source="obo",
        key_code="doid" if title.startswith("Human Disease") else "obo",
        terms=vocab_terms,
        edges=edges,
        notes=dangling,
    )
