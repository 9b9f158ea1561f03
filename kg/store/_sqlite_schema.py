"""Tables of the embedded store. Each record is kept whole as JSON in ``data``; the other columns
are the indexed projections that queries filter on."""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 2  # 2: findings; an assertion's object may be a finding

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sources (
    sha256 TEXT PRIMARY KEY,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS diagnoses (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS aliases (
    alias TEXT PRIMARY KEY,
    target TEXT NOT NULL REFERENCES diagnoses(id)
);
CREATE INDEX IF NOT EXISTS aliases_target ON aliases(target);
{names}CREATE TABLE IF NOT EXISTS assertions (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL REFERENCES diagnoses(id),
    object TEXT NOT NULL,
    status TEXT NOT NULL,
    origin TEXT NOT NULL,
    score REAL,
    created TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (kind, subject, object)
);
CREATE TABLE IF NOT EXISTS findings (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL
);
{finding_names}CREATE INDEX IF NOT EXISTS assertions_subject ON assertions(subject, kind, status);
CREATE INDEX IF NOT EXISTS assertions_object ON assertions(object, kind, status);
CREATE INDEX IF NOT EXISTS assertions_kind_status ON assertions(kind, status);
CREATE INDEX IF NOT EXISTS assertions_created ON assertions(created, id);
CREATE TABLE IF NOT EXISTS assertion_sources (
    source TEXT NOT NULL,
    assertion TEXT NOT NULL REFERENCES assertions(id) ON DELETE CASCADE,
    PRIMARY KEY (source, assertion)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS assertion_sources_assertion ON assertion_sources(assertion);
CREATE TABLE IF NOT EXISTS cases (
    id TEXT PRIMARY KEY,
    diagnosis TEXT NOT NULL REFERENCES diagnoses(id),
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cases_diagnosis ON cases(diagnosis, status);
CREATE INDEX IF NOT EXISTS cases_status ON cases(status);
CREATE TABLE IF NOT EXISTS label_maps (
    dataset TEXT NOT NULL,
    label TEXT NOT NULL,
    diagnosis TEXT REFERENCES diagnoses(id),
    data TEXT NOT NULL,
    PRIMARY KEY (dataset, label)
);
CREATE INDEX IF NOT EXISTS label_maps_diagnosis ON label_maps(diagnosis);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target TEXT NOT NULL,
    before TEXT,
    after TEXT,
    reason TEXT
);
CREATE INDEX IF NOT EXISTS events_target ON events(target);
CREATE INDEX IF NOT EXISTS events_user ON events(user);
"""


def _name_table(table: str, owner: str, owners: str) -> str:
    """A table of normalised name keys (one row per key and owner), for diagnoses and findings alike."""
    return (
        f"CREATE TABLE IF NOT EXISTS {table} (key TEXT NOT NULL, "
        f"{owner} TEXT NOT NULL REFERENCES {owners}(id) ON DELETE CASCADE, surface TEXT NOT NULL, "
        f"is_primary INTEGER NOT NULL, PRIMARY KEY (key, {owner})) WITHOUT ROWID;\n"
        f"CREATE INDEX IF NOT EXISTS {table}_{owner} ON {table}({owner});\n"
    )


SCHEMA = _SCHEMA.format(
    names=_name_table("names", "diagnosis", "diagnoses"),
    finding_names=_name_table("finding_names", "finding", "findings"),
)


def upgrade(conn: sqlite3.Connection) -> None:
    """Bring a version-1 file up to date before the schema is applied: its ``assertions`` table
    requires the object to be a diagnosis, which a finding assertion is not, so the table is
    rebuilt without that key (SQLite cannot drop a constraint). Outside any transaction: foreign
    keys are switched off for the rebuild, as SQLite's documentation prescribes."""
    row = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'assertions'"
    ).fetchone()
    if row is None or "object TEXT NOT NULL REFERENCES" not in row[0]:
        return
    table = SCHEMA.split("CREATE TABLE IF NOT EXISTS assertions (")[1].split(");")[0]
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(f"CREATE TABLE assertions_v2 ({table})")
            conn.execute("INSERT INTO assertions_v2 SELECT * FROM assertions")
            conn.execute("DROP TABLE assertions")
            conn.execute("ALTER TABLE assertions_v2 RENAME TO assertions")
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
