"""claimdocs validators: typed records per document type and the insurance rules over them.

`validate_fields` is the stage function: FieldMap in, issues out. `record_from_fields` gives the
typed record that storage writes.
"""

from __future__ import annotations

from datetime import date

from pipeline.contract import DocType, FieldMap, ValidationIssue
from validators.claim_form_rules import CLAIM_FORM_RULES
from validators.loss_run_rules import LOSS_RUN_RULES
from validators.options import ValidationOptions
from validators.police_report_rules import POLICE_REPORT_RULES
from validators.records import (
    ClaimFormRecord,
    ClaimRowRecord,
    ClaimStatus,
    DocumentRecord,
    FormKind,
    LossRunRecord,
    ParsedRecord,
    PartyRecord,
    PoliceReportRecord,
    record_from_fields,
)
from validators.us_states import US_STATE_CODES, is_us_state_code, state_code_from_text
from validators.vin import expected_check_digit, has_vin_shape, is_valid_vin

__all__ = [
    "US_STATE_CODES",
    "ClaimFormRecord",
    "ClaimRowRecord",
    "ClaimStatus",
    "DocumentRecord",
    "FormKind",
    "LossRunRecord",
    "ParsedRecord",
    "PartyRecord",
    "PoliceReportRecord",
    "ValidationOptions",
    "expected_check_digit",
    "has_vin_shape",
    "is_us_state_code",
    "is_valid_vin",
    "record_from_fields",
    "state_code_from_text",
    "validate_fields",
    "validate_record",
]


def validate_record(
    record: DocumentRecord | None, options: ValidationOptions
) -> list[ValidationIssue]:
    """Run the rules of the record's document type."""
    issues: list[ValidationIssue] = []
    if isinstance(record, LossRunRecord):
        for loss_run_rule in LOSS_RUN_RULES:
            issues += loss_run_rule(record, options)
    elif isinstance(record, ClaimFormRecord):
        for claim_form_rule in CLAIM_FORM_RULES:
            issues += claim_form_rule(record, options)
    elif isinstance(record, PoliceReportRecord):
        for police_report_rule in POLICE_REPORT_RULES:
            issues += police_report_rule(record, options)
    return issues


def validate_fields(
    doc_type: DocType, fields: FieldMap, options: ValidationOptions | None = None
) -> list[ValidationIssue]:
    """Parse issues first, then rule issues; `other` documents have none.

    `options` defaults to today's date (only the vehicle-year ceiling depends on it).
    """
    options = options or ValidationOptions(today=date.today())
    parsed = record_from_fields(doc_type, fields)
    return [*parsed.issues, *validate_record(parsed.record, options)]
