"""``dermkg train …`` (issue 8): thin wrappers over one library call each.

torch, transformers and TRL are imported inside the commands only; ``train`` does not import ``kg``
(it runs on a GPU box holding only the exported files); output and errors go through the root
package's :mod:`dermkg.cli_common`, which imports nothing of ``kg``.
"""

from __future__ import annotations

import sys
from contextlib import redirect_stdout
from pathlib import Path
from typing import Annotated, Literal, Protocol

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape

from dermkg.cli_common import JsonOpt, emit, handle_errors

app = typer.Typer(help="LoRA SFT, GRPO with the hierarchical reward, evaluation.", no_args_is_help=True)
ConfigOpt = Annotated[
    Path, typer.Option("--config", "-c", help="YAML config (see `dermkg train show-config`).")
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a config field, KEY=VALUE (dotted keys for sections); repeatable."),
]


ModelOpt = Annotated[str, typer.Option("--model", help="Base model folder or hub id.")]


class _Job(Protocol):
    def run(self) -> BaseModel: ...


def _run_and_emit(job: _Job, as_json: bool) -> None:
    """Trainers print their log dicts (``{'loss': ...}``) to stdout; keep stdout for the result alone,
    so ``--json`` output parses."""
    with redirect_stdout(sys.stderr):
        result = job.run()
    emit(result, as_json)


@app.command("sft")
@handle_errors
def sft(config: ConfigOpt, overrides: SetOpt = None, as_json: JsonOpt = False) -> None:
    """LoRA SFT on grounded trajectories (TRL SFTTrainer, loss on the target only).

    Example: dermkg train sft --config train/configs/sft.yaml --set data=exports/sft
    """
    from train.config import load_config
    from train.sft_config import SftConfig

    cfg = load_config(config, SftConfig, overrides)  # refused here, before torch loads
    from train.sft import SftJob

    _run_and_emit(SftJob(cfg), as_json)


@app.command("grpo")
@handle_errors
def grpo(config: ConfigOpt, overrides: SetOpt = None, as_json: JsonOpt = False) -> None:
    """GRPO from the SFT model with R_format + R_gran + R_malignancy (TRL GRPOTrainer).

    Example: dermkg train grpo --config train/configs/grpo.yaml --set sft_adapter=runs/sft/adapter
    """
    from train.config import load_config
    from train.grpo_config import GrpoConfig

    cfg = load_config(config, GrpoConfig, overrides)
    from train.grpo import GrpoJob

    _run_and_emit(GrpoJob(cfg), as_json)


@app.command("eval")
@handle_errors
def evaluate(
    model: ModelOpt,
    evalset: Annotated[
        str, typer.Option("--evalset", help="Evaluation JSONL / datasets folder / folder of them.")
    ],
    adapter: Annotated[
        str | None, typer.Option("--adapter", help="LoRA adapter (omit for the baseline).")
    ] = None,
    out: Annotated[str, typer.Option("--out", help="Results folder shared by the compared models.")] = "eval",
    name: Annotated[str | None, typer.Option("--name", help="Row label in the results table.")] = None,
    split: Annotated[str, typer.Option("--split", help="Rows of this split; 'all' for every row.")] = "test",
    batch_size: Annotated[int, typer.Option("--batch-size", min=1)] = 8,
    max_new_tokens: Annotated[int, typer.Option("--max-new-tokens", min=1)] = 512,
    max_pixels: Annotated[int, typer.Option("--max-pixels", help="Image cap in pixels.")] = 448 * 448,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Only the first N rows.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Greedy, batched evaluation: accuracy per dataset, condition macro-F1, invalid rate, tables, plots.

    Example: dermkg train eval --model runs/base --adapter runs/grpo/adapter --evalset exports/eval
    """
    from train.eval_config import EvalConfig

    cfg = EvalConfig(
        model=model,
        adapter=adapter,
        evalset=evalset,
        out=out,
        name=name,
        split=None if split == "all" else split,
        batch_size=batch_size,
        max_new_tokens=max_new_tokens,
        max_pixels=max_pixels,
        limit=limit,
    )
    from train.eval import Evaluator

    _run_and_emit(Evaluator(cfg), as_json)


@app.command("merge")
@handle_errors
def merge(
    model: ModelOpt,
    adapter: Annotated[str, typer.Option("--adapter", help="LoRA adapter folder.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the merged checkpoint.")],
    as_json: JsonOpt = False,
) -> None:
    """Merge a LoRA adapter into its base model (for serving, or as the next stage's base).

    Example: dermkg train merge --model runs/base --adapter runs/grpo/adapter --out runs/merged
    """
    from train._modeling import merge_adapter

    emit({"merged": str(merge_adapter(model, adapter, out))}, as_json)


@app.command("tiny-model")
@handle_errors
def tiny_model(
    out: Annotated[Path, typer.Argument(help="Folder for the checkpoint.")],
    hidden_size: Annotated[int, typer.Option("--hidden-size")] = 64,
    layers: Annotated[int, typer.Option("--layers")] = 2,
    as_json: JsonOpt = False,
) -> None:
    """Build a random Qwen2.5-VL checkpoint locally (no hub) for smoke runs of the whole pipeline.

    Example: dermkg train tiny-model /tmp/tiny-qwen --hidden-size 128
    """
    from train.tiny_model import TinyModelSpec, build_tiny_model

    spec = TinyModelSpec(hidden_size=hidden_size, intermediate_size=hidden_size * 2, num_hidden_layers=layers)
    emit({"model": str(build_tiny_model(out, spec)), "spec": spec.model_dump()}, as_json)


@app.command("show-config")
def show_config(stage: Literal["sft", "grpo", "eval"], as_json: JsonOpt = False) -> None:
    """List a stage's config fields with their defaults and help text.

    Example: dermkg train show-config grpo
    """
    from train.config import describe_config
    from train.eval_config import EvalConfig
    from train.grpo_config import GrpoConfig
    from train.sft_config import SftConfig

    config_type = {"sft": SftConfig, "grpo": GrpoConfig, "eval": EvalConfig}[stage]
    rows = describe_config(config_type)
    if as_json:
        emit([{"field": f, "default": d, "help": h} for f, d, h in rows], True)
        return
    from rich.table import Table

    table = Table(title=f"{stage} config fields")
    for column in ("field", "default", "help"):
        table.add_column(column)
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))
    Console().print(table)
