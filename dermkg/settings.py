"""Settings from the environment / `.env` (prefix ``DERMKG_``). Secrets never reach logs."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DERMKG_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"), description="where the embedded store, images and caches live"
    )
    store: str | None = Field(
        default=None,
        description="store URL: sqlite:///path.db (default <data dir>/dermkg.db) or neo4j://user@host:7687",
    )
    # LLM endpoint (any OpenAI-compatible server); key from DERMKG_LLM_API_KEY or OPENAI_API_KEY
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_concurrency: int = 4
    llm_max_retries: int = 3
    # hostile input limits (see dermkg.images, dermkg.jsonio, kg.names)
    max_image_pixels: int = Field(
        default=50_000_000, ge=1, description="largest image (width x height) read from a dataset or a PDF"
    )
    max_json_depth: int = Field(default=100, ge=1, description="deepest nesting of an input JSON file")
    # studio
    users_file: Path | None = Field(default=None, description="YAML of users with bcrypt hashes and roles")
    consensus_k: int = Field(default=1, ge=1, description="independent reviews before a decision is final")
    # Label Studio
    labelstudio_url: str = "http://127.0.0.1:8080"
    labelstudio_token: SecretStr | None = None
    labelstudio_users: Path | None = Field(
        default=None, description="YAML/JSON mapping Label Studio user e-mail -> dermkg user"
    )

    @field_validator("llm_api_key", "labelstudio_token")
    @classmethod
    def _no_placeholder(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        """A value copied from .env.example is refused here, not sent to a server."""
        from dermkg.placeholders import refuse_placeholder

        if value is not None:
            refuse_placeholder(f"DERMKG_{str(info.field_name).upper()}", value.get_secret_value())
        return value

    @property
    def store_url(self) -> str:
        return self.store or f"sqlite:///{(self.data_dir / 'dermkg.db').as_posix()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
