"""Loss run from a broker's system: no ruling, every other claim on a light band, column headers
stacked on two lines ("Date of / Loss"), the insured and valuation in a boxed header, totals as
a summary block of "label: amount" lines instead of a totals row.

A holdout layout: it joins the "large" and "holdout" profiles only, so the rules were not
written while looking at it (see `plan.py`).
"""

from __future__ import annotations

from pipeline.contract import DocType
from sample_docs.generator.content import LINE_LABELS, build_loss_run
from sample_docs.generator.drawing import PdfBuilder, wrap
from sample_docs.generator.layouts.base import Fields, Layout, RenderContext, register
from sample_docs.generator.layouts.loss_run_common import STATUS_SPELLINGS, loss_run_fields
from sample_docs.generator.printed import DateStyle, MoneyStyle, format_date, format_money

# Two-line headers: (top line, bottom line) per column.
HEADERS = {
    "claim_number": (("Claim", "Number"), ("Claim", "No."), ("Clm", "Number")),
    "policy_number": (("Policy", "Number"), ("Policy", "No.")),
    "date_of_loss": (("Date of", "Loss"), ("Loss", "Date"), ("Accident", "Date")),
    "claimant": (("Claimant", "Name"), ("Injured /", "Claimant"), ("", "Claimant")),
    "description": (("Loss", "Description"), ("Cause /", "Description"), ("", "Description")),
    "status": (("Claim", "Status"), ("", "Status")),
    "paid": (("Total", "Paid"), ("Paid to", "Date"), ("Amount", "Paid")),
    "reserve": (("Outstanding", "Reserve"), ("Case", "Reserve"), ("O/S", "Reserve")),
    "incurred": (("Total", "Incurred"), ("Net", "Incurred"), ("", "Incurred")),
}
VALUATION_LABELS = ("Valued as of", "Valuation Date", "Losses Valued As Of", "Evaluation Date")
INSURED_LABELS = ("Insured", "Named Insured", "Account Name")
TITLES = ("Loss Run", "Claims History", "Loss Experience Summary", "Schedule of Losses")


