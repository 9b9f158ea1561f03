"""The LLM comparator: ρ from an OpenAI-compatible endpoint through :mod:`dermkg.llm`.

Caching, bounded concurrency, retries and token accounting come from :class:`dermkg.llm.LLMClient`, so
a second run over the same inputs makes no calls. The output is never trusted: the groundedness
check runs on it like on any other ρ. An endpoint that stays unreachable fails the whole run with
:class:`dermkg.llm.LLMUnavailableError` (after the client's retries), naming the URL.
"""

from __future__ import annotations

from typing import Any

from dermkg.llm import LLMClient, LLMConfig, LLMUnavailableError
from synth.comparators.base import Comparison
from synth.prompts import COMPARATOR_TEMPLATE, comparator_prompt, prompt_hash
from synth.types import ComparatorName

SYSTEM = "You are a concise, professional dermatology assistant."


class LlmComparator:
    """Ask the model for the paper's keep / switch differential reasoning."""

    name: ComparatorName = "llm"

    def __init__(
        self, config: LLMConfig | None = None, client: LLMClient | None = None, **overrides: Any
    ) -> None:
        self._config = config
        self._overrides = overrides
        self._client = client
        self.model: str | None = (client.config.model if client else config.model if config else None) or (
            overrides.get("model") if isinstance(overrides.get("model"), str) else None
        )

    @property
    def client(self) -> LLMClient:
        """Built on first use (constructing a comparator does no I/O and reads no settings)."""
        if self._client is None:
            config = self._config or LLMConfig.from_settings(**self._overrides)
            self._client = LLMClient(config)
            self.model = config.model
        return self._client

    def identity(self) -> str:
        return f"llm:{self.client.config.model}:{self.prompt_hash()}"

    def prompt_hash(self) -> str:
        return prompt_hash(SYSTEM, COMPARATOR_TEMPLATE)

    def messages(self, item: Comparison) -> list[dict[str, str]]:
        user = comparator_prompt(
            item.mode, item.primary_name, item.primary_rule, item.partner_name, item.partner_rule
        )
        return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]

    def compare_many(self, items: list[Comparison]) -> list[str]:
        answers = self.client.map([self.messages(i) for i in items])
        out: list[str] = []
        for answer in answers:
            if isinstance(answer, LLMUnavailableError):
                raise answer
            if isinstance(answer, Exception):
                out.append("")  # refused or malformed: an empty ρ fails the groundedness check
            else:
                out.append(answer)
        return out
