"""Read-back helpers for storage tests: row counts of every table, PAS rows as dicts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from storage.pas_tables import schema_for_dialect


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows per table (working state and PAS), by the table's full name."""
    metadata, _ = schema_for_dialect(engine.dialect.name)
    with engine.connect() as connection:
        return {
            table.fullname: connection.scalar(select(func.count()).select_from(table))
            for table in metadata.sorted_tables
        }


def pas_rows(engine: Engine, logical: str) -> list[dict[str, Any]]:
    """Every row of a PAS table (`loss_runs`, `outbox`, ...) in id order."""
    metadata, tables = schema_for_dialect(engine.dialect.name)
    table = metadata.tables[tables.naming.qualified(logical)]
    with engine.connect() as connection:
        return [
            dict(row._mapping) for row in connection.execute(select(table).order_by(table.c.id))
        ]
