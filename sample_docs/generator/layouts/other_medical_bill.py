"""Distractor: a medical billing statement (patient, CPT codes, charges, balance due)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from pipeline.contract import DocType
from sample_docs.generator.content import LOSS_WINDOW, money
from sample_docs.generator.drawing import PdfBuilder
from sample_docs.generator.layouts.base import Fields, Layout, RenderContext, register
from sample_docs.generator.printed import DateStyle, MoneyStyle, format_date, format_money

SERVICES = (("99283", "Emergency dept visit, moderate"), ("72040", "X-ray cervical spine, 2-3 views"),
            ("97110", "Therapeutic exercise, 15 min"), ("99213", "Office visit, established patient"),
            ("73110", "X-ray wrist, 3 views"), ("29125", "Application of short arm splint"),
            ("97140", "Manual therapy, 15 min"), ("J1885", "Injection, ketorolac 15 mg"))  # fmt: skip


@register
class MedicalBill(Layout):
    name = "other/medical_bill"
    doc_type = DocType.OTHER
    description = "hospital/clinic patient statement: service lines with CPT codes, insurance payments, balance due"

    def render(self, pdf: PdfBuilder, ctx: RenderContext) -> Fields:
        f = ctx.fake
        r = ctx.rng
        patient = f.person()
        city, state, zip_code = f.town()
        clinic = f"{city} {r.choice(('Regional Medical Center', 'Orthopedic Associates', 'Urgent Care', 'Physical Therapy'))}"
        left = 44.0
        y = 56.0
        pdf.text(left, y, clinic, "Helvetica-Bold", 14)
        pdf.text(pdf.width - left, y, "PATIENT STATEMENT", "Helvetica-Bold", 12, align="right")
        y += 13
        pdf.text(left, y, f"{f.street()}, {city}, {state} {zip_code}", "Helvetica", 8.5)
        y += 30
        start = f.date_between(*LOSS_WINDOW)
        for label, value in (("Patient", patient.full), ("Account #", str(r.randint(10000000, 99999999))),
                             ("Statement Date", format_date(start + timedelta(days=40), DateStyle.US_SLASH)),
                             ("Guarantor", patient.full), ("Primary Insurance", f.carrier().name)):  # fmt: skip
            pdf.text(left, y, f"{label}:", "Helvetica-Bold", 9)
            pdf.text(left + 110, y, value, "Helvetica", 9)
            y += 13
        y += 16
        heads = (("Date", left + 4, "left"), ("Code", left + 70, "left"), ("Description", left + 120, "left"),
                 ("Charges", 430, "right"), ("Payments/Adj", 500, "right"), ("Balance", pdf.width - left - 4, "right"))  # fmt: skip
        pdf.rect(left, y, pdf.width - 2 * left, 15, line=0.5, fill_gray=0.88)
        for label, x, align in heads:
            pdf.text(x, y + 11, label, "Helvetica-Bold", 8.5, align=align)
        y += 28
        balance = Decimal("0.00")
        for k, (code, desc) in enumerate(r.sample(SERVICES, k=r.randint(4, 7))):
            charge = money(r, 60, 2400)
            paid = -(charge * Decimal(r.choice(("0.6", "0.7", "0.8", "0")))).quantize(
                Decimal("0.01")
            )
            balance += charge + paid
            row = (
                format_date(start + timedelta(days=3 * k), DateStyle.US_SLASH),
                code,
                desc,
                format_money(charge, MoneyStyle.PLAIN),
                format_money(paid, MoneyStyle.PLAIN),
                format_money(charge + paid, MoneyStyle.PLAIN),
            )
            for (_, x, align), value in zip(heads, row, strict=True):
                pdf.text(x, y, value, "Helvetica", 8.5, align=align)
            y += 15
        y += 14
        pdf.hline(380, pdf.width - left, y - 10, line=0.8)
        pdf.text(500, y, "AMOUNT DUE", "Helvetica-Bold", 10, align="right")
        pdf.text(
            pdf.width - left - 4,
            y,
            format_money(balance, MoneyStyle.DOLLAR),
            "Helvetica-Bold",
            10,
            align="right",
        )
        y += 40
        pdf.rect(left, y, pdf.width - 2 * left, 60, line=0.5)
        pdf.text(
            left + 8,
            y + 16,
            "Please detach and return this portion with your payment. Questions about your bill?",
            "Helvetica",
            8.5,
        )
        pdf.text(
            left + 8, y + 30, "Call our billing office Monday-Friday 8am-5pm.", "Helvetica", 8.5
        )
        pdf.end_page()
        return {}
