"""Settings from the environment / `.env`, one class per concern (prefix ``DERMKG_``).

Every setting of the code base is read here, through pydantic-settings, and nowhere else (no raw
``os.environ``). The ``get`` helpers cache; the classes read afresh when a caller must see a change
(the studio re-reads the Label Studio settings per page). Secrets are ``SecretStr``: never in logs.
Variable names are the historic ones (``DERMKG_LLM_BASE_URL``, ``DERMKG_LABELSTUDIO_TOKEN``, …).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, partial
from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import AfterValidator, AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _config(prefix: str = "DERMKG_") -> SettingsConfigDict:
    return SettingsConfigDict(env_prefix=prefix, env_file=".env", extra="ignore")


def _no_placeholder(variable: str, value: SecretStr | None) -> SecretStr | None:
    """A secret copied from .env.example is refused here, not sent to a server."""
    from dermkg.placeholders import refuse_placeholder

    if value is not None:
        refuse_placeholder(variable, value.get_secret_value())
    return value


# Secrets a copy of .env.example would fill with its placeholder, refused by name.
LlmApiKey = Annotated[SecretStr | None, AfterValidator(partial(_no_placeholder, "DERMKG_LLM_API_KEY"))]
LabelStudioToken = Annotated[
    SecretStr | None, AfterValidator(partial(_no_placeholder, "DERMKG_LABELSTUDIO_TOKEN"))
]


class PathSettings(BaseSettings):
    """Where files live."""

    model_config = _config()

    data_dir: Path = Field(
        default=Path("data"), description="where the embedded store, images and caches live"
    )
    cache: Path = Field(
        default=Path.home() / ".cache" / "dermkg",
        description="the virtualenvs, Neo4j jars and built test models (DERMKG_CACHE)",
    )
    tessdata_prefix: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("DERMKG_TESSDATA_PREFIX", "TESSDATA_PREFIX"),
        description="Tesseract's language data (default: where the tesseract binary finds it)",
    )


class LimitSettings(BaseSettings):
    """Hostile-input limits (see dermkg.images, dermkg.inputs, kg.names)."""

    model_config = _config()

    max_image_pixels: int = Field(
        default=50_000_000, ge=1, description="largest image (width x height) read from a dataset or a PDF"
    )
    max_json_depth: int = Field(default=100, ge=1, description="deepest nesting of an input JSON file")


class StoreSettings(BaseSettings):
    """Which graph store, and the Neo4j password kept out of store URLs."""

    model_config = _config()

    data_dir: Path = Field(default=Path("data"), description="the embedded store's folder (DERMKG_DATA_DIR)")
    store: str | None = Field(
        default=None,
        description="store URL: sqlite:///path.db (default <data dir>/dermkg.db) or neo4j://user@host:7687",
    )
    neo4j_password: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("DERMKG_NEO4J_PASSWORD", "NEO4J_PASSWORD"),
        description="password of neo4j:// store URLs without one (docker compose's NEO4J_PASSWORD)",
    )
    neo4j_retry_s: float = Field(
        default=15.0, gt=0, description="how long the Neo4j driver retries a write after transient errors"
    )

    @property
    def store_url(self) -> str:
        return self.store or f"sqlite:///{(self.data_dir / 'dermkg.db').as_posix()}"


class LLMSettings(BaseSettings):
    """The OpenAI-compatible endpoint of the LLM extractor and comparator (``DERMKG_LLM_*``)."""

    model_config = _config("DERMKG_LLM_")

    base_url: str | None = None
    model: str | None = None
    api_key: LlmApiKey = Field(
        default=None, validation_alias=AliasChoices("DERMKG_LLM_API_KEY", "OPENAI_API_KEY")
    )
    concurrency: int = Field(default=4, ge=1)
    max_retries: int = Field(default=3, ge=0)


class StudioSettings(BaseSettings):
    """Users and review rules of the Streamlit studio."""

    model_config = _config()

    users_file: Path | None = Field(default=None, description="YAML of users with bcrypt hashes and roles")
    consensus_k: int = Field(default=1, ge=1, description="independent reviews before a decision is final")
    admin_password: SecretStr | None = Field(
        default=None, description="password of the first admin user (else one is generated and printed once)"
    )


class LoginSettings(BaseSettings):
    """How hard the studio throttles repeated failed logins (``DERMKG_LOGIN_*``)."""

    model_config = _config("DERMKG_LOGIN_")

    max_failures: int = Field(default=10, ge=1, description="failures in a row that lock an account")
    backoff_after: int = Field(default=3, ge=0, description="failures before each try must wait")
    backoff_base_s: float = Field(
        default=1.0,
        ge=0,
        validation_alias=AliasChoices("DERMKG_LOGIN_BACKOFF_S"),
        description="first wait, doubled per further failure",
    )
    backoff_max_s: float = Field(default=300.0, ge=0, description="longest wait between tries")


class SessionSettings(BaseSettings):
    """The studio's persistent login cookie (``DERMKG_SESSION_*``)."""

    model_config = _config("DERMKG_SESSION_")

    routes: bool = Field(default=False, description="set by `dermkg studio`: its server sets the cookie")
    hours: float = Field(default=8.0, ge=0, description="how long a login lasts (0: no persistent login)")
    secret: SecretStr | None = Field(default=None, description="signing key (else <data dir>/session.key)")


