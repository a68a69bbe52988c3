"""Distractor: a business letter (a broker's cover letter); mentions a claim but is not a form."""

from __future__ import annotations

from datetime import date

from pipeline.contract import DocType
from sample_docs.generator.drawing import PdfBuilder
from sample_docs.generator.layouts.base import Fields, Layout, RenderContext, register
from sample_docs.generator.printed import DateStyle, format_date

BODIES = (
    "Enclosed please find the documents you requested in connection with the above matter. We have included "
    "the completed notice of loss, a copy of the police report and the current loss history for the account. "
    "Please let us know if any additional information is needed to set up the file.",
    "Thank you for your letter of last week. Our client has authorised us to share the attached materials for "
    "your review. We ask that all future correspondence regarding this account be directed to our office.",
    "As discussed on our call, the insured is seeking quotes for the coming renewal. The attached information "
    "should allow your underwriters to begin their review. We would appreciate an indication by the end of the month.",
)


@register
class Letter(Layout):
    name = "other/letter"
    doc_type = DocType.OTHER
    description = (
        "business cover letter on letterhead (mentions a claim and a policy, but is correspondence)"
    )

    def render(self, pdf: PdfBuilder, ctx: RenderContext) -> Fields:
        f = ctx.fake
        r = ctx.rng
        font = ctx.pick(("Times-Roman", "Helvetica"))
        sender_firm = f"{r.choice(('Ashdown', 'Pemberton', 'Galloway', 'Radcliffe'))} & {r.choice(('Kincaid', 'Lockhart', 'Yardley', 'Dawes'))} {r.choice(('LLP', 'Insurance Brokers', 'Risk Advisors'))}"
        city, state, zip_code = f.town()
        recipient = f.person()
        author = f.person()
        left = 72.0
        y = 72.0
        pdf.text(
            pdf.width / 2,
            y,
            sender_firm,
            font.replace("Roman", "Bold") if "Times" in font else "Helvetica-Bold",
            15,
            align="center",
        )
        y += 14
        pdf.text(
            pdf.width / 2,
            y,
            f"{f.street()}  |  {city}, {state} {zip_code}",
            font,
            9,
            align="center",
            gray=0.3,
        )
        y += 50
        pdf.text(
            left,
            y,
            format_date(f.date_between(date(2025, 1, 1), date(2026, 3, 1)), DateStyle.LONG),
            font,
            11,
        )
        y += 36
        for line in (
            recipient.full,
            "Claims Department",
            f.carrier().name,
            f.street(),
            f"{city}, {state} {zip_code}",
        ):
            pdf.text(left, y, line, font, 11)
            y += 14
        y += 20
        pdf.text(
            left,
            y,
            f"Re:  Our client {f.business()}",
            font.replace("Roman", "Bold") if "Times" in font else "Helvetica-Bold",
            11,
        )
        y += 28
        pdf.text(left, y, f"Dear {recipient.full}:", font, 11)
        y += 24
        y = pdf.paragraph(left, y, r.choice(BODIES), pdf.width - 2 * left, font, 11, leading=15)
        y += 14
        y = pdf.paragraph(
            left,
            y,
            "Should you have any questions, please do not hesitate to contact me directly.",
            pdf.width - 2 * left,
            font,
            11,
            leading=15,
        )
        y += 30
        pdf.text(left, y, "Sincerely,", font, 11)
        y += 50
        pdf.text(left, y, author.full, font, 11)
        pdf.text(
            left,
            y + 14,
            r.choice(("Account Executive", "Senior Partner", "Claims Advocate")),
            font,
            11,
        )
        y += 50
        pdf.text(left, y, "Enclosures", font, 9)
        pdf.end_page()
        return {}
