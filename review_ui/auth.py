"""Who is asking: the logged-in user from the session, and the role checks routes depend on.

Two layers: `LoginRequiredMiddleware` refuses any request without a session except to public
paths (so a new route is private by default), and the `current_user` dependency loads the user
from the database on every request (a deactivated user or a changed password ends the session).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from review_ui.database import DbSession
from review_ui.sessions import PASSWORD_FINGERPRINT, USER_ID, password_fingerprint
from storage.state_tables import User
from storage.states import Role

PUBLIC_PATHS = frozenset({"/login", "/health"})
PUBLIC_PREFIXES = ("/static/",)


class LoginRequired(Exception):
    """No valid session: HTML GETs go to the login page, anything else gets 401."""


class Forbidden(Exception):
    """Logged in, but the role may not do this."""


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def refusal_for_anonymous(method: str):
    if method in ("GET", "HEAD"):
        return RedirectResponse("/login", status_code=303)
    return PlainTextResponse("login required", status_code=401)


class LoginRequiredMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not is_public(scope["path"]):
            if not scope.get("session", {}).get(USER_ID):
                await refusal_for_anonymous(scope["method"])(scope, receive, send)
                return
        await self.app(scope, receive, send)


def current_user(request: Request, db: DbSession) -> User:
    session = request.session
    user_id = session.get(USER_ID)
    user = db.get(User, user_id) if isinstance(user_id, int) else None
    secret = request.app.state.config.secret_key.get_secret_value()
    if (
        user is None
        or not user.is_active
        or session.get(PASSWORD_FINGERPRINT) != password_fingerprint(secret, user.password_hash)
    ):
        session.clear()
        raise LoginRequired()
    return user


def require_admin(user: Annotated[User, Depends(current_user)]) -> User:
    if user.role != Role.ADMIN:
        raise Forbidden()
    return user


CurrentUser = Annotated[User, Depends(current_user)]
AdminUser = Annotated[User, Depends(require_admin)]
