"""Read side: the state summary, a document's history, and one document as the UI shows it."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from pipeline.contract import ValidationIssue
from storage.errors import NotFound
from storage.field_store import field_map_from_rows, load_field_rows
from storage.outcomes import DocumentView, EventRecord, FieldState, StatusSummary
from storage.pas_tables import pas_tables_for
from storage.sql_helpers import dialect_name
from storage.state_tables import Event, FileSource, ReviewTask, StoredDocument, StoredFile
from storage.states import DocumentState, EventKind, FileState

# File-level events that belong in every document's history (how its file got there).
_FILE_EVENTS = [
    EventKind.FILE_RECEIVED.value,
    EventKind.SOURCE_KEY_ADDED.value,
    EventKind.FILE_PROCESSED.value,
    EventKind.FILE_QUARANTINED.value,
]


def status_summary(session: Session) -> StatusSummary:
    """How many files and documents are in each state (every state listed, zeros included)."""
    files = dict(
        session.execute(select(StoredFile.state, func.count()).group_by(StoredFile.state)).all()
    )
    documents = dict(
        session.execute(
            select(StoredDocument.state, func.count()).group_by(StoredDocument.state)
        ).all()
    )
    open_tasks = session.scalar(
        select(func.count()).select_from(ReviewTask).where(ReviewTask.closed_at.is_(None))
    )
    outbox = pas_tables_for(dialect_name(session)).outbox
    last_outbox_id = session.scalar(select(func.max(outbox.c.id)))
    return StatusSummary(
        files={state: files.get(state.value, 0) for state in FileState},
        documents={state: documents.get(state.value, 0) for state in DocumentState},
        open_review_tasks=open_tasks or 0,
        last_outbox_id=last_outbox_id,
    )


def _event_record(event: Event) -> EventRecord:
    return EventRecord(
        id=event.id,
        occurred_at=event.occurred_at,
        kind=event.kind,
        actor=event.actor,
        file_id=event.file_id,
        document_id=event.document_id,
        from_state=event.from_state,
        to_state=event.to_state,
        reason=event.reason,
        detail=event.detail,
    )


def document_history(session: Session, document_id: int) -> list[EventRecord]:
    """Every event of the document, plus its file's arrival and processing, oldest first."""
    file_id = session.scalar(select(StoredDocument.file_id).where(StoredDocument.id == document_id))
    if file_id is None:
        raise NotFound(f"no document {document_id}")
    events = session.scalars(
        select(Event)
        .where(
            or_(
                Event.document_id == document_id,
                (Event.file_id == file_id)
                & Event.document_id.is_(None)
                & Event.kind.in_(_FILE_EVENTS),
            )
        )
        .order_by(Event.id)
    )
    return [_event_record(event) for event in events]


def file_history(session: Session, sha256: str) -> list[EventRecord]:
    """Every event of a file and all its documents, oldest first."""
    file_id = session.scalar(select(StoredFile.id).where(StoredFile.sha256 == sha256))
    if file_id is None:
        raise NotFound("no file with that sha256")
    return [
        _event_record(event)
        for event in session.scalars(
            select(Event).where(Event.file_id == file_id).order_by(Event.id)
        )
    ]


def load_document(session: Session, document_id: int) -> DocumentView:
    document = session.get(StoredDocument, document_id)
    if document is None:
        raise NotFound(f"no document {document_id}")
    stored_file = session.get(StoredFile, document.file_id)
    assert stored_file is not None
    source_keys = list(
        session.scalars(
            select(FileSource.source_key)
            .where(FileSource.file_id == stored_file.id)
            .order_by(FileSource.id)
        )
    )
    rows = load_field_rows(session, document_id)
    task = session.scalar(select(ReviewTask).where(ReviewTask.document_id == document_id))
    return DocumentView(
        id=document.id,
        file_id=stored_file.id,
        file_sha256=stored_file.sha256,
        source_keys=source_keys,
        original_name=stored_file.original_name,
        extraction_id=document.extraction_id,
        extractor_version=document.extractor_version,
        page_start=document.page_start,
        page_end=document.page_end,
        doc_type=document.doc_type,
        doc_type_confidence=document.doc_type_confidence,
        route=document.route,
        route_reasons=list(document.route_reasons),
        validation=[ValidationIssue.model_validate(issue) for issue in document.validation],
        state=DocumentState(document.state),
        approval_kind=document.approval_kind,
        approved_by=document.approved_by,
        approved_at=document.approved_at,
        fields=field_map_from_rows(rows),
        field_states={
            row.field_path: FieldState(
                extracted_value=row.extracted_value,
                corrected=row.corrected,
                corrected_by=row.corrected_by,
                corrected_at=row.corrected_at,
            )
            for row in rows
        },
        task_version=task.version if task else None,
        claimed_by=task.claimed_by if task else None,
        lease_expires_at=task.lease_expires_at if task else None,
    )
