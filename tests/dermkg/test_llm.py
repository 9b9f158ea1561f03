"""The shared LLM client, against a real OpenAI-compatible server (``transformers serve``)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from pydantic import BaseModel

from dermkg.llm import (
    LLMClient,
    LLMConfig,
    LLMOutputError,
    LLMUnavailableError,
    extract_json,
    parse_structured,
)


class Pair(BaseModel):
    a: str
    b: str


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": "x", "b": "y"}', {"a": "x", "b": "y"}),  # bare object
        ('Sure!\n```json\n{"a": "x", "b": "y"}\n```', {"a": "x", "b": "y"}),  # fenced, with chatter
        ("noise { not json } then [1, 2]", [1, 2]),  # skips a broken brace, finds the array
    ],
)
def test_extract_json_finds_the_first_valid_value(text: str, expected: object) -> None:
    assert extract_json(text) == expected


@pytest.mark.parametrize("text", ["", "benign benign benign", '{"a": '])
def test_extract_json_refuses_text_without_json(text: str) -> None:
    with pytest.raises(LLMOutputError) as err:
        extract_json(text)
    assert err.value.raw == text


def test_parse_structured_names_the_bad_field() -> None:
    with pytest.raises(LLMOutputError, match="Pair: b"):
        parse_structured('{"a": "x"}', Pair)


def test_real_server_completion_is_counted_and_cached(openai_server, tmp_path: Path) -> None:
    client = LLMClient(
        LLMConfig(
            base_url=openai_server.base_url, model=openai_server.model, max_tokens=8, cache_dir=tmp_path
        )
    )
    messages = [{"role": "user", "content": "Name a differential of melanoma."}]
    first = client.complete(messages)
    assert isinstance(first, str) and first
    assert client.usage.calls == 1 and client.usage.completion_tokens > 0 and client.usage.prompt_tokens > 0

    again = LLMClient(client.config)  # a fresh process would see the same on-disk cache
    assert again.complete(messages) == first
    assert again.usage.calls == 0 and again.usage.cache_hits == 1


def test_random_model_output_is_reported_as_malformed(openai_server) -> None:
    client = LLMClient(LLMConfig(base_url=openai_server.base_url, model=openai_server.model, max_tokens=16))
    with pytest.raises(LLMOutputError) as err:
        client.complete_structured([{"role": "user", "content": "Return JSON {a, b}."}], Pair)
    assert err.value.raw  # the raw text is kept for the review queue


def test_map_runs_requests_concurrently_and_keeps_order(openai_server) -> None:
    client = LLMClient(
        LLMConfig(base_url=openai_server.base_url, model=openai_server.model, max_tokens=4, concurrency=3)
    )
    requests = [[{"role": "user", "content": f"case {i}"}] for i in range(6)]
    results = client.map(requests)
    assert len(results) == 6 and all(isinstance(r, str) for r in results)
    assert client.usage.calls == 6


def test_unreachable_endpoint_is_retried_then_fails_clearly(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket closes
    client = LLMClient(LLMConfig(base_url=f"http://127.0.0.1:{port}/v1", model="m", max_retries=2))
    with pytest.raises(LLMUnavailableError, match=f"127.0.0.1:{port}.*3 attempts"):
        client.complete([{"role": "user", "content": "hi"}])
    assert client.usage.retries == 2 and client.usage.failures == 1
    retries = [r.getMessage() for r in caplog.records if r.name == "dermkg.llm" and "retry" in r.getMessage()]
    assert len(retries) == 2 and "retry 2/2" in retries[-1]  # the openai client's retries, each logged


def test_api_key_never_reaches_the_cache(openai_server, tmp_path: Path) -> None:
    secret = "sk-test-very-secret"
    client = LLMClient(
        LLMConfig(
            base_url=openai_server.base_url,
            model=openai_server.model,
            api_key=secret,
            max_tokens=4,
            cache_dir=tmp_path,
        )
    )
    client.complete([{"role": "user", "content": "hello"}])
    stored = "".join(p.read_text() for p in tmp_path.rglob("*.json"))
    assert stored and secret not in stored
    assert secret not in repr(client.config)
