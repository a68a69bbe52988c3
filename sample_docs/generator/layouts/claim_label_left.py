"""Claim form, a carrier's own notice: letterhead, "Label: value" lines, filled-square checkboxes."""

from __future__ import annotations

from pipeline.contract import DocType
from sample_docs.generator.content import build_claim_form
from sample_docs.generator.drawing import PdfBuilder, text_width
from sample_docs.generator.layouts.base import Fields, Layout, RenderContext, register
from sample_docs.generator.layouts.claim_common import (
    AUTO_LOSS_DATE_LABELS,
    KIND_CHECK_LABELS,
    LOSS_DATE_LABELS,
    POLICY_LABELS,
    claim_form_fields,
)
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


@register
class LabelLeftClaimForm(Layout):
    name = "claim_form/label_left"
    doc_type = DocType.CLAIM_FORM
    description = "carrier's own first notice of loss: letterhead, 'Label: value' lines, kind-of-loss checkboxes as filled squares"

    def render(self, pdf: PdfBuilder, ctx: RenderContext) -> Fields:
        kind = ctx.options.get("kind", "property")
        c = build_claim_form(ctx.fake, kind, ctx.incident)
        font = ctx.pick(("Times-Roman", "Helvetica"))
        bold = "Times-Bold" if font == "Times-Roman" else "Helvetica-Bold"
        size = ctx.pick((9.5, 10.0, 10.5))
        phone_style = ctx.pick((PhoneStyle.DASHES, PhoneStyle.DOTS, PhoneStyle.INTERNATIONAL))
        date_style = ctx.pick((DateStyle.LONG, DateStyle.US_SLASH_SHORT, DateStyle.US_SLASH_NOPAD))
        money_style = ctx.pick((MoneyStyle.DOLLAR, MoneyStyle.USD))
        time_style = ctx.pick((TimeStyle.H12, TimeStyle.H24))
        omitted = {f for f in ("time_of_loss", "insured_email") if ctx.chance(0.35)}
        if ctx.options.get("omit_optional"):
            omitted |= {"time_of_loss", "insured_email"}
        # Some carriers print a kind-of-loss checkbox group; others name the kind in the title.
        use_checkboxes = ctx.options.get("checkboxes", ctx.chance(0.6))
        policy_label = ctx.pick(POLICY_LABELS)
        loss_label = ctx.pick(AUTO_LOSS_DATE_LABELS if kind == "auto" else LOSS_DATE_LABELS)
        d = lambda v: format_date(v, date_style)  # noqa: E731

        left = 54.0
        y = 50.0
        pdf.text(left, y, c.carrier.name, bold, 15)
        y += 14
        pdf.text(
            left,
            y,
            f"Claims Department  |  NAIC #{c.carrier.naic}  |  Report claims 24/7",
            font,
            8.5,
            gray=0.3,
        )
        pdf.hline(left, pdf.width - left, y + 6, line=1.2)
        y += 34
        kind_word = {"property": "Property", "auto": "Automobile", "liability": "Liability"}[kind]
        title = (
            "FIRST NOTICE OF LOSS"
            if use_checkboxes
            else f"FIRST NOTICE OF LOSS - {kind_word.upper()}"
        )
        pdf.text(pdf.width / 2, y, title, bold, 14, align="center")
        y += 26

        label_w = max(
            text_width(s + ":", bold, size)
            for s in (policy_label, loss_label, "Insured Address", "Phone")
        )
        label_w = max(label_w, 96)

        def line(label: str, value: str, x: float = left, w: float | None = None) -> None:
            pdf.text(x, y, f"{label}:", bold, size)
            pdf.text(x + label_w + 6, y, value, font, size)

        def section(title_: str) -> None:
            nonlocal y
            y += 8
            pdf.text(left, y, title_, bold, size + 1.5)
            pdf.hline(left, pdf.width - left, y + 3, line=0.5)
            y += 18

        if use_checkboxes:
            pdf.text(left, y, "Type of Loss:", bold, size)
            x = left + label_w + 6
            for k in ("auto", "property", "liability"):
                pdf.checkbox(x, y - 8, checked=(k == kind), mark="fill", size=9)
                pdf.text(x + 13, y, KIND_CHECK_LABELS[k], font, size)
                x += 90
            y += 20

        section("Policy Information")
        line(policy_label, c.policy_number)
        line("Date Reported", d(c.date_reported), x=pdf.width / 2 + 10)
        y += 16
        line("Agent", c.agency_name)
        y += 16
        section("Insured")
        line("Insured Name", c.insured_name)
        y += 16
        line("Insured Address", c.insured_address.street)
        y += size + 3
        pdf.text(left + label_w + 6, y, c.insured_address.city_line, font, size)
        y += 16
        line("Phone", format_phone(c.insured_phone, phone_style))
        if "insured_email" not in omitted:
            line("E-mail", c.insured_email, x=pdf.width / 2 + 10)
        y += 16
        section("Loss Details")
        line(loss_label, d(c.loss_date))
        if "time_of_loss" not in omitted:
            line("Time of Loss", format_time(c.loss_time, time_style), x=pdf.width / 2 + 10)
        y += 16
        line("Location of Loss", c.loss_location)
        y += 16
        if c.police_report_number:
            line("Police Report No.", c.police_report_number)
            y += 16
        line("Estimated Loss", format_money(c.estimated_loss, money_style))
        y += 20
        pdf.text(left, y, "Description of Loss:", bold, size)
        y += size + 5
        y = pdf.paragraph(left + 12, y, c.loss_description, pdf.width - 2 * left - 12, font, size)
        if kind == "auto" and c.vehicle and c.driver:
            v = c.vehicle
            section("Vehicle and Driver")
            line("Year / Make / Model", f"{v.year} {v.make} {v.model}")
            y += 16
            line("VIN", v.vin)
            line("Plate", f"{v.plate} ({v.plate_state})", x=pdf.width / 2 + 60)
            y += 16
            line("Driver", c.driver.full)
            y += 16
        elif kind == "liability":
            section("Claimant")
            line("Claimant Name", c.claimant_name or "")
            y += 16
        y += 24
        pdf.text(
            left,
            y,
            "I certify that the information above is true to the best of my knowledge.",
            font,
            size - 1,
        )
        y += 30
        pdf.hline(left, left + 200, y)
        pdf.hline(pdf.width / 2 + 10, pdf.width / 2 + 160, y)
        pdf.text(left, y + 10, "Signature", font, 7.5)
        pdf.text(pdf.width / 2 + 10, y + 10, "Date", font, 7.5)
        pdf.text(
            pdf.width / 2,
            pdf.height - 28,
            f"{c.carrier.name}  -  FNOL {ctx.rng.randint(100, 999)}",
            font,
            7,
            align="center",
            gray=0.4,
        )
        pdf.end_page()
        return claim_form_fields(c, phone_style, omitted)
