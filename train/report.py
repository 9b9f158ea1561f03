"""Results tables (Markdown + CSV, laid out like the paper's Tables 2-5) and confusion-matrix plots."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

from train.metrics import confusion, is_lesion_task

# Evaluation tasks of the datasets issue, in the paper's table order; unknown tasks follow, titled by name.
_TABLES = [
    (r"lesion|condition|malignan", "Lesion condition: accuracy / macro-F1 (%)"),
    (r"ood|omni|out.of", "Out-of-distribution diagnosis (OmniMedVQA): accuracy (%)"),
    (r"hier", "Hierarchical diagnosis (ancestors as distractors): accuracy (%)"),
    (r"ddx|differential", "Differential diagnosis (DDx neighbours as distractors): accuracy (%)"),
    (r"diag|in.dist|^id$", "In-distribution disease diagnosis: accuracy (%)"),
]


def _table_rank(task: str) -> tuple[int, str]:
    order = {"diag": 0, "lesion": 1, "ood": 2, "hier": 3, "ddx": 4}
    for pattern, _ in _TABLES:
        if re.search(pattern, task, re.I):
            key = next(k for k in order if re.search(k, pattern))
            return order[key], task
    return len(order), task


def _title(task: str) -> str:
    for pattern, title in _TABLES:
        if re.search(pattern, task, re.I):
            return f"{title} — task `{task}`"
    return f"Task `{task}`: accuracy (%)"


def _load_runs(out: Path) -> list[dict[str, Any]]:
    runs = [json.loads(f.read_text(encoding="utf-8")) for f in sorted((out / "runs").glob("*/metrics.json"))]
    return sorted(runs, key=lambda r: (r.get("adapter") is not None, r["name"]))  # baselines first


def write_results_table(out: Path) -> tuple[Path, Path]:
    """Rebuild ``results.md`` and ``results.csv`` from every run under ``out/runs``.

    One table per task; a row per model (baselines first), a column per dataset (source), then the
    unweighted average over datasets and the invalid-answer rate. Lesion-condition cells read
    "accuracy / macro-F1".
    """
    runs = _load_runs(out)
    tasks = sorted({g["task"] for r in runs for g in r["groups"]}, key=_table_rank)
    md: list[str] = ["# Evaluation results", ""]
    csv_rows: list[dict[str, Any]] = []
    for number, task in enumerate(tasks, start=2):
        sources = sorted({g["source"] for r in runs for g in r["groups"] if g["task"] == task})
        md += [f"## Table {number}. {_title(task)}", ""]
        stated = next((r["protocol"][task] for r in runs if (r.get("protocol") or {}).get(task)), None)
        md += [f"Protocol: {stated or 'not stated (rows built without a synth evalsets report.json)'}", ""]
        md.append("| Model | " + " | ".join(sources) + " | Avg | Invalid % |")
        md.append("|---|" + "---:|" * (len(sources) + 2))
        for run in runs:
            cells, accs, f1s, invalid, total = [], [], [], 0.0, 0
            by_source = {g["source"]: g for g in run["groups"] if g["task"] == task}
            for source in sources:
                g = by_source.get(source)
                if g is None:
                    cells.append("–")
                    continue
                accs.append(g["accuracy"])
                invalid += g["invalid_rate"] * g["n"]
                total += g["n"]
                cell = f"{100 * g['accuracy']:.1f}"
                if g.get("macro_f1") is not None:
                    f1s.append(g["macro_f1"])
                    cell += f" / {100 * g['macro_f1']:.1f}"
                cells.append(cell)
                for metric in ("accuracy", "invalid_rate", "macro_f1"):
                    if g.get(metric) is not None:
                        csv_rows.append(
                            {
                                "model": run["name"],
                                "task": task,
                                "source": source,
                                "metric": metric,
                                "value": round(g[metric], 6),
                                "n": g["n"],
                            }
                        )
            avg = f"{100 * sum(accs) / len(accs):.1f}" if accs else "–"
            if f1s:
                avg += f" / {100 * sum(f1s) / len(f1s):.1f}"
            inv = f"{100 * invalid / total:.1f}" if total else "–"
            md.append(f"| {run['name']} | " + " | ".join(cells) + f" | {avg} | {inv} |")
        md.append("")
    md_path, csv_path = out / "results.md", out / "results.csv"
    md_path.write_text("\n".join(md), encoding="utf-8")
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["model", "task", "source", "metric", "value", "n"])
        writer.writeheader()
        writer.writerows(csv_rows)
    return md_path, csv_path


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name)


def plot_confusions(predictions: list[Any], run_dir: Path) -> list[str]:
    """One confusion-matrix PNG per task: gold label vs predicted option (the condition on lesion tasks)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths: list[str] = []
    for task in sorted({p.task for p in predictions}):
        preds = [p for p in predictions if p.task == task]
        if is_lesion_task(task):
            gold = [p.gold_condition or "(unknown)" for p in preds]
            predicted = [p.predicted_condition if p.letter else None for p in preds]
        else:
            gold = [p.answer_text for p in preds]
            predicted = [p.letter_text for p in preds]
        columns, counts = confusion(gold, predicted)
        rows = columns[: len(counts)]
        fig, ax = plt.subplots(figsize=(1.2 + 0.55 * len(columns), 1.2 + 0.45 * len(rows)))
        ax.imshow(counts, cmap="Blues", aspect="auto")
        ax.set_xticks(range(len(columns)), [c[:28] for c in columns], rotation=60, ha="right", fontsize=7)
        ax.set_yticks(range(len(rows)), [r[:28] for r in rows], fontsize=7)
        for i, line in enumerate(counts):
            for j, value in enumerate(line):
                if value:
                    ax.text(j, i, str(value), ha="center", va="center", fontsize=7)
        ax.set_xlabel("predicted")
        ax.set_ylabel("gold")
        ax.set_title(f"{task} (n={len(preds)})", fontsize=9)
        fig.tight_layout()
        path = run_dir / f"confusion_{_safe(task)}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        paths.append(str(path))
    return paths