class LabelStudioSettings(BaseSettings):
    """The Label Studio server the studio syncs with (``DERMKG_LABELSTUDIO_*``)."""

    model_config = _config("DERMKG_LABELSTUDIO_")

    url: str = "http://127.0.0.1:8080"
    token: LabelStudioToken = None
    users: Path | None = Field(
        default=None, description="YAML/JSON mapping Label Studio user e-mail -> dermkg user"
    )
    venv: Path | None = Field(default=None, description="Label Studio's own virtualenv (tests, dev)")


class LogSettings(BaseSettings):
    """Logging of every ``dermkg`` command (``--verbose`` wins)."""

    model_config = _config()

    log_level: str = Field(default="WARNING", description="DEBUG, INFO, WARNING or ERROR (DERMKG_LOG_LEVEL)")
    debug: bool = Field(default=False, description="show the traceback of an internal error (DERMKG_DEBUG)")


class Settings(BaseSettings):
    """Every concern in one flat object, under the historic attribute names.

    Kept for callers not yet moved to the per-concern classes (the studio); new code reads the one
    concern it needs (``store_settings()``, ``llm_settings()``, …).
    """

    model_config = _config()

    data_dir: Path = Path("data")
    store: str | None = None
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: LlmApiKey = Field(
        default=None, validation_alias=AliasChoices("DERMKG_LLM_API_KEY", "OPENAI_API_KEY")
    )
    llm_concurrency: int = 4
    llm_max_retries: int = 3
    users_file: Path | None = None
    consensus_k: int = Field(default=1, ge=1)
    labelstudio_url: str = "http://127.0.0.1:8080"
    labelstudio_token: LabelStudioToken = None
    labelstudio_users: Path | None = None
    max_image_pixels: int = Field(default=50_000_000, ge=1)
    max_json_depth: int = Field(default=100, ge=1)

    @property
    def store_url(self) -> str:
        return StoreSettings(data_dir=self.data_dir, store=self.store).store_url


_Concern = TypeVar("_Concern", bound=BaseSettings)
_CACHED: list[Callable[[], BaseSettings]] = []


def _cached(concern: type[_Concern]) -> Callable[[], _Concern]:
    """A getter reading ``concern`` once per process (until :func:`clear_cache`)."""
    getter = lru_cache(maxsize=1)(concern)
    _CACHED.append(getter)
    return getter


path_settings = _cached(PathSettings)
limit_settings = _cached(LimitSettings)
store_settings = _cached(StoreSettings)
llm_settings = _cached(LLMSettings)
studio_settings = _cached(StudioSettings)
labelstudio_settings = _cached(LabelStudioSettings)
get_settings = _cached(Settings)


def clear_cache() -> None:
    """Forget cached settings (tests, and a CLI option that changes the environment)."""
    for get in _CACHED:
        get.cache_clear()  # type: ignore[attr-defined]
