"""Typed PAS values from normal-form strings, and field paths against the catalogue."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from pipeline.contract import DocType, FieldKind, FieldValue
from storage.errors import UnknownField, UnstorableValue
from storage.field_paths import FieldPath, parse_field_path
from storage.pas_records import NotNormalForm, pas_record_from_fields, typed_value
from tests.file_results import claim_form_fields, loss_run_fields, police_report_fields


@pytest.mark.parametrize(
    ("kind", "name", "text", "expected"),
    [
        (FieldKind.DATE, "date_of_loss", "2026-03-14", date(2026, 3, 14)),
        (FieldKind.TIME, "time_of_loss", "17:45", time(17, 45)),
        (FieldKind.MONEY, "paid", "1234.56", Decimal("1234.56")),
        (FieldKind.MONEY, "paid", "-20.00", Decimal("-20.00")),
        (FieldKind.MONEY, "paid", "999999999999.99", Decimal("999999999999.99")),
        (FieldKind.INTEGER, "claim_count", "12", 12),
        (FieldKind.ENUM, "status", "reopened", "reopened"),
        (FieldKind.NAME, "insured_name", "O'Brien & Sons", "O'Brien & Sons"),
        (FieldKind.IDENTIFIER, "naic_code", "01234", "01234"),  # leading zero kept: text column
        (FieldKind.DATE, "date_of_loss", None, None),
    ],
)
def test_normal_forms_become_typed_values(kind, name, text, expected):
    assert typed_value(kind, name, text) == expected


@pytest.mark.parametrize(
    ("kind", "name", "text"),
    [
        (FieldKind.DATE, "date_of_loss", "03/14/2026"),
        (FieldKind.DATE, "date_of_loss", "2026-02-30"),
        (FieldKind.DATE, "date_of_loss", "20260314"),
        (FieldKind.TIME, "time_of_loss", "5:45 PM"),
        (FieldKind.MONEY, "paid", "$1,234.56"),
        (FieldKind.MONEY, "paid", "1234.5"),
        (FieldKind.MONEY, "paid", "1000000000000.00"),  # does not fit NUMERIC(14,2)
        (FieldKind.INTEGER, "claim_count", "twelve"),
        (FieldKind.INTEGER, "claim_count", "99999999999"),  # does not fit INTEGER
        (FieldKind.ENUM, "status", "pending"),
        (FieldKind.ENUM, "form_kind", "AUTO"),
    ],
)
def test_values_not_in_normal_form_are_refused(kind, name, text):
    with pytest.raises(NotNormalForm) as raised:
        typed_value(kind, name, text)
    assert text not in str(raised.value)  # the error names the kind, never the value


def test_claim_form_record_has_every_catalogue_column_typed():
    record = pas_record_from_fields(DocType.CLAIM_FORM, claim_form_fields())
    values = record.column_values()
    assert values["date_of_loss"] == date(2026, 3, 14)
    assert values["estimated_loss_amount"] == Decimal("4250.00")
    assert values["vehicle_year"] == 2019
    assert values["time_of_loss"] == time(17, 45)
    assert record.rows == {}


def test_missing_fields_are_null_columns():
    fields = claim_form_fields()
    del fields["insured_email"]
    values = pas_record_from_fields(DocType.CLAIM_FORM, fields).column_values()
    assert "insured_email" in values and values["insured_email"] is None


def test_list_fields_become_ordered_rows():
    record = pas_record_from_fields(DocType.LOSS_RUN, loss_run_fields(claims=3))
    rows = record.rows["claims"]
    assert len(rows) == 3
    assert [str(cell.path) for cell in rows[2]][:2] == [
        "claims[2].claim_number",
        "claims[2].policy_number",
    ]
    paid = next(cell for cell in rows[0] if cell.path.field_name == "paid")
    assert paid.value == Decimal("1000.50")
    parties = pas_record_from_fields(DocType.POLICE_REPORT, police_report_fields(parties=2)).rows[
        "parties"
    ]
    assert [next(c.value for c in row if c.path.field_name == "unit") for row in parties] == [1, 2]


def test_every_bad_value_is_reported_by_path():
    fields = loss_run_fields(claims=2, valuation_date="Jan 31 2026")
    fields["claims"][1]["paid"] = FieldValue(value="12,00", confidence=0.5)
    with pytest.raises(UnstorableValue) as raised:
        pas_record_from_fields(DocType.LOSS_RUN, fields)
    assert raised.value.problems == {"valuation_date": "date", "claims[1].paid": "money"}
    assert "12,00" not in str(raised.value)


def test_other_documents_have_no_columns():
    record = pas_record_from_fields(DocType.OTHER, {})
    assert record.cells == [] and record.rows == {}


@pytest.mark.parametrize(
    ("doc_type", "path", "expected"),
    [
        (DocType.CLAIM_FORM, "policy_number", (FieldPath("policy_number"), FieldKind.IDENTIFIER)),
        (DocType.LOSS_RUN, "claims[3].paid", (FieldPath("paid", "claims", 3), FieldKind.MONEY)),
        (
            DocType.POLICE_REPORT,
            "parties[0].driver_dob",
            (FieldPath("driver_dob", "parties", 0), FieldKind.DATE),
        ),
    ],
)
def test_field_paths_follow_the_catalogue(doc_type, path, expected):
    assert parse_field_path(doc_type, path) == expected
    assert str(expected[0]) == path


@pytest.mark.parametrize(
    ("doc_type", "path"),
    [
        (DocType.CLAIM_FORM, "claims[0].paid"),  # a loss-run list on a claim form
        (DocType.LOSS_RUN, "claims[0].driver_name"),
        (DocType.LOSS_RUN, "policy_number"),  # only a claim-row cell on loss runs
        (DocType.OTHER, "anything"),
        (DocType.CLAIM_FORM, "policy_number; DROP TABLE files"),
        (DocType.LOSS_RUN, "claims[-1].paid"),
    ],
)
def test_unknown_field_paths_are_refused(doc_type, path):
    with pytest.raises(UnknownField):
        parse_field_path(doc_type, path)
