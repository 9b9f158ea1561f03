"""dermkg train: LoRA SFT, GRPO with the hierarchical reward, and the evaluation harness (issue 8).

Reads only the files ``synth`` exports (never ``kg`` / ``synth`` themselves). Importing this package
is light: torch, transformers and TRL load inside the jobs' methods.
"""

from train.answers import ChoiceParse, parse_choice, parse_condition
from train.config import LoraSettings, load_config
from train.errors import TrainConfigError, TrainDataError, TrainError
from train.eval import EvalResult, Evaluator
from train.eval_config import EvalConfig
from train.grpo import GrpoJob, GrpoResult
from train.grpo_config import GrpoConfig
from train.rewards import format_reward, granularity_reward, malignancy_reward, skin_r1_rewards
from train.schemas import McqRow, SftRow, load_all, load_rows
from train.sft import SftJob, SftResult
from train.sft_config import SftConfig

__all__ = [
    "ChoiceParse",
    "EvalConfig",
    "EvalResult",
    "Evaluator",
    "GrpoConfig",
    "GrpoJob",
    "GrpoResult",
    "LoraSettings",
    "McqRow",
    "SftConfig",
    "SftJob",
    "SftResult",
    "SftRow",
    "TrainConfigError",
    "TrainDataError",
    "TrainError",
    "format_reward",
    "granularity_reward",
    "load_all",
    "load_config",
    "load_rows",
    "malignancy_reward",
    "parse_choice",
    "parse_condition",
    "skin_r1_rewards",
]
