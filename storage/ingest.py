"""Recording what arrives and what the pipeline made of it.

Idempotent by construction: a file is its sha256 (unique), an extraction is (file, extractor
version) (unique), and both are inserted with ON CONFLICT DO NOTHING, so sending a file twice,
or two workers racing on it, leaves one file, one extraction and one set of documents.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

from packaging.version import InvalidVersion, Version
from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.contract import DocType, ExtractedDocument, FileResult, FileStatus, Route
from storage.column_types import utc_now
from storage.decisions import approve_document, overlapping_approved_documents
from storage.errors import UnstorableValue
from storage.events import append_event
from storage.field_store import store_field_map
from storage.outcomes import ReceivedOutcome, RecordOutcome
from storage.pas_records import pas_record_from_fields
from storage.review_guards import close_task
from storage.sql_helpers import insert_ignoring_conflict, storable_text
from storage.state_tables import (
    Extraction,
    FileSource,
    ReviewTask,
    StoredDocument,
    StoredFile,
)
from storage.states import (
    SYSTEM_ACTOR,
    UNDECIDED_DOCUMENT_STATES,
    ApprovalKind,
    DocumentState,
    EventKind,
    ExtractionStatus,
    FileState,
)

log = logging.getLogger(__name__)

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Extraction key of a result without documents (a quarantined file) when the caller gives none.
NO_EXTRACTOR_VERSION = "none"
# Route reasons the store adds when it keeps an auto-approved document back for a person.
SUPERSEDES_APPROVED = "supersedes_approved"
DOC_TYPE_OTHER = "doc_type_other"
UNSTORABLE = "unstorable"


def extraction_version_of(result: FileResult) -> str:
    """The extractor version(s) that produced a result; documents normally share one."""
    versions = sorted({document.extractor_version for document in result.documents})
    return "+".join(versions) if versions else NO_EXTRACTOR_VERSION


def record_received(
    session: Session,
    sha256: str,
    source_key: str,
    *,
    original_name: str | None = None,
    actor: str = SYSTEM_ACTOR,
    now: datetime | None = None,
) -> ReceivedOutcome:
    """Note that the bytes `sha256` arrived under `source_key`; a no-op if both were known."""
    if not _SHA256.match(sha256):
        raise ValueError("sha256 must be 64 lower-case hex digits")
    now = now or utc_now()
    source_key = storable_text(source_key) or ""
    original_name = storable_text(original_name)
    file_id = insert_ignoring_conflict(
        session,
        StoredFile.__table__,
        {
            "sha256": sha256,
            "original_name": original_name,
            "state": FileState.RECEIVED.value,
            "received_at": now,
            "updated_at": now,
        },
        ["sha256"],
    )
    newly_received = file_id is not None
    if file_id is None:
        file_id = session.scalar(select(StoredFile.id).where(StoredFile.sha256 == sha256))
        assert file_id is not None
    source_id = insert_ignoring_conflict(
        session,
        FileSource.__table__,
        {
            "file_id": file_id,
            "source_key": source_key,
            "original_name": original_name,
            "first_seen_at": now,
        },
        ["file_id", "source_key"],
    )
    if newly_received:
        append_event(
            session,
            file_id=file_id,
            kind=EventKind.FILE_RECEIVED,
            actor=actor,
            now=now,
            to_state=FileState.RECEIVED.value,
            detail={"source_key": source_key},
        )
    elif source_id is not None:
        append_event(
            session,
            file_id=file_id,
            kind=EventKind.SOURCE_KEY_ADDED,
            actor=actor,
            now=now,
            detail={"source_key": source_key},
        )
    state = session.scalar(select(StoredFile.state).where(StoredFile.id == file_id))
    return ReceivedOutcome(
        file_id=file_id, newly_received=newly_received, file_state=FileState(state)
    )


def record_result(
    session: Session,
    result: FileResult,
    source_key: str,
    *,
    extractor_version: str | None = None,
    actor: str = SYSTEM_ACTOR,
    now: datetime | None = None,
) -> RecordOutcome:
    """Record one pipeline result: the file's state, a new extraction version with its documents
    and field values, and each document's route (auto-approved ones are approved right here,
    through `approve_document`, as approved_by "system").

    The same sha256 + extractor version again is a no-op (`recorded=False`), and so is a result
    from an extractor older than one already recorded for the file. A new extractor version
    makes a new extraction; documents of older ones still under review are superseded,
    and a new document over pages already approved goes to review instead of replacing the
    approved rows silently. Does not commit.
    """
    now = now or utc_now()
    received = record_received(
        session, result.sha256, source_key, original_name=result.source, actor=actor, now=now
    )
    file_id = received.file_id
    version = extractor_version or extraction_version_of(result)
    newer = _newer_extraction(session, file_id, version)
    if newer is not None:
        # A late result from an older deployment must not push back what a newer one found.
        log.info(
            "file %s: extractor %s is older than recorded extraction %s", file_id, version, newer
        )
        return _outcome(session, file_id, newer, recorded=False, superseded=[])
    quarantined = result.status is FileStatus.QUARANTINED
    error = result.error
    extraction_id = insert_ignoring_conflict(
        session,
        Extraction.__table__,
        {
            "file_id": file_id,
            "extractor_version": version,
            "source_key": storable_text(source_key) or "",
            "status": ExtractionStatus.QUARANTINED.value
            if quarantined
            else ExtractionStatus.PROCESSED.value,
            "error_code": (error.code if error else "unknown") if quarantined else None,
            "error_message": storable_text(error.message if error else None)
            if quarantined
            else None,
            "pages": result.pages,
            "recorded_at": now,
        },
        ["file_id", "extractor_version"],
    )
    if extraction_id is None:
        existing = session.scalar(
            select(Extraction.id).where(
                Extraction.file_id == file_id, Extraction.extractor_version == version
            )
        )
        assert existing is not None
        log.info("file %s extraction %s already recorded", file_id, existing)
        return _outcome(session, file_id, existing, recorded=False, superseded=[])

    # Serialises two *different* versions of one file being recorded at once (PostgreSQL).
    stored_file = session.get(StoredFile, file_id, with_for_update=True, populate_existing=True)
    assert stored_file is not None
    superseded = _supersede_open_documents(session, file_id, extraction_id, version, actor, now)
    _set_file_state(session, stored_file, result, version, actor, now)
    session.flush()
    for ordinal, extracted in enumerate(result.documents):
        document = _record_document(session, file_id, extraction_id, ordinal, extracted, actor, now)
        _route(session, document, extracted, now)
    session.flush()
    log.info(
        "file %s extraction %s recorded: state=%s documents=%d",
        file_id,
        extraction_id,
        stored_file.state,
        len(result.documents),
    )
    return _outcome(session, file_id, extraction_id, recorded=True, superseded=superseded)


def _comparable(version: str) -> Version | None:
    try:
        return Version(version)
    except InvalidVersion:
        return None


def _newer_extraction(session: Session, file_id: int, version: str) -> int | None:
    """The id of an extraction of this file by a strictly newer extractor, if versions compare
    (PEP 440, e.g. "0.2.0" < "0.10.0"); versions that do not parse never count as older."""
    incoming = _comparable(version)
    if incoming is None:
        return None
    recorded = session.execute(
        select(Extraction.id, Extraction.extractor_version).where(Extraction.file_id == file_id)
    ).all()
    for extraction_id, recorded_version in sorted(recorded, reverse=True):
        known = _comparable(recorded_version)
        if known is not None and known > incoming:
            return extraction_id
    return None


def _set_file_state(
    session: Session,
    stored_file: StoredFile,
    result: FileResult,
    version: str,
    actor: str,
    now: datetime,
) -> None:
    from_state = stored_file.state
    stored_file.pages = result.pages
    stored_file.updated_at = now
    if result.status is FileStatus.QUARANTINED:
        code = result.error.code if result.error else "unknown"
        message = storable_text(result.error.message if result.error else None) or "no reason given"
        stored_file.state = FileState.QUARANTINED.value
        stored_file.quarantine_code = code
        stored_file.quarantine_message = message
        kind, reason = EventKind.FILE_QUARANTINED, code
    else:
        stored_file.state = FileState.PROCESSED.value
        stored_file.quarantine_code = None
        stored_file.quarantine_message = None
        kind, reason = EventKind.FILE_PROCESSED, None
    append_event(
        session,
        file_id=stored_file.id,
        kind=kind,
        actor=actor,
        now=now,
        from_state=from_state,
        to_state=stored_file.state,
        reason=reason,
        detail={
            "extractor_version": version,
            "documents": len(result.documents),
            "pages": result.pages,
        },
    )


def _supersede_open_documents(
    session: Session, file_id: int, extraction_id: int, version: str, actor: str, now: datetime
) -> list[int]:
    """Documents of older extractions that nobody decided on yet make way for the new ones."""
    open_documents = session.scalars(
        select(StoredDocument)
        .where(
            StoredDocument.file_id == file_id,
            StoredDocument.extraction_id != extraction_id,
            StoredDocument.state.in_([state.value for state in UNDECIDED_DOCUMENT_STATES]),
        )
        .order_by(StoredDocument.id)
        .with_for_update()
    ).all()
    for document in open_documents:
        from_state = document.state
        document.state = DocumentState.SUPERSEDED.value
        document.updated_at = now
        close_task(
            session.scalar(select(ReviewTask).where(ReviewTask.document_id == document.id)), now
        )
        append_event(
            session,
            file_id=file_id,
            document_id=document.id,
            kind=EventKind.DOCUMENT_SUPERSEDED,
            actor=actor,
            now=now,
            from_state=from_state,
            to_state=DocumentState.SUPERSEDED.value,
            reason="newer extraction recorded",
            detail={"extractor_version": version},
        )
    return [document.id for document in open_documents]


def _record_document(
    session: Session,
    file_id: int,
    extraction_id: int,
    ordinal: int,
    extracted: ExtractedDocument,
    actor: str,
    now: datetime,
) -> StoredDocument:
    document = StoredDocument(
        file_id=file_id,
        extraction_id=extraction_id,
        ordinal=ordinal,
        page_start=extracted.page_start,
        page_end=extracted.page_end,
        doc_type=extracted.doc_type.value,
        doc_type_confidence=extracted.doc_type_confidence,
        route=extracted.route.value,
        route_reasons=list(extracted.route_reasons),
        validation=[issue.model_dump(mode="json") for issue in extracted.validation],
        extractor_version=extracted.extractor_version,
        state=DocumentState.PROCESSED.value,
        created_at=now,
        updated_at=now,
    )
    session.add(document)
    session.flush()
    store_field_map(session, document.id, extracted.fields)
    append_event(
        session,
        file_id=file_id,
        document_id=document.id,
        kind=EventKind.DOCUMENT_RECORDED,
        actor=actor,
        now=now,
        to_state=DocumentState.PROCESSED.value,
        detail={
            "doc_type": extracted.doc_type.value,
            "page_start": extracted.page_start,
            "page_end": extracted.page_end,
            "route": extracted.route.value,
            "route_reasons": list(extracted.route_reasons),
        },
    )
    return document


def _hold_back_reasons(
    session: Session, document: StoredDocument, extracted: ExtractedDocument
) -> list[str]:
    """Why an auto-approved document must still go to a person, if it must."""
    reasons: list[str] = []
    if extracted.doc_type is DocType.OTHER:
        reasons.append(DOC_TYPE_OTHER)  # the contract: `other` is never auto-approved
    if overlapping_approved_documents(session, document):
        reasons.append(SUPERSEDES_APPROVED)
    try:
        pas_record_from_fields(extracted.doc_type, extracted.fields)
    except UnstorableValue as error:
        reasons.extend(f"{UNSTORABLE}:{path}" for path in sorted(error.problems))
    return reasons


def _route(
    session: Session, document: StoredDocument, extracted: ExtractedDocument, now: datetime
) -> None:
    reasons: list[str] = []
    if extracted.route is Route.AUTO_APPROVED:
        reasons = _hold_back_reasons(session, document, extracted)
        if not reasons:
            approve_document(
                session, document.id, approved_by=SYSTEM_ACTOR, kind=ApprovalKind.AUTO, now=now
            )
            return
    document.route_reasons = [*document.route_reasons, *reasons]
    document.state = DocumentState.IN_REVIEW.value
    session.add(ReviewTask(document_id=document.id, version=1, created_at=now))
    append_event(
        session,
        file_id=document.file_id,
        document_id=document.id,
        kind=EventKind.SENT_TO_REVIEW,
        actor=SYSTEM_ACTOR,
        now=now,
        from_state=DocumentState.PROCESSED.value,
        to_state=DocumentState.IN_REVIEW.value,
        reason=", ".join(document.route_reasons) or None,
        detail={"route": extracted.route.value, "route_reasons": document.route_reasons},
    )


def _outcome(
    session: Session, file_id: int, extraction_id: int, *, recorded: bool, superseded: list[int]
) -> RecordOutcome:
    file_state = session.scalar(select(StoredFile.state).where(StoredFile.id == file_id))
    documents = session.execute(
        select(StoredDocument.id, StoredDocument.state)
        .where(StoredDocument.extraction_id == extraction_id)
        .order_by(StoredDocument.ordinal)
    ).all()
    return RecordOutcome(
        file_id=file_id,
        extraction_id=extraction_id,
        recorded=recorded,
        file_state=FileState(file_state),
        documents={document_id: DocumentState(state) for document_id, state in documents},
        superseded_document_ids=superseded,
    )
