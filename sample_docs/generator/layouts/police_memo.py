"""Police report, a city department's typed incident report: Courier, "LABEL: value" lines."""

from __future__ import annotations

from pipeline.contract import DocType
from sample_docs.generator.content import build_police_report
from sample_docs.generator.drawing import PdfBuilder
from sample_docs.generator.layouts.base import Fields, Layout, RenderContext, register
from sample_docs.generator.layouts.police_common import name_first_middle_last, police_report_fields
from sample_docs.generator.printed import (
    DateStyle,
    TimeStyle,
    format_date,
    format_time,
    with_full_year,
)


@register
class MemoPoliceReport(Layout):
    name = "police_report/typed_memo"
    doc_type = DocType.POLICE_REPORT
    description = "city police incident/accident report typed in Courier: 'LABEL: value' lines, vehicle sections, narrative paragraph"

    def render(self, pdf: PdfBuilder, ctx: RenderContext) -> Fields:
        n_units = ctx.options.get("units", 2)
        r = build_police_report(ctx.fake, n_units, ctx.incident)
        date_style = ctx.pick((DateStyle.LONG, DateStyle.DAY_MON_YYYY, DateStyle.US_SLASH))
        time_style = ctx.pick((TimeStyle.MILITARY, TimeStyle.H12))
        size = ctx.pick((9.0, 9.5, 10.0))
        report_label = ctx.pick(("Report No.", "Case Number", "Incident #", "Report Number"))
        date_label = ctx.pick(
            ("Date of Accident", "Accident Date", "Date of Crash", "Date/Time Occurred")
        )
        d = lambda v: format_date(v, date_style)  # noqa: E731
        font, bold = "Courier", "Courier-Bold"
        left = 60.0
        lead = size * 1.45
        value_x = left + 7.2 * size * 1.1 * 2.4
        page = 1
        pages_hint = ctx.options.get("pages", 1)
        y = 0.0

        def start_page() -> None:
            nonlocal y
            y = 54.0
            pdf.text(pdf.width / 2, y, r.agency.upper(), bold, size + 3, align="center")
            y += lead
            pdf.text(
                pdf.width / 2,
                y,
                "TRAFFIC ACCIDENT REPORT" if page == 1 else "TRAFFIC ACCIDENT REPORT (CONTINUED)",
                font,
                size + 1,
                align="center",
            )
            y += lead * 0.6
            pdf.hline(left, pdf.width - left, y, line=0.8)
            y += lead * 1.4

        def need(lines: int) -> None:
            nonlocal page
            if y + lines * lead > pdf.height - 70:
                pdf.text(
                    pdf.width - left,
                    pdf.height - 40,
                    "CONTINUED ON NEXT PAGE",
                    font,
                    size - 1,
                    align="right",
                )
                pdf.end_page()
                page += 1
                start_page()

        def kv(label: str, value: str) -> None:
            nonlocal y
            need(1)
            pdf.text(left, y, f"{label}:", bold, size)
            pdf.text(value_x, y, value, font, size)
            y += lead

        start_page()
        kv(report_label, r.report_number)
        if date_label == "Date/Time Occurred":
            kv(date_label, f"{d(r.crash_date)} {format_time(r.crash_time, time_style)}")
        else:
            kv(date_label, d(r.crash_date))
            kv("Time", format_time(r.crash_time, time_style))
        kv("Location", r.crash_location)
        kv("Conditions", f"{r.weather}, {r.light}, road {r.road_surface.lower()}")
        y += lead * 0.5
        for u in r.units:
            need(12)
            v = u.vehicle
            pdf.text(left, y, f"VEHICLE {u.number}", bold, size + 1)
            y += lead
            kv("Driver", name_first_middle_last(u.driver))
            kv("DOB", format_date(u.dob, with_full_year(date_style)))
            kv("Address", u.address.street)
            pdf.text(value_x, y, u.address.city_line, font, size)
            y += lead
            kv("License No.", f"{u.licence_number}  State: {u.licence_state}")
            kv("Vehicle", f"{v.year} {v.make} {v.model}")
            kv("VIN", v.vin)
            kv("Plate", f"{v.plate}  State: {v.plate_state}")
            kv("Insurance", u.insurer or "NONE SHOWN")
            if u.insurer_policy:
                kv("Policy No.", u.insurer_policy)
            y += lead * 0.5
        if pages_hint > 1 and page == 1:
            pdf.text(
                pdf.width - left,
                pdf.height - 40,
                "CONTINUED ON NEXT PAGE",
                font,
                size - 1,
                align="right",
            )
            pdf.end_page()
            page += 1
            start_page()
        need(4)
        pdf.text(left, y, "NARRATIVE:", bold, size)
        y += lead
        for line in _wrap_lines(r.narrative, font, size, pdf.width - 2 * left):
            need(1)
            pdf.text(left, y, line, font, size)
            y += lead
        y += lead
        need(3)
        kv("Reporting Officer", f"{r.rank} {r.officer.full}")
        kv("Badge #", r.badge)
        kv("Date of Report", d(r.date_filed))
        pdf.end_page()
        fields = police_report_fields(r, name_first_middle_last, r.officer.full)
        for party, u in zip(fields["parties"], r.units, strict=True):
            if u.insurer is None:
                party["insurer_name"] = None  # "NONE SHOWN" is printed, no insurer
        return fields


def _wrap_lines(text: str, font: str, size: float, width: float) -> list[str]:
    from sample_docs.generator.drawing import wrap

    return wrap(text, font, size, width)
