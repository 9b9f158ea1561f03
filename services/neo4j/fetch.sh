#!/usr/bin/env bash
# Fetch the Neo4j jars for the test launcher into a cache outside the clone (idempotent).
# Usage: services/neo4j/fetch.sh [LIB_DIR]   (default: $DERMKG_NEO4J_LIB or ~/.cache/dermkg/neo4j-lib)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
lib="${1:-${DERMKG_NEO4J_LIB:-${DERMKG_CACHE:-$HOME/.cache/dermkg}/neo4j-lib}}"
stamp="$lib/.pom.sha256"
want="$(sha256sum "$here/pom.xml" | cut -d' ' -f1)"

command -v java >/dev/null || { echo "fetch.sh: java not found (need Java 17)" >&2; exit 1; }
command -v mvn >/dev/null || { echo "fetch.sh: mvn not found (need Maven)" >&2; exit 1; }

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "neo4j jars: up to date in $lib ($(du -sh "$lib" | cut -f1), $(ls "$lib"/*.jar | wc -l) jars)"
  exit 0
fi

before="$(du -sb "$HOME/.m2/repository" 2>/dev/null | cut -f1 || echo 0)"
start="$(date +%s)"
tmp="$lib.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
mvn -B -q -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies \
  -DoutputDirectory="$tmp" -DincludeScope=runtime -Dmdep.useRepositoryLayout=false
after="$(du -sb "$HOME/.m2/repository" 2>/dev/null | cut -f1 || echo 0)"
echo "$want" >"$tmp/.pom.sha256"
rm -rf "$lib"
mv "$tmp" "$lib"
trap - EXIT
echo "neo4j jars: $(ls "$lib"/*.jar | wc -l) jars, $(du -sh "$lib" | cut -f1) in $lib;" \
  "downloaded $(( (after - before) / 1048576 )) MiB into ~/.m2 in $(( $(date +%s) - start )) s"
