"""Validators: typed records from FieldMaps, VIN and state helpers, and every insurance rule."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest

import pipeline
import validators
from pipeline.contract import (
    CLAIM_FORM_FIELDS,
    CLAIM_ROW_FIELDS,
    LOSS_RUN_FIELDS,
    PARTY_FIELDS,
    POLICE_REPORT_FIELDS,
    DocType,
    FieldMap,
    FieldValue,
)
from validators import (
    ClaimFormRecord,
    ClaimRowRecord,
    ClaimStatus,
    FormKind,
    LossRunRecord,
    PartyRecord,
    PoliceReportRecord,
    ValidationOptions,
    expected_check_digit,
    is_us_state_code,
    is_valid_vin,
    record_from_fields,
    state_code_from_text,
    validate_fields,
)

TODAY = ValidationOptions(today=date(2026, 11, 21))
VALID_VIN = "1HGCM82633A004352"
BAD_CHECK_VIN = "1HGCM82643A004352"  # position 9 changed


def fv(value: str | None, confidence: float = 0.99) -> FieldValue:
    return FieldValue(value=value, confidence=confidence)


def codes(doc_type: DocType, fields: FieldMap) -> list[str]:
    return [issue.code for issue in validate_fields(doc_type, fields, TODAY)]


def issue_fields(doc_type: DocType, fields: FieldMap, code: str) -> list[str | None]:
    return [issue.field for issue in validate_fields(doc_type, fields, TODAY) if issue.code == code]


def test_packages_resolve_to_this_repository() -> None:
    # `pipeline` and `validators` are also PyPI names: make sure ours are the ones imported.
    root = Path(__file__).resolve().parents[2]
    assert Path(validators.__file__).resolve().parent == root / "validators"
    assert Path(pipeline.__file__).resolve().parent == root / "pipeline"


# --- VIN and states -------------------------------------------------------------------------


@pytest.mark.parametrize("vin", [VALID_VIN, "1M8GDM9AXKP042788", "11111111111111111"])
def test_valid_vins(vin: str) -> None:
    assert is_valid_vin(vin)


def test_check_digit_x() -> None:
    assert expected_check_digit("1M8GDM9AXKP042788") == "X"


@pytest.mark.parametrize(
    "vin", [BAD_CHECK_VIN, "1HGCM82633A00435", "1HGCM82633A0043521", "IHGCM82633A004352", ""]
)
def test_invalid_vins(vin: str) -> None:
    assert not is_valid_vin(vin)


def test_state_codes_and_names() -> None:
    assert is_us_state_code("CA") and is_us_state_code("dc") and is_us_state_code("PR")
    assert not is_us_state_code("XX") and not is_us_state_code("ON")
    assert state_code_from_text("California") == "CA"
    assert state_code_from_text(" new  york ") == "NY"
    assert state_code_from_text("tx") == "TX"
    assert state_code_from_text("Ontario") is None


# --- records --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("record_type", "catalogue"),
    [
        (ClaimFormRecord, CLAIM_FORM_FIELDS),
        (PartyRecord, PARTY_FIELDS),
        (ClaimRowRecord, CLAIM_ROW_FIELDS),
    ],
)
def test_record_fields_follow_the_contract(record_type: type, catalogue: dict) -> None:
    assert set(record_type.model_fields) == set(catalogue)


def test_document_records_follow_the_contract() -> None:
    assert set(PoliceReportRecord.model_fields) == set(POLICE_REPORT_FIELDS) | {"parties"}
    assert set(LossRunRecord.model_fields) == set(LOSS_RUN_FIELDS) | {"claims"}


def test_record_values_are_typed() -> None:
    parsed = record_from_fields(
        DocType.LOSS_RUN,
        {
            "valuation_date": fv("2026-06-30"),
            "total_paid": fv("12345.6"),
            "claim_count": fv("1"),
            "claims": [{"status": fv("Closed"), "paid": fv("-50.00"), "date_of_loss": fv(None)}],
        },
    )
    record = parsed.record
    assert isinstance(record, LossRunRecord) and parsed.issues == ()
    assert record.valuation_date == date(2026, 6, 30)
    assert record.total_paid == Decimal("12345.60")
    assert record.claim_count == 1
    assert record.claims[0].status is ClaimStatus.CLOSED
    assert record.claims[0].paid == Decimal("-50.00")
    assert record.claims[0].date_of_loss is None


def test_claim_form_record_time_and_enum() -> None:
    record = record_from_fields(
        DocType.CLAIM_FORM, {"time_of_loss": fv("14:05"), "form_kind": fv("auto")}
    ).record
    assert isinstance(record, ClaimFormRecord)
    assert record.time_of_loss == time(14, 5)
    assert record.form_kind is FormKind.AUTO


def test_unparseable_values_become_issues_not_exceptions() -> None:
    parsed = record_from_fields(
        DocType.LOSS_RUN,
        {
            "valuation_date": fv("06/30/2026"),
            "total_paid": fv("$1,200.00"),
            "claim_count": fv("three"),
            "claims": [{"incurred": fv("2026-13-01")}, {"date_of_loss": fv("2026-02-30")}],
        },
    )
    assert [(issue.code, issue.field) for issue in parsed.issues] == [
        ("unparseable", "valuation_date"),
        ("unparseable", "total_paid"),
        ("unparseable", "claim_count"),
        ("unparseable", "claims[0].incurred"),
        ("unparseable", "claims[1].date_of_loss"),
    ]
    record = parsed.record
    assert isinstance(record, LossRunRecord)
    assert record.valuation_date is None and record.claims[1].date_of_loss is None


def test_wrong_shapes_become_issues() -> None:
    parsed = record_from_fields(
        DocType.LOSS_RUN,
        {"insured_name": [], "claims": fv("not a list")},  # type: ignore[dict-item]
    )
    assert {(issue.code, issue.field) for issue in parsed.issues} == {
        ("unparseable", "insured_name"),
        ("unparseable", "claims"),
    }


def test_other_documents_have_no_record_and_no_issues() -> None:
    assert record_from_fields(DocType.OTHER, {"x": fv("y")}).record is None
    assert validate_fields(DocType.OTHER, {"x": fv("y")}, TODAY) == []


# --- loss run rules -------------------------------------------------------------------------


def claim_row(
    number: str,
    paid: str | None,
    reserve: str | None,
    incurred: str | None,
    status: str = "open",
    date_of_loss: str = "2026-01-15",
) -> dict[str, FieldValue]:
    return {
        "claim_number": fv(number),
        "date_of_loss": fv(date_of_loss),
        "status": fv(status),
        "paid": fv(paid),
        "reserve": fv(reserve),
        "incurred": fv(incurred),
    }


def clean_loss_run() -> FieldMap:
    return {
        "carrier_name": fv("Acme Mutual"),
        "insured_name": fv("Acme Bakery LLC"),
        "valuation_date": fv("2026-06-30"),
        "claims": [
            claim_row("CL-1", "1200.00", "300.00", "1500.00"),
            claim_row("CL-2", "800.50", "0.00", "800.50", status="closed"),
            claim_row("CL-3", "0.00", "2500.00", "2500.00", status="reopened"),
        ],
        "total_paid": fv("2000.50"),
        "total_reserve": fv("2800.00"),
        "total_incurred": fv("4800.50"),
        "claim_count": fv("3"),
    }


def test_clean_loss_run_has_no_issues() -> None:
    assert validate_fields(DocType.LOSS_RUN, clean_loss_run(), TODAY) == []


def test_incurred_must_equal_paid_plus_reserve_to_the_cent() -> None:
    fields = clean_loss_run()
    fields["claims"][1]["incurred"] = fv("800.51")  # type: ignore[index]
    fields["total_incurred"] = fv("4800.51")
    assert issue_fields(DocType.LOSS_RUN, fields, "incurred_mismatch") == ["claims[1].incurred"]
    assert "total_mismatch:incurred" not in codes(DocType.LOSS_RUN, fields)


def test_blank_money_cell_counts_as_zero() -> None:
    fields = clean_loss_run()
    fields["claims"][1]["reserve"] = fv(None)  # type: ignore[index]
    assert validate_fields(DocType.LOSS_RUN, fields, TODAY) == []


@pytest.mark.parametrize("column", ["paid", "reserve", "incurred"])
def test_printed_totals_must_equal_row_sums(column: str) -> None:
    fields = clean_loss_run()
    fields[f"total_{column}"] = fv("1.00")
    assert codes(DocType.LOSS_RUN, fields) == [f"total_mismatch:{column}"]


def test_claim_count_must_equal_rows() -> None:
    fields = clean_loss_run()
    fields["claim_count"] = fv("4")
    assert issue_fields(DocType.LOSS_RUN, fields, "claim_count_mismatch") == ["claim_count"]


def test_duplicate_claim_numbers() -> None:
    fields = clean_loss_run()
    fields["claims"][2]["claim_number"] = fv("cl-1")  # type: ignore[index]
    assert issue_fields(DocType.LOSS_RUN, fields, "duplicate_claim_number") == [
        "claims[2].claim_number"
    ]


def test_status_vocabulary() -> None:
    fields = clean_loss_run()
    fields["claims"][0]["status"] = fv("pending")  # type: ignore[index]
    assert issue_fields(DocType.LOSS_RUN, fields, "invalid_status") == ["claims[0].status"]


def test_negative_reserve() -> None:
    fields = clean_loss_run()
    fields["claims"] = [claim_row("CL-1", "100.00", "-20.00", "80.00")]
    fields.update(total_paid=fv(None), total_reserve=fv(None), total_incurred=fv(None))
    fields["claim_count"] = fv("1")
    assert codes(DocType.LOSS_RUN, fields) == ["negative_reserve"]


def test_loss_after_valuation_date() -> None:
    fields = clean_loss_run()
    fields["claims"][0]["date_of_loss"] = fv("2026-07-01")  # type: ignore[index]
    assert issue_fields(DocType.LOSS_RUN, fields, "loss_after_valuation") == [
        "claims[0].date_of_loss"
    ]


def test_closed_claim_with_reserve_is_a_warning() -> None:
    fields = clean_loss_run()
    fields["claims"][0]["status"] = fv("closed")  # type: ignore[index]
    issues = validate_fields(DocType.LOSS_RUN, fields, TODAY)
    assert [(issue.code, issue.severity, issue.field) for issue in issues] == [
        ("closed_with_reserve", "warning", "claims[0].reserve")
    ]


# --- claim form rules -----------------------------------------------------------------------


def clean_claim_form() -> FieldMap:
    return {
        "form_kind": fv("auto"),
        "carrier_name": fv("Acme Mutual"),
        "naic_code": fv("12345"),
        "policy_number": fv("PA-2254257"),
        "date_of_loss": fv("2026-03-14"),
        "insured_name": fv("Jane Q Public"),
        "insured_phone": fv("5551234567"),
        "insured_email": fv("jane.public@example.com"),
        "date_reported": fv("2026-03-15"),
        "vehicle_vin": fv(VALID_VIN),
        "vehicle_year": fv("2003"),
    }


def test_clean_claim_form_has_no_issues() -> None:
    assert validate_fields(DocType.CLAIM_FORM, clean_claim_form(), TODAY) == []


def test_claim_form_required_fields() -> None:
    fields = clean_claim_form()
    for name in ("policy_number", "date_of_loss", "insured_name", "form_kind"):
        fields[name] = fv(None)
    assert codes(DocType.CLAIM_FORM, fields) == [
        "missing:policy_number",
        "missing:date_of_loss",
        "missing:insured_name",
        "missing:form_kind",
    ]


def test_claim_form_missing_keys_count_as_missing() -> None:
    assert "missing:policy_number" in codes(DocType.CLAIM_FORM, {})


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("naic_code", "1234", "naic_format"),
        ("naic_code", "12A45", "naic_format"),
        ("vehicle_vin", BAD_CHECK_VIN, "vin_check_digit"),
        ("vehicle_vin", "1HGCM82633A00435", "vin_format"),
        ("vehicle_year", "1899", "vehicle_year_range"),
        ("vehicle_year", "2028", "vehicle_year_range"),
        ("insured_email", "jane.public@example", "email_format"),
        ("insured_email", "jane public@example.com", "email_format"),
        ("insured_phone", "555123456", "phone_format"),
        ("insured_phone", "25551234567", "phone_format"),
        ("form_kind", "marine", "invalid_form_kind"),
        ("date_reported", "2026-03-13", "reported_before_loss"),
        ("driver_name", "Nakamura", "person_name_incomplete"),
        ("insured_address", "7546 Cardinal St, Cedar Hollow, [A 50257", "address_state_unknown"),
        ("insured_address", "12 Elm Rd, Austin TK 78701-1234", "address_state_unknown"),
    ],
)
def test_claim_form_field_rules(field: str, value: str, code: str) -> None:
    fields = clean_claim_form()
    fields[field] = fv(value)
    assert issue_fields(DocType.CLAIM_FORM, fields, code) == [field]


@pytest.mark.parametrize("phone", ["5551234567", "15551234567"])
def test_phone_with_or_without_country_code(phone: str) -> None:
    fields = clean_claim_form()
    fields["insured_phone"] = fv(phone)
    assert codes(DocType.CLAIM_FORM, fields) == []


def test_next_model_year_is_allowed() -> None:
    fields = clean_claim_form()
    fields["vehicle_year"] = fv("2027")
    fields["vehicle_vin"] = fv(None)
    assert codes(DocType.CLAIM_FORM, fields) == []


def test_auto_notice_without_vehicle_is_a_warning() -> None:
    fields = clean_claim_form()
    fields["vehicle_vin"] = fv(None)
    fields["vehicle_year"] = fv(None)
    issues = validate_fields(DocType.CLAIM_FORM, fields, TODAY)
    assert [(issue.code, issue.severity) for issue in issues] == [
        ("auto_without_vehicle", "warning")
    ]
    fields["form_kind"] = fv("property")
    assert validate_fields(DocType.CLAIM_FORM, fields, TODAY) == []


# --- police report rules --------------------------------------------------------------------


def party(unit: str | None, **cells: str) -> dict[str, FieldValue]:
    return {"unit": fv(unit), **{name: fv(value) for name, value in cells.items()}}


def clean_police_report() -> FieldMap:
    return {
        "report_number": fv("2026-000123"),
        "crash_date": fv("2026-03-14"),
        "parties": [
            party(
                "1",
                driver_dob="1980-05-01",
                driver_license_state="CA",
                plate_state="CA",
                vehicle_vin=VALID_VIN,
            ),
            party("2", driver_license_state="NV", plate_state="PR", vehicle_year="2019"),
        ],
    }


def test_clean_police_report_has_no_issues() -> None:
    assert validate_fields(DocType.POLICE_REPORT, clean_police_report(), TODAY) == []


def test_police_report_required_fields() -> None:
    fields = clean_police_report()
    fields["report_number"] = fv(" ")
    del fields["crash_date"]
    assert codes(DocType.POLICE_REPORT, fields) == ["missing:report_number", "missing:crash_date"]


def test_units_unique_and_numbered_one_to_n() -> None:
    fields = clean_police_report()
    fields["parties"] = [party("1"), party("1"), party("5"), party(None)]
    issues = validate_fields(DocType.POLICE_REPORT, fields, TODAY)
    assert [(issue.code, issue.field) for issue in issues] == [
        ("duplicate_unit", "parties[1].unit"),
        ("unit_out_of_range", "parties[2].unit"),
        ("missing:unit", "parties[3].unit"),
    ]


def test_party_states_vin_and_year() -> None:
    fields = clean_police_report()
    fields["parties"][0]["driver_license_state"] = fv("XX")  # type: ignore[index]
    fields["parties"][1]["plate_state"] = fv("ON")  # type: ignore[index]
    fields["parties"][0]["vehicle_vin"] = fv(BAD_CHECK_VIN)  # type: ignore[index]
    fields["parties"][1]["vehicle_year"] = fv("1850")  # type: ignore[index]
    issues = validate_fields(DocType.POLICE_REPORT, fields, TODAY)
    assert sorted((issue.code, issue.field) for issue in issues) == [
        ("unknown_state", "parties[0].driver_license_state"),
        ("unknown_state", "parties[1].plate_state"),
        ("vehicle_year_range", "parties[1].vehicle_year"),
        ("vin_check_digit", "parties[0].vehicle_vin"),
    ]


def test_a_driver_named_by_one_word_goes_to_a_person() -> None:
    fields = clean_police_report()
    fields["parties"][0]["driver_name"] = fv("Okafor")  # type: ignore[index]
    fields["parties"][1]["driver_name"] = fv("Ana de la Cruz")  # type: ignore[index]
    issues = validate_fields(DocType.POLICE_REPORT, fields, TODAY)
    assert [(issue.code, issue.field, issue.severity) for issue in issues] == [
        ("person_name_incomplete", "parties[0].driver_name", "error"),
    ]


@pytest.mark.parametrize(
    "address",
    [
        "7546 Cardinal St, Cedar Hollow, IA 50257",
        "12 Elm Rd, Austin TX 78701-1234",
        "PO Box 12345",
        "10 Downing St, London SW1A 2AA",
        "88 Front St W, Toronto, ON M5V 2T6",
        "Mile marker 14, County Road 9",
    ],
)
def test_addresses_with_a_state_or_without_a_zip_pass(address: str) -> None:
    fields = clean_police_report()
    fields["parties"][0]["driver_address"] = fv(address)  # type: ignore[index]
    assert issue_fields(DocType.POLICE_REPORT, fields, "address_state_unknown") == []


def test_a_driver_address_with_a_misread_state_goes_to_a_person() -> None:
    fields = clean_police_report()
    fields["parties"][1]["driver_address"] = fv("949 Prospect Pkwy, Millbrook Falls, P4 17082")  # type: ignore[index]
    assert issue_fields(DocType.POLICE_REPORT, fields, "address_state_unknown") == [
        "parties[1].driver_address"
    ]


def test_driver_born_before_crash() -> None:
    fields = clean_police_report()
    fields["parties"][0]["driver_dob"] = fv("2026-03-14")  # type: ignore[index]
    assert issue_fields(DocType.POLICE_REPORT, fields, "dob_not_before_crash") == [
        "parties[0].driver_dob"
    ]


# --- no PII in messages ---------------------------------------------------------------------


def test_messages_never_repeat_values() -> None:
    canary_fields = clean_claim_form()
    canary_fields.update(
        insured_email=fv("canary.zqx@example"),
        insured_phone=fv("9998887"),
        naic_code=fv("CANARY"),
        vehicle_vin=fv("CANARYVIN"),
        date_reported=fv("1999-01-01"),
        form_kind=fv("canaryform"),
    )
    issues = validate_fields(DocType.CLAIM_FORM, canary_fields, TODAY)
    assert len(issues) >= 6
    for issue in issues:
        for canary in ("canary", "9998887", "1999"):
            assert canary not in issue.message.lower()


def test_loss_run_without_rows_must_print_a_zero_claim_count() -> None:
    """Regression: a real loss run whose claim table was not found (0 rows, no count, no totals)
    was auto-approved as if it reported no losses."""
    from pipeline.contract import DocType, FieldValue
    from validators import validate_fields

    def value(text: str | None) -> FieldValue:
        return FieldValue(value=text, confidence=0.99 if text else 0.1)

    base = {
        "carrier_name": value(None),
        "insured_name": value("Acme LLC"),
        "valuation_date": value("2022-03-01"),
        "total_paid": value(None),
        "total_reserve": value(None),
        "total_incurred": value(None),
        "claims": [],
    }
    silent = validate_fields(DocType.LOSS_RUN, {**base, "claim_count": value(None)})
    assert "no_claim_rows" in {issue.code for issue in silent}
    says_none = validate_fields(DocType.LOSS_RUN, {**base, "claim_count": value("0")})
    assert "no_claim_rows" not in {issue.code for issue in says_none}
