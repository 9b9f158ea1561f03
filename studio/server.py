"""The studio's ASGI app (``streamlit run studio/server.py``): the Streamlit pages of ``app.py`` plus
two small routes that set and clear the HttpOnly session cookie (see :mod:`studio.session_cookie`)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from dermkg.settings import Settings
from studio import session_cookie as sc

# not app.py itself: see studio/entry/main.py
ENTRY = Path(__file__).with_name("entry") / "main.py"


def _data_dir() -> Path:
    return Settings().data_dir


async def session_route(request: Request) -> RedirectResponse:
    """Redeem a login ticket: set the signed cookie, return to the page asked for."""
    target = sc.safe_next(request.query_params.get("next"))
    username = sc.redeem_ticket(request.query_params.get("ticket", ""))
    response = RedirectResponse(target, status_code=303)
    if username is not None and sc.session_hours() > 0:
        response.set_cookie(
            sc.COOKIE,
            sc.make_token(username, _data_dir()),
            max_age=int(sc.session_hours() * 3600),
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
    response.headers["Cache-Control"] = "no-store"
    return response


async def logout_route(request: Request) -> RedirectResponse:
    sc.revoke(request.cookies.get(sc.COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(sc.COOKIE, path="/")
    return response


app = st.App(
    str(ENTRY),
    routes=[Route("/_dermkg/session", session_route), Route("/_dermkg/logout", logout_route)],
)
