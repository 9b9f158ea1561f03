#!/usr/bin/env bash
# Start the embedded Neo4j 5.26 (Launcher.java) with Bolt on 127.0.0.1:PORT, data in DATA_DIR.
# Usage: NEO4J_PASSWORD=... services/neo4j/start.sh PORT DATA_DIR   (prints "READY bolt://..." when up)
# The test fixture and the benchmarks start it the same way. JVM options: the parallel collector
# halves the garbage-collection time of bulk loads against the serial one (7.3 s -> 3.1 s for
# 100,000 assertions); override them with DERMKG_NEO4J_JAVA_OPTS.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
lib="${DERMKG_NEO4J_LIB:-${DERMKG_CACHE:-$HOME/.cache/dermkg}/neo4j-lib}"
[[ -n "$(ls "$lib"/neo4j-5.*.jar 2>/dev/null)" ]] || { echo "start.sh: no Neo4j jars in $lib (run services/neo4j/fetch.sh)" >&2; exit 1; }
# shellcheck disable=SC2086  # the options are a word list
exec java ${DERMKG_NEO4J_JAVA_OPTS:--Xms512m -Xmx1g -XX:+UseParallelGC} -cp "$lib/*" "$here/Launcher.java" "$@"
