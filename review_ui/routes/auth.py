"""Sign in, sign out, and the health check (the only routes that need no session)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import PlainTextResponse, RedirectResponse
from sqlalchemy import text

from review_ui.auth import CurrentUser
from review_ui.database import DbSession
from review_ui.rendering import render
from review_ui.sessions import USER_ID, password_fingerprint, start_session
from review_ui.users import authenticate

log = logging.getLogger(__name__)

router = APIRouter()


@router.get("/health", response_class=PlainTextResponse)
def health(db: DbSession) -> str:
    db.execute(text("SELECT 1"))
    return "ok"


@router.get("/login")
def login_form(request: Request):
    if request.session.get(USER_ID):
        return RedirectResponse("/queue", status_code=303)
    return render(request, "login.html", {"error": None, "username": None})


@router.post("/login")
def login(
    request: Request,
    db: DbSession,
    username: Annotated[str, Form(max_length=128)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
):
    username = username.strip()
    throttle = request.app.state.login_throttle
    address = request.client.host if request.client else None
    if throttle.blocked(username, address):
        log.info("login throttled")
        return render(
            request,
            "login.html",
            {"error": "Too many failed attempts; wait a few minutes.", "username": username},
            status_code=429,
        )
    user = authenticate(db, username, password)
    if user is None:
        throttle.failed(username, address)
        log.info("login refused")  # no user name: it may be someone's mistyped password
        return render(
            request,
            "login.html",
            {"error": "Wrong user name or password.", "username": username},
            status_code=401,
        )
    throttle.succeeded(username)
    secret = request.app.state.config.secret_key.get_secret_value()
    start_session(request.session, user.id, password_fingerprint(secret, user.password_hash))
    log.info("login user_id=%s", user.id)
    return RedirectResponse("/queue", status_code=303)


@router.post("/logout")
def logout(request: Request, user: CurrentUser):
    log.info("logout user_id=%s", user.id)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
