"""Signed session cookies: who is logged in and their CSRF token, nothing else.

The cookie holds the user id, a fingerprint of the password hash (changing a password ends every
session, as in Django) and the CSRF token, signed with the app secret and time-stamped; the role
is read from the database on each request, so demoting a user takes effect at once. It is
HttpOnly, SameSite=Lax, and Secure (with the `__Host-` prefix) when served over https.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from review_ui.config import CookieSecurity

PLAIN_COOKIE = "claimdocs_session"
SECURE_COOKIE = "__Host-claimdocs_session"

USER_ID = "uid"
PASSWORD_FINGERPRINT = "pwf"
CSRF_TOKEN = "csrf"


def is_secure_request(scope: Scope, security: CookieSecurity) -> bool:
    if security is CookieSecurity.ALWAYS:
        return True
    if security is CookieSecurity.NEVER:
        return False
    return scope.get("scheme") == "https"


def password_fingerprint(secret_key: str, password_hash: str) -> str:
    return hmac.new(secret_key.encode(), password_hash.encode(), hashlib.sha256).hexdigest()[:32]


def start_session(session: dict[str, Any], user_id: int, fingerprint: str) -> None:
    """Log a user in: a fresh session with a fresh CSRF token (nothing carried over)."""
    session.clear()
    session[USER_ID] = user_id
    session[PASSWORD_FINGERPRINT] = fingerprint
    session[CSRF_TOKEN] = secrets.token_urlsafe(32)


def csrf_token_of(session: dict[str, Any]) -> str:
    """The session's CSRF token, made on first use (a page with a form, the login form too)."""
    if CSRF_TOKEN not in session:
        session[CSRF_TOKEN] = secrets.token_urlsafe(32)
    return session[CSRF_TOKEN]


class SessionMiddleware:
    """Puts the session dict in `scope["session"]` and writes the cookie back when it changed."""

    def __init__(
        self, app: ASGIApp, *, secret_key: str, max_age: int, security: CookieSecurity
    ) -> None:
        self.app = app
        self.max_age = max_age
        self.security = security
        self.serializer = URLSafeTimedSerializer(secret_key, salt="claimdocs.review.session")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = is_secure_request(scope, self.security)
        name = SECURE_COOKIE if secure else PLAIN_COOKIE
        loaded = self._load(scope, name)
        session: dict[str, Any] = dict(loaded)
        scope["session"] = session

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and session != loaded:
                headers = MutableHeaders(scope=message)
                headers.append("Set-Cookie", self._cookie(name, session, secure))
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _load(self, scope: Scope, name: str) -> dict[str, Any]:
        raw = _request_cookie(scope, name)
        if not raw:
            return {}
        try:
            data = self.serializer.loads(raw, max_age=self.max_age)
        except BadSignature:  # also covers SignatureExpired
            return {}
        return data if isinstance(data, dict) else {}

    def _cookie(self, name: str, session: dict[str, Any], secure: bool) -> str:
        if session:
            value, max_age = self.serializer.dumps(session), self.max_age
        else:
            value, max_age = "", 0
        parts = [f"{name}={value}", "Path=/", f"Max-Age={max_age}", "HttpOnly", "SameSite=Lax"]
        if secure:
            parts.append("Secure")
        return "; ".join(parts)


def _request_cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            jar = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed Cookie header is treated as no cookie
                return None
            if name in jar:
                return jar[name].value
    return None
