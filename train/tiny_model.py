"""Build a small random Qwen2.5-VL checkpoint locally, with no model hub.

The checkpoint has every part a real one has (a byte-level BPE tokenizer with the Qwen special tokens,
``Qwen2VLImageProcessor``, ``Qwen2_5_VLProcessor`` with TRL's bundled chat template, a
``Qwen2_5_VLForConditionalGeneration``), so SFT, GRPO, merging and evaluation run the real code path on
it. Its weights are random: it produces garbage, which is what tests of malformed output need.

Example:
    >>> from train.tiny_model import TinyModelSpec, build_tiny_model
    >>> build_tiny_model("/tmp/tiny-qwen", TinyModelSpec(hidden_size=64))  # doctest: +SKIP
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

# The special tokens of the Qwen2.5 tokenizer, in Qwen's order (ids follow the BPE vocabulary).
QWEN_SPECIAL_TOKENS = [
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|object_ref_start|>",
    "<|object_ref_end|>",
    "<|box_start|>",
    "<|box_end|>",
    "<|quad_start|>",
    "<|quad_end|>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|vision_pad|>",
    "<|image_pad|>",
    "<|video_pad|>",
]

# Text the BPE vocabulary is trained on: the words and tags the dermatology prompts and targets use,
# so that tokenised sequences stay short and tests stay fast.
_CORPUS = [
    "You are a helpful assistant. Look at the dermoscopy image and choose the most specific diagnosis.",
    "<thinking> The lesion shows an atypical pigment network, irregular streaks and blue-white veil. "
    "</thinking> <final diagnosis> B. melanoma </final diagnosis>",
    "<diagnosis> malignant melanocytic proliferation </diagnosis> Answer with the letter of the option.",
    "Options: A. benign nevus B. melanoma C. seborrheic keratosis D. basal cell carcinoma E. dermatofibroma",
    "lesion condition: benign malignant precancerous in situ not malignant. Option A B C D E F G H.",
    "Clark nevus, blue nevus, Reed or Spitz nevus, congenital nevus, dermal nevus, lentigo, vascular lesion.",
    "melanoma in situ, melanoma less than 0.76 mm, actinic keratosis, squamous cell carcinoma.",
    "Bowen disease, dermatofibroma, pyogenic granuloma, haemangioma, lichen planus-like keratosis.",
    "The answer is (C). Final answer: D: basal cell carcinoma. I think it is E.",
    "0 1 2 3 4 5 6 7 8 9 . , : ; ( ) [ ] - / ' \" ? ! \n",
]

TRL_QWEN25_VL_TEMPLATE = "qwen2_5_vl.jinja"


class TinyModelSpec(BaseModel):
    """Size of the locally built Qwen2.5-VL; the defaults give a ~1 M-parameter model for CPU tests."""

    model_config = ConfigDict(extra="forbid")

    vocab_size: int = Field(600, ge=300, description="BPE vocabulary size before the special tokens.")
    hidden_size: int = Field(64, ge=16, description="Language-model hidden size.")
    intermediate_size: int = Field(128, ge=16, description="Language-model MLP width.")
    num_hidden_layers: int = Field(2, ge=1, description="Language-model decoder layers.")
    num_attention_heads: int = Field(4, ge=1)
    num_key_value_heads: int = Field(2, ge=1)
    vision_hidden_size: int = Field(32, ge=16, description="Vision-tower width.")
    vision_depth: int = Field(2, ge=1, description="Vision-tower blocks.")
    vision_heads: int = Field(2, ge=1)
    max_pixels: int = Field(448 * 448, description="Image-processor pixel cap (448x448, the paper's size).")
    min_pixels: int = Field(56 * 56)
    seed: int = 0

    @model_validator(mode="after")
    def _check_heads(self) -> TinyModelSpec:
        head_dim = self.hidden_size // self.num_attention_heads
        if self.hidden_size % self.num_attention_heads or head_dim % 4:
            raise ValueError("hidden_size / num_attention_heads must be a multiple of 4 (M-RoPE sections)")
        if self.num_attention_heads % self.num_key_value_heads:
            raise ValueError("num_attention_heads must be a multiple of num_key_value_heads")
        if self.vision_hidden_size % self.vision_heads or (self.vision_hidden_size // self.vision_heads) % 4:
            raise ValueError("vision_hidden_size / vision_heads must be a multiple of 4")
        return self


def trl_chat_template() -> str:
    """TRL's bundled original Qwen2.5-VL template: TRL recognises it and swaps in its training variant."""
    return (resources.files("trl") / "chat_templates" / TRL_QWEN25_VL_TEMPLATE).read_text(encoding="utf-8")


