"""A small httpx client of the Label Studio REST API (no SDK in the main environment).

``DERMKG_LABELSTUDIO_TOKEN`` holds either a Personal Access Token (Label Studio 1.23's default: exchanged
for short-lived access tokens, refreshed on expiry) or a legacy API token (``Authorization: Token …``); see
:mod:`studio.labelstudio.auth`. The token is a ``SecretStr`` and never appears in messages, reprs or logs.
"""

from __future__ import annotations

import logging
from typing import Any, Literal, Self

import httpx
from pydantic import SecretStr

from studio.labelstudio.auth import (
    PAT_HINT,
    JwtSettings,
    LabelStudioAuthError,
    LabelStudioError,
    PersonalAccessTokenAuth,
    TokenKind,
    token_kind,
)
from studio.labelstudio.types import LsProject, LsTask, LsUser

log = logging.getLogger(__name__)

__all__ = ["LabelStudioAuthError", "LabelStudioClient", "LabelStudioError"]


class LabelStudioClient:
    """Typed calls to the endpoints dermkg uses. Opens its connection pool in ``__enter__``.

    Example:
        >>> with LabelStudioClient("http://127.0.0.1:8080", token) as ls:  # doctest: +SKIP
        ...     ls.whoami().email
    """

    def __init__(
        self,
        url: str,
        token: SecretStr | str | None,
        *,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
        kind: Literal["auto"] | TokenKind = "auto",
    ) -> None:
        """``kind="auto"`` tells a Personal Access Token (a JWT) from a legacy token by its shape."""
        self.url = url.rstrip("/")
        self._token = token if isinstance(token, SecretStr) or token is None else SecretStr(token)
        self._timeout = timeout
        self._transport = transport
        self._kind = kind
        self._http: httpx.Client | None = None
        self._pat_auth: PersonalAccessTokenAuth | None = None

    @classmethod
    def from_settings(cls) -> LabelStudioClient:
        from dermkg.settings import get_settings

        settings = get_settings()
        return cls(settings.labelstudio_url, settings.labelstudio_token)

    @property
    def token(self) -> SecretStr | None:
        return self._token

    @property
    def token_kind(self) -> TokenKind:
        """``pat`` or ``legacy``: how the client authenticates (raises on a missing or unusable token)."""
        if self._token is None or not self._token.get_secret_value().strip():
            raise LabelStudioAuthError(
                f"no API token for Label Studio at {self.url}: set DERMKG_LABELSTUDIO_TOKEN to a "
                f"Personal Access Token ({PAT_HINT}) or a legacy token"
            )
        return token_kind(self._token, self.url) if self._kind == "auto" else self._kind

    @property
    def pat_auth(self) -> PersonalAccessTokenAuth | None:
        """The Personal Access Token flow once opened with a PAT (its cached access token, refresh count)."""
        return self._pat_auth

    def __repr__(self) -> str:
        return f"LabelStudioClient({self.url!r})"

    # -- lifecycle -------------------------------------------------------------------------
    def open(self) -> Self:
        kind = self.token_kind
        assert self._token is not None
        secret = SecretStr(self._token.get_secret_value().strip())
        auth: httpx.Auth | None = None
        headers: dict[str, str] = {}
        if kind == "pat":
            auth = self._pat_auth = PersonalAccessTokenAuth(self.url, secret)
        else:
            headers["Authorization"] = f"Token {secret.get_secret_value()}"
        self._http = httpx.Client(
            base_url=self.url, headers=headers, auth=auth, timeout=self._timeout, transport=self._transport
        )
        return self

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> Self:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transport -------------------------------------------------------------------------
    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        if self._http is None:
            self.open()
        assert self._http is not None
        try:
            response = self._http.request(method, path, **kwargs)
            log.debug("%s %s -> HTTP %d", method, path, response.status_code)
        except httpx.TransportError as exc:
            raise LabelStudioError(
                f"Label Studio at {self.url} is unreachable ({type(exc).__name__}: {exc}); "
                "start it or set DERMKG_LABELSTUDIO_URL"
            ) from None
        if response.status_code in (401, 403):
            raise self._refused(response, path)
        if response.status_code >= 400:
            raise LabelStudioError(
                f"Label Studio at {self.url}: {method} {path} failed with HTTP {response.status_code}: "
                f"{_detail(response)}"
            )
        if response.status_code == 204 or not response.content:
            return None
        if "json" not in response.headers.get("content-type", ""):
            raise LabelStudioError(f"{self.url}{path} did not answer JSON: is this a Label Studio server?")
        return response.json()

    def _refused(self, response: httpx.Response, path: str) -> LabelStudioAuthError:
        """401 (after any refresh) or 403: say which kind of token was refused and what to change."""
        if response.status_code == 403:
            return LabelStudioAuthError(
                f"Label Studio at {self.url} does not allow the token's user this request (HTTP 403 on "
                f"{path}: {_detail(response)}); use the token of a user with that permission"
            )
        if self._pat_auth is not None:
            hint = (
                "the personal access token is valid but its access token was refused: are personal access "
                "tokens enabled for the organisation (Organization → API Tokens Settings)?"
            )
        else:
            hint = (
                "set DERMKG_LABELSTUDIO_TOKEN to a Personal Access Token or, where the organisation still "
                "allows them, the legacy token of one of its users"
            )
        return LabelStudioAuthError(
            f"Label Studio at {self.url} refused the API token (HTTP {response.status_code} on {path}: "
            f"{_detail(response)}); {hint}"
        )

    # -- users -----------------------------------------------------------------------------
    def whoami(self) -> LsUser:
        return LsUser.model_validate(self._request("GET", "/api/current-user/whoami"))

    def list_users(self) -> list[LsUser]:
        return [LsUser.model_validate(u) for u in _results(self._request("GET", "/api/users/"))]

    def jwt_settings(self) -> JwtSettings:
        """Which token kinds the organisation accepts (any member may read it)."""
        return JwtSettings.model_validate(self._request("GET", "/api/jwt/settings"))

    def update_jwt_settings(self, settings: JwtSettings) -> JwtSettings:
        """Set the organisation's token policy (its owner or an administrator only)."""
        return JwtSettings.model_validate(
            self._request("POST", "/api/jwt/settings", json=settings.model_dump())
        )

    # -- projects --------------------------------------------------------------------------
    def list_projects(self) -> list[LsProject]:
        projects: list[LsProject] = []
        page = 1
        while True:
            body = self._request("GET", "/api/projects/", params={"page": page, "page_size": 100})
            projects.extend(LsProject.model_validate(p) for p in _results(body))
            if not isinstance(body, dict) or not body.get("next"):
                return projects
            page += 1

    def find_project(self, title: str) -> LsProject | None:
        matches = [p for p in self.list_projects() if p.title == title]
        return min(matches, key=lambda p: p.id) if matches else None

    def get_project(self, project_id: int) -> LsProject:
        return LsProject.model_validate(self._request("GET", f"/api/projects/{project_id}/"))

    def create_project(self, title: str, label_config: str, description: str = "") -> LsProject:
        body = {"title": title, "label_config": label_config, "description": description}
        return LsProject.model_validate(self._request("POST", "/api/projects/", json=body))

    def update_project(self, project_id: int, **fields: Any) -> LsProject:
        return LsProject.model_validate(self._request("PATCH", f"/api/projects/{project_id}/", json=fields))

    # -- tasks -----------------------------------------------------------------------------
    def import_tasks(self, project_id: int, tasks: list[dict[str, Any]]) -> list[int]:
        """Create tasks (with their predictions) in one request; returns the new task ids in order."""
        if not tasks:
            return []
        body = self._request(
            "POST", f"/api/projects/{project_id}/import", params={"return_task_ids": "true"}, json=tasks
        )
        return list(body.get("task_ids", []))

    def update_task_data(self, task_id: int, data: dict[str, Any]) -> None:
        self._request("PATCH", f"/api/tasks/{task_id}/", json={"data": data})

    def export_tasks(self, project_id: int, *, annotated_only: bool = False) -> list[LsTask]:
        """Tasks of the project with their annotations (Label Studio's JSON export). ``annotated_only``
        asks the server for just the tasks with annotations: much faster for a pull of a large project."""
        all_tasks = "false" if annotated_only else "true"
        body = self._request(
            "GET",
            f"/api/projects/{project_id}/export",
            params={"exportType": "JSON", "download_all_tasks": all_tasks},
        )
        return [LsTask.model_validate(t) for t in body or []]

    def list_predictions(self, project_id: int) -> list[dict[str, Any]]:
        return list(_results(self._request("GET", "/api/predictions/", params={"project": project_id})))

    def create_prediction(self, task_id: int, prediction: dict[str, Any]) -> None:
        self._request("POST", "/api/predictions/", json={"task": task_id, **prediction})

    def create_annotation(self, task_id: int, result: list[dict[str, Any]]) -> dict[str, Any]:
        """Annotate as the token's user (what an annotator's browser does on Submit)."""
        return dict(self._request("POST", f"/api/tasks/{task_id}/annotations/", json={"result": result}))

    # -- files -----------------------------------------------------------------------------
    def upload_file(self, project_id: int, name: str, content: bytes, mime: str) -> str:
        """Store a file in Label Studio without creating a task; returns the URL tasks reference."""
        body = self._request(
            "POST",
            f"/api/projects/{project_id}/import",
            params={"commit_to_project": "false"},
            files={"file": (name, content, mime)},
        )
        ids = body.get("file_upload_ids") or []
        if not ids:
            raise LabelStudioError(f"Label Studio at {self.url} stored no file for {name}")
        upload = self._request("GET", f"/api/import/file-upload/{ids[0]}")
        return _upload_url(upload["file"])

    def list_uploads(self, project_id: int) -> dict[str, str]:
        """``{original file name: URL}`` of files uploaded to the project (Label Studio prefixes a hash)."""
        body = self._request("GET", f"/api/projects/{project_id}/file-uploads", params={"all": "true"})
        out: dict[str, str] = {}
        for upload in _results(body):
            stored = str(upload["file"]).rsplit("/", 1)[-1]
            original = stored.split("-", 1)[1] if "-" in stored else stored
            out.setdefault(original, _upload_url(upload["file"]))
        return out

    def fetch(self, path: str) -> bytes:
        """Download a served file (e.g. an uploaded page image) as the token's user."""
        if self._http is None:
            self.open()
        assert self._http is not None
        try:
            response = self._http.get(path)
        except httpx.TransportError as exc:
            raise LabelStudioError(f"Label Studio at {self.url} is unreachable ({exc})") from None
        if response.status_code in (401, 403):
            raise self._refused(response, path)
        if response.status_code != 200:
            raise LabelStudioError(f"Label Studio at {self.url}: GET {path} gave HTTP {response.status_code}")
        return response.content


def _upload_url(stored: str) -> str:
    """Label Studio stores ``upload/<project>/<file>`` and serves it under ``/data/``."""
    return "/data/" + stored.lstrip("/").removeprefix("data/")


def _results(body: Any) -> list[Any]:
    if isinstance(body, dict):
        return list(body.get("results", []))
    return list(body or [])


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict):
        detail = body.get("validation_errors") or body.get("detail") or body
        return str(detail)[:500]
    return str(body)[:500]
