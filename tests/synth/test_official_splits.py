"""Trajectory splits follow a dataset's official split, so SFT never trains on an eval test image."""

from __future__ import annotations

from kg.models import Case, Diagnosis
from synth.export import split_of
from synth.snapshot import SynthGraph

NEVUS = Diagnosis(id="nevus", name="melanocytic nevus")


def case(sha: str, source: str | None, split: str | None) -> Case:
    meta = {"split": split} if split else {}
    return Case(
        id=f"c-{sha}", diagnosis="nevus", image_sha256=sha * 64, image_path=f"/{sha}.jpg",
        rationale="brown reticular network", source=source, meta=meta,
    )  # fmt: skip


def test_official_split_wins_over_the_hash() -> None:
    sha = "0" * 64  # hashes into the test split (u = 0)
    assert split_of(sha, 0.1, 0.1) == "test"
    assert split_of(sha, 0.1, 0.1, official="train") == "train"
    assert split_of(sha, 0.1, 0.1, official="valid") == "validation"  # Derm7pt's name for it
    assert split_of(sha, 0.1, 0.1, official="unknown") == "test"  # not a split name: the hash decides


def test_snapshot_holds_out_images_the_official_split_files_leave_out() -> None:
    graph = SynthGraph.from_parts(
        revision=1,
        diagnoses=[NEVUS],
        assertions=[],
        cases=[
            case("a", "derm7pt", "train"),
            case("b", "derm7pt", "valid"),
            case("c", "derm7pt", None),  # filtered out of Derm7pt+'s split files
            case("d", "book", None),  # a dataset without official splits: the hash decides
        ],
    )
    assert graph.official_splits == {"a" * 64: "train", "b" * 64: "valid", "c" * 64: "test"}
