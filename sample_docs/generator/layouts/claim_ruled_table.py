"""Claim form printed from a carrier's claims portal: a ruled table of label cells beside value
cells (two pairs per row), a generic title, the kind of loss as a plain "Claim Type" value.

A holdout layout: it joins the "large" and "holdout" profiles only, so the rules were not
written while looking at it (see `plan.py`).
"""

from __future__ import annotations

from pipeline.contract import DocType
from sample_docs.generator.content import build_claim_form
from sample_docs.generator.drawing import PdfBuilder, wrap
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

TITLES = ("Claim Notification", "Notice of Claim", "Claim Submission Summary", "Loss Report")
KIND_VALUES = {
    "property": ("Property", "Homeowners", "Commercial Property"),
    "auto": ("Auto", "Automobile", "Commercial Auto", "Personal Auto"),
    "liability": ("General Liability", "Liability", "Premises Liability"),
}
KIND_LABELS = ("Claim Type", "Line of Business", "Type of Claim", "Loss Type")
POLICY = ("Policy Number", "Policy No.", "Contract Number", "Policy #")
LOSS_DATE = ("Date of Loss", "Date of Incident", "Incident Date", "Loss Date")
TIME = ("Time of Loss", "Approx. Time", "Time of Incident")
LOCATION = ("Loss Location", "Where did the loss occur?", "Location of Incident", "Place of Loss")
INSURED = ("Policyholder", "Insured Name", "Named Insured", "Name of Insured")
ADDRESS = ("Mailing Address", "Insured's Address", "Insured Mailing Address")
PHONE = ("Primary Phone", "Insured Phone", "Insured's Phone #")
EMAIL = ("Email Address", "Insured Email", "Insured E-mail")
DESCRIPTION = ("What happened?", "Description of Loss", "Loss Details", "Describe the loss")
POLICE = ("Police Report #", "Police/Fire Report #", "Police Case Number", "Police Report Number")
ESTIMATE = ("Estimated Loss Amount", "Estimated Damage", "Estimated Amount of Loss")
REPORTED = ("Date Reported", "Date Submitted", "Reported On", "Date of Notice")
CARRIER = ("Insurance Company", "Insurer", "Writing Company")
VIN = ("VIN", "Vehicle Identification Number", "VIN #")
PLATE = ("License Plate", "Plate Number", "Plate #")
DRIVER = ("Driver Name", "Name of Driver", "Operator Name")


