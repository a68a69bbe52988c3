"""Loss run as stacked claim blocks: a shaded bar per claim, label-value pairs, a small money table."""

from __future__ import annotations

from decimal import Decimal

from pipeline.contract import DocType
from sample_docs.generator.content import LINE_LABELS, ClaimRow, build_loss_run
from sample_docs.generator.drawing import PdfBuilder, text_width, wrap
from sample_docs.generator.layouts.base import Fields, Layout, RenderContext, register
from sample_docs.generator.layouts.loss_run_common import (
    STATUS_SPELLINGS,
    HeaderWords,
    loss_run_fields,
    paginate,
)
from sample_docs.generator.printed import DateStyle, MoneyStyle, format_date, format_money


@register
class ClaimBlocksLossRun(Layout):
    name = "loss_run/claim_blocks"
    doc_type = DocType.LOSS_RUN
    description = "loss detail report: one shaded block per claim with label-value pairs and an indemnity/expense/total money table, summary at the end"

    def render(self, pdf: PdfBuilder, ctx: RenderContext) -> Fields:
        n_claims = 0 if ctx.options.get("no_losses") else ctx.options.get("claims", 10)
        lr = build_loss_run(
            ctx.fake,
            n_claims,
            ctx.options.get("policies", 1),
            insured=ctx.incident.insured.full if ctx.incident else None,
        )
        words = HeaderWords(ctx)
        font = ctx.pick(("Helvetica", "Helvetica", "Times-Roman"))
        bold = "Helvetica-Bold" if font == "Helvetica" else "Times-Bold"
        date_style = ctx.pick((DateStyle.US_SLASH_NOPAD, DateStyle.US_SLASH, DateStyle.LONG))
        money_style = ctx.pick((MoneyStyle.DOLLAR_PARENS, MoneyStyle.DOLLAR))
        statuses = STATUS_SPELLINGS["full"]
        d = lambda v: format_date(v, date_style)  # noqa: E731
        m = lambda v: format_money(v, money_style)  # noqa: E731
        margin = 40.0
        width = pdf.width - 2 * margin
        size = 8.0
        desc_w = width - 70
        # Expense share of paid and reserve: a block shows indemnity + expense = total.
        splits = [self._split(ctx, c) for c in lr.claims]
        heights = [
            16 + 14 + len(wrap(c.description, font, size, desc_w)) * 10 + 4 + 12 * 4 + 12
            for c in lr.claims
        ]
        first_top, later_top, bottom = 170.0, 80.0, pdf.height - 50
        chunks = paginate(heights, bottom - first_top, bottom - later_top, tail=110)
        n_pages = len(chunks)
        line_names = sorted({LINE_LABELS[p.line] for p in lr.policies})

        for page_no, chunk in enumerate(chunks, start=1):
            if page_no == 1:
                pdf.text(pdf.width / 2, 56, words.title, "Helvetica", 20, align="center")
                pdf.text(
                    pdf.width / 2,
                    82,
                    " / ".join(line_names),
                    "Helvetica",
                    12,
                    align="center",
                    gray=0.35,
                )
                pdf.text(margin, 108, "Name Insured:", bold, 8.5)
                pdf.text(margin + 70, 108, lr.insured, font, 8.5)
                pdf.text(pdf.width / 2 + 20, 108, f"{words.valuation}:", bold, 8.5)
                valuation = (
                    format_date(lr.valuation_date, DateStyle.WEEKDAY_LONG)
                    if date_style == DateStyle.LONG
                    else d(lr.valuation_date)
                )
                pdf.text(pdf.width / 2 + 100, 108, valuation, font, 8.5)
                pdf.text(margin, 122, "Carrier:", bold, 8.5)
                pdf.text(margin + 70, 122, lr.carrier.name, font, 8.5)
                pdf.text(pdf.width / 2 + 20, 122, "Producer:", bold, 8.5)
                pdf.text(pdf.width / 2 + 100, 122, lr.agent, font, 8.5)
                terms = ", ".join(f"{p.number} ({d(p.start)} - {d(p.end)})" for p in lr.policies)
                pdf.text(margin, 136, "Policies:", bold, 8.5)
                pdf.text(margin + 70, 136, terms, font, 8)
                y = first_top
            else:
                pdf.text(margin, 48, f"{words.title} - {lr.insured} (continued)", bold, 9)
                pdf.hline(margin, pdf.width - margin, 56, line=0.8)
                y = later_top
            for i in chunk:
                y = self._block(
                    pdf,
                    lr.claims[i],
                    splits[i],
                    y,
                    margin,
                    width,
                    words,
                    statuses,
                    d,
                    m,
                    font,
                    bold,
                    size,
                    desc_w,
                )
            if not lr.claims and page_no == 1:
                pdf.rect(margin, y, width, 40, line=0.6)
                pdf.text(
                    pdf.width / 2,
                    y + 24,
                    "No claims reported for the period shown.",
                    font,
                    10,
                    align="center",
                )
                y += 56
            if page_no == n_pages:
                y += 10
                pdf.rect(margin, y, width, 14, line=0.6, fill_gray=0.82)
                pdf.text(margin + 4, y + 10, "Loss Summary", bold, 9)
                pdf.text(margin + width * 0.45, y + 10, f"{words.count}: {len(lr.claims)}", bold, 9)
                y += 14
                cols = (
                    (words.paid, lr.total_paid),
                    (words.reserve, lr.total_reserve),
                    (words.incurred, lr.total_incurred),
                )
                for k, (label, value) in enumerate(cols):
                    x = margin + 20 + k * (width - 40) / 3
                    pdf.text(x, y + 14, label, bold, 8)
                    pdf.text(x, y + 28, m(value), font, 8.5)
                pdf.rect(margin, y, width, 36, line=0.6)
            else:
                pdf.text(pdf.width - margin, pdf.height - 34, "continued", font, 8, align="right")
            pdf.text(
                pdf.width - margin,
                pdf.height - 22,
                f"Page {page_no} of {n_pages}",
                font,
                8,
                align="right",
            )
            pdf.end_page()
        return loss_run_fields(lr)

    @staticmethod
    def _split(ctx: RenderContext, c: ClaimRow) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        """(indemnity paid, expense paid, indemnity reserve, expense reserve)."""
        cent = Decimal("0.01")
        share = Decimal(ctx.rng.choice((0, 5, 10, 15, 20))) / 100
        exp_paid = (c.paid * share).quantize(cent) if c.paid > 0 else Decimal("0.00")
        exp_res = (c.reserve * share).quantize(cent)
        return c.paid - exp_paid, exp_paid, c.reserve - exp_res, exp_res

    @staticmethod
    def _block(
        pdf, c: ClaimRow, split, y, margin, width, words, statuses, d, m, font, bold, size, desc_w
    ) -> float:
        ind_paid, exp_paid, ind_res, exp_res = split
        pdf.rect(margin, y, width, 16, line=0, fill_gray=0.86, stroke=False)
        items = ((words.claim_no, c.claim_number), (words.policy, c.policy_number), (words.loss_date, d(c.loss_date)),
                 (words.status, statuses[c.status]))  # fmt: skip
        x = margin + 4
        for label, value in items:
            pdf.text(x, y + 11, f"{label}:", bold, size)
            pdf.text(x + text_width(f"{label}:", bold, size) + 5, y + 11, value, font, size)
            x += width / 4
        y += 28
        pdf.text(margin + 4, y, f"{words.claimant}:", bold, size)
        pdf.text(
            max(margin + 70, margin + 12 + text_width(f"{words.claimant}:", bold, size)),
            y,
            c.claimant,
            font,
            size,
        )
        pdf.text(margin + width / 2, y, "Reported:", bold, size)
        pdf.text(margin + width / 2 + 50, y, d(c.reported_date), font, size)
        y += 12
        pdf.text(margin + 4, y, "Description:", bold, size)
        for line in wrap(c.description, font, size, desc_w):
            pdf.text(margin + 70, y, line, font, size)
            y += 10
        y += 4
        xs = [margin + 70 + k * 110 for k in range(4)]
        for x, label in zip(xs, ("", words.paid, words.reserve, words.incurred), strict=True):
            pdf.text(
                x + (100 if label else 0), y, label, bold, size, align="right" if label else "left"
            )
        y += 12
        rows = (
            ("Indemnity", ind_paid, ind_res),
            ("Expense", exp_paid, exp_res),
            ("Total", c.paid, c.reserve),
        )
        for name, paid, reserve in rows:
            f = bold if name == "Total" else font
            pdf.text(xs[0], y, name, f, size)
            for x, value in zip(xs[1:], (paid, reserve, paid + reserve), strict=True):
                pdf.text(x + 100, y, m(value), f, size, align="right")
            if name == "Expense":
                pdf.hline(xs[1] + 30, xs[3] + 100, y + 3, line=0.4)
            y += 12
        pdf.hline(margin, margin + width, y, line=0.3, gray=0.6)
        return y + 12
