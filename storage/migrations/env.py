"""Alembic environment: configured from code (storage.migrate), no alembic.ini needed."""

from __future__ import annotations

from alembic import context

from storage.engine import make_engine
from storage.migrate import configure_context_options

config = context.config


def _run(connection) -> None:
    context.configure(connection=connection, **configure_context_options(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
run_migrations_online()
