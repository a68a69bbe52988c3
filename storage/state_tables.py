"""Working-state tables: files, their extractions and documents, field values, review tasks,
the append-only event log and the review UI's users. The PAS never reads these (see `pas_tables`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pipeline.contract import DocType, Route
from storage.base import Base
from storage.column_types import BigId, JsonValue, UtcDateTime
from storage.states import (
    DocumentState,
    ExtractionStatus,
    FileState,
    Role,
    sql_in,
)

SHA256_CHECK = "length(sha256) = 64"


class StoredFile(Base):
    """One input PDF, identified by its bytes (sha256): the unit that is received or quarantined."""

    __tablename__ = "files"
    __table_args__ = (
        CheckConstraint(sql_in("state", FileState), name="state"),
        CheckConstraint(SHA256_CHECK, name="sha256_length"),
        # A quarantined file always says why; no other state carries a reason.
        CheckConstraint(
            "(state = 'quarantined') = (quarantine_code IS NOT NULL AND quarantine_message IS NOT NULL)",
            name="quarantine_reason",
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str | None] = mapped_column(Text)
    pages: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    quarantine_code: Mapped[str | None] = mapped_column(String(64))
    quarantine_message: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    sources: Mapped[list[FileSource]] = relationship(
        back_populates="file", order_by="FileSource.id"
    )


class FileSource(Base):
    """A key (path or S3 key) the file's bytes arrived under; the same bytes may arrive twice."""

    __tablename__ = "file_sources"
    __table_args__ = (UniqueConstraint("file_id", "source_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id"), index=True)
    source_key: Mapped[str] = mapped_column(Text)
    original_name: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)

    file: Mapped[StoredFile] = relationship(back_populates="sources")


class Extraction(Base):
    """One run of one extractor version over a file; re-running the same version is a no-op."""

    __tablename__ = "extractions"
    __table_args__ = (
        UniqueConstraint("file_id", "extractor_version"),
        CheckConstraint(sql_in("status", ExtractionStatus), name="status"),
        CheckConstraint(
            "(status = 'quarantined') = (error_code IS NOT NULL)", name="error_when_quarantined"
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id"), index=True)
    extractor_version: Mapped[str] = mapped_column(String(128))
    source_key: Mapped[str] = mapped_column(Text)  # the key whose bytes this run read
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    pages: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class StoredDocument(Base):
    """One logical document (page range + type) found by one extraction of a file."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("extraction_id", "ordinal"),
        CheckConstraint(sql_in("state", DocumentState), name="state"),
        CheckConstraint(sql_in("doc_type", DocType), name="doc_type"),
        CheckConstraint(sql_in("route", Route), name="route"),
        CheckConstraint("page_start >= 1 AND page_end >= page_start", name="page_range"),
        CheckConstraint("doc_type_confidence >= 0 AND doc_type_confidence <= 1", name="confidence"),
        # Approval facts come together, and only with the approved (or later superseded) state.
        CheckConstraint(
            "(approved_by IS NULL) = (approved_at IS NULL) "
            "AND (approved_by IS NULL) = (approval_kind IS NULL) "
            "AND (state <> 'approved' OR approved_by IS NOT NULL) "
            "AND (state IN ('approved', 'superseded') OR approved_by IS NULL)",
            name="approval_facts",
        ),
        CheckConstraint(
            "approval_kind IS NULL OR approval_kind IN ('auto', 'reviewer')", name="approval_kind"
        ),
        Index("ix_documents_state_created_at", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id"), index=True)
    extraction_id: Mapped[int] = mapped_column(ForeignKey("extractions.id"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)  # position in the file, 0-based
    page_start: Mapped[int] = mapped_column(Integer)
    page_end: Mapped[int] = mapped_column(Integer)
    doc_type: Mapped[str] = mapped_column(String(32))
    doc_type_confidence: Mapped[float] = mapped_column(Float)
    route: Mapped[str] = mapped_column(String(32))
    route_reasons: Mapped[list[str]] = mapped_column(JsonValue)
    validation: Mapped[list[dict[str, Any]]] = mapped_column(JsonValue)
    extractor_version: Mapped[str] = mapped_column(String(128))
    state: Mapped[str] = mapped_column(String(16))
    approval_kind: Mapped[str | None] = mapped_column(String(16))
    approved_by: Mapped[str | None] = mapped_column(String(128))
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    file: Mapped[StoredFile] = relationship()
    field_values: Mapped[list[StoredFieldValue]] = relationship(
        back_populates="document", order_by="StoredFieldValue.id"
    )


class StoredFieldValue(Base):
    """The current value of one field path (`policy_number`, `claims[0].paid`) of a document,
    with where it was read; a correction changes `value` and is logged as an event."""

    __tablename__ = "field_values"
    __table_args__ = (
        UniqueConstraint("document_id", "field_path"),
        CheckConstraint("confidence >= 0 AND confidence <= 1", name="confidence"),
        CheckConstraint(
            "(bbox_x0 IS NULL) = (bbox_y0 IS NULL) AND (bbox_x0 IS NULL) = (bbox_x1 IS NULL) "
            "AND (bbox_x0 IS NULL) = (bbox_y1 IS NULL)",
            name="bbox_complete",
        ),
        CheckConstraint("(list_name IS NULL) = (row_index IS NULL)", name="list_row"),
        CheckConstraint("page IS NULL OR page >= 1", name="page"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    field_path: Mapped[str] = mapped_column(String(128))
    list_name: Mapped[str | None] = mapped_column(String(64))
    row_index: Mapped[int | None] = mapped_column(Integer)  # 0-based, as in the path
    field_name: Mapped[str] = mapped_column(String(64))
    value: Mapped[str | None] = mapped_column(Text)
    extracted_value: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    page: Mapped[int | None] = mapped_column(Integer)
    bbox_x0: Mapped[float | None] = mapped_column(Float)
    bbox_y0: Mapped[float | None] = mapped_column(Float)
    bbox_x1: Mapped[float | None] = mapped_column(Float)
    bbox_y1: Mapped[float | None] = mapped_column(Float)
    rule: Mapped[str | None] = mapped_column(String(128))
    corrected: Mapped[bool] = mapped_column(Boolean)
    corrected_by: Mapped[str | None] = mapped_column(String(128))
    corrected_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    document: Mapped[StoredDocument] = relationship(back_populates="field_values")


class ReviewTask(Base):
    """A document waiting for a person. `version` counts changes (optimistic concurrency);
    a lease (`claimed_by` until `lease_expires_at`) keeps two reviewers off the same task."""

    __tablename__ = "review_tasks"
    __table_args__ = (
        CheckConstraint("(claimed_by IS NULL) = (lease_expires_at IS NULL)", name="lease_complete"),
        CheckConstraint("version >= 1", name="version"),
        Index("ix_review_tasks_open", "closed_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), unique=True)
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Event(Base):
    """Append-only log of every transition and correction: who or what, when, why.
    Triggers in the migration refuse UPDATE and DELETE on this table."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_document_id_id", "document_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(128))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JsonValue)


class User(Base):
    """A person who may sign in to the review UI; the UI owns hashing (argon2)."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(sql_in("role", Role), name="role"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(128), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    is_active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
