"""Text that is syntax somewhere (Cypher, SQL, Lucene, format strings) or in another script: every
backend must store and find it as plain data. Shared by the contract suite and the Neo4j tests."""

from __future__ import annotations

CYPHER_INJECTION = "{brace} }) MATCH (n) DETACH DELETE n //"
LUCENE_SYNTAX = 'name~ AND (x:y) OR "z" \\ / ^2 [a TO b] {c}'
HOSTILE_TEXT = [
    "O'Brien's \"actinic\" granuloma",
    "`backtick` dermatosis",
    CYPHER_INJECTION,
    "RETURN",
    "Robert'); DROP TABLE diagnoses;--",
    "Ünna–Thost keratoderma",
    "紅斑性狼瘡",
    "back\\slash $param ${x} %s ?",
    "x` }) DETACH DELETE n //",
    "'; MATCH (n) DETACH DELETE n; '",
    LUCENE_SYNTAX,
    "CREATE",
    "$id",
    "Dermatite séborrhéique – ÉCZÉMA",
]
