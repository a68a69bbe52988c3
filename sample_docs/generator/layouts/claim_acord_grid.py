"""Claim form, ACORD-like: boxed cells with tiny upper-case labels above the values."""

from __future__ import annotations

from pipeline.contract import DocType
from sample_docs.generator.content import build_claim_form
from sample_docs.generator.drawing import PdfBuilder
from sample_docs.generator.layouts.base import Fields, Layout, RenderContext, register
from sample_docs.generator.layouts.claim_common import claim_form_fields
from sample_docs.generator.printed import (
    DateStyle,
    MoneyStyle,
    PhoneStyle,
    TimeStyle,
    format_date,
    format_money,
    format_phone,
    format_time,
)

TITLES = {
    "property": "PROPERTY LOSS NOTICE",
    "auto": "AUTOMOBILE LOSS NOTICE",
    "liability": "GENERAL LIABILITY NOTICE OF OCCURRENCE / CLAIM",
}


@register
class AcordGridClaimForm(Layout):
    name = "claim_form/acord_grid"
    doc_type = DocType.CLAIM_FORM
    description = "ACORD-like loss notice: boxed grid, small labels above values, line-of-business checkboxes marked X"

    def render(self, pdf: PdfBuilder, ctx: RenderContext) -> Fields:
        kind = ctx.options.get("kind", "auto")
        c = build_claim_form(ctx.fake, kind, ctx.incident)
        phone_style = ctx.pick((PhoneStyle.PARENS, PhoneStyle.DASHES))
        omitted = {f for f in ("time_of_loss", "insured_email") if ctx.chance(0.3)}
        if ctx.options.get("omit_optional"):
            omitted |= {"time_of_loss", "insured_email"}
        date_style = ctx.pick((DateStyle.US_SLASH, DateStyle.US_SLASH))  # the form says MM/DD/YYYY
        money_style = ctx.pick((MoneyStyle.DOLLAR, MoneyStyle.PLAIN))
        d = lambda v: format_date(v, date_style)  # noqa: E731

        left, width = 36.0, pdf.width - 72
        y = 40.0
        pdf.text(left, y, TITLES[kind], "Helvetica-Bold", 13)
        pdf.cell(left + width - 110, y - 14, 110, 24, "Date (MM/DD/YYYY)", d(c.date_reported))
        y += 14
        row_h = 24.0

        def row(cells: list[tuple[str, str, float]], h: float = row_h) -> None:
            nonlocal y
            x = left
            for label, value, frac in cells:
                w = width * frac
                pdf.cell(x, y, w, h, label, value)
                x += w
            y += h

        row(
            [
                ("Agency", c.agency_name, 0.4),
                ("Insurance Company (Carrier)", c.carrier.name, 0.45),
                ("NAIC Code", c.carrier.naic, 0.15),
            ]
        )
        row(
            [
                ("Agency Phone", format_phone(c.agent_phone, PhoneStyle.PARENS), 0.2),
                ("Contact", c.contact_name, 0.2),
                ("Policy Number", c.policy_number, 0.3),
                ("Date of Loss", d(c.loss_date), 0.15),
                (
                    "Time",
                    "" if "time_of_loss" in omitted else format_time(c.loss_time, TimeStyle.H12),
                    0.15,
                ),
            ]
        )
        # Line-of-business checkbox group: the kind is marked with an X.
        pdf.rect(left, y, width, 18, line=0.5)
        pdf.text(left + 3, y + 11, "LINE OF BUSINESS", "Helvetica", 5.5)
        x = left + 70
        for k, label in (
            ("auto", "AUTOMOBILE"),
            ("property", "PROPERTY / HOMEOWNERS"),
            ("liability", "GENERAL LIABILITY"),
        ):
            pdf.checkbox(x, y + 5, checked=(k == kind), mark="x")
            pdf.text(x + 11, y + 12, label, "Helvetica", 7)
            x += 130
        y += 18 + 8

        pdf.rect(left, y, width, 12, line=0.5, fill_gray=0.85)
        pdf.text(left + 3, y + 9, "INSURED", "Helvetica-Bold", 8)
        y += 12
        row(
            [
                (
                    "Name of Insured (First, Middle, Last)"
                    if not c.insured_is_business
                    else "Name of Insured",
                    c.insured_name,
                    0.45,
                ),
                ("Insured's Mailing Address", "", 0.55),
            ],
            h=34,
        )
        # The address cell holds two lines: street, then city/state/ZIP.
        pdf.text(left + width * 0.45 + 3, y - 34 + 17, c.insured_address.street, "Helvetica", 9)
        pdf.text(left + width * 0.45 + 3, y - 34 + 28, c.insured_address.city_line, "Helvetica", 9)
        row(
            [
                ("Primary Phone #", format_phone(c.insured_phone, phone_style), 0.3),
                (
                    "Primary E-Mail Address",
                    "" if "insured_email" in omitted else c.insured_email,
                    0.7,
                ),
            ]
        )
        y += 8

        pdf.rect(left, y, width, 12, line=0.5, fill_gray=0.85)
        pdf.text(left + 3, y + 9, "LOSS", "Helvetica-Bold", 8)
        y += 12
        row(
            [
                ("Location of Loss (Street, City, State)", c.loss_location, 0.7),
                ("Police or Fire Dept. Report #", c.police_report_number or "", 0.3),
            ]
        )
        row(
            [("Description of Loss (Use separate sheet if necessary)", c.loss_description, 1.0)],
            h=56,
        )
        row(
            [
                ("Estimated Amount of Loss", format_money(c.estimated_loss, money_style), 0.3),
                ("Reported By", c.contact_name, 0.4),
                ("Reported To", c.agency_name, 0.3),
            ]
        )
        y += 8

        if kind == "auto" and c.vehicle and c.driver:
            v = c.vehicle
            pdf.rect(left, y, width, 12, line=0.5, fill_gray=0.85)
            pdf.text(left + 3, y + 9, "INSURED VEHICLE", "Helvetica-Bold", 8)
            y += 12
            row(
                [
                    ("Veh #", "1", 0.07),
                    ("Year", str(v.year), 0.09),
                    ("Make", v.make, 0.16),
                    ("Model", v.model, 0.18),
                    ("V.I.N.", v.vin, 0.3),
                    ("Plate Number", v.plate, 0.13),
                    ("State", v.plate_state, 0.07),
                ]
            )
            relation = "Self" if c.driver.full == c.insured_name else "Permitted user"
            row(
                [
                    ("Driver's Name", c.driver.full, 0.45),
                    ("Relation to Insured", relation, 0.25),
                    ("Purpose of Use", ctx.pick(("Personal", "Commute", "Business")), 0.3),
                ]
            )
            y += 8
        elif kind == "liability":
            pdf.rect(left, y, width, 12, line=0.5, fill_gray=0.85)
            pdf.text(left + 3, y + 9, "INJURED / PROPERTY DAMAGED", "Helvetica-Bold", 8)
            y += 12
            row(
                [
                    ("Name of Injured Party / Owner", c.claimant_name or "", 0.45),
                    (
                        "Type of Premises",
                        ctx.pick(("Retail store", "Office", "Job site", "Restaurant")),
                        0.3,
                    ),
                    (
                        "Injured Taken To",
                        ctx.pick(("Not known", "Urgent care", "Hospital", "Refused treatment")),
                        0.25,
                    ),
                ]
            )
            y += 8
        else:
            pdf.rect(left, y, width, 12, line=0.5, fill_gray=0.85)
            pdf.text(left + 3, y + 9, "PROPERTY DETAILS", "Helvetica-Bold", 8)
            y += 12
            row(
                [
                    (
                        "Kind of Loss",
                        _peril(c.loss_description),
                        0.25,
                    ),
                    (
                        "Residence Type",
                        ctx.pick(("Single family", "Condo", "Commercial building")),
                        0.25,
                    ),
                    (
                        "Mortgagee",
                        ctx.pick(("None", "First Lakeshore Bank", "Union Prairie Credit Union")),
                        0.5,
                    ),
                ]
            )
            y += 8

        pdf.rect(left, y, width, 34, line=0.5)
        pdf.text(left + 3, y + 9, "REMARKS", "Helvetica", 5.5)
        pdf.text(
            left + 6,
            y + 22,
            "Adjuster to contact insured. Photos available on request.",
            "Helvetica",
            8,
        )
        y += 42
        pdf.text(
            left,
            pdf.height - 30,
            "LN-100 (2024/01)  Sample loss notice - the insured's copy",
            "Helvetica",
            6,
        )
        pdf.text(pdf.width - 36, pdf.height - 30, "Page 1 of 1", "Helvetica", 6, align="right")
        pdf.end_page()
        return claim_form_fields(c, phone_style, omitted)


def _peril(description: str) -> str:
    """The kind-of-loss box agrees with the description."""
    text = description.lower()
    for words, peril in (
        (("water", "pipe"), "Water"),
        (("fire", "smoke"), "Fire"),
        (("hail", "wind"), "Wind / Hail"),
        (("burglar", "stole", "theft"), "Theft"),
        (("lightning",), "Lightning"),
    ):
        if any(w in text for w in words):
            return peril
    return "Other"
