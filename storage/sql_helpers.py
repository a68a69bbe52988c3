"""Small SQL building blocks that differ by dialect: insert-or-ignore, text that fits a column."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def dialect_name(session: Session) -> str:
    return session.get_bind().dialect.name


def insert_ignoring_conflict(
    session: Session, table: Table, values: dict[str, Any], conflict_columns: list[str]
) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id: the new id, or None if the row existed.

    The unique constraint decides, not a prior SELECT, so two workers racing on the same key
    get one row: on PostgreSQL the second waits for the first to commit and then does nothing.
    """
    dialect = postgresql if dialect_name(session) == "postgresql" else sqlite
    statement = (
        dialect.insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=conflict_columns)
        .returning(table.c.id)
    )
    return session.execute(statement).scalar_one_or_none()


def storable_text(text: str | None) -> str | None:
    """PostgreSQL text cannot hold NUL; text layers of broken PDFs sometimes do. Drop it on
    both backends so they store the same thing."""
    if text is None:
        return None
    return text.replace("\x00", "")
