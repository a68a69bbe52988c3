"""Jinja2 with autoescape on for every template, and the context every page gets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from review_ui.sessions import csrf_token_of

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

FLASH = "flash"


def make_templates() -> Jinja2Templates:
    # autoescape=True for every template, whatever its file name; document values are never
    # marked safe, so markup in a value always renders as text.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return Jinja2Templates(env=env)


def flash(request: Request, text: str, kind: str = "ok") -> None:
    """A one-line message for the next page (ids and counts only: it rides in the cookie)."""
    request.session[FLASH] = {"text": text, "kind": kind}


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    user: Any = None,
) -> HTMLResponse:
    base = {
        "user": user,
        "csrf_token": csrf_token_of(request.session),
        "flash": request.session.pop(FLASH, None),
        "nav": None,
    }
    base.update(context or {})
    return request.app.state.templates.TemplateResponse(
        request, template, base, status_code=status_code
    )
