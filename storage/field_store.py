"""Field values of a document in the working state: store a FieldMap, read it back, correct it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.contract import DocType, FieldMap, FieldValue, Row
from storage.errors import UnstorableValue
from storage.events import append_event
from storage.field_paths import FieldPath, parse_field_path
from storage.pas_records import NotNormalForm, typed_value
from storage.sql_helpers import storable_text
from storage.state_tables import StoredDocument, StoredFieldValue
from storage.states import EventKind

# A value a reviewer typed in has no box on the page; it is as sure as the reviewer.
REVIEWER_CONFIDENCE = 1.0
REVIEWER_RULE = "reviewer"


def _row_for(document_id: int, path: FieldPath, value: FieldValue) -> StoredFieldValue:
    bbox = value.bbox or (None, None, None, None)
    text = storable_text(value.value)
    return StoredFieldValue(
        document_id=document_id,
        field_path=str(path),
        list_name=path.list_name,
        row_index=path.row_index,
        field_name=path.field_name,
        value=text,
        extracted_value=text,
        confidence=value.confidence,
        page=value.page,
        bbox_x0=bbox[0],
        bbox_y0=bbox[1],
        bbox_x1=bbox[2],
        bbox_y1=bbox[3],
        rule=value.rule,
        corrected=False,
    )


def store_field_map(session: Session, document_id: int, fields: FieldMap) -> None:
    """Every value of the map, lists flattened to `name[i].cell` paths."""
    rows: list[StoredFieldValue] = []
    for name, entry in fields.items():
        if isinstance(entry, FieldValue):
            rows.append(_row_for(document_id, FieldPath(name), entry))
            continue
        for index, row in enumerate(entry):
            for cell_name, value in row.items():
                rows.append(_row_for(document_id, FieldPath(cell_name, name, index), value))
    session.add_all(rows)


def load_field_rows(session: Session, document_id: int) -> list[StoredFieldValue]:
    return list(
        session.scalars(
            select(StoredFieldValue)
            .where(StoredFieldValue.document_id == document_id)
            .order_by(StoredFieldValue.id)
        )
    )


def _field_value(row: StoredFieldValue) -> FieldValue:
    bbox = None
    if row.bbox_x0 is not None:
        bbox = (row.bbox_x0, row.bbox_y0, row.bbox_x1, row.bbox_y1)
    return FieldValue(
        value=row.value, confidence=row.confidence, page=row.page, bbox=bbox, rule=row.rule
    )


def field_map_from_rows(rows: list[StoredFieldValue]) -> FieldMap:
    """The current values as a contract FieldMap; list rows in index order, gaps closed."""
    fields: FieldMap = {}
    list_rows: dict[str, dict[int, Row]] = {}
    for row in rows:
        if row.list_name is None:
            fields[row.field_name] = _field_value(row)
        else:
            list_rows.setdefault(row.list_name, {}).setdefault(row.row_index or 0, {})[
                row.field_name
            ] = _field_value(row)
    for list_name, by_index in list_rows.items():
        fields[list_name] = [by_index[index] for index in sorted(by_index)]
    return fields


def correct_field(
    session: Session,
    document: StoredDocument,
    path_text: str,
    new_value: str | None,
    *,
    corrected_by: str,
    now: datetime,
) -> bool:
    """Set one field's value as a reviewer's correction and log old and new value.

    The path must be in the catalogue and the value in its normal form (so the approval can
    type it). Returns False when the value was already that (nothing logged).
    """
    path, kind = parse_field_path(DocType(document.doc_type), path_text)
    new_value = storable_text(new_value)
    try:
        typed_value(kind, path.field_name, new_value)
    except NotNormalForm:
        raise UnstorableValue({str(path): kind.value}) from None
    row = session.scalar(
        select(StoredFieldValue).where(
            StoredFieldValue.document_id == document.id,
            StoredFieldValue.field_path == str(path),
        )
    )
    old_value = row.value if row is not None else None
    if old_value == new_value:
        return False
    if row is None:
        # A value the extractor did not find at all, typed in by the reviewer.
        row = _row_for(
            document.id,
            path,
            FieldValue(value=None, confidence=REVIEWER_CONFIDENCE, rule=REVIEWER_RULE),
        )
        session.add(row)
    row.value = new_value
    row.corrected = True
    row.corrected_by = corrected_by
    row.corrected_at = now
    append_event(
        session,
        file_id=document.file_id,
        document_id=document.id,
        kind=EventKind.FIELD_CORRECTED,
        actor=corrected_by,
        now=now,
        reason=str(path),
        detail={"field": str(path), "old_value": old_value, "new_value": new_value},
    )
    return True
