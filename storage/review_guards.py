"""Checks every change to a document under review passes: it exists (locked), it is still
undecided, no other reviewer holds the lease, and the caller saw the latest version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.errors import InvalidTransition, LeaseHeld, NotFound, StaleVersion
from storage.state_tables import ReviewTask, StoredDocument
from storage.states import UNDECIDED_DOCUMENT_STATES


def lock_document(session: Session, document_id: int) -> StoredDocument:
    """The document, row-locked on PostgreSQL until commit (SQLite holds the write lock anyway)."""
    document = session.get(
        StoredDocument, document_id, with_for_update=True, populate_existing=True
    )
    if document is None:
        raise NotFound(f"no document {document_id}")
    return document


def require_undecided(document: StoredDocument, action: str) -> None:
    if document.state not in UNDECIDED_DOCUMENT_STATES:
        raise InvalidTransition(f"document {document.id} is {document.state}; cannot {action} it")


def task_of(session: Session, document_id: int) -> ReviewTask | None:
    return session.scalar(
        select(ReviewTask)
        .where(ReviewTask.document_id == document_id)
        .execution_options(populate_existing=True)
    )


def require_lease_free_for(task: ReviewTask | None, reviewer: str, now: datetime) -> None:
    """Another reviewer's unexpired lease blocks the change; no lease, or one's own, does not."""
    if task is None or task.claimed_by is None or task.claimed_by == reviewer:
        return
    if task.lease_expires_at is not None and task.lease_expires_at > now:
        raise LeaseHeld(
            f"document {task.document_id} is claimed by another reviewer until "
            f"{task.lease_expires_at.isoformat()}"
        )


def bump_task_version(session: Session, document_id: int, expected_version: int) -> int:
    """Compare-and-increment the task's version in one UPDATE; StaleVersion if it moved on."""
    result = session.execute(
        update(ReviewTask)
        .where(ReviewTask.document_id == document_id, ReviewTask.version == expected_version)
        .values(version=ReviewTask.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        current = session.scalar(
            select(ReviewTask.version).where(ReviewTask.document_id == document_id)
        )
        if current is None:
            raise NotFound(f"document {document_id} has no review task")
        raise StaleVersion(document_id, expected_version, current)
    return expected_version + 1


def close_task(task: ReviewTask | None, now: datetime) -> None:
    if task is None:
        return
    task.closed_at = now
    task.claimed_by = None
    task.lease_expires_at = None
    task.version = task.version + 1
