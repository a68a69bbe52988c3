"""Run the packaged Alembic migrations from code: upgrade, downgrade, current, drift check."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from storage.engine import make_engine, normalise_database_url
from storage.pas_naming import PAS_SCHEMA
from storage.pas_tables import schema_for_dialect

SCRIPT_LOCATION = "storage:migrations"


def _include_name(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    # On PostgreSQL look at the default schema and `pas` only, never at other schemas.
    if type_ == "schema":
        return name in (None, PAS_SCHEMA)
    return True


def configure_context_options(dialect_name: str) -> dict[str, Any]:
    """Options for `context.configure` / `MigrationContext.configure`, shared by env.py and the
    drift check so both see the schema the same way."""
    metadata, _ = schema_for_dialect(dialect_name)
    return {
        "target_metadata": metadata,
        "include_schemas": dialect_name == "postgresql",
        "include_name": _include_name,
        "compare_type": True,
        "render_as_batch": dialect_name == "sqlite",  # SQLite ALTERs by copying the table
    }


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    # ConfigParser interpolation: a literal % in a password must be doubled.
    config.set_main_option(
        "sqlalchemy.url", normalise_database_url(database_url).replace("%", "%%")
    )
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def current_revision(database_url: str) -> str | None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def schema_drift(database_url: str) -> list[Any]:
    """Differences between the ORM/Core schema and the database (empty when they agree)."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            options = configure_context_options(connection.dialect.name)
            metadata = options.pop("target_metadata")
            options.pop("render_as_batch")
            context = MigrationContext.configure(connection, opts=options)
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()
