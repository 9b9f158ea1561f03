"""The Label Studio -> dermkg user map (no server needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dermkg.errors import InputError
from studio.labelstudio.types import LsUser
from studio.labelstudio.users import UserMap


def ls_user(email: str, username: str | None = None) -> LsUser:
    return LsUser(id=7, email=email, username=username)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("users:\n  Ann@Hospital.org: ann\n", {"ann@hospital.org": "ann"}),  # under users:, key lower-cased
        (
            "ann@hospital.org: ann\nbob@hospital.org: bob\n",
            {"ann@hospital.org": "ann", "bob@hospital.org": "bob"},
        ),
        ('{"ann@hospital.org": "ann"}', {"ann@hospital.org": "ann"}),  # JSON is YAML
        ("", {}),  # an empty file maps nobody
    ],
)
def test_load(tmp_path: Path, content: str, expected: dict[str, str]) -> None:
    path = tmp_path / "users.yaml"
    path.write_text(content)
    assert UserMap.load(path).users == expected


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- ann\n- bob\n", "expected a mapping"),  # a list
        ("ann@hospital.org: ''\n", "bad user map"),  # empty dermkg user
        ("users: [unclosed\n", "not YAML/JSON"),
    ],
)
def test_bad_files_name_the_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "users.yaml"
    path.write_text(content)
    with pytest.raises(InputError, match=message) as err:
        UserMap.load(path)
    assert str(path) in str(err.value)


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        UserMap.load(tmp_path / "nope.yaml")


def test_lookup_by_email_or_username_ignoring_case() -> None:
    users = UserMap(users={"ann@hospital.org": "ann", "bobby": "bob"})
    assert users.lookup(ls_user("ANN@hospital.org")) == "ann"
    assert users.lookup(ls_user("bob@elsewhere.org", "Bobby")) == "bob"
    assert users.lookup(ls_user("eve@hospital.org")) is None
    assert users.lookup(None) is None
