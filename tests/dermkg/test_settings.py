"""Settings: one class per concern, historic variable names, every setting documented in .env.example."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import AliasChoices
from pydantic_settings import BaseSettings

from dermkg import settings as s

REPO = Path(__file__).resolve().parents[2]
CONCERNS = [
    s.PathSettings,
    s.StoreSettings,
    s.LLMSettings,
    s.StudioSettings,
    s.LabelStudioSettings,
    s.LogSettings,
]


def _env_names(cls: type[BaseSettings]) -> set[str]:
    prefix = cls.model_config.get("env_prefix", "")
    names = set()
    for name, field in cls.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.add(str(alias.choices[0]))
        else:
            names.add(str(alias) if alias else f"{prefix}{name}".upper())
    return names


@pytest.mark.parametrize("cls", CONCERNS, ids=lambda c: c.__name__)
def test_every_setting_is_documented_in_env_example(cls: type[BaseSettings]) -> None:
    text = (REPO / ".env.example").read_text()
    assert sorted(n for n in _env_names(cls) if n not in text) == []


def test_historic_variable_names_still_work(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    monkeypatch.setenv("DERMKG_LLM_BASE_URL", "http://h/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-fallback")
    monkeypatch.setenv("DERMKG_LABELSTUDIO_TOKEN", "tok")
    monkeypatch.setenv("NEO4J_PASSWORD", "pw-from-compose")
    monkeypatch.setenv("DERMKG_DATA_DIR", str(tmp_path))
    llm, ls, store = s.LLMSettings(), s.LabelStudioSettings(), s.StoreSettings()
    assert llm.base_url == "http://h/v1" and llm.api_key and llm.api_key.get_secret_value() == "sk-fallback"
    assert ls.token and ls.token.get_secret_value() == "tok"
    assert store.neo4j_password and store.neo4j_password.get_secret_value() == "pw-from-compose"
    assert store.store_url == f"sqlite:///{tmp_path.as_posix()}/dermkg.db"
    assert s.Settings().llm_base_url == "http://h/v1"  # the flat object the studio still reads
    assert "sk-fallback" not in repr(llm)


def test_dotenv_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    (tmp_path / ".env").write_text("NEO4J_PASSWORD=from-dotenv\nDERMKG_CONSENSUS_K=2\n")
    assert s.StoreSettings().neo4j_password.get_secret_value() == "from-dotenv"  # type: ignore[union-attr]
    assert s.StudioSettings().consensus_k == 2


def test_cached_getters_forget_on_clear(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DERMKG_LLM_MODEL", "one")
    s.clear_cache()
    assert s.llm_settings().model == "one"
    monkeypatch.setenv("DERMKG_LLM_MODEL", "two")
    assert s.llm_settings().model == "one"
    s.clear_cache()
    assert s.llm_settings().model == "two"
    s.clear_cache()
