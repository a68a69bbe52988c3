"""`claimdocs review` (serve the review UI) and `claimdocs users ...` (accounts).

Mounted by the main CLI:  app.command("review")(review)      # or app.add_typer(review_app, name="review")
                          app.add_typer(users_app, name="users")
"""

from __future__ import annotations

import logging
import sys
from typing import Annotated

import typer

from storage.states import Role

log = logging.getLogger(__name__)

review_app = typer.Typer(
    name="review",
    help="Serve the review web UI.",
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
users_app = typer.Typer(
    name="users",
    help="Review UI accounts: add users, set passwords, deactivate.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


@review_app.callback(invoke_without_command=True)
def review(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    dev: Annotated[
        bool,
        typer.Option(
            "--dev",
            help="Local demo only: without CLAIMDOCS_SECRET_KEY, sign sessions with a random "
            "per-process secret (everyone is logged out on restart).",
        ),
    ] = False,
) -> None:
    """Serve the review UI at http://HOST:PORT (needs CLAIMDOCS_SECRET_KEY, or --dev).

    Put it behind a TLS proxy for anything but local use; cookies become Secure on https.
    """
    import uvicorn

    from claimdocs.settings import load_settings
    from review_ui.app import create_app
    from review_ui.config import InsecureSecretError, review_config_from_env
    from storage import migrate

    try:
        config = review_config_from_env(allow_dev_secret=dev)
    except InsecureSecretError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    # Re-reading a retyped or split document uses the same OCR cache and routing policy as runs.
    config = config.model_copy(update={"pipeline": load_settings().pipeline_options()})
    if migrate.current_revision(config.database_url) != migrate.head_revision():
        typer.echo("error: the database schema is not current; run `claimdocs db upgrade`", err=True)
        raise typer.Exit(2)
    if dev:
        typer.echo("warning: --dev: random per-process session secret; not for production", err=True)
    typer.echo(f"review UI on http://{host}:{port}/ (Ctrl+C to stop)")
    uvicorn.run(
        create_app(config),
        host=host,
        port=port,
        proxy_headers=True,  # trust X-Forwarded-Proto from FORWARDED_ALLOW_IPS (default: local)
        server_header=False,
        log_level="warning",
        # No logging setup of uvicorn's own: its records go to the CLI's allow-listed JSON
        # handler (claimdocs.log_setup), so a request path or an exception message never does.
        log_config=None,
    )


def _read_password(prompt: bool) -> str:
    if prompt:
        return typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def _session():
    from sqlalchemy.orm import Session

    from storage.engine import make_engine
    from storage.settings import resolve_database_url

    engine = make_engine(resolve_database_url())
    return engine, Session(engine)


@users_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="User name (letters, digits, . _ @ -).")],
    role: Annotated[Role, typer.Option(help="reviewer or admin.")] = Role.REVIEWER,
) -> None:
    """Add a user. The password is asked for (hidden, twice), or read from standard input's
    first line when it is not a terminal: `printf '%s\\n' "$PW" | claimdocs users add ann`."""
    from review_ui.passwords import WeakPasswordError
    from review_ui.users import UserError, add_user

    password = _read_password(sys.stdin.isatty())
    engine, db = _session()
    try:
        with db.begin():
            record = add_user(db, name, password, role)
    except (UserError, WeakPasswordError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    finally:
        db.close()
        engine.dispose()
    typer.echo(f"added {record.role} {record.username} (id {record.id})")


@users_app.command("set-password")
def set_password_command(
    name: Annotated[str, typer.Argument(help="User name.")],
) -> None:
    """Set a new password (asked for, or the first line of standard input); ends their sessions."""
    from review_ui.passwords import WeakPasswordError
    from review_ui.users import UserError, set_password

    password = _read_password(sys.stdin.isatty())
    engine, db = _session()
    try:
        with db.begin():
            set_password(db, name, password)
    except (UserError, WeakPasswordError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    finally:
        db.close()
        engine.dispose()
    typer.echo(f"password of {name} changed")


@users_app.command("deactivate")
def deactivate(name: Annotated[str, typer.Argument(help="User name.")]) -> None:
    """Stop a user from signing in (their open sessions end at their next request)."""
    from review_ui.users import UserError, set_active

    engine, db = _session()
    try:
        with db.begin():
            set_active(db, name, False)
    except UserError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    finally:
        db.close()
        engine.dispose()
    typer.echo(f"{name} deactivated")
