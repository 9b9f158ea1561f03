"""Connecting to Neo4j: store URLs, credentials, fail-fast errors and the schema.

A store URL is ``neo4j://user:password@host:7687[/database]`` (or ``bolt://``, ``+s`` / ``+ssc``
variants); the password may instead come from ``NEO4J_PASSWORD`` (environment, or ``./.env`` as
used by ``docker compose``), read through :class:`dermkg.settings.StoreSettings` like every other
setting. Error messages name the URL with the password masked, never the password.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from pydantic import BaseModel, ConfigDict, SecretStr

from dermkg.errors import InputError, StoreUnavailableError
from dermkg.placeholders import refuse_placeholder

SCHEMES = {"neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"}
SCHEMA_VERSION = 1

# Uniqueness constraints on every id (each also backs an index), then lookup indexes, then the
# full-text index over names and synonyms that fuzzy suggestions use on large vocabularies.
SCHEMA = [
    "CREATE CONSTRAINT dermkg_meta_key IF NOT EXISTS FOR (n:DermkgMeta) REQUIRE n.key IS UNIQUE",
    "CREATE CONSTRAINT dermkg_source_id IF NOT EXISTS FOR (n:Source) REQUIRE n.sha256 IS UNIQUE",
    "CREATE CONSTRAINT dermkg_diagnosis_id IF NOT EXISTS FOR (n:Diagnosis) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT dermkg_alias_id IF NOT EXISTS FOR (n:Alias) REQUIRE n.alias IS UNIQUE",
    "CREATE CONSTRAINT dermkg_name_id IF NOT EXISTS FOR (n:Name) REQUIRE n.uid IS UNIQUE",
    "CREATE CONSTRAINT dermkg_assertion_id IF NOT EXISTS FOR (n:Assertion) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT dermkg_assertion_key IF NOT EXISTS FOR (n:Assertion) REQUIRE n.akey IS UNIQUE",
    "CREATE CONSTRAINT dermkg_finding_id IF NOT EXISTS FOR (n:Finding) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT dermkg_case_id IF NOT EXISTS FOR (n:Case) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT dermkg_label_map_id IF NOT EXISTS FOR (n:LabelMap) REQUIRE n.key IS UNIQUE",
    "CREATE CONSTRAINT dermkg_event_id IF NOT EXISTS FOR (n:Event) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT dermkg_event_seq IF NOT EXISTS FOR (n:Event) REQUIRE n.seq IS UNIQUE",
    "CREATE INDEX dermkg_diagnosis_status IF NOT EXISTS FOR (n:Diagnosis) ON (n.status)",
    "CREATE INDEX dermkg_name_key IF NOT EXISTS FOR (n:Name) ON (n.key)",
    "CREATE INDEX dermkg_name_diagnosis IF NOT EXISTS FOR (n:Name) ON (n.diagnosis)",
    "CREATE INDEX dermkg_alias_target IF NOT EXISTS FOR (n:Alias) ON (n.target)",
    "CREATE INDEX dermkg_assertion_kind_status IF NOT EXISTS FOR (n:Assertion) ON (n.kind, n.status)",
    "CREATE INDEX dermkg_assertion_subject IF NOT EXISTS FOR (n:Assertion) ON (n.subject)",
    "CREATE INDEX dermkg_assertion_object IF NOT EXISTS FOR (n:Assertion) ON (n.object)",
    "CREATE INDEX dermkg_assertion_created IF NOT EXISTS FOR (n:Assertion) ON (n.created)",
    "CREATE INDEX dermkg_case_diagnosis IF NOT EXISTS FOR (n:Case) ON (n.diagnosis)",
    "CREATE INDEX dermkg_case_status IF NOT EXISTS FOR (n:Case) ON (n.status)",
    "CREATE INDEX dermkg_label_map_dataset IF NOT EXISTS FOR (n:LabelMap) ON (n.dataset)",
    "CREATE INDEX dermkg_label_map_diagnosis IF NOT EXISTS FOR (n:LabelMap) ON (n.diagnosis)",
    "CREATE INDEX dermkg_event_target IF NOT EXISTS FOR (n:Event) ON (n.target)",
    "CREATE INDEX dermkg_event_user IF NOT EXISTS FOR (n:Event) ON (n.user)",
    "CREATE INDEX dermkg_is_a_assertion IF NOT EXISTS FOR ()-[r:IS_A]-() ON (r.assertion)",
    "CREATE INDEX dermkg_ddx_assertion IF NOT EXISTS FOR ()-[r:DDX]-() ON (r.assertion)",
    "CREATE INDEX dermkg_has_finding_assertion IF NOT EXISTS FOR ()-[r:HAS_FINDING]-() ON (r.assertion)",
    "CREATE INDEX dermkg_finding_type IF NOT EXISTS FOR (n:Finding) ON (n.type)",
    "CREATE FULLTEXT INDEX dermkg_names IF NOT EXISTS FOR (n:Name) ON EACH [n.key, n.surface]",
]


class StoreTarget(BaseModel):
    """Where a Neo4j store lives: driver URI (no credentials), user, password, database."""

    model_config = ConfigDict(frozen=True)

    uri: str
    user: str
    password: SecretStr
    database: str
    display: str  # the URL with the password masked: safe for messages and logs

    @property
    def auth(self) -> tuple[str, str]:
        return self.user, self.password.get_secret_value()


def _env_password() -> str | None:
    """NEO4J_PASSWORD from the environment, else from ``./.env`` (shared with ``docker compose``),
    read afresh: a process may set it after start-up."""
    from dermkg.settings import StoreSettings

    secret = StoreSettings().neo4j_password
    return secret.get_secret_value() if secret is not None else None


def parse_store_url(url: str) -> StoreTarget:
    """Split ``neo4j://user:password@host:port[/database]``; the password may come from NEO4J_PASSWORD."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InputError(f"bad Neo4j URL ({exc}): use neo4j://user@host:7687") from None
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        raise InputError("bad Neo4j URL: use neo4j://user@host:7687 or bolt://user@host:7687")
    user = unquote(parts.username) if parts.username else "neo4j"
    password = unquote(parts.password) if parts.password is not None else _env_password()
    if not password:
        raise InputError(
            f"no Neo4j password for {parts.scheme}://{user}@{parts.hostname}: "
            "put it in the URL or NEO4J_PASSWORD"
        )
    refuse_placeholder("the Neo4j password (URL or NEO4J_PASSWORD)", password)
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = f"{host}:{port}" if port else host
    database = parts.path.strip("/") or "neo4j"
    shown_pw = ":***" if parts.password is not None else ""
    display = f"{parts.scheme}://{user}{shown_pw}@{netloc}" + (
        f"/{database}" if parts.path.strip("/") else ""
    )
    return StoreTarget(
        uri=f"{parts.scheme}://{netloc}",
        user=user,
        password=SecretStr(password),
        database=database,
        display=display,
    )


