"""Approving and rejecting documents. Approval writes the PAS rows, their field provenance, the
state change, the event and the outbox entry in the caller's one transaction: either all of it
is there after commit, or none of it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from pipeline.contract import DocType
from storage.column_types import utc_now
from storage.events import append_event
from storage.field_store import correct_field, field_map_from_rows, load_field_rows
from storage.outcomes import ApprovalOutcome
from storage.pas_records import PasCell, PasRecord, pas_record_from_fields
from storage.pas_tables import (
    RECORD_TABLES,
    ROW_PARENT_COLUMNS,
    ROW_TABLES,
    PasTables,
    pas_tables_for,
)
from storage.review_guards import (
    bump_task_version,
    close_task,
    lock_document,
    require_lease_free_for,
    require_undecided,
    task_of,
)
from storage.sql_helpers import dialect_name
from storage.state_tables import Extraction, StoredDocument, StoredFieldValue, StoredFile
from storage.states import ApprovalKind, DocumentState, EventKind

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "claimdocs_approved"
# Key of the transaction-scoped advisory lock that serialises outbox inserts (PostgreSQL).
OUTBOX_LOCK_KEY = 0x0C1A_1D0C


def approve_document(
    session: Session,
    document_id: int,
    *,
    approved_by: str,
    kind: ApprovalKind = ApprovalKind.REVIEWER,
    corrected_fields: Mapping[str, str | None] | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> ApprovalOutcome:
    """Approve an undecided document: apply the corrections, write its PAS rows (superseding
    rows of an older extraction of the same pages), move it to `approved`, log it, and add an
    outbox entry (+ NOTIFY on PostgreSQL). Does not commit; the caller's transaction is the unit.

    Raises NotFound, InvalidTransition (already decided), LeaseHeld, StaleVersion,
    UnknownField or UnstorableValue (a value not in normal form: correct it first).
    """
    now = now or utc_now()
    document = lock_document(session, document_id)
    require_undecided(document, "approve")
    if expected_version is not None:
        bump_task_version(session, document_id, expected_version)
    task = task_of(session, document_id)
    if kind is ApprovalKind.REVIEWER:
        require_lease_free_for(task, approved_by, now)
    for path, value in (corrected_fields or {}).items():
        correct_field(session, document, path, value, corrected_by=approved_by, now=now)
    session.flush()

    field_rows = load_field_rows(session, document_id)
    record = pas_record_from_fields(DocType(document.doc_type), field_map_from_rows(field_rows))
    superseded = _supersede_approved_predecessors(session, document, approved_by, now)
    pas_table = RECORD_TABLES.get(DocType(document.doc_type))
    pas_row_id = outbox_id = None
    if pas_table is not None:
        tables = pas_tables_for(dialect_name(session))
        provenance = _provenance(session, document, kind, approved_by, now)
        pas_row_id = _write_pas_rows(session, tables, record, provenance, field_rows, now)

    from_state = document.state
    document.state = DocumentState.APPROVED.value
    document.approval_kind = kind.value
    document.approved_by = approved_by
    document.approved_at = now
    document.updated_at = now
    close_task(task, now)
    append_event(
        session,
        file_id=document.file_id,
        document_id=document.id,
        kind=EventKind.DOCUMENT_APPROVED,
        actor=approved_by,
        now=now,
        from_state=from_state,
        to_state=DocumentState.APPROVED.value,
        reason=kind.value,
        detail={"pas_table": pas_table, "pas_row_id": pas_row_id, "supersedes": superseded},
    )
    if pas_table is not None and pas_row_id is not None:
        outbox_id = _append_outbox(
            session,
            tables,
            document=document,
            pas_table=pas_table,
            pas_row_id=pas_row_id,
            supersedes=superseded[0] if superseded else None,
            now=now,
        )
    session.flush()
    log.info(
        "approved document %s kind=%s pas_row=%s outbox=%s",
        document_id,
        kind.value,
        pas_row_id,
        outbox_id,
    )
    return ApprovalOutcome(
        document_id=document_id,
        pas_table=pas_table,
        pas_row_id=pas_row_id,
        outbox_id=outbox_id,
        superseded_document_ids=superseded,
    )


def reject_document(
    session: Session,
    document_id: int,
    *,
    rejected_by: str,
    reason: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> None:
    """Reject an undecided document (nothing reaches the PAS); the reason is logged."""
    now = now or utc_now()
    document = lock_document(session, document_id)
    require_undecided(document, "reject")
    if expected_version is not None:
        bump_task_version(session, document_id, expected_version)
    task = task_of(session, document_id)
    require_lease_free_for(task, rejected_by, now)
    from_state = document.state
    document.state = DocumentState.REJECTED.value
    document.updated_at = now
    close_task(task, now)
    append_event(
        session,
        file_id=document.file_id,
        document_id=document.id,
        kind=EventKind.DOCUMENT_REJECTED,
        actor=rejected_by,
        now=now,
        from_state=from_state,
        to_state=DocumentState.REJECTED.value,
        reason=reason,
    )
    session.flush()
    log.info("rejected document %s", document_id)


def overlapping_approved_documents(
    session: Session, document: StoredDocument
) -> list[StoredDocument]:
    """Approved documents of the same file, from other extractions, sharing a page with this one."""
    return list(
        session.scalars(
            select(StoredDocument)
            .where(
                StoredDocument.file_id == document.file_id,
                StoredDocument.extraction_id != document.extraction_id,
                StoredDocument.state == DocumentState.APPROVED.value,
                StoredDocument.page_start <= document.page_end,
                StoredDocument.page_end >= document.page_start,
            )
            .order_by(StoredDocument.id)
            .with_for_update()
        )
    )


def _supersede_approved_predecessors(
    session: Session, document: StoredDocument, actor: str, now: datetime
) -> list[int]:
    """Mark the PAS rows of older approved versions of these pages superseded by this document.
    They stay in the PAS tables (with `superseded_at`), so the history stays readable."""
    superseded: list[int] = []
    tables = pas_tables_for(dialect_name(session))
    for old in overlapping_approved_documents(session, document):
        marks = {"superseded_at": now, "superseded_by_document_id": document.id}
        for table in (*tables.records.values(), *tables.rows.values()):
            session.execute(update(table).where(table.c.document_id == old.id).values(**marks))
        old.state = DocumentState.SUPERSEDED.value
        old.updated_at = now
        append_event(
            session,
            file_id=old.file_id,
            document_id=old.id,
            kind=EventKind.DOCUMENT_SUPERSEDED,
            actor=actor,
            now=now,
            from_state=DocumentState.APPROVED.value,
            to_state=DocumentState.SUPERSEDED.value,
            reason="newer extraction approved",
            detail={"superseded_by_document_id": document.id},
        )
        superseded.append(old.id)
    return superseded


def _provenance(
    session: Session, document: StoredDocument, kind: ApprovalKind, approved_by: str, now: datetime
) -> dict[str, Any]:
    file_sha256, source_key = session.execute(
        select(StoredFile.sha256, Extraction.source_key)
        .join(Extraction, Extraction.file_id == StoredFile.id)
        .where(Extraction.id == document.extraction_id)
    ).one()
    return {
        "document_id": document.id,
        "source_sha256": file_sha256,
        "source_key": source_key,
        "page_start": document.page_start,
        "page_end": document.page_end,
        "extractor_version": document.extractor_version,
        "approval_kind": kind.value,
        "approved_by": approved_by,
        "approved_at": now,
    }


def _write_pas_rows(
    session: Session,
    tables: PasTables,
    record: PasRecord,
    provenance: dict[str, Any],
    field_rows: list[StoredFieldValue],
    now: datetime,
) -> int:
    """Insert the record row, its list rows and one provenance row per stored field value."""
    stored = {row.field_path: row for row in field_rows}
    record_table = tables.records[record.doc_type]
    record_id = session.execute(
        insert(record_table)
        .values(**record.column_values(), **provenance)
        .returning(record_table.c.id)
    ).scalar_one()
    provenance_rows = _field_provenance(
        record.cells, stored, RECORD_TABLES[record.doc_type], record_id, now
    )
    for list_name, rows in record.rows.items():
        row_table = tables.rows[list_name]
        for number, cells in enumerate(rows, start=1):
            row_id = session.execute(
                insert(row_table)
                .values(
                    **{ROW_PARENT_COLUMNS[list_name]: record_id, "row_number": number},
                    **{cell.path.field_name: cell.value for cell in cells},
                    **provenance,
                )
                .returning(row_table.c.id)
            ).scalar_one()
            provenance_rows += _field_provenance(cells, stored, ROW_TABLES[list_name], row_id, now)
    if provenance_rows:
        session.execute(insert(tables.field_provenance), provenance_rows)
    return record_id


def _field_provenance(
    cells: list[PasCell],
    stored: dict[str, StoredFieldValue],
    pas_table: str,
    pas_row_id: int,
    now: datetime,
) -> list[dict[str, Any]]:
    rows = []
    for cell in cells:
        source = stored.get(str(cell.path))
        if source is None:  # the extractor did not report this field at all
            continue
        rows.append(
            {
                "document_id": source.document_id,
                "pas_table": pas_table,
                "pas_row_id": pas_row_id,
                "field_path": source.field_path,
                "column_name": cell.path.field_name,
                "value": source.value,
                "extracted_value": source.extracted_value,
                "page": source.page,
                "bbox_x0": source.bbox_x0,
                "bbox_y0": source.bbox_y0,
                "bbox_x1": source.bbox_x1,
                "bbox_y1": source.bbox_y1,
                "confidence": source.confidence,
                "rule": source.rule,
                "corrected": source.corrected,
                "corrected_by": source.corrected_by,
                "approved_at": now,
            }
        )
    return rows


def _append_outbox(
    session: Session,
    tables: PasTables,
    *,
    document: StoredDocument,
    pas_table: str,
    pas_row_id: int,
    supersedes: int | None,
    now: datetime,
) -> int:
    postgres = dialect_name(session) == "postgresql"
    if postgres:
        # Held to commit: ids are handed out in commit order, so a PAS polling "id > last seen"
        # can never see 12 before a slower transaction commits 11. Taken last, held briefly.
        session.execute(select(func.pg_advisory_xact_lock(OUTBOX_LOCK_KEY)))
    file_sha256 = session.scalar(select(StoredFile.sha256).where(StoredFile.id == document.file_id))
    outbox = tables.outbox
    outbox_id = session.execute(
        insert(outbox)
        .values(
            created_at=now,
            kind="approved",
            document_id=document.id,
            doc_type=document.doc_type,
            pas_table=pas_table,
            pas_row_id=pas_row_id,
            source_sha256=file_sha256,
            supersedes_document_id=supersedes,
        )
        .returning(outbox.c.id)
    ).scalar_one()
    if postgres:
        # Delivered by PostgreSQL only when the transaction commits; ids only, no values.
        payload = json.dumps(
            {
                "outbox_id": outbox_id,
                "doc_type": document.doc_type,
                "pas_table": pas_table,
                "pas_row_id": pas_row_id,
            }
        )
        session.execute(select(func.pg_notify(NOTIFY_CHANNEL, payload)))
    return outbox_id
