"""Initial schema: working state, PAS-facing tables, outbox, append-only guards.

Revision ID: 0001
Revises:
Create Date: 2026-01-01

Frozen on purpose: column lists are written out here (not read from the contract's catalogue),
so this revision creates the same tables whatever the code looks like later. The PAS tables
go to schema `pas` on PostgreSQL and get a `pas_` prefix on SQLite (storage.pas_naming).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from storage.pas_naming import PasNaming, pas_naming_for

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
MONEY = sa.Numeric(14, 2)
TEXT = sa.Text()

CLAIM_NOTICE_COLUMNS = {
    "form_kind": TEXT,
    "carrier_name": TEXT,
    "naic_code": TEXT,
    "policy_number": TEXT,
    "date_of_loss": sa.Date(),
    "time_of_loss": sa.Time(),
    "loss_location": TEXT,
    "insured_name": TEXT,
    "insured_address": TEXT,
    "insured_phone": TEXT,
    "insured_email": TEXT,
    "loss_description": TEXT,
    "police_report_number": TEXT,
    "estimated_loss_amount": MONEY,
    "date_reported": sa.Date(),
    "vehicle_vin": TEXT,
    "vehicle_year": sa.Integer(),
    "vehicle_make": TEXT,
    "vehicle_model": TEXT,
    "vehicle_plate": TEXT,
    "driver_name": TEXT,
}
POLICE_REPORT_COLUMNS = {
    "report_number": TEXT,
    "agency_name": TEXT,
    "crash_date": sa.Date(),
    "crash_time": sa.Time(),
    "crash_location": TEXT,
    "officer_name": TEXT,
    "officer_badge": TEXT,
    "narrative": TEXT,
}
PARTY_COLUMNS = {
    "unit": sa.Integer(),
    "driver_name": TEXT,
    "driver_dob": sa.Date(),
    "driver_license_number": TEXT,
    "driver_license_state": TEXT,
    "driver_address": TEXT,
    "vehicle_year": sa.Integer(),
    "vehicle_make": TEXT,
    "vehicle_model": TEXT,
    "vehicle_vin": TEXT,
    "plate_number": TEXT,
    "plate_state": TEXT,
    "insurer_name": TEXT,
    "insurer_policy_number": TEXT,
}
LOSS_RUN_COLUMNS = {
    "carrier_name": TEXT,
    "insured_name": TEXT,
    "valuation_date": sa.Date(),
    "total_paid": MONEY,
    "total_reserve": MONEY,
    "total_incurred": MONEY,
    "claim_count": sa.Integer(),
}
LOSS_RUN_CLAIM_COLUMNS = {
    "claim_number": TEXT,
    "policy_number": TEXT,
    "date_of_loss": sa.Date(),
    "claimant_name": TEXT,
    "description": TEXT,
    "status": TEXT,
    "paid": MONEY,
    "reserve": MONEY,
    "incurred": MONEY,
}

APPEND_ONLY_FUNCTION = "claimdocs_refuse_change"


def _naming() -> PasNaming:
    return pas_naming_for(op.get_bind().dialect.name)


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _id() -> sa.Column:
    return sa.Column("id", ID, nullable=False)


def _check(table: str, name: str, sql: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(sql, name=op.f(f"ck_{table}_{name}"))


def _fk(table: str, column: str, target: str, target_name: str, **kw) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target_name}"), **kw
    )


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _unique(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=op.f(f"uq_{table}_{'_'.join(columns)}"))


def _index(table: str, name: str, columns: list[str], schema: str | None = None) -> None:
    op.create_index(op.f(f"ix_{name}"), table, columns, unique=False, schema=schema)


def _create_working_state() -> None:
    op.create_table(
        "files",
        _id(),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("original_name", sa.Text(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("quarantine_code", sa.String(64), nullable=True),
        sa.Column("quarantine_message", sa.Text(), nullable=True),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        _check(
            "files",
            "quarantine_reason",
            "(state = 'quarantined') = (quarantine_code IS NOT NULL AND quarantine_message IS NOT NULL)",
        ),
        _check("files", "state", "state IN ('processed', 'quarantined', 'received')"),
        _check("files", "sha256_length", "length(sha256) = 64"),
        _pk("files"),
        _unique("files", "sha256"),
    )
    op.create_table(
        "users",
        _id(),
        sa.Column("username", sa.String(128), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        _check("users", "role", "role IN ('admin', 'reviewer')"),
        _pk("users"),
        _unique("users", "username"),
    )
    op.create_table(
        "extractions",
        _id(),
        sa.Column("file_id", ID, nullable=False),
        sa.Column("extractor_version", sa.String(128), nullable=False),
        sa.Column("source_key", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error_code", sa.String(64), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("recorded_at", TIMESTAMP, nullable=False),
        _check(
            "extractions",
            "error_when_quarantined",
            "(status = 'quarantined') = (error_code IS NOT NULL)",
        ),
        _check("extractions", "status", "status IN ('processed', 'quarantined')"),
        _fk("extractions", "file_id", "files", "files"),
        _pk("extractions"),
        _unique("extractions", "file_id", "extractor_version"),
    )
    _index("extractions", "extractions_file_id", ["file_id"])
    op.create_table(
        "file_sources",
        _id(),
        sa.Column("file_id", ID, nullable=False),
        sa.Column("source_key", sa.Text(), nullable=False),
        sa.Column("original_name", sa.Text(), nullable=True),
        sa.Column("first_seen_at", TIMESTAMP, nullable=False),
        _fk("file_sources", "file_id", "files", "files"),
        _pk("file_sources"),
        _unique("file_sources", "file_id", "source_key"),
    )
    _index("file_sources", "file_sources_file_id", ["file_id"])
    op.create_table(
        "documents",
        _id(),
        sa.Column("file_id", ID, nullable=False),
        sa.Column("extraction_id", ID, nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("page_start", sa.Integer(), nullable=False),
        sa.Column("page_end", sa.Integer(), nullable=False),
        sa.Column("doc_type", sa.String(32), nullable=False),
        sa.Column("doc_type_confidence", sa.Float(), nullable=False),
        sa.Column("route", sa.String(32), nullable=False),
        sa.Column("route_reasons", JSON, nullable=False),
        sa.Column("validation", JSON, nullable=False),
        sa.Column("extractor_version", sa.String(128), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("approval_kind", sa.String(16), nullable=True),
        sa.Column("approved_by", sa.String(128), nullable=True),
        sa.Column("approved_at", TIMESTAMP, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        _check(
            "documents",
            "approval_facts",
            "(approved_by IS NULL) = (approved_at IS NULL) "
            "AND (approved_by IS NULL) = (approval_kind IS NULL) "
            "AND (state <> 'approved' OR approved_by IS NOT NULL) "
            "AND (state IN ('approved', 'superseded') OR approved_by IS NULL)",
        ),
        _check(
            "documents",
            "approval_kind",
            "approval_kind IS NULL OR approval_kind IN ('auto', 'reviewer')",
        ),
        _check(
            "documents",
            "doc_type",
            "doc_type IN ('claim_form', 'loss_run', 'other', 'police_report')",
        ),
        _check("documents", "route", "route IN ('auto_approved', 'needs_review')"),
        _check(
            "documents",
            "state",
            "state IN ('approved', 'in_review', 'processed', 'rejected', 'superseded')",
        ),
        _check("documents", "confidence", "doc_type_confidence >= 0 AND doc_type_confidence <= 1"),
        _check("documents", "page_range", "page_start >= 1 AND page_end >= page_start"),
        _fk("documents", "extraction_id", "extractions", "extractions"),
        _fk("documents", "file_id", "files", "files"),
        _pk("documents"),
        _unique("documents", "extraction_id", "ordinal"),
    )
    _index("documents", "documents_extraction_id", ["extraction_id"])
    _index("documents", "documents_file_id", ["file_id"])
    _index("documents", "documents_state_created_at", ["state", "created_at"])
    op.create_table(
        "events",
        _id(),
        sa.Column("occurred_at", TIMESTAMP, nullable=False),
        sa.Column("file_id", ID, nullable=False),
        sa.Column("document_id", ID, nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("from_state", sa.String(16), nullable=True),
        sa.Column("to_state", sa.String(16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("detail", JSON, nullable=True),
        _fk("events", "document_id", "documents", "documents"),
        _fk("events", "file_id", "files", "files"),
        _pk("events"),
    )
    _index("events", "events_document_id_id", ["document_id", "id"])
    _index("events", "events_file_id", ["file_id"])
    op.create_table(
        "field_values",
        _id(),
        sa.Column("document_id", ID, nullable=False),
        sa.Column("field_path", sa.String(128), nullable=False),
        sa.Column("list_name", sa.String(64), nullable=True),
        sa.Column("row_index", sa.Integer(), nullable=True),
        sa.Column("field_name", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("extracted_value", sa.Text(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("bbox_x0", sa.Float(), nullable=True),
        sa.Column("bbox_y0", sa.Float(), nullable=True),
        sa.Column("bbox_x1", sa.Float(), nullable=True),
        sa.Column("bbox_y1", sa.Float(), nullable=True),
        sa.Column("rule", sa.String(128), nullable=True),
        sa.Column("corrected", sa.Boolean(), nullable=False),
        sa.Column("corrected_by", sa.String(128), nullable=True),
        sa.Column("corrected_at", TIMESTAMP, nullable=True),
        _check(
            "field_values",
            "bbox_complete",
            "(bbox_x0 IS NULL) = (bbox_y0 IS NULL) AND (bbox_x0 IS NULL) = (bbox_x1 IS NULL) "
            "AND (bbox_x0 IS NULL) = (bbox_y1 IS NULL)",
        ),
        _check("field_values", "list_row", "(list_name IS NULL) = (row_index IS NULL)"),
        _check("field_values", "confidence", "confidence >= 0 AND confidence <= 1"),
        _check("field_values", "page", "page IS NULL OR page >= 1"),
        _fk("field_values", "document_id", "documents", "documents"),
        _pk("field_values"),
        _unique("field_values", "document_id", "field_path"),
    )
    _index("field_values", "field_values_document_id", ["document_id"])
    op.create_table(
        "review_tasks",
        _id(),
        sa.Column("document_id", ID, nullable=False),
        sa.Column("claimed_by", sa.String(128), nullable=True),
        sa.Column("lease_expires_at", TIMESTAMP, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("closed_at", TIMESTAMP, nullable=True),
        _check(
            "review_tasks", "lease_complete", "(claimed_by IS NULL) = (lease_expires_at IS NULL)"
        ),
        _check("review_tasks", "version", "version >= 1"),
        _fk("review_tasks", "document_id", "documents", "documents"),
        _pk("review_tasks"),
        _unique("review_tasks", "document_id"),
    )
    _index("review_tasks", "review_tasks_open", ["closed_at", "created_at"])


def _provenance(table: str, *, record: bool) -> list:
    """Columns and constraints every PAS row carries: where it came from, who approved it."""
    return [
        sa.Column("document_id", ID, nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("source_key", sa.Text(), nullable=False),
        sa.Column("page_start", sa.Integer(), nullable=False),
        sa.Column("page_end", sa.Integer(), nullable=False),
        sa.Column("extractor_version", sa.String(128), nullable=False),
        sa.Column("approval_kind", sa.String(16), nullable=False),
        sa.Column("approved_by", sa.String(128), nullable=False),
        sa.Column("approved_at", TIMESTAMP, nullable=False),
        sa.Column("superseded_at", TIMESTAMP, nullable=True),
        sa.Column("superseded_by_document_id", ID, nullable=True),
        _check(table, "approval_kind", "approval_kind IN ('auto', 'reviewer')"),
        _check(
            table,
            "superseded_pair",
            "(superseded_at IS NULL) = (superseded_by_document_id IS NULL)",
        ),
        _check(table, "page_range", "page_start >= 1 AND page_end >= page_start"),
        _fk(table, "document_id", "documents", "documents"),
        _fk(table, "superseded_by_document_id", "documents", "documents"),
        *([_unique(table, "document_id")] if record else []),
    ]


def _values(columns: dict[str, sa.types.TypeEngine]) -> list[sa.Column]:
    return [sa.Column(name, type_, nullable=True) for name, type_ in columns.items()]


def _create_pas_record(
    naming: PasNaming, logical: str, columns: dict, checks: list, indexed: list[str]
) -> None:
    name = naming.table_name(logical)
    op.create_table(
        name,
        _id(),
        *_values(columns),
        *_provenance(name, record=True),
        *checks,
        _pk(name),
        schema=naming.schema,
    )
    for column in indexed:
        _index(name, f"{name}_{column}", [column], schema=naming.schema)


def _create_pas_rows(
    naming: PasNaming,
    logical: str,
    parent_logical: str,
    parent_column: str,
    columns: dict,
    checks: list,
    indexed: list[str],
) -> None:
    name = naming.table_name(logical)
    parent = naming.table_name(parent_logical)
    op.create_table(
        name,
        _id(),
        sa.Column(parent_column, ID, nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        *_values(columns),
        *_provenance(name, record=False),
        *checks,
        _check(name, "row_number", "row_number >= 1"),
        _fk(name, parent_column, naming.qualified(parent_logical), parent, ondelete="CASCADE"),
        _pk(name),
        _unique(name, parent_column, "row_number"),
        schema=naming.schema,
    )
    _index(name, f"{name}_document_id", ["document_id"], schema=naming.schema)
    for column in indexed:
        _index(name, f"{name}_{column}", [column], schema=naming.schema)


def _create_pas(naming: PasNaming) -> None:
    if naming.schema:
        op.execute(f"CREATE SCHEMA IF NOT EXISTS {naming.schema}")
    claim_notices = naming.table_name("claim_notices")
    _create_pas_record(
        naming,
        "claim_notices",
        CLAIM_NOTICE_COLUMNS,
        [
            _check(
                claim_notices,
                "form_kind_values",
                "form_kind IS NULL OR form_kind IN ('auto', 'liability', 'property')",
            )
        ],
        ["policy_number", "date_of_loss", "police_report_number", "source_sha256"],
    )
    _create_pas_record(
        naming,
        "police_reports",
        POLICE_REPORT_COLUMNS,
        [],
        ["report_number", "crash_date", "source_sha256"],
    )
    _create_pas_rows(
        naming,
        "police_report_parties",
        "police_reports",
        "police_report_id",
        PARTY_COLUMNS,
        [],
        ["insurer_policy_number", "vehicle_vin"],
    )
    _create_pas_record(
        naming,
        "loss_runs",
        LOSS_RUN_COLUMNS,
        [],
        ["insured_name", "valuation_date", "source_sha256"],
    )
    loss_run_claims = naming.table_name("loss_run_claims")
    _create_pas_rows(
        naming,
        "loss_run_claims",
        "loss_runs",
        "loss_run_id",
        LOSS_RUN_CLAIM_COLUMNS,
        [
            _check(
                loss_run_claims,
                "status_values",
                "status IS NULL OR status IN ('closed', 'open', 'reopened')",
            )
        ],
        ["claim_number", "policy_number", "date_of_loss"],
    )
    field_provenance = naming.table_name("field_provenance")
    op.create_table(
        field_provenance,
        _id(),
        sa.Column("document_id", ID, nullable=False),
        sa.Column("pas_table", sa.String(64), nullable=False),
        sa.Column("pas_row_id", ID, nullable=False),
        sa.Column("field_path", sa.String(128), nullable=False),
        sa.Column("column_name", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("extracted_value", sa.Text(), nullable=True),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("bbox_x0", sa.Float(), nullable=True),
        sa.Column("bbox_y0", sa.Float(), nullable=True),
        sa.Column("bbox_x1", sa.Float(), nullable=True),
        sa.Column("bbox_y1", sa.Float(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("rule", sa.String(128), nullable=True),
        sa.Column("corrected", sa.Boolean(), nullable=False),
        sa.Column("corrected_by", sa.String(128), nullable=True),
        sa.Column("approved_at", TIMESTAMP, nullable=False),
        _check(field_provenance, "confidence", "confidence >= 0 AND confidence <= 1"),
        _check(field_provenance, "corrected_by", "corrected OR corrected_by IS NULL"),
        _fk(field_provenance, "document_id", "documents", "documents"),
        _pk(field_provenance),
        _unique(field_provenance, "document_id", "field_path"),
        schema=naming.schema,
    )
    _index(
        field_provenance,
        f"{field_provenance}_pas_row",
        ["pas_table", "pas_row_id"],
        schema=naming.schema,
    )
    outbox = naming.table_name("outbox")
    op.create_table(
        outbox,
        _id(),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("document_id", ID, nullable=False),
        sa.Column("doc_type", sa.String(32), nullable=False),
        sa.Column("pas_table", sa.String(64), nullable=False),
        sa.Column("pas_row_id", ID, nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("supersedes_document_id", ID, nullable=True),
        _check(outbox, "kind", "kind IN ('approved')"),
        _fk(outbox, "document_id", "documents", "documents"),
        _fk(outbox, "supersedes_document_id", "documents", "documents"),
        _pk(outbox),
        schema=naming.schema,
    )


def _append_only_tables(naming: PasNaming) -> list[tuple[str, str]]:
    """(trigger base name, table as written in SQL) for the tables nobody may rewrite."""
    return [("events", "events"), ("outbox", naming.qualified("outbox"))]


def _create_append_only_guards(naming: PasNaming) -> None:
    if _is_postgresql():
        op.execute(
            f"CREATE FUNCTION {APPEND_ONLY_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
        for base, table in _append_only_tables(naming):
            op.execute(
                f"CREATE TRIGGER {base}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {APPEND_ONLY_FUNCTION}()"
            )
        return
    for base, table in _append_only_tables(naming):
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {base}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def _drop_append_only_guards(naming: PasNaming) -> None:
    if _is_postgresql():
        for base, table in _append_only_tables(naming):
            op.execute(f"DROP TRIGGER IF EXISTS {base}_append_only ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {APPEND_ONLY_FUNCTION}()")
        return
    for base, _table in _append_only_tables(naming):
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {base}_no_{action}")


def upgrade() -> None:
    naming = _naming()
    _create_working_state()
    _create_pas(naming)
    _create_append_only_guards(naming)


def downgrade() -> None:
    naming = _naming()
    _drop_append_only_guards(naming)
    for logical in (
        "outbox",
        "field_provenance",
        "loss_run_claims",
        "loss_runs",
        "police_report_parties",
        "police_reports",
        "claim_notices",
    ):
        op.drop_table(naming.table_name(logical), schema=naming.schema)
    if naming.schema:
        op.execute(f"DROP SCHEMA {naming.schema}")
    for table in (
        "review_tasks",
        "field_values",
        "events",
        "documents",
        "file_sources",
        "extractions",
        "users",
        "files",
    ):
        op.drop_table(table)
