"""Loss run as a ruled grid: one row per claim, wrapped descriptions, header row on every page.

Two registered geometries share the drawing: the portrait grid with the nine catalogue columns,
and a landscape "wide" grid that also prints the reported date, line of business and the
indemnity/expense split of paid (so the table holds money columns that are not the totals).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from pipeline.contract import DocType
from sample_docs.generator.content import LINE_LABELS, ClaimRow, LossRunContent, build_loss_run
from sample_docs.generator.drawing import PdfBuilder, wrap
from sample_docs.generator.layouts.base import Fields, Layout, RenderContext, register
from sample_docs.generator.layouts.loss_run_common import (
    STATUS_SPELLINGS,
    HeaderWords,
    loss_run_fields,
    paginate,
)
from sample_docs.generator.printed import DateStyle, MoneyStyle, format_date, format_money

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Column:
    header: str
    width: float  # fraction of the table width
    value: Callable[[ClaimRow], str]
    align: str = "left"
    total: Callable[[], str] | None = None  # what the totals row prints under this column


@register
class GridLossRun(Layout):
    name = "loss_run/grid"
    doc_type = DocType.LOSS_RUN
    description = "carrier loss run as a ruled grid: header block, one row per claim, wrapped descriptions, column header repeated per page, totals row and claim count"
    landscape = False

    def columns(self, ctx, lr: LossRunContent, words: HeaderWords, d, m, statuses) -> list[Column]:
        return [
            Column(words.claim_no, 0.11, lambda c: c.claim_number),
            Column(words.policy, 0.12, lambda c: c.policy_number),
            Column(words.loss_date, 0.08, lambda c: d(c.loss_date)),
            Column(words.claimant, 0.13, lambda c: c.claimant),
            Column(words.description, 0.21, lambda c: c.description),
            Column(words.status, 0.07, lambda c: statuses[c.status]),
            Column(words.paid, 0.095, lambda c: m(c.paid), "right", lambda: m(lr.total_paid)),
            Column(
                words.reserve, 0.095, lambda c: m(c.reserve), "right", lambda: m(lr.total_reserve)
            ),
            Column(
                words.incurred, 0.1, lambda c: m(c.incurred), "right", lambda: m(lr.total_incurred)
            ),
        ]

    def render(self, pdf: PdfBuilder, ctx: RenderContext) -> Fields:
        n_claims = 0 if ctx.options.get("no_losses") else ctx.options.get("claims", 30)
        insured = ctx.incident.insured.full if ctx.incident else None
        lr = build_loss_run(ctx.fake, n_claims, ctx.options.get("policies", 2), insured=insured)
        words = HeaderWords(ctx)
        font = ctx.pick(("Helvetica", "Times-Roman"))
        bold = "Helvetica-Bold" if font == "Helvetica" else "Times-Bold"
        size = ctx.pick((7.5, 8.0))
        date_style = ctx.pick((DateStyle.US_SLASH, DateStyle.US_SLASH_NOPAD, DateStyle.ISO))
        money_style = ctx.pick((MoneyStyle.DOLLAR, MoneyStyle.PLAIN, MoneyStyle.DOLLAR_PARENS))
        statuses = STATUS_SPELLINGS[ctx.pick(("full", "upper", "full"))]
        d = lambda v: format_date(v, date_style)  # noqa: E731
        m = lambda v: format_money(v, money_style)  # noqa: E731
        columns = self.columns(ctx, lr, words, d, m, statuses)
        pdf.set_landscape(self.landscape)
        margin = 30.0
        table_w = pdf.width - 2 * margin
        xs = [margin]
        for col in columns:
            xs.append(xs[-1] + table_w * col.width)
        lead = size * 1.2
        rows = [
            [wrap(col.value(c), font, size, table_w * col.width - 6) for col in columns]
            for c in lr.claims
        ]
        heights = [max(len(cell) for cell in row) * lead + 6 for row in rows]
        header_h = 2 * lead + 6
        first_top, later_top, bottom = 206.0, 70.0, pdf.height - 54
        chunks = paginate(
            heights, bottom - first_top - header_h, bottom - later_top - header_h, tail=60
        )
        n_pages = len(chunks)

        def cell_x(col: Column, x: float) -> float:
            return x + table_w * col.width - 3 if col.align == "right" else x + 3

        for page_no, chunk in enumerate(chunks, start=1):
            pdf.set_landscape(self.landscape)
            if page_no == 1:
                self._first_header(pdf, lr, words, font, bold, d, margin)
                y = first_top
            else:
                pdf.text(margin, 44, f"{lr.carrier.name} - {words.title}", bold, 9)
                pdf.text(
                    margin,
                    56,
                    f"Insured: {lr.insured}   ({words.valuation} {d(lr.valuation_date)})  - continued",
                    font,
                    8,
                )
                y = later_top
            pdf.rect(margin, y, table_w, header_h, line=0.6, fill_gray=0.87)
            for col, x in zip(columns, xs, strict=False):
                for j, line in enumerate(wrap(col.header, bold, size, table_w * col.width - 6)[:2]):
                    pdf.text(cell_x(col, x), y + lead + j * lead, line, bold, size, align=col.align)
            y += header_h
            for i in chunk:
                for col, x, lines in zip(columns, xs, rows[i], strict=False):
                    for j, line in enumerate(lines):
                        pdf.text(
                            cell_x(col, x), y + lead + j * lead, line, font, size, align=col.align
                        )
                y += heights[i]
                pdf.hline(margin, margin + table_w, y, line=0.3, gray=0.4)
            if not lr.claims and page_no == 1:
                pdf.text(
                    pdf.width / 2,
                    y + 24,
                    "*** NO LOSSES REPORTED FOR THE PERIOD SHOWN ***",
                    bold,
                    10,
                    align="center",
                )
                y += 40
            if page_no == n_pages:
                y += 6
                pdf.rect(margin, y, table_w, lead + 8, line=0.8)
                pdf.text(margin + 3, y + lead + 2, "TOTALS", bold, size)
                for col, x in zip(columns, xs, strict=False):
                    if col.total:
                        pdf.text(
                            cell_x(col, x), y + lead + 2, col.total(), bold, size, align=col.align
                        )
                y += lead + 22
                pdf.text(margin, y, f"{words.count}: {len(lr.claims)}", bold, size + 1)
                pdf.text(
                    margin + 160,
                    y,
                    "Incurred = Paid + Reserve. Figures are gross of deductible.",
                    font,
                    size - 0.5,
                    gray=0.3,
                )
            else:
                pdf.text(
                    pdf.width - margin,
                    bottom + 12,
                    "Continued on next page",
                    font,
                    7.5,
                    align="right",
                )
            pdf.text(margin, pdf.height - 26, f"Run ID {lr.report_id}", font, 7, gray=0.35)
            pdf.text(
                pdf.width / 2,
                pdf.height - 26,
                f"Page {page_no} of {n_pages}",
                font,
                7.5,
                align="center",
            )
            pdf.end_page()
        return loss_run_fields(lr)

    @staticmethod
    def _first_header(
        pdf: PdfBuilder,
        lr: LossRunContent,
        words: HeaderWords,
        font: str,
        bold: str,
        d,
        margin: float,
    ) -> None:
        y = 50.0
        pdf.text(margin, y, lr.carrier.name, bold, 14)
        pdf.text(pdf.width - margin, y, words.title.upper(), bold, 12, align="right")
        y += 10
        pdf.hline(margin, pdf.width - margin, y, line=1.5)
        y += 20
        label_x, value_x = margin, margin + 90
        rhs_label, rhs_value = pdf.width / 2 + 30, pdf.width / 2 + 130
        pdf.text(label_x, y, "Insured:", bold, 9)
        pdf.text(value_x, y, lr.insured, font, 9)
        pdf.text(rhs_label, y, f"{words.valuation}:", bold, 9)
        pdf.text(rhs_value, y, d(lr.valuation_date), font, 9)
        y += 13
        pdf.text(value_x, y, lr.insured_address.one_line, font, 9)
        pdf.text(rhs_label, y, "Agency:", bold, 9)
        pdf.text(rhs_value, y, lr.agent, font, 9)
        y += 13
        pdf.text(rhs_label, y, "Report ID:", bold, 9)
        pdf.text(rhs_value, y, lr.report_id, font, 9)
        y += 22
        pdf.text(label_x, y, "Policies included in this report:", bold, 9)
        y += 13
        for p in lr.policies[:4]:
            pdf.text(
                label_x + 10,
                y,
                f"{p.number}   {LINE_LABELS[p.line]}   {d(p.start)} to {d(p.end)}",
                font,
                8.5,
            )
            y += 12


@register
class WideGridLossRun(GridLossRun):
    name = "loss_run/wide_grid"
    description = "landscape loss run grid with extra columns (reported date, line, indemnity and expense paid beside total paid), header repeated per page"
    landscape = True

    def columns(self, ctx, lr: LossRunContent, words: HeaderWords, d, m, statuses) -> list[Column]:
        # Expense share of each claim's paid: the table shows Ind. Paid + Exp. Paid = Total Paid.
        expense = {}
        for c in lr.claims:
            share = Decimal(ctx.rng.choice((0, 0, 10, 15, 25))) / 100
            expense[c.claim_number] = (
                (c.paid * share).quantize(CENT) if c.paid > 0 else Decimal("0.00")
            )
        total_exp = sum(expense.values(), Decimal("0.00"))
        paid_header = "Total Paid" if words.paid == "Paid" else words.paid
        return [
            Column(words.claim_no, 0.08, lambda c: c.claim_number),
            Column(words.policy, 0.085, lambda c: c.policy_number),
            Column(
                "Line",
                0.04,
                lambda c: {"auto": "AL", "property": "PR", "liability": "GL", "wc": "WC"}[c.line],
            ),
            Column(words.loss_date, 0.06, lambda c: d(c.loss_date)),
            Column("Date Reported", 0.06, lambda c: d(c.reported_date)),
            Column(words.claimant, 0.09, lambda c: c.claimant),
            Column(words.description, 0.155, lambda c: c.description),
            Column(words.status, 0.05, lambda c: statuses[c.status]),
            Column(
                "Ind. Paid",
                0.07,
                lambda c: m(c.paid - expense[c.claim_number]),
                "right",
                lambda: m(lr.total_paid - total_exp),
            ),
            Column(
                "Exp. Paid",
                0.065,
                lambda c: m(expense[c.claim_number]),
                "right",
                lambda: m(total_exp),
            ),
            Column(paid_header, 0.08, lambda c: m(c.paid), "right", lambda: m(lr.total_paid)),
            Column(
                words.reserve, 0.08, lambda c: m(c.reserve), "right", lambda: m(lr.total_reserve)
            ),
            Column(
                words.incurred,
                0.085,
                lambda c: m(c.incurred),
                "right",
                lambda: m(lr.total_incurred),
            ),
        ]
