"""Police report, a county crash form whose units are COLUMNS of one table: row labels down the
left (driver, licence, vehicle, insurance), one column per unit, up to two units per page.

A holdout layout: it joins the "large" and "holdout" profiles only, so the rules were not
written while looking at it (see `plan.py`).
"""

from __future__ import annotations

from pipeline.contract import DocType
from sample_docs.generator.content import Unit, build_police_report
from sample_docs.generator.drawing import PdfBuilder, wrap
from sample_docs.generator.layouts.base import Fields, Layout, RenderContext, register
from sample_docs.generator.layouts.police_common import (
    name_first_middle_last,
    name_upper_last_first,
    police_report_fields,
)
from sample_docs.generator.printed import (
    DateStyle,
    TimeStyle,
    format_date,
    format_time,
    with_full_year,
)

TITLES = ("CRASH REPORT", "TRAFFIC COLLISION REPORT", "MOTOR VEHICLE ACCIDENT REPORT")
REPORT_LABELS = ("Crash Report No.", "Local Report Number", "Case No.", "Report Number")
DATE_LABELS = ("Crash Date", "Date of Crash", "Date of Collision")
TIME_LABELS = ("Crash Time", "Time of Crash", "Time")
LOCATION_LABELS = ("Crash Location", "Location of Crash", "Location")
OFFICER_LABELS = ("Reporting Officer", "Investigating Officer", "Officer Name")
BADGE_LABELS = ("ID No.", "Badge No.", "Badge / ID")
UNIT_HEADINGS = ("UNIT {n}", "Unit #{n}", "VEHICLE {n}")