@register
class BandedLossRun(Layout):
    name = "loss_run/banded"
    doc_type = DocType.LOSS_RUN
    description = "broker loss run: no ruling, alternate claims on grey bands, two-line stacked column headers, boxed header, totals as a 'label: amount' summary block"
    holdout = True

    def render(self, pdf: PdfBuilder, ctx: RenderContext) -> Fields:
        n_claims = 0 if ctx.options.get("no_losses") else ctx.options.get("claims", 30)
        insured = ctx.incident.insured.full if ctx.incident else None
        lr = build_loss_run(ctx.fake, n_claims, ctx.options.get("policies", 2), insured=insured)
        font = ctx.pick(("Helvetica", "Times-Roman"))
        bold = "Helvetica-Bold" if font == "Helvetica" else "Times-Bold"
        size = 7.5
        date_style = ctx.pick(
            (DateStyle.US_SLASH, DateStyle.DAY_MON_YYYY, DateStyle.US_SLASH_SHORT)
        )
        money_style = ctx.pick((MoneyStyle.DOLLAR, MoneyStyle.PLAIN, MoneyStyle.DOLLAR_PARENS))
        statuses = STATUS_SPELLINGS[ctx.pick(("full", "upper"))]
        headers = {key: ctx.pick(options) for key, options in HEADERS.items()}
        valuation_label = ctx.pick(VALUATION_LABELS)
        insured_label = ctx.pick(INSURED_LABELS)
        title = ctx.pick(TITLES).upper()
        d = lambda v: format_date(v, date_style)  # noqa: E731
        m = lambda v: format_money(v, money_style)  # noqa: E731

        margin = 32.0
        table_w = pdf.width - 2 * margin
        columns = [  # key, width fraction, align, value
            ("claim_number", 0.105, "left", lambda c: c.claim_number),
            ("policy_number", 0.12, "left", lambda c: c.policy_number),
            ("date_of_loss", 0.085, "left", lambda c: d(c.loss_date)),
            ("claimant", 0.125, "left", lambda c: c.claimant),
            ("description", 0.215, "left", lambda c: c.description),
            ("status", 0.07, "left", lambda c: statuses[c.status]),
            ("paid", 0.09, "right", lambda c: m(c.paid)),
            ("reserve", 0.095, "right", lambda c: m(c.reserve)),
            ("incurred", 0.095, "right", lambda c: m(c.incurred)),
        ]
        xs = [margin]
        for _, frac, _, _ in columns:
            xs.append(xs[-1] + table_w * frac)
        lead = size * 1.25
        rows = [
            [wrap(value(c), font, size, table_w * frac - 6) for _, frac, _, value in columns]
            for c in lr.claims
        ]
        heights = [max(len(cell) for cell in row) * lead + 5 for row in rows]

        def cell_x(index: int) -> float:
            _, frac, align, _ = columns[index]
            return xs[index] + table_w * frac - 3 if align == "right" else xs[index] + 3

        def column_headers(y: float) -> float:
            for index, (key, _, align, _) in enumerate(columns):
                top, bottom_word = headers[key]
                if top:
                    pdf.text(cell_x(index), y, top, bold, size, align=align)
                pdf.text(cell_x(index), y + lead, bottom_word, bold, size, align=align)
            pdf.hline(margin, margin + table_w, y + lead + 4, line=0.9)
            return y + lead + 10

        bottom = pdf.height - 60
        summary_h = 80.0
        pages: list[list[int]] = [[]]
        room = bottom - 190
        for i, h in enumerate(heights):
            if h > room and pages[-1]:
                pages.append([])
                room = bottom - 100
            pages[-1].append(i)
            room -= h
        if room < summary_h:
            pages.append([])
        n_pages = len(pages)
        band = 0
        for page_no, chunk in enumerate(pages, start=1):
            y = 44.0
            pdf.text(margin, y, lr.carrier.name, bold, 13)
            pdf.text(pdf.width - margin, y, title, bold, 11, align="right")
            y += 12
            if page_no == 1:
                pdf.rect(margin, y, table_w, 58, line=0.8)
                pdf.text(margin + 8, y + 15, f"{insured_label}:", bold, 9)
                pdf.text(margin + 90, y + 15, lr.insured, font, 9)
                pdf.text(margin + 90, y + 27, lr.insured_address.one_line, font, 8.5)
                pdf.text(margin + table_w / 2 + 40, y + 15, f"{valuation_label}:", bold, 9)
                pdf.text(margin + table_w / 2 + 150, y + 15, d(lr.valuation_date), font, 9)
                pdf.text(margin + table_w / 2 + 40, y + 27, "Prepared for:", bold, 9)
                pdf.text(margin + table_w / 2 + 150, y + 27, lr.agent, font, 8.5)
                lines = ", ".join(sorted({LINE_LABELS[p.line] for p in lr.policies}))
                pdf.text(margin + 8, y + 47, f"Lines of coverage: {lines}", font, 8)
                y += 80
            else:
                pdf.text(margin, y + 8, f"{lr.insured} - continued", font, 8)
                y += 28
            y = column_headers(y)
            for i in chunk:
                if band % 2 == 1:
                    pdf.rect(
                        margin, y - 2, table_w, heights[i], line=0, fill_gray=0.91, stroke=False
                    )
                band += 1
                for index, lines in enumerate(rows[i]):
                    align = columns[index][2]
                    for j, line in enumerate(lines):
                        pdf.text(
                            cell_x(index), y + lead - 1 + j * lead, line, font, size, align=align
                        )
                y += heights[i]
            if not lr.claims and page_no == 1:
                pdf.text(
                    margin, y + 20, "No claims reported for the policies and period shown.", bold, 9
                )
                y += 36
            if page_no == n_pages:
                y += 16
                pdf.text(margin, y, "SUMMARY", bold, 9)
                pdf.hline(margin, margin + 200, y + 4, line=0.6)
                y += 18
                for label, value in (
                    ("Number of Claims", str(len(lr.claims))),
                    ("Total Paid", m(lr.total_paid)),
                    ("Total Reserve", m(lr.total_reserve)),
                    ("Total Incurred", m(lr.total_incurred)),
                ):
                    pdf.text(margin, y, f"{label}:", bold, 8.5)
                    pdf.text(margin + 190, y, value, font, 8.5, align="right")
                    y += 13
            pdf.text(
                pdf.width / 2,
                pdf.height - 28,
                f"Page {page_no} of {n_pages}",
                font,
                7.5,
                align="center",
            )
            pdf.end_page()
        return loss_run_fields(lr)
