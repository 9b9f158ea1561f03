"""The Cypher of the Neo4j store, in one place (as neo4j-graphrag keeps its ``queries.py``).

Records are nodes holding the whole pydantic record as JSON (``data``) plus the indexed properties
queries filter on; every statement is parameterised, batches go through ``UNWIND $rows``. The
node properties are built by :mod:`kg.store.neo4j_rows`.
"""

from __future__ import annotations

# -- meta: the writer lock, the revision and the event sequence ---------------------------------
LOCK_META = (  # takes the writer lock, then reads the state it guards (one round trip)
    "MERGE (m:DermkgMeta {key: 'graph'}) "
    "ON CREATE SET m.revision = 0, m.event_seq = 0, m.commits = 0, m.epoch = $epoch, m.schema_version = $v "
    "SET m.locked = true RETURN m.revision AS revision, m.event_seq AS seq"
)
SCHEMA_OF = "MATCH (m:DermkgMeta {key: 'graph'}) RETURN m.schema_version AS v"
COMMIT_META = (
    "MATCH (m:DermkgMeta {key: 'graph'}) "
    "SET m.revision = $revision, m.event_seq = $seq, m.commits = m.commits + 1"
)
RECORD_LABELS = ("Diagnosis", "Finding", "Assertion", "Case", "Event", "Source", "LabelMap")
ANY_RECORD = f"MATCH (n) WHERE {' OR '.join(f'n:{label}' for label in RECORD_LABELS)} RETURN 1 AS x LIMIT 1"

# -- the projection of accepted assertions to relationships, re-synced at commit ---------------
UNPROJECT = [  # one statement per type, so each uses its relationship index
    "UNWIND $ids AS id MATCH ()-[r:IS_A {assertion: id}]->() DELETE r",
    "UNWIND $ids AS id MATCH ()-[r:DDX {assertion: id}]->() DELETE r",
    "UNWIND $ids AS id MATCH ()-[r:HAS_FINDING {assertion: id}]->() DELETE r",
]
PROJECT = (
    "UNWIND $ids AS id MATCH (a:Assertion {id: id}) WHERE a.status = 'accepted' "
    "MATCH (s:Diagnosis {id: a.subject}) MATCH (o:Diagnosis {id: a.object}) "
    "FOREACH (_ IN CASE WHEN a.kind = 'is_a' THEN [1] ELSE [] END "
    "| CREATE (s)-[:IS_A {assertion: a.id}]->(o)) "
    "FOREACH (_ IN CASE WHEN a.kind = 'ddx' THEN [1] ELSE [] END "
    "| CREATE (s)-[:DDX {assertion: a.id}]->(o))"
)
PROJECT_FINDINGS = (  # accepted finding assertions: (:Diagnosis)-[:HAS_FINDING]->(:Finding)
    "UNWIND $ids AS id MATCH (a:Assertion {id: id}) WHERE a.status = 'accepted' AND a.kind = 'finding' "
    "MATCH (s:Diagnosis {id: a.subject}) MATCH (f:Finding {id: a.object}) "
    "CREATE (s)-[:HAS_FINDING {assertion: a.id, relation: a.relation}]->(f)"
)

# -- generic reads and writes by label ------------------------------------------------------
CREATE = "UNWIND $rows AS r CREATE (n:{label}) SET n = r"
BY_IDS = "UNWIND $ids AS i MATCH (n:{label} {{id: i}}) RETURN n.data AS data"
UPDATE = (  # version-checked: the count tells whether every row still had its expected version
    "UNWIND $rows AS r MATCH (n:{label} {{id: r.id}}) WHERE n.version = r.prev "
    "SET n += r.props RETURN count(n) AS n"
)

# -- sources and label maps ---------------------------------------------------------------
SOURCE = "MATCH (s:Source {sha256: $sha}) RETURN s.data AS data"
SOURCES = "MATCH (s:Source) RETURN s.data AS data ORDER BY s.sha256"
PUT_SOURCE = "MERGE (s:Source {sha256: $sha}) SET s.data = $data"
LABEL_MAP = "MATCH (m:LabelMap {key: $key}) RETURN m.data AS data"
PUT_LABEL_MAPS = "UNWIND $rows AS r MERGE (m:LabelMap {key: r.key}) SET m += r"

