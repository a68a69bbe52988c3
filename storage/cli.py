"""`claimdocs db ...`: migrate the store's database and look at it. Mounted by claimdocs.cli."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from storage.settings import resolve_database_url

db_app = typer.Typer(
    name="db",
    help="Create, migrate and inspect the claimdocs database ($DATABASE_URL, default: SQLite file).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

DatabaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--database-url", help="SQLAlchemy URL; default $DATABASE_URL, else the SQLite file."
    ),
]


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@db_app.command()
def upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    database_url: DatabaseUrlOption = None,
) -> None:
    """Apply migrations up to REVISION (default: the newest). Safe to run again."""
    from storage import migrate

    url = resolve_database_url(database_url)
    migrate.upgrade(url, revision)
    typer.echo(f"{_shown(url)}: at revision {migrate.current_revision(url)}")


@db_app.command()
def downgrade(
    revision: Annotated[
        str, typer.Argument(help="Target revision: an id, -1, or base (drops everything).")
    ],
    yes: Annotated[
        bool, typer.Option("--yes", help="Confirm: downgrading drops tables and their rows.")
    ] = False,
    database_url: DatabaseUrlOption = None,
) -> None:
    """Revert migrations down to REVISION. Destroys the data in the dropped tables."""
    from storage import migrate

    if not yes:
        typer.echo("error: downgrade drops tables with their rows; add --yes to go ahead", err=True)
        raise typer.Exit(2)
    url = resolve_database_url(database_url)
    migrate.downgrade(url, revision)
    typer.echo(f"{_shown(url)}: at revision {migrate.current_revision(url) or 'base (empty)'}")


@db_app.command()
def current(database_url: DatabaseUrlOption = None) -> None:
    """Show the database's revision and the newest one; exit 1 if it is behind."""
    from storage import migrate

    url = resolve_database_url(database_url)
    revision = migrate.current_revision(url)
    head = migrate.head_revision()
    typer.echo(f"{_shown(url)}: revision {revision or 'none'} (newest: {head})")
    if revision != head:
        raise typer.Exit(1)


@db_app.command()
def check(database_url: DatabaseUrlOption = None) -> None:
    """Compare the database with the code's schema; exit 1 on any difference."""
    from storage import migrate

    url = resolve_database_url(database_url)
    drift = migrate.schema_drift(url)
    for difference in drift:
        typer.echo(f"differs: {difference[0] if isinstance(difference, tuple) else difference}")
    if drift:
        raise typer.Exit(1)
    typer.echo("schema matches the code")


@db_app.command()
def status(database_url: DatabaseUrlOption = None) -> None:
    """Count files and documents by state, open review tasks and the last outbox id."""
    from storage.engine import make_engine
    from storage.store import Store

    engine = make_engine(resolve_database_url(database_url))
    try:
        summary = Store(engine).status_summary()
    finally:
        engine.dispose()
    typer.echo(
        "files:     "
        + ", ".join(f"{state.value} {count}" for state, count in summary.files.items())
    )
    typer.echo(
        "documents: "
        + ", ".join(f"{state.value} {count}" for state, count in summary.documents.items())
    )
    typer.echo(f"open review tasks: {summary.open_review_tasks}")
    typer.echo(
        f"last outbox id: {summary.last_outbox_id if summary.last_outbox_id is not None else '-'}"
    )
