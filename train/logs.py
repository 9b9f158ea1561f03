"""Training logs as CSV (one line per logged value) and the reward curves drawn from them."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

from transformers import TrainerCallback

LOG_FILE = "train_log.csv"
_FIELDS = ["step", "epoch", "key", "value"]


class CsvLogCallback(TrainerCallback):
    """Append every logged scalar to ``output_dir/train_log.csv``; a resumed run continues the file."""

    def __init__(self, output_dir: str | Path) -> None:
        self.path = Path(output_dir) / LOG_FILE

    def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **kwargs: Any):
        if not state.is_world_process_zero or not logs:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        new = not self.path.exists()
        with self.path.open("a", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=_FIELDS)
            if new:
                writer.writeheader()
            for key, value in logs.items():
                if isinstance(value, int | float) and not isinstance(value, bool):
                    writer.writerow(
                        {"step": state.global_step, "epoch": state.epoch, "key": key, "value": value}
                    )


def read_log(path: str | Path) -> dict[str, list[tuple[int, float]]]:
    """{key: [(step, value), ...]} from a CSV log; a step logged twice (after a resume) keeps the last."""
    series: dict[str, dict[int, float]] = {}
    with Path(path).open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            value = float(row["value"])
            if not math.isnan(value):
                series.setdefault(row["key"], {})[int(row["step"])] = value
    return {k: sorted(v.items()) for k, v in series.items()}


def plot_reward_curves(log_csv: str | Path, out_png: str | Path) -> Path | None:
    """Plot the total reward and each reward function's mean over steps; None when nothing was logged."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = read_log(log_csv)
    keys = [k for k in series if k == "reward" or (k.startswith("rewards/") and k.endswith("/mean"))]
    if not keys:
        return None
    fig, ax = plt.subplots(figsize=(7, 4))
    for key in sorted(keys):
        steps, values = zip(*series[key], strict=True)
        ax.plot(
            steps, values, marker="o", markersize=3, label=key.removeprefix("rewards/").removesuffix("/mean")
        )
    ax.set_xlabel("step")
    ax.set_ylabel("mean reward")
    ax.set_title("GRPO rewards")
    ax.legend(loc="best", fontsize=8)
    ax.grid(alpha=0.3)
    out = Path(out_png)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out
