"""Changes to a document under review that the store's API does not offer yet: removing rows
of a list field, changing the document type, splitting a packet. Same guards as the store's own changes (row lock, undecided, lease, version
check) and an audit event for each, through storage's ORM models and helpers.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from pipeline.contract import Route
from review_ui.field_view import ROW_PATH
from review_ui.reextract import REVIEWER_TYPE_CONFIDENCE, Reextraction
from review_ui.review_events import ReviewEventKind
from storage.column_types import utc_now
from storage.errors import InvalidTransition
from storage.events import append_event
from storage.field_store import store_field_map
from storage.review_guards import (
    bump_task_version,
    lock_document,
    require_lease_free_for,
    require_undecided,
    task_of,
)
from storage.state_tables import ReviewTask, StoredDocument, StoredFieldValue
from storage.states import DocumentState, EventKind

log = logging.getLogger(__name__)


def remove_rows(
    db: Session,
    document_id: int,
    row_paths: set[str],
    *,
    removed_by: str,
    expected_version: int,
    now: datetime | None = None,
) -> int:
    """Delete whole rows (`claims[3]`) of a list field; returns the task's new version.

    Each removal is a `field_corrected` event whose old value is the row's cells, so the
    history shows what went. Raises StaleVersion, LeaseHeld, InvalidTransition, NotFound.
    """
    now = now or utc_now()
    document = lock_document(db, document_id)
    require_undecided(document, "correct")
    require_lease_free_for(task_of(db, document_id), removed_by, now)
    version = bump_task_version(db, document_id, expected_version)
    for row_path in sorted(row_paths):
        match = ROW_PATH.match(row_path)
        if match is None:
            continue
        where = (
            StoredFieldValue.document_id == document_id,
            StoredFieldValue.list_name == match["list"],
            StoredFieldValue.row_index == int(match["row"]),
        )
        cells = list(db.scalars(select(StoredFieldValue).where(*where)))
        if not cells:
            continue
        db.execute(delete(StoredFieldValue).where(*where))
        append_event(
            db,
            file_id=document.file_id,
            document_id=document_id,
            kind=EventKind.FIELD_CORRECTED,
            actor=removed_by,
            now=now,
            reason=row_path,
            detail={
                "field": row_path,
                "old_value": {cell.field_name: cell.value for cell in cells},
                "new_value": None,
                "row_removed": True,
            },
        )
    document.updated_at = now
    db.flush()
    log.info("document %s: %d rows removed (version %d)", document_id, len(row_paths), version)
    return version


def _replace_fields(db: Session, document: StoredDocument, extraction: Reextraction) -> None:
    db.execute(delete(StoredFieldValue).where(StoredFieldValue.document_id == document.id))
    document.doc_type = extraction.doc_type.value
    document.doc_type_confidence = REVIEWER_TYPE_CONFIDENCE
    document.page_start = extraction.page_start
    document.page_end = extraction.page_end
    document.validation = [issue.model_dump(mode="json") for issue in extraction.issues]
    document.route_reasons = list(extraction.route_reasons)
    document.extractor_version = extraction.extractor_version
    db.flush()
    store_field_map(db, document.id, extraction.fields)


def _guarded(db: Session, document_id: int, actor: str, expected_version: int, now: datetime):
    document = lock_document(db, document_id)
    require_undecided(document, "change")
    require_lease_free_for(task_of(db, document_id), actor, now)
    version = bump_task_version(db, document_id, expected_version)
    return document, version


def retype_document(
    db: Session,
    document_id: int,
    extraction: Reextraction,
    *,
    changed_by: str,
    expected_version: int,
    now: datetime | None = None,
) -> int:
    """Give the document the reviewer's type and the fields that type's extractor read from
    its pages (earlier values and corrections stay in the event log). Returns the new version."""
    now = now or utc_now()
    document, version = _guarded(db, document_id, changed_by, expected_version, now)
    old_type = document.doc_type
    _replace_fields(db, document, extraction)
    document.updated_at = now
    append_event(
        db,
        file_id=document.file_id,
        document_id=document_id,
        kind=ReviewEventKind.DOCUMENT_RETYPED,  # type: ignore[arg-type]
        actor=changed_by,
        now=now,
        reason=f"{old_type} -> {extraction.doc_type.value}",
        detail={"old_doc_type": old_type, "new_doc_type": extraction.doc_type.value},
    )
    db.flush()
    log.info("document %s retyped (version %d)", document_id, version)
    return version


def split_document(
    db: Session,
    document_id: int,
    first: Reextraction,
    second: Reextraction,
    *,
    split_by: str,
    expected_version: int,
    now: datetime | None = None,
) -> int:
    """Split a packet the classifier read as one document: this document keeps the pages before
    `second.page_start` (re-read as `first.doc_type`), a new document in review gets the rest.
    Returns the new document's id."""
    now = now or utc_now()
    document, _ = _guarded(db, document_id, split_by, expected_version, now)
    if not (document.page_start == first.page_start and first.page_end + 1 == second.page_start
            and second.page_end == document.page_end and first.page_start < second.page_start):
        raise InvalidTransition(f"document {document_id}: split pages do not match its range")
    ordinal = db.scalar(
        select(func.max(StoredDocument.ordinal)).where(
            StoredDocument.extraction_id == document.extraction_id
        )
    )
    part = StoredDocument(
        file_id=document.file_id,
        extraction_id=document.extraction_id,
        ordinal=(ordinal or 0) + 1,
        page_start=second.page_start,
        page_end=second.page_end,
        doc_type=second.doc_type.value,
        doc_type_confidence=REVIEWER_TYPE_CONFIDENCE,
        route=Route.NEEDS_REVIEW.value,
        route_reasons=list(second.route_reasons),
        validation=[issue.model_dump(mode="json") for issue in second.issues],
        extractor_version=second.extractor_version,
        state=DocumentState.IN_REVIEW.value,
        created_at=now,
        updated_at=now,
    )
    db.add(part)
    db.flush()
    store_field_map(db, part.id, second.fields)
    db.add(ReviewTask(document_id=part.id, version=1, created_at=now))
    _replace_fields(db, document, first)
    document.updated_at = now
    common = {"file_id": document.file_id, "actor": split_by, "now": now}
    append_event(
        db, document_id=document_id, kind=ReviewEventKind.DOCUMENT_SPLIT,  # type: ignore[arg-type]
        reason=f"pages {second.page_start}-{second.page_end} became document {part.id}",
        detail={"split_page": second.page_start, "new_document_id": part.id}, **common,
    )
    append_event(
        db, document_id=part.id, kind=EventKind.DOCUMENT_RECORDED,
        to_state=DocumentState.PROCESSED.value, reason=f"split from document {document_id}",
        detail={"doc_type": second.doc_type.value, "page_start": second.page_start,
                "page_end": second.page_end}, **common,
    )
    append_event(
        db, document_id=part.id, kind=EventKind.SENT_TO_REVIEW,
        from_state=DocumentState.PROCESSED.value, to_state=DocumentState.IN_REVIEW.value,
        reason="split by a reviewer", **common,
    )
    db.flush()
    log.info("document %s split at page %d into %s", document_id, second.page_start, part.id)
    return part.id
