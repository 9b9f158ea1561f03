"""Which credential DERMKG_LABELSTUDIO_TOKEN holds, told by its shape (no server needed)."""

from __future__ import annotations

import base64
import json

import pytest
from pydantic import SecretStr

from studio.labelstudio.auth import LabelStudioAuthError, token_kind
from studio.labelstudio.client import LabelStudioClient, LabelStudioError

URL = "http://ls.example:8080"


def segment(obj: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def jwt(token_type: str) -> str:
    """A JWT of Label Studio's shape (HS256 header, simplejwt claims); the signature is not checked here."""
    header = segment({"alg": "HS256", "typ": "JWT"})
    payload = segment({"token_type": token_type, "exp": 8103129233, "jti": "6ed6", "user_id": "1"})
    return f"{header}.{payload}.mPx6wd1yg4qGJpfzRn4D6U83lUJgfensL2v53-XyzI0"


@pytest.mark.parametrize(
    ("token", "kind"),
    [
        (jwt("refresh"), "pat"),
        (f"  {jwt('refresh')}\n", "pat"),  # pasted with surrounding whitespace
        ("0123456789abcdef0123456789abcdef01234567", "legacy"),  # Label Studio's generated legacy token
        ("dermkg-admin-token-6f1c2a9e", "legacy"),  # a preset one (label-studio init --user-token)
        ("a.b.c", "legacy"),  # dotted, but not base64url JSON
        (f"{segment({'typ': 'JWT'})}.{segment({})}.sig", "legacy"),  # JSON parts, but no algorithm
    ],
)
def test_a_personal_access_token_is_told_from_a_legacy_token_by_its_shape(token: str, kind: str) -> None:
    assert token_kind(SecretStr(token), URL) == kind


def test_a_short_lived_access_token_is_refused_with_what_to_set_instead() -> None:
    access = jwt("access")
    with pytest.raises(LabelStudioAuthError) as err:
        LabelStudioClient(URL, access).open()
    message = str(err.value)
    assert "short-lived access token" in message and "Personal Access Token" in message and URL in message
    assert access not in message and isinstance(err.value, LabelStudioError)


def test_an_explicit_kind_overrides_the_detection() -> None:
    assert LabelStudioClient(URL, jwt("refresh"), kind="legacy").token_kind == "legacy"
    assert LabelStudioClient(URL, "opaque-token-xyz", kind="pat").token_kind == "pat"


def test_repr_of_a_client_with_a_pat_shows_neither_the_pat_nor_an_access_token() -> None:
    pat = jwt("refresh")
    client = LabelStudioClient(URL, pat).open()
    try:
        assert client.pat_auth is not None
        assert pat not in repr(client) and pat not in repr(client.pat_auth)
        assert pat not in repr(vars(client.pat_auth))  # held as SecretStr: '**********'
    finally:
        client.close()