# -- diagnoses, names, aliases ------------------------------------------------------------------
RESOLVE_IDS = (  # only the ids that are not live diagnoses come back: [id, alias target or null]
    "UNWIND $ids AS i OPTIONAL MATCH (d:Diagnosis {id: i}) WITH i WHERE d IS NULL "
    "OPTIONAL MATCH (a:Alias {alias: i}) RETURN collect([i, a.target]) AS misses"
)
DELETE_NAMES = "UNWIND $ids AS i MATCH (n:Name {diagnosis: i}) DETACH DELETE n"
INSERT_NAMES = (
    "UNWIND $rows AS r MATCH (d:Diagnosis {id: r.diagnosis}) "
    "CREATE (n:Name {uid: r.uid, key: r.key, diagnosis: r.diagnosis, surface: r.surface, primary: r.primary})"
    "-[:NAME_OF]->(d)"
)
DELETE_DIAGNOSIS = "MATCH (x:Diagnosis {id: $id}) DETACH DELETE x"
NAME_OWNER = (
    "MATCH (n:Name) WHERE n.key IN $keys AND NOT n.diagnosis IN $ids "
    "RETURN n.key AS k, n.diagnosis AS d ORDER BY n.key LIMIT 1"
)
BEST_BY_NAME = (
    "MATCH (n:Name {key: $key}) MATCH (d:Diagnosis {id: n.diagnosis}) RETURN d.data AS data "
    "ORDER BY d.status = 'accepted' DESC, n.primary DESC, d.status = 'proposed' DESC, d.id LIMIT 1"
)
EXACT_NAMES = (
    "MATCH (n:Name {key: $key}) RETURN n.diagnosis AS d, n.surface AS s ORDER BY n.primary DESC, n.diagnosis"
)
COUNT_NAMES = "MATCH (n:Name) RETURN count(n) AS n"
ALL_NAMES = "MATCH (n:Name) RETURN n.key AS key, n.diagnosis AS diagnosis, n.surface AS surface"
FULLTEXT_NAMES = (
    "CALL db.index.fulltext.queryNodes('dermkg_names', $q, {limit: $n}) YIELD node "
    "RETURN node.key AS key, node.diagnosis AS diagnosis, node.surface AS surface"
)
ALIASES_OF = "MATCH (a:Alias {target: $d}) RETURN a.alias AS a ORDER BY a.alias"
POINT_ALIASES = "UNWIND $aliases AS i MERGE (a:Alias {alias: i}) SET a.target = $target"
DELETE_ALIAS = "MATCH (a:Alias {alias: $alias}) DELETE a"

# -- findings -------------------------------------------------------------------------------------
FINDING_IDS_BY_KEY = (
    "MATCH (f:Finding) WHERE $key IN f.keys RETURN f.id AS id "
    "ORDER BY f.status = 'accepted' DESC, f.key = $key DESC, f.id"
)

# -- assertions -----------------------------------------------------------------------------------
BY_AKEYS = "UNWIND $ks AS k MATCH (a:Assertion {akey: k}) RETURN a.data AS data"
TOUCHING = "MATCH (a:Assertion) WHERE a.subject = $d OR a.object = $d RETURN a.data AS data ORDER BY a.id"
DELETE_ASSERTIONS = "UNWIND $ids AS i MATCH (a:Assertion {id: i}) DELETE a"
ACCEPTED_IS_A = (
    "MATCH (a:Assertion {kind: 'is_a', status: 'accepted'}) "
    "RETURN collect([a.id, a.subject, a.object]) AS rows"
)
EDGES = (
    "MATCH (a:Assertion) WHERE a.kind = $kind AND a.status IN $statuses "
    "RETURN a.subject AS s, a.object AS o ORDER BY s, o"
)
ASSERTIONS_AFTER = "MATCH (a:Assertion) WHERE a.id > $last RETURN a.data AS data ORDER BY a.id LIMIT $n"
ASSERTION_ORDER = "ORDER BY a.created, a.id SKIP $offset"
SUMMARY = "collect([a.id, a.kind, a.subject, a.object, a.status, a.origin, a.score, a.created]) AS rows"

# -- events ---------------------------------------------------------------------------------------
EVENT_COLS = (
    "e.id AS id, e.at AS at, e.user AS user, e.action AS action, e.target_type AS target_type, "
    "e.target AS target, e.before AS before, e.after AS after, e.reason AS reason, e.seq AS seq"
)
CREATE_EVENTS = "UNWIND $rows AS r CREATE (e:Event) SET e = r"
EVENT = f"MATCH (e:Event {{id: $id}}) RETURN {EVENT_COLS}"
EVENTS_AFTER = f"MATCH (e:Event) WHERE e.seq > $last RETURN {EVENT_COLS} ORDER BY e.seq LIMIT $n"