@register
class UnitColumnsPoliceReport(Layout):
    name = "police_report/unit_columns"
    doc_type = DocType.POLICE_REPORT
    description = "county crash form with units as table columns: row labels down the left, one column per unit (two per page), narrative box, officer row"
    holdout = True

    def render(self, pdf: PdfBuilder, ctx: RenderContext) -> Fields:
        n_units = ctx.options.get("units", 2)
        r = build_police_report(ctx.fake, n_units, ctx.incident)
        font = ctx.pick(("Helvetica", "Times-Roman"))
        bold = "Helvetica-Bold" if font == "Helvetica" else "Times-Bold"
        size = 8.5
        upper_names = ctx.chance(0.5)
        name_style = name_upper_last_first if upper_names else name_first_middle_last
        date_style = ctx.pick((DateStyle.US_SLASH, DateStyle.DAY_MON_YYYY, DateStyle.ISO))
        time_style = ctx.pick((TimeStyle.H24, TimeStyle.H12, TimeStyle.MILITARY))
        d = lambda v: format_date(v, date_style)  # noqa: E731
        dob = lambda v: format_date(v, with_full_year(date_style))  # noqa: E731
        heading = ctx.pick(UNIT_HEADINGS)
        report_label = ctx.pick(REPORT_LABELS)
        margin = 36.0
        width = pdf.width - 2 * margin
        label_w = 118.0
        col_w = (width - label_w) / 2
        row_h = 17.0
        per_page = 2
        unit_pages = [r.units[i : i + per_page] for i in range(0, len(r.units), per_page)]
        pages = max(ctx.options.get("pages", 1), len(unit_pages))
        y = 0.0

        def header(page: int) -> None:
            nonlocal y
            y = 44.0
            pdf.text(margin, y, r.agency, bold, 12)
            pdf.text(
                pdf.width - margin, y, f"{report_label} {r.report_number}", bold, 9.5, align="right"
            )
            y += 15
            pdf.text(margin, y, ctx_title, font, 10)
            pdf.text(pdf.width - margin, y, f"Page {page} of {pages}", font, 8, align="right")
            pdf.hline(margin, pdf.width - margin, y + 6, line=1.0)
            y += 24

        def label_value_row(items: list[tuple[str, str, float]]) -> None:
            nonlocal y
            x = margin
            for label, value, frac in items:
                pdf.text(x, y, f"{label}:", bold, size)
                pdf.text(x + 4 + pdf_width(f"{label}:", bold), y, value, font, size)
                x += width * frac
            y += 15

        def pdf_width(text: str, face: str) -> float:
            from sample_docs.generator.drawing import text_width

            return text_width(text, face, size)

        def unit_table(units: list[Unit]) -> None:
            nonlocal y
            # Heading row: an empty corner cell, then one shaded heading per unit.
            pdf.rect(margin, y, label_w, row_h, line=0.6)
            for k, unit in enumerate(units):
                x = margin + label_w + k * col_w
                pdf.rect(x, y, col_w, row_h, line=0.6, fill_gray=0.82)
                pdf.text(
                    x + col_w / 2,
                    y + row_h - 5,
                    heading.format(n=unit.number),
                    bold,
                    size + 0.5,
                    align="center",
                )
            y += row_h
            rows = [
                ("Driver Name", lambda u: name_style(u.driver)),
                ("Date of Birth", lambda u: dob(u.dob)),
                ("Address", lambda u: u.address.one_line),
                ("Driver License No.", lambda u: u.licence_number),
                ("DL State", lambda u: u.licence_state),
                ("Vehicle Year", lambda u: str(u.vehicle.year)),
                ("Make", lambda u: u.vehicle.make),
                ("Model", lambda u: u.vehicle.model),
                ("VIN", lambda u: u.vehicle.vin),
                ("Plate Number", lambda u: u.vehicle.plate),
                ("Plate State", lambda u: u.vehicle.plate_state),
                ("Insurance Company", lambda u: u.insurer or ""),
                ("Policy Number", lambda u: u.insurer_policy or ""),
            ]
            for label, value in rows:
                texts = [value(u) for u in units]
                texts = [t.upper() if upper_names else t for t in texts]
                wrapped = [wrap(t, font, size, col_w - 8) for t in texts]
                lines = max(len(w) for w in wrapped)
                h = row_h + (lines - 1) * (size + 2)
                pdf.rect(margin, y, label_w, h, line=0.5, fill_gray=0.94)
                pdf.text(margin + 4, y + size + 4, label, bold, size - 0.5)
                for k, parts in enumerate(wrapped):
                    x = margin + label_w + k * col_w
                    pdf.rect(x, y, col_w, h, line=0.5)
                    for j, part in enumerate(parts):
                        pdf.text(x + 4, y + size + 4 + j * (size + 2), part, font, size)
                y += h
            y += 14

        ctx_title = ctx.pick(TITLES)
        officer_name = r.officer.full.upper() if upper_names else r.officer.full
        for page in range(1, pages + 1):
            header(page)
            if page == 1:
                label_value_row(
                    [
                        (ctx.pick(DATE_LABELS), d(r.crash_date), 0.35),
                        (ctx.pick(TIME_LABELS), format_time(r.crash_time, time_style), 0.3),
                        ("Weather", r.weather, 0.35),
                    ]
                )
                label_value_row([(ctx.pick(LOCATION_LABELS), r.crash_location, 1.0)])
                label_value_row(
                    [
                        ("Light", r.light, 0.35),
                        ("Surface", r.road_surface, 0.3),
                        ("Injured", str(r.injuries), 0.35),
                    ]
                )
                y += 8
            if page <= len(unit_pages):
                unit_table(unit_pages[page - 1])
            if page == pages:
                pdf.text(margin, y, "NARRATIVE / DESCRIPTION OF EVENTS", bold, size + 1)
                y += 6
                lines = wrap(r.narrative, font, size + 0.5, width - 12)
                box_h = len(lines) * (size + 4) + 12
                pdf.rect(margin, y, width, box_h, line=0.6)
                for j, part in enumerate(lines):
                    pdf.text(margin + 6, y + size + 6 + j * (size + 4), part, font, size + 0.5)
                y += box_h + 20
                officer = f"{r.rank} {officer_name}"
                label_value_row(
                    [
                        (ctx.pick(OFFICER_LABELS), officer, 0.5),
                        (ctx.pick(BADGE_LABELS), r.badge, 0.25),
                        ("Date", d(r.date_filed), 0.25),
                    ]
                )
            pdf.end_page()
        # Names and text compare case-folded: the truth keeps the printed words.
        return police_report_fields(r, name_style, officer_name)
