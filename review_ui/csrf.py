"""CSRF protection for every state-changing request, enforced in one place.

Session-bound tokens: each session holds a random token; every POST must echo it, as the
`csrf_token` form field or the `X-CSRF-Token` header, and a cross-site `Origin` is refused
outright. It is a middleware rather than a per-route dependency so that a new route cannot
forget it.
"""

from __future__ import annotations

import hmac
from urllib.parse import parse_qs, urlsplit

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from review_ui.sessions import CSRF_TOKEN

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_FIELD = "csrf_token"
HEADER = "x-csrf-token"
MAX_FORM_BYTES = 2 * 1024 * 1024  # a 25-row loss run form is ~20 KB


class CsrfMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        expected = scope.get("session", {}).get(CSRF_TOKEN)
        if not _same_origin(scope, headers):
            await _refuse(scope, receive, send, "cross-site request refused")
            return
        given = headers.get(HEADER)
        body = b""
        if given is None and headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"
        ):
            body, too_large = await _read_body(receive)
            if too_large:
                await PlainTextResponse("form too large", status_code=413)(scope, receive, send)
                return
            given = _form_token(body)
        if not expected or not given or not hmac.compare_digest(str(expected), given):
            await _refuse(scope, receive, send, "missing or wrong CSRF token: reload the page")
            return
        await self.app(scope, _replay(body, receive) if body else receive, send)


def _same_origin(scope: Scope, headers: Headers) -> bool:
    """Refuse what the browser says is cross-site; the token is still required either way."""
    site = headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = headers.get("origin")
    if origin is None or origin == "null":
        return True
    # Host only, not scheme: behind a TLS proxy the app may see http while the browser says https.
    return urlsplit(origin).netloc == headers.get("host", "")


def _form_token(body: bytes) -> str | None:
    try:
        values = parse_qs(body.decode("utf-8"), keep_blank_values=True).get(FORM_FIELD)
    except UnicodeDecodeError:
        return None
    return values[0] if values else None


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks), False


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _refuse(scope: Scope, receive: Receive, send: Send, reason: str) -> None:
    await PlainTextResponse(reason, status_code=403)(scope, receive, send)
