"""Checks of single values shared by the document rules: VIN, state, phone, email, NAIC, year.

Each returns the issues for one value at a field path; messages never repeat the value (PII).
"""

from __future__ import annotations

import re

from pipeline.contract import ValidationIssue
from validators.us_states import is_us_state_code
from validators.vin import VIN_LENGTH, has_vin_shape, is_valid_vin

EARLIEST_VEHICLE_YEAR = 1900

# Deliberately plain: one @, a dotted domain, no spaces. Deliverability is not our question.
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
_NAIC = re.compile(r"\d{5}")
# "..., Cedar Hollow, IA 50257": the two characters before a ZIP code at an address's end.
_STATE_BEFORE_ZIP = re.compile(r"(?:^|[\s,])(\S{2}),?\s+\d{5}(?:-\d{4})?$")


def check_vin(vin: str | None, path: str) -> list[ValidationIssue]:
    if vin is None:
        return []
    if not has_vin_shape(vin):
        return [
            ValidationIssue(
                code="vin_format",
                message=f"VIN is not {VIN_LENGTH} characters from the VIN alphabet (no I, O or Q).",
                field=path,
            )
        ]
    if not is_valid_vin(vin):
        return [
            ValidationIssue(
                code="vin_check_digit",
                message="VIN check digit (position 9) does not match the other characters.",
                field=path,
            )
        ]
    return []


def check_state(code: str | None, path: str) -> list[ValidationIssue]:
    if code is None or is_us_state_code(code):
        return []
    return [
        ValidationIssue(
            code="unknown_state",
            message="Not a US state or territory postal code.",
            field=path,
        )
    ]


def check_address_state(address: str | None, path: str) -> list[ValidationIssue]:
    """A US address ending in a ZIP code names a real state before it; OCR misreads ("IA" as
    "[A", "TX" as "TK") otherwise pass as a plausible address."""
    if address is None:
        return []
    match = _STATE_BEFORE_ZIP.search(address.strip())
    if match is None or is_us_state_code(match.group(1)):
        return []
    return [
        ValidationIssue(
            code="address_state_unknown",
            message="The address ends in a ZIP code, but what precedes it is not a US state code.",
            field=path,
        )
    ]


def check_phone(phone: str | None, path: str) -> list[ValidationIssue]:
    if phone is None:
        return []
    if phone.isdigit() and (len(phone) == 10 or (len(phone) == 11 and phone.startswith("1"))):
        return []
    return [
        ValidationIssue(
            code="phone_format",
            message="Phone number is not 10 digits (or 11 starting with country code 1).",
            field=path,
        )
    ]


def check_email(email: str | None, path: str) -> list[ValidationIssue]:
    if email is None or _EMAIL.fullmatch(email):
        return []
    return [ValidationIssue(code="email_format", message="Not a valid e-mail address.", field=path)]


def check_naic(naic: str | None, path: str) -> list[ValidationIssue]:
    if naic is None or _NAIC.fullmatch(naic):
        return []
    return [ValidationIssue(code="naic_format", message="NAIC code is not 5 digits.", field=path)]


def check_vehicle_year(
    year: int | None, latest_model_year: int, path: str
) -> list[ValidationIssue]:
    if year is None or EARLIEST_VEHICLE_YEAR <= year <= latest_model_year:
        return []
    return [
        ValidationIssue(
            code="vehicle_year_range",
            message=f"Vehicle year is outside {EARLIEST_VEHICLE_YEAR} to next year.",
            field=path,
        )
    ]


def check_person_name(name: str | None, path: str) -> list[ValidationIssue]:
    """A driver is named with at least a first and a last name; one word alone is usually a
    name cut short (a first name OCR set on another line, a wrapped cell), so a person looks."""
    if name is None or len(name.split()) >= 2:
        return []
    return [
        ValidationIssue(
            code="person_name_incomplete",
            message="A person's name has one word; a first or last name may be missing.",
            field=path,
        )
    ]
