"""Units printed as table columns (row labels down the left, one column per unit), on
constructed pages: each unit's values come from its own column."""

from __future__ import annotations

from extractors.police_report import extract_police_report
from pipeline.contract import FieldValue
from tests.unit.placed_words import page

ROWS = (
    ("Driver Name", "HALE, NORA J", "PRICE, OWEN T"),
    ("Date of Birth", "1984-07-08", "1990-02-11"),
    ("Address", "12 Oak St, Hale, TN 37010", "9 Elm Rd, Cole, TN 37011"),
    ("Driver License No.", "810061959", "D1234567"),
    ("DL State", "TN", "KY"),
    ("Vehicle Year", "2013", "2019"),
    ("Make", "Toyota", "Ford"),
    ("Model", "Corolla", "Escape"),
    ("VIN", "4T1ZDTAJ6DU927566", "1M8GDM9AXKP042788"),
    ("Plate Number", "928-HWK", "ABC 123"),
    ("Insurance Company", "Silverleaf Mutual", "Granite Casualty Co."),
)


def column_report(heading: str = "UNIT {n}", centred: bool = True):
    """A county crash form: report header, then one table with a column per unit."""
    label_x, col1, col2 = 40, 170, 380
    placed = [
        (40, 40, "Hale County Sheriff's Office", 12),
        (40, 60, "Case No.:"), (110, 60, "CR25-13149"),
        (40, 76, "Crash Date:"), (110, 76, "2025-09-22"),
    ]  # fmt: skip
    head_offset = 80 if centred else 4
    placed += [
        (col1 + head_offset, 110, heading.format(n=1)),
        (col2 + head_offset, 110, heading.format(n=2)),
    ]
    y = 128
    for label, first, second in ROWS:
        placed += [(label_x + 4, y, label, 8.5), (col1 + 4, y, first), (col2 + 4, y, second)]
        y += 17
    placed += [(40, y + 20, "Reporting Officer:"), (140, y + 20, "Sgt. Ada Moss")]
    return [page(*placed)]


def parties(fields) -> list[dict[str, str | None]]:
    return [
        {k: v.value for k, v in row.items() if isinstance(v, FieldValue)}
        for row in fields["parties"]
    ]


def test_each_unit_reads_its_own_column() -> None:
    fields = extract_police_report(column_report())
    found = parties(fields)
    assert [p["unit"] for p in found] == ["1", "2"]
    for index, row in enumerate(found):
        assert row["driver_name"] == ROWS[0][index + 1]
        assert row["driver_license_number"] == ROWS[3][index + 1].upper()
        assert row["driver_license_state"] == ROWS[4][index + 1]
        assert row["vehicle_vin"] == ROWS[8][index + 1]
        assert row["insurer_name"] == ROWS[10][index + 1]
    assert fields["parties"][1]["vehicle_make"].rule.endswith(":column")
    # Row labels are not report-level labels; the report header still reads.
    assert fields["report_number"].value == "CR25-13149"
    assert fields["officer_name"].value == "Ada Moss"


def test_headings_printed_at_the_column_start_work_too() -> None:
    found = parties(extract_police_report(column_report("Vehicle #{n}", centred=False)))
    assert [p["vehicle_model"] for p in found] == ["Corolla", "Escape"]
    assert [p["plate_number"] for p in found] == ["928-HWK", "ABC 123"]
