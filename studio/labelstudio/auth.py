"""Label Studio credentials: a legacy API token or a Personal Access Token (PAT), told apart by shape.

Label Studio 1.23 gives new organisations Personal Access Tokens by default. A PAT is a long-lived JWT
*refresh* token: it is exchanged at ``POST /api/token/refresh/`` (``{"refresh": PAT}`` ->
``{"access": …}``) for a short-lived access token (5 minutes), sent as ``Authorization: Bearer …``.
A legacy token (``Account & Settings → Legacy token``; off by default in new organisations) is sent as
``Authorization: Token …``. Both come from the one variable ``DERMKG_LABELSTUDIO_TOKEN``; the kind is
detected (a JWT is three base64url parts whose header names an ``alg``). Tokens are held as
``SecretStr`` and never appear in messages, reprs or logs.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from collections.abc import Generator
from typing import Literal

import httpx
from pydantic import BaseModel, ConfigDict, SecretStr

from dermkg.errors import DermkgError

TokenKind = Literal["legacy", "pat"]
REFRESH_PATH = "/api/token/refresh/"
PAT_HINT = "Label Studio → Account & Settings → Personal Access Token"


class LabelStudioError(DermkgError):
    """Label Studio is unreachable, refused the token, or rejected a request (message names the URL)."""


class LabelStudioAuthError(LabelStudioError):
    """The token is missing, malformed, expired or refused (the message names the URL, never the token)."""


class JwtSettings(BaseModel):
    """The organisation's token policy (``/api/jwt/settings``): which kinds of token it accepts."""

    model_config = ConfigDict(extra="ignore")

    api_tokens_enabled: bool
    legacy_api_tokens_enabled: bool


def _jwt_part(part: str) -> dict[str, object] | None:
    """Decode one base64url JWT segment as a JSON object, or None when it is not one."""
    try:
        decoded = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (binascii.Error, ValueError):
        return None
    return decoded if isinstance(decoded, dict) else None


def token_kind(token: SecretStr, url: str) -> TokenKind:
    """``pat`` for a JWT refresh token, ``legacy`` for anything without the JWT shape.

    A JWT *access* token is refused: it expires within minutes and cannot be renewed.
    """
    parts = token.get_secret_value().strip().split(".")
    if len(parts) != 3:
        return "legacy"
    header, payload = _jwt_part(parts[0]), _jwt_part(parts[1])
    if header is None or "alg" not in header or payload is None:
        return "legacy"
    if payload.get("token_type") == "access":
        raise LabelStudioAuthError(
            f"DERMKG_LABELSTUDIO_TOKEN for Label Studio at {url} is a short-lived access token; "
            f"set it to a Personal Access Token ({PAT_HINT}) or a legacy token"
        )
    return "pat"


class PersonalAccessTokenAuth(httpx.Auth):
    """httpx auth flow: exchange the PAT for an access token, cache it, and on a 401 refresh once and retry.

    Thread-safe: the cached access token is swapped under a lock, and a request that failed with an
    access token another thread has already replaced just retries with the new one.
    """

    requires_response_body = True

    def __init__(self, url: str, pat: SecretStr) -> None:
        self.url = url.rstrip("/")
        self._pat = pat
        self._access: SecretStr | None = None
        self._lock = threading.Lock()
        self.refreshes = 0  # access tokens obtained so far (observable in tests and diagnostics)

    def __repr__(self) -> str:
        return f"PersonalAccessTokenAuth({self.url!r})"

    def invalidate(self) -> None:
        """Forget the cached access token; the next request obtains a fresh one."""
        with self._lock:
            self._access = None

    def use_access_token(self, access: SecretStr) -> None:
        """Adopt an access token obtained elsewhere (another process, a cache); refreshed if refused."""
        with self._lock:
            self._access = access

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if request.url.path == REFRESH_PATH:  # the exchange itself carries the PAT in its body
            yield request
            return
        with self._lock:
            access = self._access
        if access is None:
            access = self._store((yield self._refresh_request()), stale=None)
        request.headers["Authorization"] = f"Bearer {access.get_secret_value()}"
        response = yield request
        if response.status_code != 401:
            return
        access = self._store((yield self._refresh_request()), stale=access)
        request.headers["Authorization"] = f"Bearer {access.get_secret_value()}"
        yield request

    def _refresh_request(self) -> httpx.Request:
        return httpx.Request(
            "POST", f"{self.url}{REFRESH_PATH}", json={"refresh": self._pat.get_secret_value()}
        )

    def _store(self, response: httpx.Response, *, stale: SecretStr | None) -> SecretStr:
        """Validate the exchange's answer and cache its access token (unless another thread already did)."""
        if response.status_code in (400, 401, 403):
            raise LabelStudioAuthError(
                f"Label Studio at {self.url} refused the personal access token "
                f"(HTTP {response.status_code} on {REFRESH_PATH}: {_detail(response)}); it is expired, "
                f"revoked or from another server: create a new one ({PAT_HINT}) and set "
                "DERMKG_LABELSTUDIO_TOKEN"
            )
        try:
            access = response.json().get("access") if response.status_code == 200 else None
        except (ValueError, AttributeError):
            access = None
        if not isinstance(access, str) or not access:
            raise LabelStudioAuthError(
                f"Label Studio at {self.url} gave no access token for the personal access token "
                f"(HTTP {response.status_code} on {REFRESH_PATH}); is it Label Studio 1.22 or later?"
            )
        with self._lock:
            if stale is None or self._access is None or self._access == stale:
                self._access = SecretStr(access)
                self.refreshes += 1
            return self._access


def _detail(response: httpx.Response) -> str:
    """The server's short reason (never echoes the request, so never the token)."""
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase
    return str(body.get("detail", body))[:200] if isinstance(body, dict) else str(body)[:200]
