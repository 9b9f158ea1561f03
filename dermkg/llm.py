"""One way to call an OpenAI-compatible chat endpoint (OpenAI, vLLM, Ollama, ``transformers serve``).

Shared by the LLM DDx extractor (ingest) and the LLM differential comparator (synth), so both get the
same guarantees: an on-disk cache keyed by (model, messages, parameters) so a re-run makes no calls,
bounded concurrency, the openai client's own retries (with back-off; each one logged and counted), token
accounting, and structured output
validated by pydantic. The API key comes from the environment and never reaches a log or a cache file.

Example:
    >>> client = LLMClient(LLMConfig(base_url="http://127.0.0.1:8000/v1", model="qwen"))
    >>> answer = client.complete([{"role": "user", "content": "Hi"}])
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, Field, SecretStr, ValidationError

from dermkg.errors import DermkgError
from dermkg.files import atomic_write_text

log = logging.getLogger(__name__)
T = TypeVar("T", bound=BaseModel)
Message = dict[str, str]


class LLMUnavailableError(DermkgError):
    """The endpoint could not be reached or kept failing after the retries."""


class LLMOutputError(DermkgError):
    """The model answered, but not in the required structure."""

    def __init__(self, message: str, *, raw: str) -> None:
        self.raw = raw
        super().__init__(message)


class LLMConfig(BaseModel):
    base_url: str
    model: str
    api_key: SecretStr | None = None
    concurrency: int = Field(default=4, ge=1)
    max_retries: int = Field(default=3, ge=0, description="the openai client's retries (its own back-off)")
    timeout_s: float = Field(default=60.0, gt=0)
    temperature: float = 0.0
    max_tokens: int = 1024
    cache_dir: Path | None = Field(default=None, description="None disables the on-disk cache")

    @classmethod
    def from_settings(cls, **overrides: Any) -> LLMConfig:
        """Build from DERMKG_LLM_* settings (key falls back to OPENAI_API_KEY)."""
        from dermkg.settings import llm_settings, path_settings

        s = llm_settings()
        values: dict[str, Any] = {
            "base_url": s.base_url,
            "model": s.model,
            "api_key": s.api_key,
            "concurrency": s.concurrency,
            "max_retries": s.max_retries,
            "cache_dir": path_settings().data_dir / "llm-cache",
        }
        values.update(overrides)
        if not values.get("base_url") or not values.get("model"):
            raise DermkgError("no LLM endpoint configured: set DERMKG_LLM_BASE_URL and DERMKG_LLM_MODEL")
        return cls(**values)


class LLMUsage(BaseModel):
    """Token accounting for a run, reported in the summaries of ingest and synth."""

    calls: int = 0
    cache_hits: int = 0
    retries: int = 0
    failures: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


def prompt_hash(*parts: str) -> str:
    """Short stable hash of a prompt template, recorded in each assertion's / row's provenance."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


def extract_json(text: str) -> Any:
    """The first JSON object or array in a model answer (bare, or inside a ``` fence)."""
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    decoder = json.JSONDecoder()
    for candidate in candidates:
        for i, ch in enumerate(candidate):
            if ch in "{[":
                try:
                    value, _ = decoder.raw_decode(candidate[i:])
                    return value
                except json.JSONDecodeError:
                    continue
    raise LLMOutputError("no JSON object in the model output", raw=text)


def parse_structured(text: str, model: type[T]) -> T:
    """Validate a model answer against ``model``; LLMOutputError says what was wrong."""
    data = extract_json(text)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "<root>"
        raise LLMOutputError(
            f"model output does not fit {model.__name__}: {where}: {first['msg']}", raw=text
        ) from exc