def build_tokenizer(vocab_size: int):  # -> Qwen2Tokenizer
    """Train a byte-level BPE on the built-in corpus and wrap it in ``Qwen2Tokenizer``."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import Qwen2Tokenizer

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    bpe.train_from_iterator(_CORPUS * 4, trainer=trainer)
    vocab: dict[str, int] = bpe.get_vocab()
    # The BPE merges, read back from the serialised model (a list of pairs in recent `tokenizers`).
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in _serialised_merges(bpe)]
    tokenizer = Qwen2Tokenizer(
        vocab=vocab,
        merges=merges,
        unk_token=None,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        extra_special_tokens=QWEN_SPECIAL_TOKENS,
        model_max_length=32768,
    )
    tokenizer.add_special_tokens({"extra_special_tokens": QWEN_SPECIAL_TOKENS})
    return tokenizer


def _serialised_merges(bpe) -> list:  # noqa: ANN001 - tokenizers.Tokenizer
    import json

    return json.loads(bpe.to_str())["model"]["merges"]


def build_tiny_model(out_dir: str | Path, spec: TinyModelSpec | None = None) -> Path:
    """Write a random Qwen2.5-VL checkpoint with its processor to ``out_dir`` and return the folder.

    Deterministic for a given spec (seeded); building into an existing checkpoint folder overwrites it.
    """
    import torch
    from transformers import (
        GenerationConfig,
        Qwen2_5_VLConfig,
        Qwen2_5_VLForConditionalGeneration,
        Qwen2_5_VLProcessor,
        Qwen2VLImageProcessor,
    )
    from transformers.models.qwen2_vl.video_processing_qwen2_vl import Qwen2VLVideoProcessor

    spec = spec or TinyModelSpec()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = build_tokenizer(spec.vocab_size)
    ids = {tok: tokenizer.convert_tokens_to_ids(tok) for tok in QWEN_SPECIAL_TOKENS}
    size = {"shortest_edge": spec.min_pixels, "longest_edge": spec.max_pixels}
    processor = Qwen2_5_VLProcessor(
        image_processor=Qwen2VLImageProcessor(size=size),
        tokenizer=tokenizer,
        video_processor=Qwen2VLVideoProcessor(),
        chat_template=trl_chat_template(),
    )
    head_dim = spec.hidden_size // spec.num_attention_heads
    half = head_dim // 2  # M-RoPE splits half the head dim over (time, height, width)
    mrope = [half - 2 * (half // 3), half // 3, half // 3]
    config = Qwen2_5_VLConfig(
        text_config={
            "vocab_size": len(tokenizer),
            "hidden_size": spec.hidden_size,
            "intermediate_size": spec.intermediate_size,
            "num_hidden_layers": spec.num_hidden_layers,
            "num_attention_heads": spec.num_attention_heads,
            "num_key_value_heads": spec.num_key_value_heads,
            "max_position_embeddings": 32768,
            "rope_parameters": {"rope_type": "default", "rope_theta": 1_000_000.0, "mrope_section": mrope},
            "bos_token_id": ids["<|endoftext|>"],
            "eos_token_id": ids["<|im_end|>"],
            "pad_token_id": ids["<|endoftext|>"],
        },
        vision_config={
            "depth": spec.vision_depth,
            "hidden_size": spec.vision_hidden_size,
            "intermediate_size": spec.vision_hidden_size * 2,
            "num_heads": spec.vision_heads,
            "out_hidden_size": spec.hidden_size,
            "fullatt_block_indexes": [spec.vision_depth - 1],
        },
        image_token_id=ids["<|image_pad|>"],
        video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"],
        vision_end_token_id=ids["<|vision_end|>"],
        tie_word_embeddings=False,
    )
    torch.manual_seed(spec.seed)
    model = Qwen2_5_VLForConditionalGeneration(config).to(torch.float32)
    model.generation_config = GenerationConfig(
        bos_token_id=ids["<|endoftext|>"],
        eos_token_id=[ids["<|im_end|>"], ids["<|endoftext|>"]],
        pad_token_id=ids["<|endoftext|>"],
    )
    model.save_pretrained(out)
    processor.save_pretrained(out)
    (out / "tiny_model_spec.json").write_text(spec.model_dump_json(indent=2), encoding="utf-8")
    return out
