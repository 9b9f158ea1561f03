"""The evaluation harness: greedy batched answers on MCQ evaluation sets, scored strictly.

Each run writes ``OUT/runs/<name>/`` (predictions.jsonl, metrics.json, confusion PNGs, and the reward
curves when the adapter's training log is beside it); ``OUT/results.md`` and ``results.csv`` are then
rebuilt from every run in ``OUT``, so evaluating the base model and the trained adapters into one
folder gives the paper-style comparison table.

Example:
    >>> cfg = EvalConfig(model="Qwen/Qwen2.5-VL-7B-Instruct", evalset="exports/eval")
    >>> Evaluator(cfg).run()  # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import re
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from train.answers import LESION_CONDITIONS, condition_of_text, parse_choice, parse_condition
from train.eval_config import EvalConfig
from train.metrics import accuracy, is_lesion_task, macro_f1
from train.rewards import format_reward, granularity_reward, malignancy_reward
from train.schemas import McqRow, load_all, open_image

log = logging.getLogger(__name__)


class Prediction(BaseModel):
    """One scored answer."""

    id: str
    task: str
    source: str
    answer: str
    answer_text: str
    letter: str | None
    letter_text: str | None
    method: str
    correct: bool
    gold_condition: str | None
    predicted_condition: str | None
    format_reward: float
    granularity_reward: float | None
    malignancy_reward: float | None
    completion: str


class GroupMetrics(BaseModel):
    task: str
    source: str
    n: int
    accuracy: float
    invalid_rate: float
    macro_f1: float | None = None


class EvalResult(BaseModel):
    """Metrics of one model on the evaluation rows, and where the files went."""

    name: str
    model: str
    adapter: str | None
    n: int
    accuracy: float
    invalid_rate: float
    groups: list[GroupMetrics]
    run_dir: str
    results_md: str
    results_csv: str
    plots: list[str]
    seconds: float
    protocol: dict[str, str] = {}  # task -> how its rows were built (prompt, exclusions), from report.json


def read_protocol(evalset: str | Path) -> dict[str, str]:
    """The protocol of each task as ``synth evalsets`` wrote it (``report.json`` beside the rows);
    empty when the rows came without one (the results table then says "not stated")."""
    path = Path(evalset)
    for folder in (path, *path.parents[:3]):
        report = folder / "report.json"
        if report.is_file():
            try:
                found = json.loads(report.read_text(encoding="utf-8")).get("protocol") or {}
            except (OSError, ValueError):
                return {}
            return {str(k): str(v) for k, v in found.items()}
    return {}


def load_eval_rows(cfg: EvalConfig) -> list[McqRow]:
    """Every evaluation row of the split, from one file or a whole ``synth evalsets`` folder."""
    rows = load_all(cfg.evalset, McqRow, split=cfg.split)
    return rows[: cfg.limit] if cfg.limit else rows


def score(row: McqRow, completion: str) -> Prediction:
    """Grade one completion: strict letter parsing with fallback, lesion condition, the three rewards."""
    parsed = parse_choice(completion, row.options)
    letter_text = row.options.get(parsed.letter) if parsed.letter else None
    gold_condition = row.lesion_condition or condition_of_text(row.options[row.answer])
    if is_lesion_task(row.task) and letter_text:
        predicted_condition = condition_of_text(letter_text)
    else:
        predicted_condition = parse_condition(completion)
    columns: dict[str, Any] = {
        "id": [row.id],
        "options": [row.options],
        "option_scores": [row.option_scores],
        "lesion_condition": [row.lesion_condition],
    }
    return Prediction(
        id=row.id,
        task=row.task,
        source=row.source,
        answer=row.answer,
        answer_text=row.options[row.answer],
        letter=parsed.letter,
        letter_text=letter_text,
        method=parsed.method,
        correct=parsed.letter == row.answer,
        gold_condition=gold_condition,
        predicted_condition=predicted_condition,
        format_reward=format_reward(None, [completion])[0] or 0.0,
        granularity_reward=granularity_reward(None, [completion], **columns)[0],
        malignancy_reward=malignancy_reward(None, [completion], **columns)[0],
        completion=completion,
    )


def group_metrics(predictions: list[Prediction]) -> list[GroupMetrics]:
    """Accuracy and invalid rate per (task, source); macro-F1 of the condition on lesion tasks."""
    groups: dict[tuple[str, str], list[Prediction]] = {}
    for p in predictions:
        groups.setdefault((p.task, p.source), []).append(p)
    out = []
    for (task, source), preds in sorted(groups.items()):
        f1 = None
        if is_lesion_task(task):
            gold = [p.gold_condition or "" for p in preds]
            f1 = macro_f1(gold, [p.predicted_condition for p in preds], LESION_CONDITIONS)
        out.append(
            GroupMetrics(
                task=task,
                source=source,
                n=len(preds),
                accuracy=accuracy([p.correct for p in preds]),
                invalid_rate=sum(p.letter is None for p in preds) / len(preds),
                macro_f1=f1,
            )
        )
    return out


class Evaluator:
    """Evaluate one model (base, or base + adapter) on the evaluation rows; constructor does no I/O."""

    def __init__(self, config: EvalConfig) -> None:
        self.config = config

    def generate(self, rows: list[McqRow], model: Any, processor: Any) -> list[str]:
        """Greedy answers in batches of ``batch_size`` (left-padded prompts, one image each)."""
        import torch
        from tqdm import tqdm

        cfg = self.config
        completions: list[str] = []
        device = next(model.parameters()).device
        for start in tqdm(range(0, len(rows), cfg.batch_size), desc="eval", unit="batch"):
            batch = rows[start : start + cfg.batch_size]
            texts = [
                processor.apply_chat_template(
                    [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": r.prompt}]}],
                    add_generation_prompt=True,
                    tokenize=False,
                )
                for r in batch
            ]
            images = [[open_image(r.image)] for r in batch]
            inputs = processor(images=images, text=texts, padding=True, return_tensors="pt").to(device)
            with torch.inference_mode():
                out = model.generate(**inputs, do_sample=False, max_new_tokens=cfg.max_new_tokens)
            new_tokens = out[:, inputs["input_ids"].shape[1] :]
            completions.extend(processor.batch_decode(new_tokens, skip_special_tokens=True))
        return completions

    def run(self) -> EvalResult:
        from train._modeling import load_model, load_processor
        from train.report import plot_confusions, write_results_table

        start = time.monotonic()
        cfg = self.config
        rows = load_eval_rows(cfg)  # bad rows fail here, before the model loads
        log.info("evaluating %s on %d rows of %s", cfg.model, len(rows), cfg.evalset)
        bf16 = cfg.bf16 if cfg.bf16 is not None else _bf16_available()
        processor = load_processor(cfg.model, cfg.max_pixels, padding_side="left")
        model = load_model(cfg.model, bf16=bf16, adapter=cfg.adapter)
        model.eval()
        completions = self.generate(rows, model, processor)
        predictions = [score(r, c) for r, c in zip(rows, completions, strict=True)]
        groups = group_metrics(predictions)
        name = cfg.label()
        run_dir = Path(cfg.out) / "runs" / re.sub(r"[^\w.-]+", "_", name)
        run_dir.mkdir(parents=True, exist_ok=True)
        with (run_dir / "predictions.jsonl").open("w", encoding="utf-8") as fh:
            for p in predictions:
                fh.write(p.model_dump_json() + "\n")
        plots = plot_confusions(predictions, run_dir)
        log.info("predictions and plots written to %s", run_dir)
        if cfg.adapter:
            from train.logs import LOG_FILE, plot_reward_curves

            curves = Path(cfg.adapter).parent / LOG_FILE
            png = plot_reward_curves(curves, run_dir / "reward_curves.png") if curves.is_file() else None
            plots += [str(png)] if png else []
        result = EvalResult(
            name=name,
            model=cfg.model,
            adapter=cfg.adapter,
            n=len(predictions),
            accuracy=accuracy([p.correct for p in predictions]),
            invalid_rate=sum(p.letter is None for p in predictions) / len(predictions),
            groups=groups,
            run_dir=str(run_dir),
            results_md=str(Path(cfg.out) / "results.md"),
            results_csv=str(Path(cfg.out) / "results.csv"),
            plots=plots,
            seconds=round(time.monotonic() - start, 2),
            protocol=read_protocol(cfg.evalset),
        )
        (run_dir / "metrics.json").write_text(result.model_dump_json(indent=2), encoding="utf-8")
        write_results_table(Path(cfg.out))
        return result


def _bf16_available() -> bool:
    import torch

    return bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())
