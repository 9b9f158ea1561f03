"""The reviewable table of historical synonyms (``historical_synonyms.yaml``): old names to current ones.

Older books print names a current graph does not hold ("dermatitis venenata", "ringworm of the body").
The table never renames silently: the pipeline still proposes the printed name and reports the row
(current name and the source that states the equivalence) under ``synonym_proposals``, so a curator
merges it with one click or leaves it apart.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict

from dermkg.errors import InputError
from kg.names import normalize

TABLE = Path(__file__).with_name("historical_synonyms.yaml")


class SynonymRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    printed: str
    current: str
    source: str  # where the equivalence is stated (ontology id, classification code)
    basis: Literal["exact", "derived"] = "exact"


def load_table(path: Path = TABLE) -> dict[str, SynonymRow]:
    """Rows keyed by the normalised printed name; a bad row names its index."""
    # libyaml's safe loader when built in (the pure-Python one was 2% of a book's ingest)
    raw = yaml.load(path.read_text("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or []  # noqa: S506
    out: dict[str, SynonymRow] = {}
    for i, row in enumerate(raw, 1):
        try:
            parsed = SynonymRow.model_validate(row)
        except Exception as exc:  # pydantic's message names the field
            raise InputError(f"synonym row {i}: {exc}".splitlines()[0], location=str(path)) from exc
        out[normalize(parsed.printed)] = parsed
    return out


@lru_cache(maxsize=1)
def _default() -> dict[str, SynonymRow]:
    return load_table()


def historical_synonym(name: str) -> SynonymRow | None:
    """The row for a printed name, if the table holds it."""
    return _default().get(normalize(name))


def synonym_proposal(name: str) -> dict[str, str] | None:
    """What the ingest summary reports for a printed historical name: current name, source, basis."""
    row = historical_synonym(name)
    return None if row is None else {"current": row.current, "source": row.source, "basis": row.basis}


def with_synonym(name: str, near: list[str], proposals: dict[str, dict[str, str]]) -> list[str]:
    """Merge suggestions for a new name: an old name's current name first (recorded in ``proposals``
    with its source for the summary), then the fuzzy matches. Never applied, only proposed."""
    proposal = synonym_proposal(name)
    if proposal is None:
        return near
    proposals[name] = proposal
    return [proposal["current"], *[n for n in near if n.lower() != proposal["current"].lower()]]
