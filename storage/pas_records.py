"""Turn a document's field map (values in the contract's normal forms) into typed PAS values.

Pure: dates become `date`, times `time`, money `Decimal`, integers `int`; anything not in its
normal form is reported by field path and expected kind (never by value), so it can be
corrected before it reaches a typed column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import Any

from pipeline.contract import (
    ENUM_VALUES,
    LIST_FIELDS,
    SCALAR_FIELDS,
    DocType,
    FieldKind,
    FieldMap,
    FieldValue,
)
from storage.errors import UnstorableValue
from storage.field_paths import FieldPath

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{2}:\d{2}$")
_MONEY = re.compile(r"^-?\d{1,12}\.\d{2}$")  # fits NUMERIC(14,2)
_INTEGER = re.compile(r"^-?\d{1,9}$")  # fits a 32-bit INTEGER column


class NotNormalForm(ValueError):
    pass


def _parse(kind: FieldKind, name: str, text: str) -> Any | None:
    match kind:
        case FieldKind.DATE:
            return date.fromisoformat(text) if _DATE.match(text) else None
        case FieldKind.TIME:
            return time.fromisoformat(text) if _TIME.match(text) else None
        case FieldKind.MONEY:
            return Decimal(text) if _MONEY.match(text) else None
        case FieldKind.INTEGER:
            return int(text) if _INTEGER.match(text) else None
        case FieldKind.ENUM:
            allowed = ENUM_VALUES.get(name)
            return text if allowed is None or text in allowed else None
        case _:
            return text


def typed_value(kind: FieldKind, name: str, text: str | None) -> Any:
    """The typed value of one normal-form string; raises NotNormalForm (without the value)."""
    if text is None:
        return None
    try:
        value = _parse(kind, name, text)
    except ValueError:  # e.g. 2026-02-30 has the shape of a date but is none
        value = None
    if value is None:
        raise NotNormalForm(kind.value)
    return value


@dataclass(frozen=True)
class PasCell:
    """One value bound for a PAS column, with the field it came from."""

    path: FieldPath
    value: Any
    source: FieldValue


@dataclass(frozen=True)
class PasRecord:
    doc_type: DocType
    cells: list[PasCell]  # the record's own columns
    rows: dict[str, list[list[PasCell]]] = field(default_factory=dict)  # list name -> rows

    def column_values(self) -> dict[str, Any]:
        return {cell.path.field_name: cell.value for cell in self.cells}


def _absent() -> FieldValue:
    return FieldValue(value=None, confidence=0.0)


def pas_record_from_fields(doc_type: DocType, fields: FieldMap) -> PasRecord:
    """Typed PAS values for every catalogue field of `doc_type`; raises UnstorableValue."""
    problems: dict[str, str] = {}

    def cell(path: FieldPath, kind: FieldKind, source: FieldValue) -> PasCell:
        try:
            return PasCell(path, typed_value(kind, path.field_name, source.value), source)
        except NotNormalForm:
            problems[str(path)] = kind.value
            return PasCell(path, None, source)

    cells = []
    for name, kind in SCALAR_FIELDS[doc_type].items():
        source = fields.get(name)
        cells.append(
            cell(FieldPath(name), kind, source if isinstance(source, FieldValue) else _absent())
        )
    rows: dict[str, list[list[PasCell]]] = {}
    for spec in LIST_FIELDS[doc_type]:
        given = fields.get(spec.name)
        rows[spec.name] = [
            [
                cell(FieldPath(cell_name, spec.name, index), kind, row.get(cell_name) or _absent())
                for cell_name, kind in spec.cells.items()
            ]
            for index, row in enumerate(given if isinstance(given, list) else [])
        ]
    if problems:
        raise UnstorableValue(problems)
    return PasRecord(doc_type=doc_type, cells=cells, rows=rows)
