"""Personal Access Tokens (Label Studio 1.23's default credential) against a real Label Studio server.

Every request goes to the real server; ``Recording`` only notes the method, path, status and auth scheme
of what passed through (never a header's value).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest
from PIL import Image
from pydantic import SecretStr

from kg.store import GraphStore
from studio.labelstudio.auth import JwtSettings
from studio.labelstudio.client import LabelStudioClient, LabelStudioError
from studio.labelstudio.configs import DDX_CONFIG, DDX_TITLE
from studio.labelstudio.sync import LabelStudioSync
from studio.labelstudio.users import UserMap
from tests.fixtures.labelstudio_server import LabelStudioService
from tests.studio.labelstudio.test_sync import choice, task_of

pytestmark = pytest.mark.labelstudio

REFRESH = ("POST", "/api/token/refresh/")
IMAGE_CONFIG = '<View><Image name="image" value="$image"/></View>'  # one data key: direct uploads allowed
JWT_PREFIX = "eyJhbGciOi"  # base64url of '{"alg":' — how every JWT begins


class Recording(httpx.HTTPTransport):
    """The real HTTP transport, noting (method, path, status, auth scheme) of each exchange."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, str, int, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        scheme = request.headers.get("Authorization", "none").split(" ", 1)[0]
        self.seen.append((request.method, request.url.path, response.status_code, scheme))
        return response


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def signed_jwt(key: str, claims: dict[str, object]) -> str:
    """An HS256 JWT signed like Label Studio's own (simplejwt with the server's SECRET_KEY)."""
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    signing_input = f"{header}.{_b64(json.dumps(claims).encode())}"
    signature = hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def expired_access_token(service: LabelStudioService, user_id: int) -> SecretStr:
    """What a client holds five minutes after its last refresh: a genuine access token, now expired."""
    now = int(time.time())
    claims = {
        "token_type": "access",
        "exp": now - 60,
        "iat": now - 360,
        "jti": uuid.uuid4().hex,
        "user_id": str(user_id),
    }
    return SecretStr(signed_jwt(service.signing_key(), claims))


@contextmanager
def legacy_tokens_disabled(owner: LabelStudioClient) -> Iterator[None]:
    """The organisation as Label Studio 1.23 creates it: PATs only. Restored for the session's other tests."""
    before = owner.jwt_settings()
    owner.update_jwt_settings(JwtSettings(api_tokens_enabled=True, legacy_api_tokens_enabled=False))
    try:
        yield
    finally:
        owner.update_jwt_settings(before)


def test_a_pat_is_exchanged_once_for_an_access_token_sent_as_bearer(
    clean_labelstudio: LabelStudioService,
) -> None:
    recording = Recording()
    pat = clean_labelstudio.personal_access_token("admin")
    with LabelStudioClient(clean_labelstudio.url, pat, transport=recording) as ls:
        assert ls.token_kind == "pat"
        with LabelStudioClient(clean_labelstudio.url, clean_labelstudio.token) as legacy:
            assert ls.whoami().email == legacy.whoami().email
        assert ls.list_projects() == []
        assert ls.pat_auth is not None and ls.pat_auth.refreshes == 1

    assert recording.seen == [
        (*REFRESH, 200, "none"),  # the PAT travels in the body, never as a header
        ("GET", "/api/current-user/whoami", 200, "Bearer"),
        ("GET", "/api/projects/", 200, "Bearer"),  # the access token is cached
    ]


def test_a_push_pull_round_works_with_pats_where_legacy_tokens_are_disabled(
    graph: tuple[GraphStore, dict[str, str]], clean_labelstudio: LabelStudioService
) -> None:
    store, ids = graph
    email, _ = clean_labelstudio.annotator("curator")
    url = clean_labelstudio.url
    with (
        LabelStudioClient(url, clean_labelstudio.personal_access_token("admin")) as admin,
        LabelStudioClient(url, clean_labelstudio.personal_access_token("curator")) as curator,
        legacy_tokens_disabled(admin),
    ):
        with (
            LabelStudioClient(url, clean_labelstudio.token) as legacy,
            pytest.raises(LabelStudioError, match="legacy token authentication has been disabled") as err,
        ):
            legacy.whoami()
        assert f"Label Studio at {url} refused the API token (HTTP 401" in str(err.value)
        assert clean_labelstudio.token not in str(err.value)
        syncer = LabelStudioSync(store, admin, UserMap(users={email: "alice"}))

        pushed = syncer.push("ddx")
        task = task_of(curator, DDX_TITLE, ids["thrombosis"])
        page = curator.fetch(
            next(iter({t.data["page_image"] for t in curator.export_tasks(pushed.project_id)}))
        )
        curator.create_annotation(task, [choice("decision", "evidence", "accept")])
        pulled = syncer.pull("ddx")

        assert (pushed.tasks_created, pushed.predictions_created, pushed.images_uploaded) == (2, 2, 1)
        assert Image.open(io.BytesIO(page)).format == "PNG"  # uploaded files are served to a PAT too
        assert pulled.summary()["applied"] == 1 and pulled.outcomes[0].user == "alice"
        assert syncer.pull("ddx").summary()["applied"] == 0
        assert syncer.push("ddx").tasks_created == 0
    assertion = store.get_assertion(ids["thrombosis"])
    assert assertion is not None and (assertion.status, assertion.reviewed_by) == ("accepted", "alice")


