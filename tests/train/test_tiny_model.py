"""The locally built Qwen2.5-VL has every part a real checkpoint has."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from train.tiny_model import QWEN_SPECIAL_TOKENS, TinyModelSpec, trl_chat_template


def test_checkpoint_loads_through_the_auto_classes(tiny_model: Path) -> None:
    from transformers import AutoModelForImageTextToText, AutoProcessor

    processor = AutoProcessor.from_pretrained(tiny_model)
    model = AutoModelForImageTextToText.from_pretrained(tiny_model)
    assert type(processor).__name__ == "Qwen2_5_VLProcessor"
    assert type(processor.tokenizer).__name__ == "Qwen2Tokenizer"
    assert type(processor.image_processor).__name__ == "Qwen2VLImageProcessor"
    assert (
        processor.chat_template == trl_chat_template()
    )  # TRL recognises it and swaps in its training variant
    assert model.config.text_config.num_hidden_layers == 2
    assert model.config.image_token_id == processor.tokenizer.convert_tokens_to_ids("<|image_pad|>")
    assert processor.image_processor.size["longest_edge"] == 448 * 448


def test_qwen_special_tokens_are_single_tokens(tiny_model: Path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    for token in QWEN_SPECIAL_TOKENS:
        assert tokenizer.tokenize(token) == [token]
    assert (tokenizer.eos_token, tokenizer.pad_token) == ("<|im_end|>", "<|endoftext|>")
    text = "<thinking>irregular network</thinking><final diagnosis>C. melanoma</final diagnosis>"
    assert tokenizer.decode(tokenizer(text)["input_ids"]) == text  # byte-level BPE round-trips


def test_image_tokens_follow_the_pixel_cap(tiny_model: Path, derm_images: list[Path]) -> None:
    from PIL import Image

    from train._modeling import load_processor

    image = Image.open(derm_images[0]).convert("RGB")
    small = load_processor(str(tiny_model), 112 * 112)(
        images=[image], text=["<|image_pad|>"], return_tensors="pt"
    )
    large = load_processor(str(tiny_model), 448 * 448)(
        images=[image], text=["<|image_pad|>"], return_tensors="pt"
    )
    assert int(small["image_grid_thw"].prod()) <= 112 * 112 // (14 * 14)
    assert int(large["image_grid_thw"].prod()) <= 448 * 448 // (14 * 14)
    assert int(large["image_grid_thw"].prod()) > int(small["image_grid_thw"].prod())


def test_spec_refuses_shapes_rope_cannot_split() -> None:
    with pytest.raises(ValidationError, match="multiple of 4"):
        TinyModelSpec(hidden_size=60, num_attention_heads=4)
    with pytest.raises(ValidationError, match="extra"):
        TinyModelSpec(hiden_size=64)