def scrub(text: str, target: StoreTarget) -> str:
    """``text`` with the password removed and on one line (driver messages are passed on to users)."""
    return " ".join(text.replace(target.password.get_secret_value(), "***").split())


def connect(target: StoreTarget, *, timeout_s: float = 5.0):  # noqa: ANN201 (neo4j.Driver, imported lazily)
    """An open driver whose connectivity and credentials have been checked: fail fast, clearly."""
    import neo4j
    from neo4j import exceptions as nx

    from dermkg.settings import StoreSettings

    driver = neo4j.GraphDatabase.driver(
        target.uri,
        auth=target.auth,
        connection_timeout=timeout_s,
        connection_acquisition_timeout=max(timeout_s, 30.0),
        max_transaction_retry_time=StoreSettings().neo4j_retry_s,  # managed transactions retry this long
        user_agent="dermkg",
        notifications_min_severity="OFF",  # e.g. "unknown label" on a new database: noise for users
    )
    try:
        driver.verify_connectivity()
    except nx.AuthError:
        driver.close()
        raise StoreUnavailableError(
            f"Neo4j at {target.display} refused the credentials of user {target.user!r}: "
            "check the password (in the URL or NEO4J_PASSWORD)"
        ) from None
    except (nx.DriverError, nx.Neo4jError, OSError, ValueError) as exc:  # ValueError: unknown host
        driver.close()
        raise StoreUnavailableError(
            f"cannot reach Neo4j at {target.display}: {scrub(str(exc), target)} "
            "(is the server running? `docker compose up -d neo4j`)"
        ) from None
    return driver


def ensure_schema(driver, target: StoreTarget) -> None:  # noqa: ANN001
    """Create constraints and indexes once (idempotent, safe when two processes race)."""
    from neo4j import exceptions as nx

    with driver.session(database=target.database) as session:
        for stmt in SCHEMA:
            try:
                session.run(stmt).consume()
            except nx.ClientError as exc:  # a concurrent opener created the same rule first
                if "AlreadyExists" not in (exc.code or ""):
                    raise
        session.run("CALL db.awaitIndexes(120)").consume()
