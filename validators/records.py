"""Typed records per document type, parsed from an extractor's FieldMap.

These are what the insurance rules check and what storage writes to the PAS tables: dates are
`date`, money is `Decimal`, counts and years are `int`, vocabularies are enums. A value that does
not parse becomes a `ValidationIssue` (and `None` in the record) rather than an exception, so one
misread cell never stops a document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from pipeline.contract import (
    LIST_FIELDS,
    SCALAR_FIELDS,
    DocType,
    FieldKind,
    FieldMap,
    FieldValue,
    ValidationIssue,
)


class FormKind(StrEnum):
    PROPERTY = "property"
    AUTO = "auto"
    LIABILITY = "liability"


class ClaimStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    REOPENED = "reopened"


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ClaimFormRecord(_Record):
    form_kind: FormKind | None = None
    carrier_name: str | None = None
    naic_code: str | None = None
    policy_number: str | None = None
    date_of_loss: date | None = None
    time_of_loss: time | None = None
    loss_location: str | None = None
    insured_name: str | None = None
    insured_address: str | None = None
    insured_phone: str | None = None
    insured_email: str | None = None
    loss_description: str | None = None
    police_report_number: str | None = None
    estimated_loss_amount: Decimal | None = None
    date_reported: date | None = None
    vehicle_vin: str | None = None
    vehicle_year: int | None = None
    vehicle_make: str | None = None
    vehicle_model: str | None = None
    vehicle_plate: str | None = None
    driver_name: str | None = None


class PartyRecord(_Record):
    unit: int | None = None
    driver_name: str | None = None
    driver_dob: date | None = None
    driver_license_number: str | None = None
    driver_license_state: str | None = None
    driver_address: str | None = None
    vehicle_year: int | None = None
    vehicle_make: str | None = None
    vehicle_model: str | None = None
    vehicle_vin: str | None = None
    plate_number: str | None = None
    plate_state: str | None = None
    insurer_name: str | None = None
    insurer_policy_number: str | None = None


class PoliceReportRecord(_Record):
    report_number: str | None = None
    agency_name: str | None = None
    crash_date: date | None = None
    crash_time: time | None = None
    crash_location: str | None = None
    officer_name: str | None = None
    officer_badge: str | None = None
    narrative: str | None = None
    parties: tuple[PartyRecord, ...] = ()


class ClaimRowRecord(_Record):
    claim_number: str | None = None
    policy_number: str | None = None
    date_of_loss: date | None = None
    claimant_name: str | None = None
    description: str | None = None
    status: ClaimStatus | None = None
    paid: Decimal | None = None
    reserve: Decimal | None = None
    incurred: Decimal | None = None


class LossRunRecord(_Record):
    carrier_name: str | None = None
    insured_name: str | None = None
    valuation_date: date | None = None
    total_paid: Decimal | None = None
    total_reserve: Decimal | None = None
    total_incurred: Decimal | None = None
    claim_count: int | None = None
    claims: tuple[ClaimRowRecord, ...] = ()


DocumentRecord = ClaimFormRecord | PoliceReportRecord | LossRunRecord

RECORD_TYPES: dict[DocType, type[_Record]] = {
    DocType.CLAIM_FORM: ClaimFormRecord,
    DocType.POLICE_REPORT: PoliceReportRecord,
    DocType.LOSS_RUN: LossRunRecord,
}
ROW_TYPES: dict[str, type[_Record]] = {"claims": ClaimRowRecord, "parties": PartyRecord}

# Vocabulary fields: the enum a value must belong to.
_ENUM_TYPES: dict[str, type[StrEnum]] = {"form_kind": FormKind, "status": ClaimStatus}


class ParsedRecord(BaseModel):
    """A record plus the issues met while parsing it (values that did not parse are None)."""

    model_config = ConfigDict(frozen=True)
    record: ClaimFormRecord | PoliceReportRecord | LossRunRecord | None
    issues: tuple[ValidationIssue, ...] = ()


# ---------------------------------------------------------------------------------------------
# Parsing values that are already in the contract's normal form.

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{2}:\d{2}")
_MONEY = re.compile(r"-?\d+(\.\d{1,2})?")
_INTEGER = re.compile(r"-?\d+")
_CENT = Decimal("0.01")


def _parse_date(text: str) -> date:
    if not _DATE.fullmatch(text):
        raise ValueError("not YYYY-MM-DD")
    return date.fromisoformat(text)


def _parse_time(text: str) -> time:
    if not _TIME.fullmatch(text):
        raise ValueError("not HH:MM")
    return time.fromisoformat(text)


def _parse_money(text: str) -> Decimal:
    if not _MONEY.fullmatch(text):
        raise ValueError("not a money normal form")
    try:
        return Decimal(text).quantize(_CENT)
    except InvalidOperation as exc:
        raise ValueError("not a number") from exc


def _parse_integer(text: str) -> int:
    if not _INTEGER.fullmatch(text):
        raise ValueError("not an integer")
    return int(text)


def _as_text(text: str) -> str:
    return text


_PARSERS: dict[FieldKind, Callable[[str], object]] = {
    FieldKind.DATE: _parse_date,
    FieldKind.TIME: _parse_time,
    FieldKind.MONEY: _parse_money,
    FieldKind.INTEGER: _parse_integer,
}


def _parse_cell(
    name: str, kind: FieldKind, cell: object, path: str, issues: list[ValidationIssue]
) -> object:
    """The typed value of one cell, or None (with an issue appended when it does not parse)."""
    if cell is None:
        return None
    if not isinstance(cell, FieldValue):
        issues.append(
            ValidationIssue(
                code="unparseable", message="Expected a single value, found a list.", field=path
            )
        )
        return None
    if cell.value is None or not cell.value.strip():
        return None
    text = cell.value.strip()
    enum_type = _ENUM_TYPES.get(name) if kind is FieldKind.ENUM else None
    if enum_type is not None:
        try:
            return enum_type(text.lower())
        except ValueError:
            allowed = ", ".join(member.value for member in enum_type)
            issues.append(
                ValidationIssue(
                    code=f"invalid_{name}",
                    message=f"Value is not one of the allowed values ({allowed}).",
                    field=path,
                )
            )
            return None
    parser = _PARSERS.get(kind, _as_text)
    try:
        return parser(text)
    except ValueError:
        issues.append(
            ValidationIssue(
                code="unparseable",
                message=f"Value is not in the {kind.value} normal form.",
                field=path,
            )
        )
        return None


def _parse_cells(
    cells: dict[str, FieldKind],
    source: dict[str, object],
    prefix: str,
    issues: list[ValidationIssue],
) -> dict[str, object]:
    return {
        name: _parse_cell(name, kind, source.get(name), f"{prefix}{name}", issues)
        for name, kind in cells.items()
    }


def record_from_fields(doc_type: DocType, fields: FieldMap) -> ParsedRecord:
    """Parse a FieldMap into the typed record of its document type (None for `other`).

    Keys outside the contract's catalogue are ignored; missing keys are absent values.
    """
    record_type = RECORD_TYPES.get(doc_type)
    if record_type is None:
        return ParsedRecord(record=None)
    issues: list[ValidationIssue] = []
    values = _parse_cells(SCALAR_FIELDS[doc_type], dict(fields), "", issues)
    for spec in LIST_FIELDS[doc_type]:
        raw_rows = fields.get(spec.name, [])
        if not isinstance(raw_rows, list):
            issues.append(
                ValidationIssue(
                    code="unparseable", message="Expected a list of rows.", field=spec.name
                )
            )
            raw_rows = []
        row_type = ROW_TYPES[spec.name]
        values[spec.name] = tuple(
            row_type(**_parse_cells(spec.cells, dict(row), f"{spec.name}[{index}].", issues))
            for index, row in enumerate(raw_rows)
        )
    record = record_type(**values)
    return ParsedRecord(record=record, issues=tuple(issues))  # type: ignore[arg-type]
