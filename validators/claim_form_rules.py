"""Insurance rules for a first notice of loss: required fields, identifiers, contact, dates."""

from __future__ import annotations

from collections.abc import Callable

from pipeline.contract import ValidationIssue
from validators.field_checks import (
    check_address_state,
    check_email,
    check_naic,
    check_person_name,
    check_phone,
    check_vehicle_year,
    check_vin,
)
from validators.options import ValidationOptions
from validators.records import ClaimFormRecord, FormKind

REQUIRED_CLAIM_FORM_FIELDS = ("policy_number", "date_of_loss", "insured_name", "form_kind")
VEHICLE_FIELDS = ("vehicle_vin", "vehicle_year", "vehicle_make", "vehicle_model", "vehicle_plate")


def check_required(record: ClaimFormRecord, options: ValidationOptions) -> list[ValidationIssue]:
    return [
        ValidationIssue(
            code=f"missing:{name}",
            message="A required field of a loss notice is empty.",
            field=name,
        )
        for name in REQUIRED_CLAIM_FORM_FIELDS
        if getattr(record, name) is None
    ]


def check_identifiers(record: ClaimFormRecord, options: ValidationOptions) -> list[ValidationIssue]:
    return [
        *check_naic(record.naic_code, "naic_code"),
        *check_vin(record.vehicle_vin, "vehicle_vin"),
        *check_vehicle_year(record.vehicle_year, options.latest_model_year, "vehicle_year"),
    ]


def check_contact(record: ClaimFormRecord, options: ValidationOptions) -> list[ValidationIssue]:
    return [
        *check_phone(record.insured_phone, "insured_phone"),
        *check_email(record.insured_email, "insured_email"),
        *check_address_state(record.insured_address, "insured_address"),
        *check_person_name(record.driver_name, "driver_name"),
    ]


def check_reported_after_loss(
    record: ClaimFormRecord, options: ValidationOptions
) -> list[ValidationIssue]:
    if record.date_of_loss is None or record.date_reported is None:
        return []
    if record.date_of_loss <= record.date_reported:
        return []
    return [
        ValidationIssue(
            code="reported_before_loss",
            message="Date reported is before the date of loss.",
            field="date_reported",
        )
    ]


def check_auto_has_vehicle(
    record: ClaimFormRecord, options: ValidationOptions
) -> list[ValidationIssue]:
    if record.form_kind is not FormKind.AUTO:
        return []
    if any(getattr(record, name) is not None for name in VEHICLE_FIELDS):
        return []
    return [
        ValidationIssue(
            code="auto_without_vehicle",
            message="Automobile loss notice names no vehicle.",
            field="vehicle_vin",
            severity="warning",
        )
    ]


CLAIM_FORM_RULES: tuple[
    Callable[[ClaimFormRecord, ValidationOptions], list[ValidationIssue]], ...
] = (
    check_required,
    check_identifiers,
    check_contact,
    check_reported_after_loss,
    check_auto_has_vehicle,
)