@register
class RuledTableClaimForm(Layout):
    name = "claim_form/ruled_table"
    doc_type = DocType.CLAIM_FORM
    description = "claims-portal printout: ruled table with shaded label cells left of value cells, two pairs per row, generic title, kind of loss as a 'Claim Type' value"
    holdout = True

    def render(self, pdf: PdfBuilder, ctx: RenderContext) -> Fields:
        kind = ctx.options.get("kind", "property")
        c = build_claim_form(ctx.fake, kind, ctx.incident)
        font = ctx.pick(("Helvetica", "Times-Roman"))
        bold = "Helvetica-Bold" if font == "Helvetica" else "Times-Bold"
        size = ctx.pick((8.5, 9.0))
        phone_style = ctx.pick((PhoneStyle.PARENS, PhoneStyle.DASHES, PhoneStyle.DOTS))
        date_style = ctx.pick(
            (DateStyle.US_SLASH, DateStyle.DAY_MON_YYYY, DateStyle.WEEKDAY_LONG, DateStyle.ISO)
        )
        money_style = ctx.pick((MoneyStyle.DOLLAR, MoneyStyle.PLAIN))
        time_style = ctx.pick((TimeStyle.H12, TimeStyle.H24))
        omitted = {f for f in ("time_of_loss", "insured_email") if ctx.chance(0.3)}
        if ctx.options.get("omit_optional"):
            omitted |= {"time_of_loss", "insured_email"}
        d = lambda v: format_date(v, date_style)  # noqa: E731

        margin = 40.0
        table_w = pdf.width - 2 * margin
        label_w = table_w * 0.18
        value_w = table_w / 2 - label_w
        row_h = size + 9
        y = 46.0
        pdf.text(margin, y, c.carrier.name, bold, 14)
        pdf.text(pdf.width - margin, y, "Claims Service Center", font, 8, align="right", gray=0.35)
        y += 26
        pdf.text(margin, y, ctx.pick(TITLES), bold, 12)
        pdf.text(
            pdf.width - margin,
            y,
            f"Confirmation {ctx.rng.randint(10_000_000, 99_999_999)}",
            font,
            8,
            align="right",
        )
        y += 14

        def section(title: str) -> None:
            nonlocal y
            y += 6
            pdf.rect(margin, y, table_w, row_h, line=0.6, fill_gray=0.25)
            pdf.text(margin + 4, y + row_h - 5, title.upper(), bold, size, gray=1.0)
            y += row_h

        def pair_cells(x: float, label: str, value: str, lines: int = 1) -> None:
            h = row_h + (lines - 1) * (size + 2)
            pdf.rect(x, y, label_w, h, line=0.5, fill_gray=0.9)
            pdf.rect(x + label_w, y, value_w, h, line=0.5)
            label_lines = wrap(label, bold, size - 0.5, label_w - 6)
            for k, part in enumerate(label_lines[:2]):
                pdf.text(x + 3, y + size + 2 + k * (size + 1), part, bold, size - 0.5)
            for k, part in enumerate(wrap(value, font, size, value_w - 8)[:lines]):
                pdf.text(x + label_w + 4, y + size + 3 + k * (size + 2), part, font, size)

        def row(left: tuple[str, str] | None, right: tuple[str, str] | None = None) -> None:
            nonlocal y
            needed = 1
            for item in (left, right):
                if item:
                    label_lines = len(wrap(item[0], bold, size - 0.5, label_w - 6))
                    value_lines = len(wrap(item[1], font, size, value_w - 8))
                    needed = max(needed, min(2, label_lines), min(2, value_lines))
            for x, item in ((margin, left), (margin + table_w / 2, right)):
                if item:
                    pair_cells(x, item[0], item[1], needed)
                else:
                    pdf.rect(x, y, table_w / 2, row_h + (needed - 1) * (size + 2), line=0.5)
            y += row_h + (needed - 1) * (size + 2)

        def wide(label: str, value: str) -> None:
            nonlocal y
            lines = wrap(value, font, size, table_w - label_w - 8)
            label_lines = wrap(label, bold, size - 0.5, label_w - 6)[:2]
            h = max(row_h + (len(label_lines) - 1) * (size + 1), len(lines) * (size + 2) + 8)
            pdf.rect(margin, y, label_w, h, line=0.5, fill_gray=0.9)
            pdf.rect(margin + label_w, y, table_w - label_w, h, line=0.5)
            for k, part in enumerate(label_lines):
                pdf.text(margin + 3, y + size + 2 + k * (size + 1), part, bold, size - 0.5)
            for k, part in enumerate(lines):
                pdf.text(margin + label_w + 4, y + size + 3 + k * (size + 2), part, font, size)
            y += h

        section("Policy")
        row((ctx.pick(CARRIER), c.carrier.name), ("NAIC", c.carrier.naic))
        row(
            (ctx.pick(POLICY), c.policy_number),
            (ctx.pick(KIND_LABELS), ctx.pick(KIND_VALUES[kind])),
        )
        row((ctx.pick(REPORTED), d(c.date_reported)), ("Agent", c.agency_name))
        section("Policyholder")
        row(
            (ctx.pick(INSURED), c.insured_name),
            (ctx.pick(PHONE), format_phone(c.insured_phone, phone_style)),
        )
        address = ctx.pick(ADDRESS)
        email = None if "insured_email" in omitted else (ctx.pick(EMAIL), c.insured_email)
        row((address, c.insured_address.one_line), email)
        section("Loss")
        time_item = (
            None
            if "time_of_loss" in omitted
            else (ctx.pick(TIME), format_time(c.loss_time, time_style))
        )
        row((ctx.pick(LOSS_DATE), d(c.loss_date)), time_item)
        wide(ctx.pick(LOCATION), c.loss_location)
        wide(ctx.pick(DESCRIPTION), c.loss_description)
        row(
            (ctx.pick(ESTIMATE), format_money(c.estimated_loss, money_style)),
            (ctx.pick(POLICE), c.police_report_number) if c.police_report_number else None,
        )
        if kind == "auto" and c.vehicle and c.driver:
            v = c.vehicle
            section("Vehicle")
            row(("Year", str(v.year)), ("Make", v.make))
            row(("Model", v.model), (ctx.pick(VIN), v.vin))
            row((ctx.pick(PLATE), v.plate), (ctx.pick(DRIVER), c.driver.full))
        elif kind == "liability":
            section("Claimant")
            row(
                ("Claimant Name", c.claimant_name or ""),
                ("Injury Reported", ctx.pick(("Yes", "No"))),
            )
        y += 18
        pdf.text(
            margin,
            y,
            "Submitted electronically. Keep this summary for your records.",
            font,
            size - 1,
            gray=0.3,
        )
        pdf.end_page()
        return claim_form_fields(c, phone_style, omitted)
