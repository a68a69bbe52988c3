"""Police report, a state crash-report form: boxed grid, one block per unit, diagram, narrative box."""

from __future__ import annotations

from pipeline.contract import DocType
from sample_docs.generator.content import Unit, build_police_report
from sample_docs.generator.drawing import PdfBuilder
from sample_docs.generator.layouts.base import Fields, Layout, RenderContext, register
from sample_docs.generator.layouts.police_common import name_upper_last_first, police_report_fields
from sample_docs.generator.printed import (
    DateStyle,
    TimeStyle,
    format_date,
    format_time,
    with_full_year,
)


@register
class StateGridPoliceReport(Layout):
    name = "police_report/state_grid"
    doc_type = DocType.POLICE_REPORT
    description = "state traffic crash report form: boxed cells with small labels, unit blocks, diagram and narrative boxes"

    def render(self, pdf: PdfBuilder, ctx: RenderContext) -> Fields:
        n_units = ctx.options.get("units", 2)
        r = build_police_report(ctx.fake, n_units, ctx.incident)
        pages = max(ctx.options.get("pages", 1), 2 if n_units >= 3 else 1)
        state = r.units[0].address.state
        date_style = ctx.pick((DateStyle.US_SLASH, DateStyle.US_SLASH_SHORT))
        time_style = ctx.pick((TimeStyle.H24, TimeStyle.MILITARY))
        d = lambda v: format_date(v, date_style)  # noqa: E731
        left, width = 30.0, pdf.width - 60
        ori = f"{state}0{ctx.rng.randint(100000, 999999)}"
        h = 23.0
        y = 0.0

        def row(cells: list[tuple[str, str, float]], hh: float = h) -> None:
            nonlocal y
            x = left
            for label, value, frac in cells:
                pdf.cell(x, y, width * frac, hh, label, value, label_size=5.2, value_size=8.5)
                x += width * frac
            y += hh

        def bar(text: str) -> None:
            nonlocal y
            pdf.rect(left, y, width, 11, line=0.5, fill_gray=0.0)
            pdf.text(left + 4, y + 8.5, text, "Helvetica-Bold", 7.5, gray=1.0)
            y += 11

        def header(page: int) -> None:
            nonlocal y
            y = 30.0
            pdf.text(left, y + 4, f"STATE OF {state} TRAFFIC CRASH REPORT", "Helvetica-Bold", 12)
            pdf.text(left + width, y + 4, f"PAGE {page} OF {pages}", "Helvetica", 7, align="right")
            y += 10
            row(
                [
                    ("Reporting Agency", r.agency, 0.45),
                    ("Agency ORI", ori, 0.17),
                    ("Local Report Number", r.report_number, 0.23),
                    ("Report Date", d(r.date_filed), 0.15),
                ]
            )

        def unit_block(u: Unit) -> None:
            v = u.vehicle
            bar(f"UNIT {u.number}   DRIVER / VEHICLE")
            row(
                [
                    ("Unit #", str(u.number), 0.06),
                    ("Driver Name (Last, First, Middle)", name_upper_last_first(u.driver), 0.4),
                    ("Date of Birth", format_date(u.dob, with_full_year(date_style)), 0.14),
                    ("Driver License Number", u.licence_number, 0.28),
                    ("DL State", u.licence_state, 0.12),
                ]
            )
            row(
                [
                    ("Address (Street, City, State, ZIP)", u.address.one_line.upper(), 0.7),
                    ("Injury", ctx.pick(("None", "Possible", "None", "Minor")), 0.3),
                ]
            )
            row(
                [
                    ("Year", str(v.year), 0.08),
                    ("Make", v.make.upper(), 0.16),
                    ("Model", v.model.upper(), 0.18),
                    ("Vehicle Identification Number", v.vin, 0.34),
                    ("Plate Number", v.plate, 0.16),
                    ("Plate St", v.plate_state, 0.08),
                ]
            )
            row(
                [
                    ("Insurance Company", (u.insurer or "").upper(), 0.5),
                    ("Policy Number", u.insurer_policy or "", 0.3),
                    ("Direction", u.direction.upper(), 0.2),
                ]
            )
            y_gap()

        def y_gap() -> None:
            nonlocal y
            y += 6

        header(1)
        bar("CRASH INFORMATION")
        row(
            [
                ("Crash Date", d(r.crash_date), 0.16),
                ("Time (24 HR)", format_time(r.crash_time, time_style), 0.12),
                ("Crash Location (Street / Intersection, City)", r.crash_location.upper(), 0.72),
            ]
        )
        row(
            [
                ("Weather", r.weather.upper(), 0.2),
                ("Light Condition", r.light.upper(), 0.25),
                ("Road Surface", r.road_surface.upper(), 0.2),
                ("Number of Units", str(n_units), 0.15),
                ("Number Injured", str(r.injuries), 0.2),
            ]
        )
        y_gap()
        on_first = r.units[:2]
        for u in on_first:
            unit_block(u)
        narrative_here = pages == 1

        def narrative_and_officer() -> None:
            nonlocal y
            bar("DIAGRAM")
            self._diagram(pdf, left, y, width, 120)
            y += 126
            bar("NARRATIVE")
            box_top = y
            y = pdf.paragraph(
                left + 5, y + 12, r.narrative.upper(), width - 10, "Helvetica", 8.5, leading=11
            )
            pdf.rect(left, box_top, width, max(60, y - box_top + 4), line=0.5)
            y = box_top + max(60, y - box_top + 4) + 6
            row(
                [
                    ("Investigating Officer", f"{r.rank.upper()} {officer_name}", 0.45),
                    ("Badge / ID Number", r.badge, 0.2),
                    ("Date", d(r.date_filed), 0.15),
                    ("Reviewed By", "", 0.2),
                ]
            )

        officer_name = r.officer.full.upper()
        if narrative_here:
            narrative_and_officer()
        pdf.end_page()
        if pages > 1:
            header(2)
            for u in r.units[2:]:
                unit_block(u)
            narrative_and_officer()
            pdf.end_page()
        return police_report_fields(r, name_upper_last_first, officer_name, upper=True)

    @staticmethod
    def _diagram(pdf: PdfBuilder, x: float, y: float, w: float, h: float) -> None:
        """A crossroads sketch with two vehicle boxes, as officers draw them."""
        pdf.rect(x, y, w, h, line=0.5)
        cx, cy = x + w / 2, y + h / 2
        pdf.hline(x + 10, cx - 30, cy - 18, line=0.8)
        pdf.hline(cx + 30, x + w - 10, cy - 18, line=0.8)
        pdf.hline(x + 10, cx - 30, cy + 18, line=0.8)
        pdf.hline(cx + 30, x + w - 10, cy + 18, line=0.8)
        pdf.vline(cx - 30, y + 6, cy - 18, line=0.8)
        pdf.vline(cx + 30, y + 6, cy - 18, line=0.8)
        pdf.vline(cx - 30, cy + 18, y + h - 6, line=0.8)
        pdf.vline(cx + 30, cy + 18, y + h - 6, line=0.8)
        pdf.rect(cx - 70, cy - 12, 26, 12, line=0.8)
        pdf.text(cx - 60, cy - 3, "1", "Helvetica-Bold", 7)
        pdf.rect(cx - 8, cy - 50, 12, 24, line=0.8)
        pdf.text(cx - 4, cy - 36, "2", "Helvetica-Bold", 7)
        pdf.text(x + w - 20, y + 14, "N", "Helvetica-Bold", 9)
        pdf.vline(x + w - 17, y + 16, y + 34, line=0.8)
