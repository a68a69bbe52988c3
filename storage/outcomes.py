"""What the store's functions return: plain frozen models, never ORM objects (they outlive the
session that loaded them and carry no lazy loads)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from pipeline.contract import FieldMap, ValidationIssue
from storage.states import DocumentState, FileState


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class ReceivedOutcome(_Frozen):
    file_id: int
    newly_received: bool  # False: these bytes were known already (maybe under another key)
    file_state: FileState


class RecordOutcome(_Frozen):
    file_id: int
    extraction_id: int
    recorded: bool  # False: this sha256 + extractor version was recorded before; nothing changed
    file_state: FileState
    documents: dict[int, DocumentState] = Field(default_factory=dict)  # id -> state, in file order
    superseded_document_ids: list[int] = Field(default_factory=list)


class ApprovalOutcome(_Frozen):
    document_id: int
    pas_table: str | None  # logical name ("loss_runs"); None for `other` documents
    pas_row_id: int | None
    outbox_id: int | None
    superseded_document_ids: list[int] = Field(default_factory=list)


class CorrectionOutcome(_Frozen):
    document_id: int
    field_path: str
    version: int  # the review task's version after the change


class ClaimedTask(_Frozen):
    document_id: int
    claimed_by: str
    lease_expires_at: datetime
    version: int


class QueueItem(_Frozen):
    document_id: int
    file_sha256: str
    original_name: str | None
    doc_type: str
    page_start: int
    page_end: int
    doc_type_confidence: float
    route_reasons: list[str]
    claimed_by: str | None
    lease_expires_at: datetime | None
    version: int
    created_at: datetime


class EventRecord(_Frozen):
    id: int
    occurred_at: datetime
    kind: str
    actor: str
    file_id: int
    document_id: int | None
    from_state: str | None
    to_state: str | None
    reason: str | None
    detail: dict[str, Any] | None


class FieldState(_Frozen):
    """How a field came to hold its current value."""

    extracted_value: str | None
    corrected: bool
    corrected_by: str | None
    corrected_at: datetime | None


class DocumentView(_Frozen):
    """One document as the review UI shows it: current values plus where they came from."""

    id: int
    file_id: int
    file_sha256: str
    source_keys: list[str]
    original_name: str | None
    extraction_id: int
    extractor_version: str
    page_start: int
    page_end: int
    doc_type: str
    doc_type_confidence: float
    route: str
    route_reasons: list[str]
    validation: list[ValidationIssue]
    state: DocumentState
    approval_kind: str | None
    approved_by: str | None
    approved_at: datetime | None
    fields: FieldMap
    field_states: dict[str, FieldState]  # by field path
    task_version: int | None
    claimed_by: str | None
    lease_expires_at: datetime | None


class StatusSummary(_Frozen):
    files: dict[FileState, int]
    documents: dict[DocumentState, int]
    open_review_tasks: int
    last_outbox_id: int | None


class UserRecord(_Frozen):
    id: int
    username: str
    password_hash: str
    role: str
    is_active: bool
    created_at: datetime
