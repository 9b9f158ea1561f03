"""The output folder: one sub-folder per task, ``report.json`` and the dataset card ``README.md``."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from dermkg.files import atomic_dir
from synth.datasets.build import BuildReport
from synth.datasets.types import McqRow
from synth.datasets.writers import write_card, write_json, write_task

LICENCES = {
    "ham10000": "CC BY-NC 4.0",
    "bcn20000": "CC BY-NC 4.0",
    "pad_ufes20": "CC BY 4.0",
    "derm12345": "CC BY-NC 4.0",
    "derm7pt": "images CC BY-NC-ND 4.0, metadata MIT",
    "dermnet": "DermNet image licence (non-commercial)",
    "fitzpatrick17k": "CC BY-NC-SA 3.0",
}


def write_outputs(out: Path, title: str, rows: dict[str, list[McqRow]], report: BuildReport) -> None:
    """Write every task and the card into a temporary folder, then swap it in (atomic)."""
    with atomic_dir(out) as tmp:
        for task, task_rows in sorted(rows.items()):
            report.tasks[task] = write_task(tmp, task, task_rows)
        write_json(tmp / "report.json", report.model_dump(mode="json", exclude={"out"}))
        write_card(tmp / "README.md", title, _sections(rows, report))


def _table(header: list[str], body: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in body]


def _sections(rows: dict[str, list[McqRow]], report: BuildReport) -> list[tuple[str, object]]:
    def overview() -> list[str]:
        return [
            f"Built from graph revision {report.revision} with seed {report.seed}. Columns read by the "
            "rewards: id, image, prompt, options {letter: text}, option_scores {letter: float}, answer, "
            "lesion_condition, path (coarse -> fine), source, split, task. JSONL keeps options / "
            "option_scores as objects; the "
            "Hugging Face folders (hf/<split>) store them as JSON strings.",
            "",
            *_table(
                ["task", "train", "valid", "test"],
                [
                    [t, c.get("train", 0), c.get("valid", 0), c.get("test", 0)]
                    for t, c in sorted(report.tasks.items())
                ],
            ),
        ]

    def labels() -> list[str]:
        body = []
        for task, task_rows in sorted(rows.items()):
            counts = Counter((r.source, r.label, r.split) for r in task_rows)
            for (source, label, split), n in sorted(counts.items()):
                body.append([task, source, label, split, n])
        return _table(["task", "source", "label", "split", "rows"], body)

    def coverage() -> list[str]:
        body = []
        for name, s in sorted(report.datasets.items()):
            unknown = ", ".join(f"{k} ({v})" for k, v in sorted(s.labels.unknown.items())) or "-"
            body.append(
                [
                    name,
                    s.rows_read,
                    s.used,
                    f"{s.labels.coverage:.1%}",
                    unknown,
                    ", ".join(f"{k}: {v}" for k, v in s.problems.items()) or "-",
                    LICENCES.get(name, "?"),
                ]
            )
        return _table(
            [
                "dataset",
                "rows read",
                "used",
                "label coverage",
                "unknown labels (rows)",
                "problems",
                "licence",
            ],
            body,
        )

    def leakage() -> list[str]:
        lk = report.leakage
        lines = [
            f"Images hashed: {lk.images_hashed}. Same bytes in two splits: {len(lk.across_splits)} "
            f"(rows removed from valid/test: {lk.removed}). Same bytes in two datasets: "
            f"{len(lk.across_datasets)}."
        ]
        lines += [f"- {', '.join(leak.occurrences)}" for leak in (lk.across_splits + lk.across_datasets)[:20]]
        if report.ood:
            lines.append(
                f"OOD (OmniMedVQA): items {report.ood['items']}, by type {report.ood['by_type']}, "
                f"excluded overlapping subsets {report.ood['excluded_subsets']}, excluded images "
                f"{report.ood['excluded_images']}, images missing (rows flagged) "
                f"{report.ood['missing_images']}."
            )
        return lines

    def protocol() -> list[str]:
        lines = [
            f"Options per item: {report.n_options} (lesion condition: its 3 classes); items that "
            "cannot get them are dropped and counted under Problems."
        ]
        return lines + [f"- {task}: {text}" for task, text in sorted(report.protocol.items())]

    def problems() -> list[str]:
        skipped = [
            f"- {task}: {n} samples dropped (could not get the configured options)"
            for task, n in sorted(report.skipped.items())
        ]
        listed = [f"- {p.dataset} {p.location}: {p.kind} {p.detail}" for p in report.problems[:50]]
        return skipped + listed or ["None."]

    return [
        ("Overview", overview),
        ("Protocol", protocol),
        ("Counts per label and split", labels),
        ("Label mapping coverage", coverage),
        ("Leakage", leakage),
        ("Problems", problems),
    ]
