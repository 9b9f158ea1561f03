"""A password in a store URL never reaches the terminal, whatever the scheme or the command."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from dermkg.redact import mask_secrets, mask_url
from tests.hostile.conftest import assert_error, invoke

SECRET = "S3cr3t-Pa55"

URLS = [
    f"noe4j://neo4j:{SECRET}@host:7687",  # a typo in the scheme
    f"NEO4J+X://neo4j:{SECRET}@host",
    f"postgres://admin:{SECRET}@db/x",
    f"neo4j://neo4j:{SECRET}@127.0.0.1:1",  # a real scheme, nothing listening
    f"bolt://neo4j:{SECRET}@[::1]:1/db",
    f"neo4j://neo4j:p@ss/{SECRET}@127.0.0.1:1",  # '@' and '/' unencoded in the password
    f"neo4j://neo4j:{SECRET} with spaces@127.0.0.1:1",
    f"http://u:{SECRET}@h/?token={SECRET}",
]


@pytest.mark.parametrize("url", URLS)
def test_store_option_never_prints_the_password(url: str) -> None:
    result = invoke("kg", "stats", store=url)
    assert result.exit_code == 2, result.output
    assert SECRET not in result.output and "S3cr3t" not in result.output
    assert result.stderr.startswith("error:")


@pytest.mark.parametrize("url", URLS[:3])
def test_migrate_from_and_to_never_print_the_password(url: str, tmp_path: Path) -> None:
    for args in (
        ["--from", url, "--to", f"sqlite:///{tmp_path / 'x.db'}"],
        ["--from", f"sqlite:///{tmp_path / 'no.db'}", "--to", url],
    ):
        result = invoke("kg", "migrate", *args)
        assert_error(result)
        assert SECRET not in result.output


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("noe4j://neo4j:SECRET@host", "noe4j://neo4j:***@host"),
        ("see neo4j://u:a@b@host:1/db now", "see neo4j://u:***@host:1/db now"),
        ("bolt://neo4j@host", "bolt://neo4j@host"),
        ("https://h/p?api_key=abc&x=1", "https://h/p?api_key=***&x=1"),
        ("sqlite:///data/dermkg.db", "sqlite:///data/dermkg.db"),
    ],
)
def test_mask_secrets(text: str, masked: str) -> None:
    assert mask_secrets(text) == masked


def test_mask_url_takes_the_whole_string_as_one_url() -> None:
    assert mask_url("neo4j://u:a b@h") == "neo4j://u:***@h"


def test_error_lines_of_any_dermkg_error_are_masked(capsys: pytest.CaptureFixture[str]) -> None:
    """The one error printer masks every message, whatever raised it."""
    import typer

    from dermkg.cli_common import handle_errors
    from dermkg.errors import DermkgError

    @handle_errors
    def fails() -> None:
        raise DermkgError(f"driver said: could not connect to bolt://neo4j:{SECRET}@10.0.0.1:7687")

    with pytest.raises(typer.Exit):
        fails()
    err = capsys.readouterr().err
    assert SECRET not in err and "bolt://neo4j:***@10.0.0.1:7687" in err


def test_log_records_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    from dermkg.redact import install_log_filter

    install_log_filter()
    with caplog.at_level(logging.INFO):
        logging.getLogger("neo4j").info("connecting to %s", f"neo4j://neo4j:{SECRET}@h:7687")
    assert SECRET not in caplog.text and "neo4j://neo4j:***@h:7687" in caplog.text
