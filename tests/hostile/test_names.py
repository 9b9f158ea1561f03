"""One name policy on both backends (kg.names.clean_name, enforced by the Diagnosis model and the
importers): at most 200 characters, NFC, zero-width and bidi controls removed, control characters
refused. Terminal output never carries escape sequences from data."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from dermkg.cli_common import emit
from dermkg.terminal import SafeConsole, strip_controls
from kg.models import Diagnosis, GraphExport
from kg.names import MAX_NAME_LENGTH, NamePolicyError, clean_name
from kg.store import make_store
from tests.hostile.conftest import assert_error, invoke, snapshot


def _vocab(tmp_path: Path, name: str) -> Path:
    path = tmp_path / "vocab.json"
    path.write_text(json.dumps([{"name": name}]), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("x" * 10_000_000, "longer than 200"),
        ("Naevus " * 1500, "longer than 200"),  # a 10 kB name: Neo4j's index limit once gave a traceback
        ("Mel\x1b[31manoma", "control character"),
        ("Mel\x00anoma", "control character"),
        ("Mel\x9banoma", "control character"),
        ("\u200b\u200d\u202e", "empty"),
        ("   ", "empty"),
    ],
    ids=["10M", "10k", "ansi", "nul", "c1", "only-invisible", "blank"],
)
def test_refused_names_on_both_backends(name: str, needle: str, store_url: str, tmp_path: Path) -> None:
    before = snapshot(store_url)
    result = invoke("kg", "import", "--format", "json", str(_vocab(tmp_path, name)), store=store_url)
    assert_error(result, "vocab.json", needle)
    assert snapshot(store_url) == before


def test_graph_restore_refuses_policy_breaking_names(tmp_path: Path) -> None:
    """A hand-made graph export bypasses the importers: the model boundary still refuses it."""
    raw = {"revision": 1, "diagnoses": [{"id": "x", "name": "y" * 10_000}]}
    path = tmp_path / "g.json"
    path.write_text(json.dumps(raw))
    url = f"sqlite:///{tmp_path / 'new.db'}"
    result = invoke("kg", "import", "--format", "graph-json", str(path), store=url)
    assert result.exit_code == 2 and "longer than 200" in result.stderr, result.output
    assert "Traceback" not in result.output


def test_invisible_characters_are_removed_identically_on_both_backends(
    store_url: str, tmp_path: Path
) -> None:
    sneaky = "Lichen\u200b pla\u202enus\u2066 \ufeff"
    result = invoke(
        "kg", "import", "--format", "json", str(_vocab(tmp_path, sneaky)), "--json", store=store_url
    )
    assert result.exit_code == 0, result.output
    with make_store(store_url) as s:
        found = s.resolve_name("lichen planus")
        assert found is not None and found.name == "Lichen planus"
        assert len(found.id) <= 256 and "\u200b" not in found.id


def test_nfc_and_whitespace() -> None:
    assert clean_name("Cafe\u0301 au lait\tmacule\n") == "Café au lait macule"
    assert clean_name("a" * MAX_NAME_LENGTH) == "a" * MAX_NAME_LENGTH
    with pytest.raises(NamePolicyError):
        clean_name("a" * (MAX_NAME_LENGTH + 1))
    with pytest.raises(ValueError, match="synonym"):
        Diagnosis(id="d", name="D", synonyms=["ok", "bad\x07"])


ESCAPES = [
    "\x1b[2J\x1b[H",  # clear the screen
    "\x1b]8;;http://127.0.0.1:9/\x1b\\click me\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1b]0;owned\x07",  # set the window title
    "\x9b31m",  # 8-bit CSI
    "\u202eevil",  # bidi override
]


@pytest.mark.parametrize("payload", ESCAPES)
def test_strip_controls(payload: str) -> None:
    out = strip_controls(f"a{payload}b")
    assert not any(ch in out for ch in "\x1b\x07\x9b\u202e"), repr(out)


def test_reason_with_escapes_is_stripped_in_human_output_and_escaped_in_json(store_url: str) -> None:
    added = invoke(
        "review", "add", "--kind", "ddx", "melanoma", "mole", "--user", "ann", "--json", store=store_url
    )
    aid = json.loads(added.stdout)["id"]
    payload = "".join(ESCAPES)
    assert (
        invoke("review", "reject", aid, "--user", "ann", "--reason", payload, store=store_url).exit_code == 0
    )
    human = invoke("review", "history", "--target", aid, store=store_url)
    assert human.exit_code == 0 and "\x1b" not in human.stdout and "\x9b" not in human.stdout
    assert "click me" in human.stdout  # the text stays, the sequences go
    machine = invoke("review", "history", "--target", aid, "--json", store=store_url)
    assert "\x1b" not in machine.stdout and json.loads(machine.stdout)["items"][0]["reason"] == payload


def test_error_messages_and_rich_output_are_stripped(capsys: pytest.CaptureFixture[str]) -> None:
    buffer = io.StringIO()
    SafeConsole(file=buffer, force_terminal=True).print("[bold]x[/] \x1b]0;owned\x07name")
    text = buffer.getvalue()
    assert "owned" not in text.replace("]0;owned", "") or "\x1b]0" not in text
    assert "\x1b]0;" not in text and "\x1b[1m" in text  # our own bold stays
    emit({"name": "\x1b[2Jx"}, False, lambda r: sys.stdout.write(r["name"] + "\n"))
    assert capsys.readouterr().out == "x\n"


def test_graph_export_round_trip_keeps_clean_names(tmp_path: Path) -> None:
    export = GraphExport(revision=1, diagnoses=[Diagnosis(id="lp", name="Lichen\u200b planus")])
    assert export.diagnoses[0].name == "Lichen planus"
