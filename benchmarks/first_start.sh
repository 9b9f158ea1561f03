#!/usr/bin/env bash
# `make run` on a fresh clone with an empty DERMKG_CACHE: seconds until the studio's health endpoint
# answers 200, and the cache's size. Prints one JSON line. Issue 15 point 8 (target <= 180 s).
#   bash benchmarks/first_start.sh [PORT]          (PIP_NO_CACHE_DIR=1 to bypass pip's download cache)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${1:-8779}"
WORK="$(mktemp -d)"
git clone -q "$ROOT" "$WORK/repo"
export DERMKG_CACHE="$WORK/cache" DERMKG_ADMIN_PASSWORD="first-start-bench-pw"
unset PYTHONPATH DERMKG_STORE DERMKG_USERS_FILE DERMKG_DATA_DIR
cd "$WORK/repo"
start=$(date +%s.%N)
setsid make run PORT="$PORT" >"$WORK/run.log" 2>&1 &
pid=$!
trap 'kill -- -$pid 2>/dev/null || true' EXIT
code=000
while [ "$code" != 200 ]; do
  kill -0 "$pid" 2>/dev/null || { echo "error: make run exited; see $WORK/run.log" >&2; exit 2; }
  sleep 1
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/_stcore/health" || true)
done
seconds=$(echo "$(date +%s.%N) - $start" | bc)
mb=$(du -sm "$DERMKG_CACHE" | cut -f1)
printf '{"seconds": %.1f, "cache_mb": %s, "pip_no_cache_dir": "%s", "log": "%s"}\n' \
  "$seconds" "$mb" "${PIP_NO_CACHE_DIR:-}" "$WORK/run.log"
