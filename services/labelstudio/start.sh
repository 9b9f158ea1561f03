#!/usr/bin/env bash
# Start a local Label Studio for dermkg on 127.0.0.1 (development, CI, the tests' launcher).
#   services/labelstudio/start.sh [--port 8080] [--data-dir ~/.cache/dermkg/labelstudio-server]
# Install once: python3.11 -m venv ~/.cache/dermkg/lsvenv && ~/.cache/dermkg/lsvenv/bin/pip install 'label-studio>=1.23,<1.24'
# The first run prepares a migrated data dir in ~/.cache/dermkg/labelstudio-data (~30-80 s) and reuses it.
# Then: export DERMKG_LABELSTUDIO_URL=http://127.0.0.1:8080 DERMKG_LABELSTUDIO_TOKEN=<admin token, see launcher.py>
# (or a Personal Access Token from Account & Settings: dermkg accepts either kind).
# Users of the docker-compose stack get Label Studio from compose instead.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec python3 "$here/launcher.py" serve "$@"
