"""PAS-facing tables: approved claim notices, police reports (+ parties), loss runs (+ claim rows),
field-level provenance and the outbox the PAS polls. Columns come from the contract's field
catalogue, typed by field kind (dates as DATE, money as NUMERIC(14,2), integers as INTEGER).

These are Core tables built per dialect (schema `pas` on PostgreSQL, `pas_` prefix on SQLite,
see `pas_naming`); rows are only inserted at approval and only ever marked superseded after.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.types import TypeEngine

from pipeline.contract import (
    ENUM_VALUES,
    LIST_FIELDS,
    SCALAR_FIELDS,
    DocType,
    FieldKind,
)
from storage import state_tables  # noqa: F401  (registers the working-state tables on Base)
from storage.base import Base, new_metadata
from storage.column_types import BigId, Money, UtcDateTime
from storage.pas_naming import PasNaming, pas_naming_for
from storage.states import ApprovalKind, sql_in

# Logical names (without schema or prefix) of the record table per document type and of the
# row table per list field; `other` documents have no PAS table.
RECORD_TABLES: dict[DocType, str] = {
    DocType.CLAIM_FORM: "claim_notices",
    DocType.POLICE_REPORT: "police_reports",
    DocType.LOSS_RUN: "loss_runs",
}
ROW_TABLES: dict[str, str] = {"parties": "police_report_parties", "claims": "loss_run_claims"}
# The column in a row table that points at its record, per list field.
ROW_PARENT_COLUMNS: dict[str, str] = {"parties": "police_report_id", "claims": "loss_run_id"}

# The PAS's obvious look-ups, per logical table.
INDEXED_COLUMNS: dict[str, tuple[str, ...]] = {
    "claim_notices": ("policy_number", "date_of_loss", "police_report_number", "source_sha256"),
    "police_reports": ("report_number", "crash_date", "source_sha256"),
    "police_report_parties": ("document_id", "insurer_policy_number", "vehicle_vin"),
    "loss_runs": ("insured_name", "valuation_date", "source_sha256"),
    "loss_run_claims": ("document_id", "claim_number", "policy_number", "date_of_loss"),
}


def column_type_for(kind: FieldKind) -> TypeEngine:
    if kind is FieldKind.DATE:
        return Date()
    if kind is FieldKind.TIME:
        return Time()
    if kind is FieldKind.MONEY:
        return Money
    if kind is FieldKind.INTEGER:
        return Integer()
    return Text()


def _value_columns(cells: dict[str, FieldKind]) -> list[Column]:
    return [Column(name, column_type_for(kind), nullable=True) for name, kind in cells.items()]


def _enum_checks(cells: dict[str, FieldKind]) -> list[CheckConstraint]:
    return [
        CheckConstraint(
            f"{name} IS NULL OR " + sql_in(name, ENUM_VALUES[name]), name=f"{name}_values"
        )
        for name, kind in cells.items()
        if kind is FieldKind.ENUM and name in ENUM_VALUES
    ]


def _provenance_columns(*, record: bool) -> list[Column]:
    """Where every PAS row came from and who let it through; the same on record and row tables."""
    return [
        Column("document_id", ForeignKey("documents.id"), nullable=False, unique=record),
        Column("source_sha256", String(64), nullable=False),
        Column("source_key", Text, nullable=False),
        Column("page_start", Integer, nullable=False),
        Column("page_end", Integer, nullable=False),
        Column("extractor_version", String(128), nullable=False),
        Column("approval_kind", String(16), nullable=False),
        Column("approved_by", String(128), nullable=False),
        Column("approved_at", UtcDateTime, nullable=False),
        # Set when a newer extraction of the same pages was approved; the row stays readable.
        Column("superseded_at", UtcDateTime, nullable=True),
        Column("superseded_by_document_id", ForeignKey("documents.id"), nullable=True),
    ]


def _provenance_checks() -> list[CheckConstraint]:
    return [
        CheckConstraint("page_start >= 1 AND page_end >= page_start", name="page_range"),
        CheckConstraint(sql_in("approval_kind", ApprovalKind), name="approval_kind"),
        CheckConstraint(
            "(superseded_at IS NULL) = (superseded_by_document_id IS NULL)", name="superseded_pair"
        ),
    ]


def _indexes(naming: PasNaming, logical: str) -> list[Index]:
    name = naming.table_name(logical)
    return [Index(f"ix_{name}_{column}", column) for column in INDEXED_COLUMNS.get(logical, ())]


@dataclass(frozen=True)
class PasTables:
    naming: PasNaming
    records: dict[DocType, Table]  # per document type
    rows: dict[str, Table]  # per list field name
    field_provenance: Table
    outbox: Table

    def all_tables(self) -> list[Table]:
        return [*self.records.values(), *self.rows.values(), self.field_provenance, self.outbox]


def build_pas_tables(metadata: MetaData, naming: PasNaming) -> PasTables:
    records: dict[DocType, Table] = {}
    rows: dict[str, Table] = {}
    for doc_type, logical in RECORD_TABLES.items():
        cells = SCALAR_FIELDS[doc_type]
        records[doc_type] = Table(
            naming.table_name(logical),
            metadata,
            Column("id", BigId, primary_key=True),
            *_value_columns(cells),
            *_provenance_columns(record=True),
            *_provenance_checks(),
            *_enum_checks(cells),
            *_indexes(naming, logical),
            schema=naming.schema,
        )
        for spec in LIST_FIELDS[doc_type]:
            row_logical = ROW_TABLES[spec.name]
            parent_column = ROW_PARENT_COLUMNS[spec.name]
            rows[spec.name] = Table(
                naming.table_name(row_logical),
                metadata,
                Column("id", BigId, primary_key=True),
                Column(
                    parent_column,
                    ForeignKey(f"{naming.qualified(logical)}.id", ondelete="CASCADE"),
                    nullable=False,
                ),
                Column("row_number", Integer, nullable=False),  # 1-based order in the document
                *_value_columns(spec.cells),
                *_provenance_columns(record=False),
                UniqueConstraint(parent_column, "row_number"),
                CheckConstraint("row_number >= 1", name="row_number"),
                *_provenance_checks(),
                *_enum_checks(spec.cells),
                *_indexes(naming, row_logical),
                schema=naming.schema,
            )
    field_provenance = Table(
        naming.table_name("field_provenance"),
        metadata,
        Column("id", BigId, primary_key=True),
        Column("document_id", ForeignKey("documents.id"), nullable=False),
        Column("pas_table", String(64), nullable=False),  # logical name, e.g. "loss_run_claims"
        Column("pas_row_id", BigId, nullable=False),
        Column("field_path", String(128), nullable=False),  # "policy_number", "claims[0].paid"
        Column("column_name", String(64), nullable=False),
        Column("value", Text, nullable=True),  # as approved, in normal form
        Column("extracted_value", Text, nullable=True),  # as the extractor read it
        Column("page", Integer, nullable=True),
        Column("bbox_x0", Float, nullable=True),
        Column("bbox_y0", Float, nullable=True),
        Column("bbox_x1", Float, nullable=True),
        Column("bbox_y1", Float, nullable=True),
        Column("confidence", Float, nullable=False),
        Column("rule", String(128), nullable=True),
        Column("corrected", Boolean, nullable=False),
        Column("corrected_by", String(128), nullable=True),
        Column("approved_at", UtcDateTime, nullable=False),
        UniqueConstraint("document_id", "field_path"),
        CheckConstraint("confidence >= 0 AND confidence <= 1", name="confidence"),
        CheckConstraint("corrected OR corrected_by IS NULL", name="corrected_by"),
        Index(f"ix_{naming.table_name('field_provenance')}_pas_row", "pas_table", "pas_row_id"),
        schema=naming.schema,
    )
    outbox = Table(
        naming.table_name("outbox"),
        metadata,
        # Ids are handed out under a lock held to commit, so they become visible in order and
        # "id > last seen" never skips a row (see docs/pas-integration.md).
        Column("id", BigId, primary_key=True),
        Column("created_at", UtcDateTime, nullable=False),
        Column("kind", String(32), nullable=False),
        Column("document_id", ForeignKey("documents.id"), nullable=False),
        Column("doc_type", String(32), nullable=False),
        Column("pas_table", String(64), nullable=False),
        Column("pas_row_id", BigId, nullable=False),
        Column("source_sha256", String(64), nullable=False),
        Column("supersedes_document_id", ForeignKey("documents.id"), nullable=True),
        CheckConstraint("kind IN ('approved')", name="kind"),
        schema=naming.schema,
    )
    return PasTables(
        naming=naming, records=records, rows=rows, field_provenance=field_provenance, outbox=outbox
    )


@cache
def schema_for_dialect(dialect_name: str) -> tuple[MetaData, PasTables]:
    """The full schema as one MetaData for a dialect: working-state tables + its PAS tables.

    Alembic compares the database against this; the store writes PAS rows through its tables.
    """
    metadata = new_metadata()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(metadata)
    return metadata, build_pas_tables(metadata, pas_naming_for(dialect_name))


def pas_tables_for(dialect_name: str) -> PasTables:
    return schema_for_dialect(dialect_name)[1]
