"""Distractor: a body shop's repair invoice (money, dates, a VIN) that is none of our three types."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pipeline.contract import DocType
from sample_docs.generator.content import money
from sample_docs.generator.drawing import PdfBuilder
from sample_docs.generator.layouts.base import Fields, Layout, RenderContext, register
from sample_docs.generator.printed import DateStyle, MoneyStyle, format_date, format_money

PARTS = ("Rear bumper cover", "Bumper reinforcement", "Tail lamp assembly LH", "Trunk lid", "Paint materials",
         "Body labor (hrs)", "Refinish labor (hrs)", "Frame setup and pull", "Headlamp assembly RH", "Hood panel",
         "Windshield", "Moulding clips", "Hazardous waste disposal")  # fmt: skip


@register
class Invoice(Layout):
    name = "other/invoice"
    doc_type = DocType.OTHER
    description = "collision repair invoice: line items, tax and total (insurance-adjacent but not a claim document)"

    def render(self, pdf: PdfBuilder, ctx: RenderContext) -> Fields:
        f = ctx.fake
        r = ctx.rng
        shop = f"{f.business().split()[0]} Collision Center"
        city, state, zip_code = f.town()
        customer = f.person()
        vehicle = f.vehicle(state)
        left = 50.0
        y = 60.0
        pdf.text(left, y, shop, "Helvetica-Bold", 16)
        pdf.text(pdf.width - left, y, "INVOICE", "Helvetica-Bold", 20, align="right", gray=0.3)
        y += 14
        pdf.text(left, y, f"{f.street()}, {city}, {state} {zip_code}", "Helvetica", 9)
        y += 30
        pdf.text(pdf.width - left - 150, y, f"Invoice #: {r.randint(10000, 99999)}", "Helvetica", 9)
        pdf.text(
            pdf.width - left - 150,
            y + 13,
            f"Date: {format_date(f.date_between(*_WINDOW), DateStyle.US_SLASH)}",
            "Helvetica",
            9,
        )
        pdf.text(left, y, "Bill To:", "Helvetica-Bold", 9)
        pdf.text(left, y + 13, customer.full, "Helvetica", 9)
        pdf.text(left, y + 26, f.street(), "Helvetica", 9)
        y += 54
        pdf.text(
            left,
            y,
            f"Vehicle: {vehicle.year} {vehicle.make} {vehicle.model}    VIN: {vehicle.vin}    RO #{r.randint(1000, 9999)}",
            "Helvetica",
            9,
        )
        y += 22
        pdf.rect(left, y, pdf.width - 2 * left, 16, line=0, fill_gray=0.15, stroke=False)
        for label, x, align in (
            ("Description", left + 6, "left"),
            ("Qty", 380, "right"),
            ("Unit Price", 460, "right"),
            ("Amount", pdf.width - left - 6, "right"),
        ):
            pdf.text(x, y + 11, label, "Helvetica-Bold", 9, align=align, gray=1.0)
        y += 30
        subtotal = Decimal("0.00")
        for part in r.sample(PARTS, k=r.randint(5, 9)):
            qty = r.randint(1, 6)
            price = money(r, 20, 900)
            amount = price * qty
            subtotal += amount
            pdf.text(left + 6, y, part, "Helvetica", 9)
            pdf.text(380, y, str(qty), "Helvetica", 9, align="right")
            pdf.text(460, y, format_money(price, MoneyStyle.DOLLAR), "Helvetica", 9, align="right")
            pdf.text(
                pdf.width - left - 6,
                y,
                format_money(amount, MoneyStyle.DOLLAR),
                "Helvetica",
                9,
                align="right",
            )
            pdf.hline(left, pdf.width - left, y + 5, line=0.2, gray=0.6)
            y += 18
        tax = (subtotal * Decimal("0.0625")).quantize(Decimal("0.01"))
        y += 10
        for label, value in (
            ("Subtotal", subtotal),
            ("Sales tax 6.25%", tax),
            ("Total Due", subtotal + tax),
        ):
            pdf.text(
                460,
                y,
                label,
                "Helvetica-Bold" if label == "Total Due" else "Helvetica",
                10,
                align="right",
            )
            pdf.text(
                pdf.width - left - 6,
                y,
                format_money(value, MoneyStyle.DOLLAR),
                "Helvetica-Bold",
                10,
                align="right",
            )
            y += 16
        y += 30
        pdf.text(
            left,
            y,
            "Payment due within 30 days. Thank you for your business!",
            "Helvetica-Oblique",
            9,
        )
        pdf.end_page()
        return {}


_WINDOW = (date(2025, 1, 1), date(2026, 3, 1))
