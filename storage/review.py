"""The review side: corrections under optimistic concurrency, task leases, the queue."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from storage.column_types import utc_now
from storage.errors import LeaseHeld, NotFound
from storage.events import append_event
from storage.field_store import correct_field
from storage.outcomes import ClaimedTask, CorrectionOutcome, QueueItem
from storage.review_guards import (
    bump_task_version,
    lock_document,
    require_lease_free_for,
    require_undecided,
    task_of,
)
from storage.state_tables import ReviewTask, StoredDocument, StoredFile
from storage.states import DocumentState, EventKind

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(minutes=15)


def apply_correction(
    session: Session,
    document_id: int,
    field_path: str,
    new_value: str | None,
    *,
    corrected_by: str,
    expected_version: int,
    now: datetime | None = None,
) -> CorrectionOutcome:
    """Change one field of a document under review, logging old and new value and who did it.

    `expected_version` is the review task's version the reviewer saw; if anyone changed the task
    since, StaleVersion is raised and nothing changes. Also LeaseHeld, UnknownField,
    UnstorableValue (value not in normal form), InvalidTransition (already decided).
    """
    now = now or utc_now()
    document = lock_document(session, document_id)
    require_undecided(document, "correct")
    require_lease_free_for(task_of(session, document_id), corrected_by, now)
    version = bump_task_version(session, document_id, expected_version)
    correct_field(session, document, field_path, new_value, corrected_by=corrected_by, now=now)
    document.updated_at = now
    session.flush()
    log.info("document %s field %s corrected (version %d)", document_id, field_path, version)
    return CorrectionOutcome(document_id=document_id, field_path=field_path, version=version)


def _claimable(reviewer: str, now: datetime):
    return and_(
        ReviewTask.closed_at.is_(None),
        or_(
            ReviewTask.claimed_by.is_(None),
            ReviewTask.claimed_by == reviewer,
            ReviewTask.lease_expires_at <= now,
        ),
    )


def claim_task(
    session: Session,
    reviewer: str,
    *,
    document_id: int | None = None,
    lease: timedelta = DEFAULT_LEASE,
    now: datetime | None = None,
) -> ClaimedTask | None:
    """Lease a review task to `reviewer`: the given document's, or the oldest claimable one.

    A conditional UPDATE decides, so two reviewers asking at once never get the same task.
    Claiming one's own task again renews the lease. Returns None when nothing is claimable
    (LeaseHeld when the named document is leased to someone else).
    """
    now = now or utc_now()
    if document_id is not None:
        task = task_of(session, document_id)
        if task is None or task.closed_at is not None:
            raise NotFound(f"document {document_id} has no open review task")
        candidates = [document_id]
    else:
        candidates = list(
            session.scalars(
                select(ReviewTask.document_id)
                .where(_claimable(reviewer, now))
                .order_by(ReviewTask.created_at, ReviewTask.id)
                .limit(20)
            )
        )
    for candidate in candidates:
        previous = session.execute(
            select(ReviewTask.claimed_by, ReviewTask.lease_expires_at).where(
                ReviewTask.document_id == candidate
            )
        ).one()
        renewal = previous.claimed_by == reviewer and (
            previous.lease_expires_at is not None and previous.lease_expires_at > now
        )
        values = {"claimed_by": reviewer, "lease_expires_at": now + lease}
        if not renewal:
            values["version"] = ReviewTask.version + 1  # the reviewer who lost it must reload
        result = session.execute(
            update(ReviewTask)
            .where(ReviewTask.document_id == candidate, _claimable(reviewer, now))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            continue
        task = task_of(session, candidate)
        assert task is not None
        if not renewal:
            file_id = session.scalar(
                select(StoredDocument.file_id).where(StoredDocument.id == candidate)
            )
            append_event(
                session,
                file_id=file_id,
                document_id=candidate,
                kind=EventKind.TASK_CLAIMED,
                actor=reviewer,
                now=now,
                detail={
                    "lease_expires_at": task.lease_expires_at.isoformat()
                    if task.lease_expires_at
                    else None
                },
            )
        session.flush()
        return ClaimedTask(
            document_id=candidate,
            claimed_by=reviewer,
            lease_expires_at=task.lease_expires_at,
            version=task.version,
        )
    if document_id is not None:
        raise LeaseHeld(f"document {document_id} is claimed by another reviewer")
    return None


def release_task(
    session: Session, document_id: int, reviewer: str, *, now: datetime | None = None
) -> bool:
    """Give a leased task back to the queue; False if `reviewer` did not hold it."""
    now = now or utc_now()
    result = session.execute(
        update(ReviewTask)
        .where(ReviewTask.document_id == document_id, ReviewTask.claimed_by == reviewer)
        .values(claimed_by=None, lease_expires_at=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    file_id = session.scalar(select(StoredDocument.file_id).where(StoredDocument.id == document_id))
    append_event(
        session,
        file_id=file_id,
        document_id=document_id,
        kind=EventKind.TASK_RELEASED,
        actor=reviewer,
        now=now,
    )
    session.flush()
    return True


def queue(
    session: Session,
    *,
    doc_type: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[QueueItem]:
    """Documents waiting for review, oldest first, with who holds each (if anyone)."""
    query = (
        select(StoredDocument, ReviewTask, StoredFile.sha256, StoredFile.original_name)
        .join(ReviewTask, ReviewTask.document_id == StoredDocument.id)
        .join(StoredFile, StoredFile.id == StoredDocument.file_id)
        .where(
            StoredDocument.state == DocumentState.IN_REVIEW.value, ReviewTask.closed_at.is_(None)
        )
        .order_by(ReviewTask.created_at, ReviewTask.id)
        .limit(limit)
        .offset(offset)
    )
    if doc_type is not None:
        query = query.where(StoredDocument.doc_type == doc_type)
    items = []
    for document, task, sha256, original_name in session.execute(query):
        items.append(
            QueueItem(
                document_id=document.id,
                file_sha256=sha256,
                original_name=original_name,
                doc_type=document.doc_type,
                page_start=document.page_start,
                page_end=document.page_end,
                doc_type_confidence=document.doc_type_confidence,
                route_reasons=list(document.route_reasons),
                claimed_by=task.claimed_by,
                lease_expires_at=task.lease_expires_at,
                version=task.version,
                created_at=task.created_at,
            )
        )
    return items
