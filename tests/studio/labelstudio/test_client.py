"""Client error handling: unreachable server, refused token, rejected requests (no server needed)."""

from __future__ import annotations

import socket

import httpx
import pytest

from studio.labelstudio.client import LabelStudioClient, LabelStudioError

TOKEN = "secret-legacy-token-123"


def client_answering(status: int, body: object, content_type: str = "application/json") -> LabelStudioClient:
    """A client whose server is a function (httpx.MockTransport), recording the auth header it sent."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        if content_type == "application/json":
            return httpx.Response(status, json=body)
        return httpx.Response(status, text=str(body), headers={"content-type": content_type})

    client = LabelStudioClient("http://ls.example:8080/", TOKEN, transport=httpx.MockTransport(handler))
    client.seen = seen  # type: ignore[attr-defined]
    return client


def test_sends_the_legacy_token_and_parses_the_user() -> None:
    with client_answering(200, {"id": 3, "email": "a@b.org", "extra": 1}) as client:
        assert client.whoami().email == "a@b.org"
        assert client.seen == [f"Token {TOKEN}"]  # type: ignore[attr-defined]


def test_unreachable_server_names_the_url() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with (
        LabelStudioClient(f"http://127.0.0.1:{port}", TOKEN) as client,
        pytest.raises(LabelStudioError) as err,
    ):
        client.list_projects()
    assert f"Label Studio at http://127.0.0.1:{port} is unreachable" in str(err.value)
    assert TOKEN not in str(err.value)


@pytest.mark.parametrize(
    ("status", "body", "content_type", "message"),
    [
        (401, {"detail": "Invalid token."}, "application/json", "refused the API token (HTTP 401"),
        (403, {"detail": "No permission."}, "application/json", "does not allow the token's user"),
        (
            400,
            {"validation_errors": {"label_config": ["bad"]}},
            "application/json",
            "HTTP 400: {'label_config'",
        ),
        (500, "<html>boom</html>", "text/html", "HTTP 500: <html>boom</html>"),
        (200, "<html>login</html>", "text/html", "did not answer JSON"),
    ],
)
def test_http_failures_are_clear_and_never_show_the_token(
    status: int, body: object, content_type: str, message: str
) -> None:
    with client_answering(status, body, content_type) as client, pytest.raises(LabelStudioError) as err:
        client.list_projects()
    assert message in str(err.value) and "http://ls.example:8080" in str(err.value)
    assert TOKEN not in str(err.value)


def test_missing_token_is_refused_before_any_request() -> None:
    with pytest.raises(LabelStudioError, match="set DERMKG_LABELSTUDIO_TOKEN"):
        LabelStudioClient("http://ls.example:8080", None).open()


def test_repr_does_not_show_the_token() -> None:
    assert TOKEN not in repr(LabelStudioClient("http://ls.example:8080", TOKEN))
