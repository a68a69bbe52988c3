"""Police report, label-above two-column layout: units side by side, narrative below."""

from __future__ import annotations

from pipeline.contract import DocType
from sample_docs.generator.content import Unit, build_police_report
from sample_docs.generator.drawing import PdfBuilder
from sample_docs.generator.layouts.base import Fields, Layout, RenderContext, register
from sample_docs.generator.layouts.police_common import name_first_last, police_report_fields
from sample_docs.generator.printed import (
    DateStyle,
    TimeStyle,
    format_date,
    format_time,
    with_full_year,
)


@register
class TwoColumnPoliceReport(Layout):
    name = "police_report/two_column"
    doc_type = DocType.POLICE_REPORT
    description = "sheriff/department collision report: labels above values, parties side by side in two columns, narrative below"

    def render(self, pdf: PdfBuilder, ctx: RenderContext) -> Fields:
        n_units = ctx.options.get("units", 2)
        r = build_police_report(ctx.fake, n_units, ctx.incident)
        font = ctx.pick(("Times-Roman", "Helvetica"))
        bold = "Times-Bold" if font == "Times-Roman" else "Helvetica-Bold"
        date_style = ctx.pick((DateStyle.ISO, DateStyle.US_SLASH, DateStyle.DAY_MON_YY))
        time_style = ctx.pick((TimeStyle.H24, TimeStyle.H12))
        d = lambda v: format_date(v, date_style)  # noqa: E731
        margin = 44.0
        gap = 20.0
        col_w = (pdf.width - 2 * margin - gap) / 2
        pages = max(ctx.options.get("pages", 1), 2 if n_units >= 3 else 1)
        y = 0.0

        def header(page: int) -> None:
            nonlocal y
            y = 46.0
            pdf.rect(margin, y - 16, pdf.width - 2 * margin, 44, line=1.2)
            pdf.text(margin + 8, y, r.agency, bold, 13)
            pdf.text(margin + 8, y + 18, "MOTOR VEHICLE COLLISION REPORT", font, 10)
            pdf.text(
                pdf.width - margin - 8, y, f"Report # {r.report_number}", bold, 10, align="right"
            )
            pdf.text(
                pdf.width - margin - 8, y + 18, f"Page {page} of {pages}", font, 8, align="right"
            )
            y += 50

        def field(x: float, label: str, value: str, w: float) -> None:
            pdf.text(x, y, label, font, 7, gray=0.35)
            pdf.text(x, y + 12, value, font, 10)
            pdf.hline(x, x + w - 6, y + 15, line=0.3, gray=0.6)

        def fields_row(items: list[tuple[str, str, float]], x0: float, w: float) -> None:
            x = x0
            for label, value, frac in items:
                field(x, label, value, w * frac)
                x += w * frac

        def unit_column(u: Unit, x0: float) -> float:
            nonlocal y
            top = y
            v = u.vehicle
            pdf.rect(x0, y, col_w, 14, line=0, fill_gray=0.88, stroke=False)
            pdf.text(x0 + 4, y + 10, f"PARTY {u.number}", bold, 9)
            y += 26
            rows = [
                [
                    ("Driver", name_first_last(u.driver), 0.65),
                    ("Date of Birth", format_date(u.dob, with_full_year(date_style)), 0.35),
                ],
                [("Address", u.address.one_line, 1.0)],
                [("Operator License #", u.licence_number, 0.7), ("State", u.licence_state, 0.3)],
                [("Year", str(v.year), 0.2), ("Make", v.make, 0.35), ("Model", v.model, 0.45)],
                [("VIN", v.vin, 1.0)],
                [("License Plate", v.plate, 0.7), ("State", v.plate_state, 0.3)],
                [("Insurance Carrier", u.insurer or "", 1.0)],
                [("Policy #", u.insurer_policy or "", 1.0)],
            ]
            for items in rows:
                fields_row(items, x0, col_w)
                y += 27
            bottom = y
            y = top
            return bottom

        header(1)
        fields_row(
            [
                ("Date of Collision", d(r.crash_date), 0.25),
                ("Time", format_time(r.crash_time, time_style), 0.15),
                ("Location", r.crash_location, 0.6),
            ],
            margin,
            pdf.width - 2 * margin,
        )
        y += 30
        fields_row(
            [
                ("Weather", r.weather, 0.25),
                ("Lighting", r.light, 0.25),
                ("Surface", r.road_surface, 0.25),
                ("Injuries", str(r.injuries), 0.25),
            ],
            margin,
            pdf.width - 2 * margin,
        )
        y += 34
        first = r.units[:2]
        bottoms = [unit_column(u, margin + i * (col_w + gap)) for i, u in enumerate(first)]
        y = max(bottoms) + 8
        if pages > 1:
            pdf.text(pdf.width / 2, pdf.height - 36, "- continued -", font, 8, align="center")
            pdf.end_page()
            header(2)
            if len(r.units) > 2:
                y = unit_column(r.units[2], margin) + 8
        pdf.text(margin, y, "NARRATIVE", bold, 10)
        y += 6
        pdf.hline(margin, pdf.width - margin, y, line=0.6)
        y = pdf.paragraph(
            margin, y + 14, r.narrative, pdf.width - 2 * margin, font, 10, leading=13.5
        )
        y += 18
        fields_row(
            [
                ("Investigating Officer", r.officer.full, 0.4),
                ("Rank", r.rank, 0.2),
                ("Badge No.", r.badge, 0.2),
                ("Report Date", d(r.date_filed), 0.2),
            ],
            margin,
            pdf.width - 2 * margin,
        )
        pdf.end_page()
        return police_report_fields(r, name_first_last, r.officer.full)
