"""Loss run grouped by policy, landscape: policy header rows, subtotal rows, a grand total.

The column header is printed only once; continuation pages carry a "continued" line instead,
as many carrier systems do.
"""

from __future__ import annotations

from decimal import Decimal

from pipeline.contract import DocType
from sample_docs.generator.content import LINE_LABELS, build_loss_run
from sample_docs.generator.drawing import PdfBuilder, wrap
from sample_docs.generator.layouts.base import Fields, Layout, RenderContext, register
from sample_docs.generator.layouts.loss_run_common import (
    STATUS_SPELLINGS,
    HeaderWords,
    loss_run_fields,
)
from sample_docs.generator.printed import DateStyle, MoneyStyle, format_date, format_money


@register
class GroupedLossRun(Layout):
    name = "loss_run/grouped"
    doc_type = DocType.LOSS_RUN
    description = "landscape loss run grouped by policy: policy header rows, per-policy subtotal rows, grand total with claim count, status as O/C/R"

    def render(self, pdf: PdfBuilder, ctx: RenderContext) -> Fields:
        n_claims = 0 if ctx.options.get("no_losses") else ctx.options.get("claims", 30)
        lr = build_loss_run(
            ctx.fake,
            n_claims,
            ctx.options.get("policies", 2),
            insured=ctx.incident.insured.full if ctx.incident else None,
        )
        words = HeaderWords(ctx)
        font = ctx.pick(("Courier", "Helvetica"))
        bold = "Courier-Bold" if font == "Courier" else "Helvetica-Bold"
        size = 7.5
        date_style = ctx.pick((DateStyle.DAY_MON_YY, DateStyle.ISO, DateStyle.US_SLASH_SHORT))
        money_style = ctx.pick((MoneyStyle.PLAIN, MoneyStyle.USD))
        letters = ctx.chance(0.7)
        statuses = STATUS_SPELLINGS["letter" if letters else "upper"]
        d = lambda v: format_date(v, date_style)  # noqa: E731
        m = lambda v: format_money(v, money_style)  # noqa: E731
        pdf.set_landscape(True)
        margin = 30.0
        table_w = pdf.width - 2 * margin
        columns = [  # (header, fraction, align)
            (words.claim_no, 0.1, "left"), (words.loss_date, 0.075, "left"), ("Reported", 0.075, "left"),
            (words.claimant, 0.13, "left"), (words.description, 0.275, "left"), (words.status, 0.045, "left"),
            (words.paid, 0.1, "right"), (words.reserve, 0.1, "right"), (words.incurred, 0.1, "right"),
        ]  # fmt: skip
        xs = [margin]
        for _, frac, _ in columns:
            xs.append(xs[-1] + table_w * frac)
        lead = size * 1.25

        # Lines to draw, in order: ("group", policy) | ("row", claim) | ("subtotal", policy, claims) | ("none",)
        items: list[tuple] = []
        for policy in lr.policies:
            claims = [c for c in lr.claims if c.policy_number == policy.number]
            items.append(("group", policy))
            items += [("row", c) for c in claims] or [("none",)]
            items.append(("subtotal", policy, claims))

        def height(item: tuple) -> float:
            if item[0] == "row":
                return len(wrap(item[1].description, font, size, table_w * 0.275 - 6)) * lead + 5
            return lead + 8

        bottom = pdf.height - 50
        page_no, y = 1, 0.0
        pages: list[list[tuple]] = [[]]
        room = bottom - 170
        for item in items:
            if height(item) > room:
                pages.append([])
                room = bottom - 70
            pages[-1].append(item)
            room -= height(item)
        if room < 50:
            pages.append([])
        n_pages = len(pages)

        for page_no, page_items in enumerate(pages, start=1):
            pdf.set_landscape(True)
            if page_no == 1:
                pdf.text(margin, 42, lr.carrier.name.upper(), bold, 12)
                pdf.text(
                    pdf.width - margin,
                    42,
                    f"{words.title.upper()} - BY POLICY",
                    bold,
                    11,
                    align="right",
                )
                pdf.text(margin, 62, f"INSURED: {lr.insured}", font, 9)
                pdf.text(margin, 75, f"ADDRESS: {lr.insured_address.one_line}", font, 8.5)
                pdf.text(
                    pdf.width - margin,
                    62,
                    f"{words.valuation.upper()}: {d(lr.valuation_date)}",
                    font,
                    9,
                    align="right",
                )
                pdf.text(pdf.width - margin, 75, f"PRODUCER: {lr.agent}", font, 8.5, align="right")
                y = 118
                pdf.rect(margin, y - 22, table_w, 2 * lead + 6, line=0.8)
                for (label, frac, align), x in zip(columns, xs, strict=False):
                    for j, line in enumerate(wrap(label, bold, size, table_w * frac - 6)[:2]):
                        tx = x + table_w * frac - 3 if align == "right" else x + 3
                        pdf.text(tx, y - 22 + lead + j * lead, line, bold, size, align=align)
                y += 2 * lead
            else:
                pdf.text(
                    margin,
                    42,
                    f"{lr.carrier.name.upper()}  -  {lr.insured}  -  continued from page {page_no - 1}",
                    font,
                    8.5,
                )
                pdf.hline(margin, pdf.width - margin, 50, line=0.5)
                y = 70
            for item in page_items:
                y = self._draw_item(
                    pdf,
                    item,
                    y,
                    xs,
                    columns,
                    table_w,
                    lead,
                    font,
                    bold,
                    size,
                    d,
                    m,
                    statuses,
                    margin,
                )
            if page_no == n_pages:
                y += 6
                pdf.hline(margin, pdf.width - margin, y - lead, line=1.2)
                pdf.text(margin + 3, y, f"GRAND TOTAL  ({len(lr.claims)} CLAIMS)", bold, size + 0.5)
                for k, value in ((6, lr.total_paid), (7, lr.total_reserve), (8, lr.total_incurred)):
                    pdf.text(xs[k + 1] - 3, y, m(value), bold, size + 0.5, align="right")
                pdf.hline(margin, pdf.width - margin, y + 4, line=1.2)
                if letters:
                    pdf.text(
                        margin, y + 22, "Status codes: O = Open, C = Closed, R = Reopened", font, 7
                    )
            else:
                pdf.text(
                    pdf.width - margin,
                    bottom + 14,
                    "*** continued on next page ***",
                    font,
                    7.5,
                    align="right",
                )
            pdf.text(
                pdf.width / 2,
                pdf.height - 24,
                f"Page {page_no} of {n_pages}",
                font,
                7.5,
                align="center",
            )
            pdf.end_page()
        return loss_run_fields(lr)

    @staticmethod
    def _draw_item(
        pdf, item, y, xs, columns, table_w, lead, font, bold, size, d, m, statuses, margin
    ) -> float:
        kind = item[0]
        if kind == "group":
            p = item[1]
            y += 4
            pdf.rect(margin, y - lead, table_w, lead + 4, line=0, fill_gray=0.88, stroke=False)
            pdf.text(
                margin + 3,
                y,
                f"POLICY: {p.number}    TERM: {d(p.start)} - {d(p.end)}    LINE: {LINE_LABELS[p.line].upper()}",
                bold,
                size,
            )
            return y + lead + 4
        if kind == "none":
            pdf.text(margin + 20, y, "No losses reported for this policy term.", font, size)
            return y + lead + 8
        if kind == "subtotal":
            _, p, claims = item
            paid = sum((c.paid for c in claims), Decimal("0.00"))
            reserve = sum((c.reserve for c in claims), Decimal("0.00"))
            pdf.hline(xs[7] - 60, margin + table_w, y - lead + 1, line=0.4)
            pdf.text(xs[3], y, f"Policy {p.number} subtotal ({len(claims)} claims)", bold, size)
            for k, value in ((6, paid), (7, reserve), (8, paid + reserve)):
                pdf.text(xs[k + 1] - 3, y, m(value), bold, size, align="right")
            return y + lead + 10
        c = item[1]
        values = [c.claim_number, d(c.loss_date), d(c.reported_date), c.claimant, c.description, statuses[c.status],
                  m(c.paid), m(c.reserve), m(c.incurred)]  # fmt: skip
        top = y
        lines_used = 1
        for (_, frac, align), x, value in zip(columns, xs, values, strict=False):
            lines = wrap(value, font, size, table_w * frac - 6)
            lines_used = max(lines_used, len(lines))
            for j, line in enumerate(lines):
                tx = x + table_w * frac - 3 if align == "right" else x + 3
                pdf.text(tx, top + j * lead, line, font, size, align=align)
        return y + lines_used * lead + 5
