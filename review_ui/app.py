"""The review app: `create_app(config)` builds it; the lifespan owns the database engine.

Middleware order, outermost first: security headers -> session cookie -> login required ->
CSRF -> routes. So every response carries the headers, the session is there for both checks,
and nothing reaches a route without a session (except /login, /health, /static) or, for a
POST, without the session's CSRF token.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

from review_ui.auth import (
    Forbidden,
    LoginRequired,
    LoginRequiredMiddleware,
    refusal_for_anonymous,
)
from review_ui.config import ReviewConfig, check_secret
from review_ui.csrf import CsrfMiddleware
from review_ui.login_throttle import LoginThrottle
from review_ui.page_image_cache import PageImageCache
from review_ui.rendering import STATIC_DIR, make_templates, render
from review_ui.security_headers import SecurityHeadersMiddleware
from review_ui.sessions import SessionMiddleware
from storage.engine import make_engine

log = logging.getLogger(__name__)


def create_app(config: ReviewConfig) -> FastAPI:
    """Build the app. Refuses (InsecureSecretError) a missing or placeholder secret: callers
    that want a throwaway one must make it themselves (`claimdocs review --dev`)."""
    check_secret(config.secret_key.get_secret_value())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(config.database_url)
        app.state.sessionmaker = sessionmaker(engine, expire_on_commit=False)
        try:
            yield
        finally:
            engine.dispose()

    app = FastAPI(
        title="claimdocs review",
        lifespan=lifespan,
        docs_url=None,  # no API explorer: it would need inline script and CDN assets
        redoc_url=None,
        openapi_url=None,
    )
    app.state.config = config
    app.state.templates = make_templates()
    app.state.login_throttle = LoginThrottle()
    app.state.page_images = PageImageCache(
        config.page_cache_dir,
        dpi=config.page_image_dpi,
        timeout_seconds=config.render_timeout_seconds,
    )

    from review_ui.routes import admin, auth, documents, pages, queue

    app.include_router(auth.router)
    app.include_router(queue.router)
    app.include_router(documents.router)
    app.include_router(pages.router)
    app.include_router(admin.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    _add_error_pages(app)

    # add_middleware wraps what is there, so the last added is the outermost.
    app.add_middleware(CsrfMiddleware)
    app.add_middleware(LoginRequiredMiddleware)
    app.add_middleware(
        SessionMiddleware,
        secret_key=config.secret_key.get_secret_value(),
        max_age=config.session_max_age_seconds,
        security=config.cookie_security,
    )
    app.add_middleware(SecurityHeadersMiddleware)
    return app


def _add_error_pages(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, _error: LoginRequired):
        return refusal_for_anonymous(request.method)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, _error: Forbidden):
        return _error_page(request, 403, "Not allowed", "Your role may not open this page.")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException):
        titles = {404: "Not found", 405: "Not allowed", 409: "Conflict", 422: "Bad request"}
        title = titles.get(error.status_code, "Error")
        message = error.detail if isinstance(error.detail, str) else title
        return _error_page(request, error.status_code, title, message)


def _error_page(request: Request, status_code: int, title: str, message: str):
    if request.method != "GET":
        return PlainTextResponse(message, status_code=status_code)
    return render(
        request,
        "error.html",
        {"title": title, "message": message},
        status_code=status_code,
        user=getattr(request.state, "user", None),
    )
