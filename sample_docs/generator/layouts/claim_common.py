"""Shared by the claim-form layouts: label vocabularies and the truth of a printed notice."""

from __future__ import annotations

from pipeline.contract import DocType
from sample_docs.generator.content import ClaimFormContent
from sample_docs.generator.layouts.base import Fields, blank_fields
from sample_docs.generator.printed import (
    PhoneStyle,
    money_truth,
    phone_truth,
    single_spaced,
    time_truth,
)

POLICY_LABELS = ("Policy No.", "Policy #", "Policy Number")
LOSS_DATE_LABELS = ("Date of Loss", "Loss Date", "DOL")
AUTO_LOSS_DATE_LABELS = ("Date of Loss", "Loss Date", "Accident Date", "DOL")
KIND_TITLES = {
    "property": (
        "Property Loss Notice",
        "Property Claim Report",
        "Homeowners / Property Loss Report",
    ),
    "auto": ("Automobile Loss Notice", "Auto Claim Report", "Vehicle Accident Claim Form"),
    "liability": (
        "General Liability Notice of Occurrence",
        "Liability Claim Report",
        "Liability Incident Report",
    ),
}
KIND_CHECK_LABELS = {"property": "Property", "auto": "Auto", "liability": "Liability"}


def claim_form_fields(c: ClaimFormContent, phone_style: PhoneStyle, omitted: set[str]) -> Fields:
    """The notice's catalogue fields as the contract's normal forms; `omitted` were not printed."""
    fields = blank_fields(DocType.CLAIM_FORM)
    fields.update(
        form_kind=c.kind,
        carrier_name=c.carrier.name,
        naic_code=c.carrier.naic,
        policy_number=c.policy_number.upper(),
        date_of_loss=c.loss_date.isoformat(),
        time_of_loss=time_truth(c.loss_time),
        loss_location=single_spaced(c.loss_location),
        insured_name=c.insured_name,
        insured_address=c.insured_address.one_line,
        insured_phone=phone_truth(c.insured_phone, phone_style),
        insured_email=c.insured_email,
        loss_description=single_spaced(c.loss_description),
        police_report_number=c.police_report_number.upper() if c.police_report_number else None,
        estimated_loss_amount=money_truth(c.estimated_loss),
        date_reported=c.date_reported.isoformat(),
    )
    if c.kind == "auto" and c.vehicle and c.driver:
        fields.update(
            vehicle_vin=c.vehicle.vin,
            vehicle_year=str(c.vehicle.year),
            vehicle_make=c.vehicle.make,
            vehicle_model=c.vehicle.model,
            vehicle_plate=c.vehicle.plate.upper(),
            driver_name=c.driver.full,
        )
    for name in omitted:
        fields[name] = None
    return fields