def _list(ls: LabelStudioClient, project_id: int) -> object:
    return ls.list_projects()


def _create(ls: LabelStudioClient, project_id: int) -> object:
    return ls.create_project("PAT retry", DDX_CONFIG)


def _upload(ls: LabelStudioClient, project_id: int) -> object:
    png = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(png, format="PNG")
    return ls.upload_file(project_id, "retry.png", png.getvalue(), "image/png")


@pytest.mark.parametrize(
    ("operation", "method", "path"),
    [
        (_list, "GET", "/api/projects/"),
        (_create, "POST", "/api/projects/"),  # a JSON body is sent again
        (_upload, "POST", "/api/projects/{id}/import"),  # so is a multipart upload
    ],
    ids=["get", "post-json", "post-multipart"],
)
def test_an_expired_access_token_is_refreshed_once_and_the_request_retried(
    clean_labelstudio: LabelStudioService,
    caplog: pytest.LogCaptureFixture,
    operation: Callable[[LabelStudioClient, int], object],
    method: str,
    path: str,
) -> None:
    recording = Recording()
    pat = clean_labelstudio.personal_access_token("admin")
    with LabelStudioClient(clean_labelstudio.url, pat, transport=recording) as ls:
        project = ls.create_project("PAT upload target", IMAGE_CONFIG)
        assert ls.pat_auth is not None
        ls.pat_auth.use_access_token(expired_access_token(clean_labelstudio, ls.whoami().id))
        recording.seen.clear()
        caplog.set_level(logging.DEBUG)

        assert operation(ls, project.id)
        ls.whoami()  # the fresh access token is cached: no second refresh

    target = path.format(id=project.id)
    failed, refresh, retried, *later = recording.seen
    assert (failed, refresh) == ((method, target, 401, "Bearer"), (*REFRESH, 200, "none"))
    assert retried in ((method, target, 200, "Bearer"), (method, target, 201, "Bearer"))
    assert later and all(status == 200 and scheme == "Bearer" for _, _, status, scheme in later)
    assert ls.pat_auth.refreshes == 2  # the first exchange, then the one refresh
    assert pat not in caplog.text and JWT_PREFIX not in caplog.text  # httpx/httpcore debug logs included


@pytest.mark.parametrize("how", ["revoked", "signed-by-another-server"])
def test_a_refused_pat_is_a_clear_error_naming_the_url_never_the_token(
    clean_labelstudio: LabelStudioService, caplog: pytest.LogCaptureFixture, how: str
) -> None:
    url = clean_labelstudio.url
    if how == "revoked":
        pat = clean_labelstudio.personal_access_token("stranger")
        legacy = {"Authorization": f"Token {clean_labelstudio.legacy_token('stranger')}"}
        with httpx.Client(base_url=url, headers=legacy) as http:
            http.post("/api/token/blacklist/", json={"refresh": pat}).raise_for_status()
        clean_labelstudio.pats.pop("stranger")  # a later test creates a fresh one
    else:
        claims = {
            "token_type": "refresh",
            "exp": int(time.time()) + 3600,
            "jti": uuid.uuid4().hex,
            "user_id": "1",
        }
        pat = signed_jwt("not-this-servers-secret-key", claims)
    caplog.set_level(logging.DEBUG)

    with LabelStudioClient(url, pat) as ls, pytest.raises(LabelStudioError) as err:
        ls.list_projects()

    message = str(err.value)
    assert (
        f"Label Studio at {url} refused the personal access token (HTTP 401 on /api/token/refresh/" in message
    )
    assert "DERMKG_LABELSTUDIO_TOKEN" in message
    for shown in (message, repr(err.value), caplog.text):
        assert pat not in shown and pat.split(".")[2] not in shown