class LLMClient:
    """Cached, retrying, concurrency-bounded chat completions. Constructing it does no I/O."""

    def __init__(self, config: LLMConfig) -> None:
        self.config = config
        self.usage = LLMUsage()
        self._lock = threading.Lock()
        self._client: Any = None
        self._attempts = threading.local()  # HTTP attempts of the call running on this thread

    # -- cache -------------------------------------------------------------------------------
    def cache_key(self, messages: Sequence[Message], params: dict[str, Any]) -> str:
        payload = json.dumps(
            {"model": self.config.model, "messages": list(messages), "params": params}, sort_keys=True
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def _cache_path(self, key: str) -> Path | None:
        if self.config.cache_dir is None:
            return None
        return self.config.cache_dir / key[:2] / f"{key}.json"

    def _cache_get(self, key: str) -> str | None:
        path = self._cache_path(key)
        if path is None or not path.exists():
            return None
        try:
            return json.loads(path.read_text("utf-8"))["content"]
        except (OSError, ValueError, KeyError):
            return None  # a damaged entry is a miss, never an error

    def _cache_put(self, key: str, content: str) -> None:
        path = self._cache_path(key)
        if path is None:
            return
        atomic_write_text(path, json.dumps({"model": self.config.model, "content": content}))

    # -- calls -------------------------------------------------------------------------------
    def _openai(self) -> Any:
        if self._client is None:
            from openai import DefaultHttpxClient, OpenAI

            key = self.config.api_key.get_secret_value() if self.config.api_key else "not-needed"
            self._client = OpenAI(
                base_url=self.config.base_url,
                api_key=key,
                timeout=self.config.timeout_s,
                max_retries=self.config.max_retries,
                http_client=DefaultHttpxClient(event_hooks={"request": [self._on_request]}),
            )
        return self._client

    def _on_request(self, request: Any) -> None:
        """Count every HTTP attempt; the second and later are the openai client's retries."""
        self._attempts.n = getattr(self._attempts, "n", 0) + 1
        if self._attempts.n > 1:
            log.warning(
                "LLM retry %d/%d: %s %s",
                self._attempts.n - 1,
                self.config.max_retries,
                request.method,
                request.url.copy_with(query=None),  # the URL only; the key travels in a header
            )

    def complete(self, messages: Sequence[Message], **params: Any) -> str:
        """The assistant's text for ``messages``; cached; retried on transport and server errors."""
        import openai

        params = {"temperature": self.config.temperature, "max_tokens": self.config.max_tokens, **params}
        key = self.cache_key(messages, params)
        cached = self._cache_get(key)
        if cached is not None:
            with self._lock:
                self.usage.cache_hits += 1
            return cached
        self._attempts.n = 0
        try:
            resp = self._openai().chat.completions.create(
                model=self.config.model, messages=list(messages), **params
            )
        except (openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError) as exc:
            self._count(failed=True)
            log.error(
                "LLM endpoint %s failed after %d attempts: %s", self.config.base_url, self._attempts.n, exc
            )
            raise LLMUnavailableError(
                f"LLM endpoint {self.config.base_url} failed after {self._attempts.n} attempts: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        except openai.APIStatusError as exc:
            self._count(failed=True)
            raise LLMUnavailableError(
                f"LLM endpoint {self.config.base_url} refused the request: HTTP {exc.status_code}"
            ) from exc
        content = resp.choices[0].message.content or ""
        self._count(usage=resp.usage)
        self._cache_put(key, content)
        return content

    def _count(self, *, failed: bool = False, usage: Any = None) -> None:
        with self._lock:
            self.usage.retries += max(0, getattr(self._attempts, "n", 1) - 1)
            if failed:
                self.usage.failures += 1
                return
            self.usage.calls += 1
            if usage is not None:
                self.usage.prompt_tokens += usage.prompt_tokens or 0
                self.usage.completion_tokens += usage.completion_tokens or 0

    def complete_structured(self, messages: Sequence[Message], model: type[T], **params: Any) -> T:
        """Complete and validate; raises LLMOutputError (with ``raw``) on malformed output."""
        return parse_structured(self.complete(messages, **params), model)

    def map(self, requests: Sequence[Sequence[Message]], **params: Any) -> list[str | Exception]:
        """Complete many requests with at most ``concurrency`` in flight; errors are returned in place."""

        def one(messages: Sequence[Message]) -> str | Exception:
            try:
                return self.complete(messages, **params)
            except DermkgError as exc:
                return exc

        with ThreadPoolExecutor(max_workers=self.config.concurrency) as pool:
            return list(pool.map(one, requests))
