#!/usr/bin/env bash
# Everything a fresh machine needs, installed idempotently. Caches live outside the clone
# (DERMKG_CACHE, default ~/.cache/dermkg) so a second run takes seconds.
#   bash scripts/bootstrap.sh          everything: tests, training, Label Studio, Neo4j jars
#   bash scripts/bootstrap.sh studio   only what `dermkg studio` needs (`make run`): the package
#                                      and its own dependencies, CPU only, no system packages
set -euo pipefail
MODE="${1:-full}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${DERMKG_CACHE:-$HOME/.cache/dermkg}"
PY="${DERMKG_PYTHON:-python3.11}"
mkdir -p "$CACHE"
log() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*" >&2; }

if [ "$MODE" = "studio" ]; then
  VENV="$CACHE/venv"
  [ -x "$VENV/bin/python" ] || { log "creating $VENV"; "$PY" -m venv "$VENV"; }
  stamp="$VENV/.dermkg-stamp"
  base="$(sha256sum "$ROOT/pyproject.toml" | cut -c1-16) $ROOT"
  case "$(cat "$stamp" 2>/dev/null)" in
    "$base"|"$base studio") ;;  # the full install includes the studio's
    *)
      log "installing dermkg (studio only) into $VENV"
      "$VENV/bin/pip" install -q -U pip wheel
      # --no-compile: Python compiles what the studio imports on first use, instead of pip byte-compiling
      # every module of every dependency: 173 s -> 83 s to a serving studio on two busy cores (README)
      "$VENV/bin/pip" install -q --no-compile -e "$ROOT"
      echo "$base studio" > "$stamp"
      ;;
  esac
  log "ready: $VENV (studio only; \`make test\` installs the test and training tools)"
  exit 0
fi

# 1. Debian packages: a browser for the e2e tests, OCR, compose validation, PDF rendering.
need=()
for pkg in chromium tesseract-ocr docker-compose poppler-utils fonts-liberation; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if ((${#need[@]})); then
  log "installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# 2. The project virtualenv (torch + torchvision as a matched pair come from the train extra).
VENV="$CACHE/venv"
[ -x "$VENV/bin/python" ] || { log "creating $VENV"; "$PY" -m venv "$VENV"; }
stamp="$VENV/.dermkg-stamp"
want="$(sha256sum "$ROOT/pyproject.toml" | cut -c1-16) $ROOT"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log "installing dermkg[train,test,dev] into $VENV"
  "$VENV/bin/pip" install -q -U pip wheel
  "$VENV/bin/pip" install -q -e "$ROOT[train,test,dev]" "transformers[serving]"
  echo "$want" > "$stamp"
fi

# 3. Label Studio in its own virtualenv (its pins clash with ours).
LSVENV="$CACHE/lsvenv"
if [ ! -x "$LSVENV/bin/label-studio" ]; then
  log "installing Label Studio 1.23 into $LSVENV"
  "$PY" -m venv "$LSVENV"
  "$LSVENV/bin/pip" install -q -U pip
  "$LSVENV/bin/pip" install -q "label-studio>=1.23,<1.24"
fi

# 4. Neo4j 5.26 jars from Maven Central for the embedded test server.
if [ -x "$ROOT/services/neo4j/fetch.sh" ] || [ -f "$ROOT/services/neo4j/fetch.sh" ]; then
  bash "$ROOT/services/neo4j/fetch.sh"
fi
log "ready: $VENV"
