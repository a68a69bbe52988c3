"""Distractor: a personal auto policy declarations page: insurance-flavoured, none of our types."""

from __future__ import annotations

from datetime import date

from pipeline.contract import DocType
from sample_docs.generator.content import money
from sample_docs.generator.drawing import PdfBuilder
from sample_docs.generator.layouts.base import Fields, Layout, RenderContext, register
from sample_docs.generator.printed import DateStyle, MoneyStyle, format_date, format_money

COVERAGES = (("Bodily Injury Liability", "$100,000 each person / $300,000 each accident"),
             ("Property Damage Liability", "$100,000 each accident"),
             ("Uninsured Motorists Bodily Injury", "$100,000 each person / $300,000 each accident"),
             ("Medical Payments", "$5,000 each person"),
             ("Comprehensive", "Actual cash value less $500 deductible"),
             ("Collision", "Actual cash value less $1,000 deductible"),
             ("Rental Reimbursement", "$40 per day / $1,200 maximum"))  # fmt: skip


@register
class Declarations(Layout):
    name = "other/declarations"
    doc_type = DocType.OTHER
    description = "personal auto policy declarations page: policy number, vehicles, coverages and premiums (no loss)"

    def render(self, pdf: PdfBuilder, ctx: RenderContext) -> Fields:
        f = ctx.fake
        r = ctx.rng
        carrier = f.carrier()
        insured = f.person()
        address = f.address()
        vehicles = [f.vehicle(address.state) for _ in range(r.randint(1, 2))]
        start = date(r.choice((2025, 2026)), r.randint(1, 12), 1)
        end = date(
            start.year + (start.month + 5) // 12, (start.month + 5) % 12 + 1, 1
        )  # six months on
        left = 48.0
        y = 54.0
        pdf.text(left, y, carrier.name, "Helvetica-Bold", 13)
        y += 22
        pdf.text(left, y, "PERSONAL AUTO POLICY DECLARATIONS", "Helvetica-Bold", 12)
        y += 12
        pdf.text(
            left,
            y,
            "This declarations page is part of your policy. Please read it carefully and keep it with your policy.",
            "Helvetica",
            8,
            gray=0.3,
        )
        y += 24
        rows = (("Named Insured", insured.full), ("Mailing Address", address.one_line), ("Policy Number", f.policy_number("auto")),
                ("Policy Period", f"{format_date(start, DateStyle.US_SLASH)} to {format_date(end, DateStyle.US_SLASH)} 12:01 AM standard time"),
                ("Agent", f"{f.person().full}, {f.phone_digits(address.state)[:3]}-555-01{r.randint(10, 99)}"))  # fmt: skip
        for label, value in rows:
            pdf.text(left, y, label, "Helvetica-Bold", 9)
            pdf.text(left + 120, y, value, "Helvetica", 9)
            y += 14
        y += 14
        pdf.text(left, y, "Covered Vehicles", "Helvetica-Bold", 10)
        y += 14
        for i, v in enumerate(vehicles, start=1):
            pdf.text(
                left + 8,
                y,
                f"Veh {i}:  {v.year} {v.make} {v.model}   VIN {v.vin}   Garaged: {address.city}, {address.state}",
                "Helvetica",
                9,
            )
            y += 13
        y += 14
        pdf.rect(left, y, pdf.width - 2 * left, 16, line=0.5, fill_gray=0.88)
        pdf.text(left + 4, y + 11, "Coverage", "Helvetica-Bold", 9)
        pdf.text(left + 220, y + 11, "Limits", "Helvetica-Bold", 9)
        pdf.text(pdf.width - left - 4, y + 11, "Premium", "Helvetica-Bold", 9, align="right")
        y += 30
        total = money(r, 0, 0)
        for name, limit in COVERAGES[: r.randint(5, 7)]:
            premium = money(r, 30, 600)
            total += premium
            pdf.text(left + 4, y, name, "Helvetica", 9)
            pdf.text(left + 220, y, limit, "Helvetica", 9)
            pdf.text(
                pdf.width - left - 4,
                y,
                format_money(premium, MoneyStyle.DOLLAR),
                "Helvetica",
                9,
                align="right",
            )
            y += 15
        pdf.hline(left, pdf.width - left, y - 8, line=0.5)
        y += 6
        pdf.text(left + 4, y, "Total Six-Month Premium", "Helvetica-Bold", 10)
        pdf.text(
            pdf.width - left - 4,
            y,
            format_money(total, MoneyStyle.DOLLAR),
            "Helvetica-Bold",
            10,
            align="right",
        )
        y += 34
        pdf.text(
            left, y, "Discounts applied: multi-policy, paperless, safe driver.", "Helvetica", 8.5
        )
        y += 13
        pdf.text(left, y, "Lienholder: none shown.", "Helvetica", 8.5)
        pdf.end_page()
        return {}
