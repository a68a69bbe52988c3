"""Shared by the police-report layouts: how a driver's name is printed and the report's truth."""

from __future__ import annotations

from collections.abc import Callable

from pipeline.contract import DocType
from sample_docs.generator.content import PoliceReportContent, Unit
from sample_docs.generator.fake_data import Person
from sample_docs.generator.layouts.base import Fields, blank_fields
from sample_docs.generator.printed import single_spaced, time_truth

NameStyle = Callable[[Person], str]


def name_upper_last_first(p: Person) -> str:
    return f"{p.last}, {p.first} {p.middle}".upper()


def name_first_middle_last(p: Person) -> str:
    return p.full_middle


def name_first_last(p: Person) -> str:
    return p.full


def party_fields(unit: Unit, name_style: NameStyle, omitted: set[str] = frozenset()) -> Fields:
    v = unit.vehicle
    row: Fields = {
        "unit": str(unit.number),
        "driver_name": name_style(unit.driver),
        "driver_dob": unit.dob.isoformat(),
        "driver_license_number": unit.licence_number.upper(),
        "driver_license_state": unit.licence_state,
        "driver_address": unit.address.one_line,
        "vehicle_year": str(v.year),
        "vehicle_make": v.make,
        "vehicle_model": v.model,
        "vehicle_vin": v.vin,
        "plate_number": v.plate.upper(),
        "plate_state": v.plate_state,
        "insurer_name": unit.insurer,
        "insurer_policy_number": unit.insurer_policy.upper() if unit.insurer_policy else None,
    }
    for name in omitted:
        row[name] = None
    return row


def police_report_fields(
    r: PoliceReportContent,
    name_style: NameStyle,
    officer_name: str,
    omitted: set[str] = frozenset(),
    upper: bool = False,
) -> Fields:
    """The report's fields; `upper` when the layout prints every value in capitals."""
    fields = blank_fields(DocType.POLICE_REPORT)
    fields.update(
        report_number=r.report_number.upper(),
        agency_name=r.agency,
        crash_date=r.crash_date.isoformat(),
        crash_time=time_truth(r.crash_time),
        crash_location=single_spaced(r.crash_location),
        officer_name=officer_name,
        officer_badge=r.badge.upper(),
        narrative=single_spaced(r.narrative),
        parties=[party_fields(u, name_style) for u in r.units],
    )
    for name in omitted:
        fields[name] = None
    return _upper(fields) if upper else fields


def _upper(value):
    if isinstance(value, str):
        return value.upper()
    if isinstance(value, list):
        return [_upper(v) for v in value]
    if isinstance(value, dict):
        return {k: _upper(v) for k, v in value.items()}
    return value
