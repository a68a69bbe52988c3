"""The migration chain and the code agree, on PostgreSQL and SQLite."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, inspect, select, text, update
from sqlalchemy.exc import DBAPIError

from storage import make_engine, migrate
from storage.pas_tables import pas_tables_for, schema_for_dialect
from storage.state_tables import Event


def _table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        inspector = inspect(engine)
        names = set(inspector.get_table_names())
        if engine.dialect.name == "postgresql":
            names |= {f"pas.{name}" for name in inspector.get_table_names(schema="pas")}
        return names - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_empty_database_then_downgrade_cleanly(empty_database_url):
    """GIVEN an empty database WHEN migrated up, down and up again THEN each step is complete."""
    url = empty_database_url
    assert _table_names(url) == set()
    migrate.upgrade(url)
    dialect = make_engine(url).dialect.name
    metadata, _ = schema_for_dialect(dialect)
    assert _table_names(url) == {table.fullname for table in metadata.sorted_tables}
    assert migrate.current_revision(url) == migrate.head_revision()

    migrate.downgrade(url, "base")
    assert _table_names(url) == set()
    assert migrate.current_revision(url) is None
    if dialect == "postgresql":
        engine = make_engine(url)
        with engine.connect() as connection:
            assert (
                connection.scalar(text("SELECT count(*) FROM pg_namespace WHERE nspname = 'pas'"))
                == 0
            )
            assert (
                connection.scalar(
                    text("SELECT count(*) FROM pg_proc WHERE proname = 'claimdocs_refuse_change'")
                )
                == 0
            )
        engine.dispose()

    migrate.upgrade(url)
    assert migrate.schema_drift(url) == []


def test_models_and_migrations_agree(database_url):
    """Alembic autogenerate finds nothing to change between the ORM/Core schema and the db."""
    assert migrate.schema_drift(database_url) == []


def test_drift_check_notices_a_difference(database_factory):
    """The agreement test has teeth: a column missing in the database shows up."""
    database_url = database_factory()
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE users DROP COLUMN is_active"))
    engine.dispose()
    drift = migrate.schema_drift(database_url)
    assert any(
        item[0] == "add_column" and item[2] == "users" for item in drift if isinstance(item, tuple)
    )


@pytest.mark.parametrize("change", ["update", "delete"])
def test_event_log_and_outbox_are_append_only(store, change):
    """GIVEN recorded events and outbox rows WHEN anyone tries to rewrite or delete them THEN
    the database itself refuses."""
    from tests.file_results import packet_result

    store.record_result(packet_result("append-only"), "inbox/a.pdf")
    events = Event.__table__
    outbox = pas_tables_for(store.engine.dialect.name).outbox
    statements = {
        "update": [update(events).values(actor="x"), update(outbox).values(kind="approved")],
        "delete": [delete(events), delete(outbox)],
    }[change]
    for statement in statements:
        with pytest.raises(DBAPIError), store.unit_of_work() as session:
            session.execute(statement)
    with store.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(events)) > 0
        assert session.scalar(select(func.count()).select_from(outbox)) == 3
