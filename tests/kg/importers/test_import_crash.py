"""Crash safety: a process killed in the middle of an import leaves all or none of the batch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kg.importers import run_import
from kg.store import make_store

KILL_MID_IMPORT = """
import os, sys
from kg.store import make_store
from kg.importers import run_import
store = make_store(sys.argv[1]).open()
def die(*args, **kwargs):  # diagnoses are written, assertions not yet: the process dies here
    os._exit(9)
store.add_assertions = die
run_import(store, "isic", sys.argv[2])
"""


def test_killed_import_leaves_nothing_and_a_rerun_completes(tmp_path: Path, isic_paths: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kg.db'}"
    proc = subprocess.run([sys.executable, "-c", KILL_MID_IMPORT, url, str(isic_paths)], capture_output=True)
    assert proc.returncode == 9, proc.stderr.decode()
    with make_store(url).open() as store:
        assert store.count_diagnoses() == 0 and store.revision() == 0  # none of the batch
        report = run_import(store, "isic", isic_paths)
        assert (report.diagnoses_created, report.assertions_created) == (418, 415)  # then all of it
