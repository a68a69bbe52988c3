"""Insurance rules for a police / crash report: required fields, units, states, VINs, ages."""

from __future__ import annotations

from collections.abc import Callable

from pipeline.contract import ValidationIssue
from validators.field_checks import (
    check_address_state,
    check_person_name,
    check_state,
    check_vehicle_year,
    check_vin,
)
from validators.options import ValidationOptions
from validators.records import PoliceReportRecord

REQUIRED_POLICE_REPORT_FIELDS = ("report_number", "crash_date")


def check_required(record: PoliceReportRecord, options: ValidationOptions) -> list[ValidationIssue]:
    return [
        ValidationIssue(
            code=f"missing:{name}",
            message="A required field of a police report is empty.",
            field=name,
        )
        for name in REQUIRED_POLICE_REPORT_FIELDS
        if getattr(record, name) is None
    ]


def check_units(record: PoliceReportRecord, options: ValidationOptions) -> list[ValidationIssue]:
    """Units are numbered 1..N, each once."""
    issues = []
    seen: set[int] = set()
    unit_count = len(record.parties)
    for index, party in enumerate(record.parties):
        path = f"parties[{index}].unit"
        if party.unit is None:
            issues.append(
                ValidationIssue(
                    code="missing:unit", message="Party has no unit number.", field=path
                )
            )
            continue
        if party.unit in seen:
            issues.append(
                ValidationIssue(
                    code="duplicate_unit",
                    message="Unit number appears on an earlier party too.",
                    field=path,
                )
            )
        elif not 1 <= party.unit <= unit_count:
            issues.append(
                ValidationIssue(
                    code="unit_out_of_range",
                    message="Unit number is outside 1 to the number of parties.",
                    field=path,
                )
            )
        seen.add(party.unit)
    return issues


def check_party_identifiers(
    record: PoliceReportRecord, options: ValidationOptions
) -> list[ValidationIssue]:
    issues = []
    for index, party in enumerate(record.parties):
        prefix = f"parties[{index}]."
        issues += check_state(party.driver_license_state, prefix + "driver_license_state")
        issues += check_state(party.plate_state, prefix + "plate_state")
        issues += check_vin(party.vehicle_vin, prefix + "vehicle_vin")
        issues += check_person_name(party.driver_name, prefix + "driver_name")
        issues += check_address_state(party.driver_address, prefix + "driver_address")
        issues += check_vehicle_year(
            party.vehicle_year, options.latest_model_year, prefix + "vehicle_year"
        )
    return issues


def check_born_before_crash(
    record: PoliceReportRecord, options: ValidationOptions
) -> list[ValidationIssue]:
    if record.crash_date is None:
        return []
    return [
        ValidationIssue(
            code="dob_not_before_crash",
            message="Driver's date of birth is not before the crash date.",
            field=f"parties[{index}].driver_dob",
        )
        for index, party in enumerate(record.parties)
        if party.driver_dob is not None and party.driver_dob >= record.crash_date
    ]


POLICE_REPORT_RULES: tuple[
    Callable[[PoliceReportRecord, ValidationOptions], list[ValidationIssue]], ...
] = (
    check_required,
    check_units,
    check_party_identifiers,
    check_born_before_crash,
)
