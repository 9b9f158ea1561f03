"""Which diagnosis labels a photo: the book's own entry, a known diagnosis, or — last — a new proposal.

A caption is not an entry of the book, so its name is first matched against what the book's entries
propose and what the graph already knows, letting leading qualifiers fall away ("Chronic fissured hand
eczema" -> "eczema", "Diffuse tinea capitis" -> "tinea capitis"). Only a caption that matches nothing
proposes its own name, and never when it names a sign or a lesion's morphology (:mod:`ingest.signs`):
the photo of a real condition the book shows but does not describe is kept as a case, a photo of
"Koilonychia" is not. The pipeline (against a store) and the evaluation (against the extraction's own
names) share this one function, so the figures in the README are the pipeline's behaviour.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from ingest.signs import is_sign

T = TypeVar("T")


def narrowings(name: str) -> list[str]:
    """'Chronic fissured hand eczema' -> itself, then without its leading words one at a time."""
    words = name.split()
    return [" ".join(words[i:]) for i in range(len(words))]


def label_captions(
    names: Iterable[str], find: Callable[[str], T | None], propose: Callable[[str], T]
) -> dict[str, T | None]:
    """The label of each caption name (``None``: a sign, left unlabelled).

    ``find`` looks a name up without proposing; ``propose`` makes it a new proposal. Names that match
    nothing go shortest first, so that 'Bullous impetigo' narrows to the 'Impetigo' a plain caption
    proposed rather than becoming a second proposal.
    """

    def lookup(name: str) -> T | None:
        return next((hit for n in narrowings(name) if (hit := find(n)) is not None), None)

    out: dict[str, T | None] = {}
    pending: list[str] = []
    for name in dict.fromkeys(names):
        hit = lookup(name)
        if hit is not None:
            out[name] = hit
        else:
            pending.append(name)
    for name in sorted(pending, key=lambda n: len(n.split())):
        hit = lookup(name)
        out[name] = hit if hit is not None else (None if is_sign(name) else propose(name))
    return out
