"""Claim form, label-above in two columns under shaded section bars; the title names the kind."""

from __future__ import annotations

from pipeline.contract import DocType
from sample_docs.generator.content import build_claim_form
from sample_docs.generator.drawing import PdfBuilder
from sample_docs.generator.layouts.base import Fields, Layout, RenderContext, register
from sample_docs.generator.layouts.claim_common import (
    AUTO_LOSS_DATE_LABELS,
    KIND_TITLES,
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
class TwoColumnClaimForm(Layout):
    name = "claim_form/two_column"
    doc_type = DocType.CLAIM_FORM
    description = "claim report with labels above values in two columns, shaded section bars, kind named in the title (no checkboxes)"

    def render(self, pdf: PdfBuilder, ctx: RenderContext) -> Fields:
        kind = ctx.options.get("kind", "liability")
        c = build_claim_form(ctx.fake, kind, ctx.incident)
        label_font, value_font = ctx.pick(
            (("Helvetica", "Helvetica"), ("Helvetica", "Courier"), ("Times-Roman", "Times-Roman"))
        )
        label_size, value_size = ctx.pick(((7.0, 10.0), (7.5, 10.5), (6.5, 9.5)))
        phone_style = ctx.pick((PhoneStyle.PARENS, PhoneStyle.DOTS))
        date_style = ctx.pick((DateStyle.ISO, DateStyle.DAY_MON_YY, DateStyle.US_SLASH))
        money_style = ctx.pick((MoneyStyle.PLAIN, MoneyStyle.USD, MoneyStyle.DOLLAR))
        time_style = ctx.pick((TimeStyle.H24, TimeStyle.H12))
        omitted = {f for f in ("time_of_loss", "insured_email") if ctx.chance(0.35)}
        if ctx.options.get("omit_optional"):
            omitted |= {"time_of_loss", "insured_email"}
        policy_label = ctx.pick(POLICY_LABELS)
        loss_label = ctx.pick(AUTO_LOSS_DATE_LABELS if kind == "auto" else LOSS_DATE_LABELS)
        title = ctx.pick(KIND_TITLES[kind])
        d = lambda v: format_date(v, date_style)  # noqa: E731

        margin = 48.0
        col_w = (pdf.width - 2 * margin - 24) / 2
        cols = (margin, margin + col_w + 24)
        y = 48.0
        pdf.text(margin, y, c.carrier.name.upper(), "Helvetica-Bold", 10, gray=0.25)
        pdf.text(
            pdf.width - margin,
            y,
            f"NAIC {c.carrier.naic}",
            "Helvetica",
            8,
            align="right",
            gray=0.25,
        )
        y += 26
        pdf.text(margin, y, title, "Helvetica-Bold", 18)
        y += 14
        pdf.text(
            margin,
            y,
            "Please complete all sections. Incomplete reports may delay handling.",
            label_font,
            8,
            gray=0.35,
        )
        y += 16

        def bar(text: str) -> None:
            nonlocal y
            pdf.rect(margin, y, pdf.width - 2 * margin, 14, line=0, fill_gray=0.8, stroke=False)
            pdf.text(margin + 4, y + 10, text.upper(), "Helvetica-Bold", 8.5)
            y += 24

        def pair(left: tuple[str, str] | None, right: tuple[str, str] | None = None) -> None:
            nonlocal y
            for col, item in zip(cols, (left, right), strict=True):
                if item is None:
                    continue
                label, value = item
                pdf.text(col, y, label, label_font, label_size, gray=0.3)
                pdf.text(col, y + value_size + 3, value, value_font, value_size)
                pdf.hline(col, col + col_w, y + value_size + 6, line=0.4, gray=0.5)
            y += label_size + value_size + 16

        bar("Policy")
        pair((policy_label, c.policy_number), ("Date Reported", d(c.date_reported)))
        pair(("Agency", c.agency_name), ("Agency Contact", c.contact_name))
        bar("Insured")
        pair(
            ("Named Insured", c.insured_name), ("Phone", format_phone(c.insured_phone, phone_style))
        )
        pair(
            ("Street Address", c.insured_address.street),
            ("City, State, ZIP", c.insured_address.city_line),
        )
        if "insured_email" not in omitted:
            pair(("Email", c.insured_email))
        bar("Loss")
        time_item = (
            None
            if "time_of_loss" in omitted
            else ("Time of Loss", format_time(c.loss_time, time_style))
        )
        pair((loss_label, d(c.loss_date)), time_item)
        pair(
            ("Loss Location", c.loss_location),
            ("Police Report Number", c.police_report_number or ""),
        )
        pdf.text(cols[0], y, "Describe what happened", label_font, label_size, gray=0.3)
        y += value_size + 3
        y = pdf.paragraph(
            cols[0], y, c.loss_description, pdf.width - 2 * margin, value_font, value_size
        )
        y += 8
        pair(("Estimated Damage", format_money(c.estimated_loss, money_style)))
        if kind == "auto" and c.vehicle and c.driver:
            v = c.vehicle
            bar("Insured Vehicle and Driver")
            pair(("Vehicle Year", str(v.year)), ("Make", v.make))
            pair(("Model", v.model), ("VIN", v.vin))
            pair(("License Plate", v.plate), ("Driver Name", c.driver.full))
        elif kind == "liability":
            bar("Claimant")
            pair(
                ("Claimant Name", c.claimant_name or ""),
                ("Injury Reported", ctx.pick(("Yes", "No", "Unknown"))),
            )
        pdf.text(
            margin,
            pdf.height - 30,
            f"Form CR-{ctx.rng.randint(10, 99)} Rev. 2025",
            label_font,
            7,
            gray=0.4,
        )
        pdf.end_page()
        return claim_form_fields(c, phone_style, omitted)
