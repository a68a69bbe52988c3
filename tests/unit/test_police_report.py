"""Police reports on constructed pages: unit blocks, party fields, narrative, officer."""

from __future__ import annotations

import pytest

from extractors import extract_fields
from extractors.police_report import extract_police_report
from pipeline.contract import PARTY_FIELDS, POLICE_REPORT_FIELDS, DocType, FieldValue
from tests.unit.placed_words import page


def scalars(fields) -> dict[str, str | None]:
    return {k: v.value for k, v in fields.items() if isinstance(v, FieldValue)}


def party_values(fields) -> list[dict[str, str | None]]:
    return [{k: v.value for k, v in row.items()} for row in fields["parties"]]


def memo_report():
    """Typed memo style: "Label: value" rows, one block per vehicle, narrative on page 2."""
    v = 160  # value column
    first = page(
        (200, 40, "COPPER FLATS POLICE DEPARTMENT", 12),
        (220, 56, "TRAFFIC ACCIDENT REPORT", 11),
        (54, 90, "Case Number:"), (v, 90, "ACC-2024-9328"),
        (54, 104, "Accident Date:"), (v, 104, "July 16, 2024"),
        (54, 118, "Time:"), (v, 118, "2020 hrs"),
        (54, 132, "Location:"), (v, 132, "Linden Pkwy at SR 203, Copper Flats, AZ"),
        (54, 160, "VEHICLE 1", 11),
        (54, 176, "Driver:"), (v, 176, "Samuel P. Kincaid"),
        (54, 190, "DOB:"), (v, 190, "05/13/61"),
        (54, 204, "Address:"), (v, 204, "3173 Lake Pkwy"),
        (v, 216, "Copper Flats, AZ 85219"),
        (54, 230, "License No.:"), (v, 230, "K9776418 State: AZ"),
        (54, 244, "Vehicle:"), (v, 244, "2015 Hyundai Sonata"),
        (54, 258, "VIN:"), (v, 258, "5NPPSFHV5FP085074"),
        (54, 272, "Plate:"), (v, 272, "N41-KFV State: AZ"),
        (54, 286, "Insurance:"), (v, 286, "Silverleaf Property & Casualty Co."),
        (54, 300, "Policy No.:"), (v, 300, "50-CA-252829"),
        (54, 330, "VEHICLE 2", 11),
        (54, 346, "Driver:"), (v, 346, "Luis B. Jablonski"),
        (54, 360, "DOB:"), (v, 360, "July 12, 1999"),
        (54, 374, "Address:"), (v, 374, "8551 Linden Dr, Westbury Park, OH 43053"),
        (54, 388, "License No.:"), (v, 388, "639469403 State: OH"),
        (54, 402, "Vehicle:"), (v, 402, "2010 Jeep Compass"),
        (54, 416, "VIN:"), (v, 416, "1C4KCVCM0AE426626"),
        (54, 430, "Plate:"), (v, 430, "X35-GBD (AZ)"),
        (54, 444, "Insurance:"), (v, 444, "NONE SHOWN"),
    )  # fmt: skip
    second = page(
        (54, 60, "NARRATIVE:"),
        (54, 76, "Unit 1 was traveling southbound on Walnut Rd in the right lane. Unit 2 was"),
        (54, 88, "stopped in traffic ahead of Unit 1 and Unit 1 was unable to stop in time."),
        (54, 100, "Driver 2 complained of neck pain."),
        (54, 130, "Reporting Officer:"), (v, 130, "Cpl. Yolanda Delacroix"),
        (54, 144, "Badge #:"), (v, 144, "P9668"),
        number=2,
    )  # fmt: skip
    return [first, second]


def test_memo_report_header_narrative_and_officer() -> None:
    got = scalars(extract_police_report(memo_report()))
    assert got["report_number"] == "ACC-2024-9328"
    assert got["agency_name"] == "COPPER FLATS POLICE DEPARTMENT"
    assert got["crash_date"] == "2024-07-16"
    assert got["crash_time"] == "20:20"
    assert got["crash_location"] == "Linden Pkwy at SR 203, Copper Flats, AZ"
    assert got["officer_name"] == "Yolanda Delacroix"
    assert got["officer_badge"] == "P9668"
    assert got["narrative"] == (
        "Unit 1 was traveling southbound on Walnut Rd in the right lane. Unit 2 was stopped in "
        "traffic ahead of Unit 1 and Unit 1 was unable to stop in time. Driver 2 complained of "
        "neck pain."
    )


def test_memo_report_one_party_per_vehicle_block() -> None:
    parties = party_values(extract_police_report(memo_report()))
    assert [p["unit"] for p in parties] == ["1", "2"]
    first, second = parties
    assert first == {
        "unit": "1", "driver_name": "Samuel P. Kincaid", "driver_dob": "1961-05-13",
        "driver_license_number": "K9776418", "driver_license_state": "AZ",
        "driver_address": "3173 Lake Pkwy, Copper Flats, AZ 85219", "vehicle_year": "2015",
        "vehicle_make": "Hyundai", "vehicle_model": "Sonata",
        "vehicle_vin": "5NPPSFHV5FP085074", "plate_number": "N41-KFV", "plate_state": "AZ",
        "insurer_name": "Silverleaf Property & Casualty Co.",
        "insurer_policy_number": "50-CA-252829",
    }  # fmt: skip
    assert second["driver_name"] == "Luis B. Jablonski"
    assert second["driver_dob"] == "1999-07-12"
    assert second["plate_number"] == "X35-GBD" and second["plate_state"] == "AZ"
    # "NONE SHOWN" is printed, but it is no insurer; block 2 has no policy line at all.
    assert second["insurer_name"] is None and second["insurer_policy_number"] is None


def side_by_side_report():
    """Units printed in two columns under PARTY 1 / PARTY 2, labels above values."""
    cap, val = 7.0, 10.0
    rows = []
    for column, x in ((0, 40), (1, 320)):
        n = column + 1
        rows += [
            (x, 150, f"PARTY {n}", 11),
            (x, 170, "Driver", cap), (x + 150, 170, "Date of Birth", cap),
            (x, 180, ["Trevor Yardley", "Leticia Yardley"][column], val),
            (x + 150, 180, ["2001-04-23", "09/05/1986"][column], val),
            (x, 200, "Operator License #", cap), (x + 150, 200, "State", cap),
            (x, 210, ["Y2542909", "G7770195"][column], val), (x + 150, 210, "AZ", val),
            (x, 230, "Year", cap), (x + 60, 230, "Make", cap), (x + 120, 230, "Model", cap),
            (x, 240, "2016", val), (x + 60, 240, ["Dodge", "Honda"][column], val),
            (x + 120, 240, ["Durango", "Civic"][column], val),
            (x, 260, "License Plate", cap), (x + 150, 260, "State", cap),
            (x, 270, ["T40-UUB", "ZU1-8956"][column], val), (x + 150, 270, "NM", val),
            (x, 290, "Insurance Carrier", cap),
            (x, 300, ["Harborline Indemnity Company", "Keystone Meadow Mutual"][column], val),
        ]  # fmt: skip
    return [
        page(
            (40, 40, "Ashland County Sheriff's Office", 14), (420, 40, "Report # ACC-2025-7139"),
            (40, 90, "Date of Collision", cap), (200, 90, "Time", cap),
            (330, 90, "Location", cap),
            (40, 100, "2025-10-27", val), (200, 100, "2:25 PM", val),
            (330, 100, "Lake Pkwy and Elm Rd, Copper Flats, AZ", val),
            *rows,
            (40, 340, "NARRATIVE", 10),
            (40, 360, "Unit 1 was traveling eastbound on Ridge Rd approaching the intersection."),
            (40, 372, "Unit 2 failed to stop for the red signal, striking Unit 1."),
            (40, 410, "Investigating Officer", cap), (300, 410, "Badge No.", cap),
            (40, 420, "Gordon Jorgensen", val), (300, 420, "P5626", val),
        )
    ]  # fmt: skip


def test_side_by_side_units_split_the_width() -> None:
    fields = extract_police_report(side_by_side_report())
    parties = party_values(fields)
    assert [p["unit"] for p in parties] == ["1", "2"]
    assert [p["driver_name"] for p in parties] == ["Trevor Yardley", "Leticia Yardley"]
    assert [p["driver_dob"] for p in parties] == ["2001-04-23", "1986-09-05"]
    assert [p["driver_license_number"] for p in parties] == ["Y2542909", "G7770195"]
    assert [p["driver_license_state"] for p in parties] == ["AZ", "AZ"]
    assert [p["plate_state"] for p in parties] == ["NM", "NM"]
    assert [p["vehicle_make"] for p in parties] == ["Dodge", "Honda"]
    assert [p["insurer_name"] for p in parties] == [
        "Harborline Indemnity Company",
        "Keystone Meadow Mutual",
    ]
    assert all(p["vehicle_vin"] is None for p in parties)
    got = scalars(fields)
    assert got["agency_name"] == "Ashland County Sheriff's Office"
    assert got["report_number"] == "ACC-2025-7139"
    assert (got["crash_date"], got["crash_time"]) == ("2025-10-27", "14:25")
    assert got["officer_name"] == "Gordon Jorgensen" and got["officer_badge"] == "P5626"
    assert got["narrative"].startswith("Unit 1 was traveling eastbound")  # type: ignore[union-attr]
    assert got["narrative"].endswith("striking Unit 1.")  # type: ignore[union-attr]


def test_a_sentence_starting_with_unit_is_not_a_unit_heading() -> None:
    parties = party_values(extract_police_report(side_by_side_report()))
    assert len(parties) == 2


def test_grid_unit_heading_with_words_after_the_number() -> None:
    cap, val = 5.5, 9.0
    report = page(
        (36, 30, "STATE OF TX TRAFFIC CRASH REPORT", 12),
        (36, 50, "REPORTING AGENCY", cap), (300, 50, "LOCAL REPORT NUMBER", cap),
        (37, 58, "Redwing Bay Police Dept.", val), (301, 58, "CR25-66734", val),
        (36, 90, "UNIT 1 DRIVER / VEHICLE", 9),
        (36, 104, "DRIVER NAME (LAST, FIRST, MIDDLE)", cap), (300, 104, "DL STATE", cap),
        (37, 112, "LOCKHART, IMANI K", val), (301, 112, "TX", val),
        (36, 128, "VEHICLE IDENTIFICATION NUMBER", cap), (300, 128, "PLATE NUMBER", cap),
        (37, 136, "2C3CUYVU4HA352952", val), (301, 136, "DMX 704", val),
        (36, 160, "NARRATIVE", 9),
        (36, 172, "UNIT 1 LOST TRACTION ON THE WET PAVEMENT AND STRUCK THE GUARDRAIL.", val),
        (36, 200, "INVESTIGATING OFFICER", cap), (300, 200, "BADGE / ID NUMBER", cap),
        (37, 208, "OFC. NADIA NAKAMURA", val), (301, 208, "54-395", val),
    )  # fmt: skip
    fields = extract_police_report([report])
    parties = party_values(fields)
    assert len(parties) == 1
    assert parties[0]["driver_name"] == "LOCKHART, IMANI K"
    assert parties[0]["driver_license_state"] == "TX"
    assert parties[0]["vehicle_vin"] == "2C3CUYVU4HA352952"
    assert parties[0]["plate_number"] == "DMX 704"
    got = scalars(fields)
    assert got["agency_name"] == "Redwing Bay Police Dept."
    assert got["report_number"] == "CR25-66734"
    assert got["officer_name"] == "NADIA NAKAMURA" and got["officer_badge"] == "54-395"


def test_parties_carry_every_cell_and_extract_fields_every_field() -> None:
    fields = extract_fields(DocType.POLICE_REPORT, memo_report())
    assert list(fields) == [*POLICE_REPORT_FIELDS, "parties"]
    for row in fields["parties"]:  # type: ignore[union-attr]
        assert list(row) == list(PARTY_FIELDS)


def test_a_report_without_units_has_no_parties() -> None:
    fields = extract_police_report([page((54, 60, "Report No.: 24-001"))])
    assert fields["parties"] == []
    assert fields["report_number"].value == "24-001"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "heading",
    [
        "UNIT 1",
        "Vehicle #1",
        "Driver #1",
        "V1",
        "PARTY 1",
        "Unit No. 1",
        "VEHICLE 1 - DRIVER INFORMATION",
    ],
)
def test_unit_heading_wordings(heading: str) -> None:
    report = page(
        (54, 60, "Case #: 24-00017"),
        (54, 90, heading, 11),
        (54, 106, "Name:"), (160, 106, "Ana Ruiz"),
        (54, 120, "Plate #:"), (160, 120, "7ABC123"), (300, 120, "Plate State:"), (380, 120, "CA"),
        (54, 160, "Officer:"), (160, 160, "Dep. R. Holt"),
    )  # fmt: skip
    fields = extract_police_report([report])
    parties = party_values(fields)
    assert [p["unit"] for p in parties] == ["1"]
    assert parties[0]["driver_name"] == "Ana Ruiz"
    assert (parties[0]["plate_number"], parties[0]["plate_state"]) == ("7ABC123", "CA")
    assert parties[0]["vehicle_vin"] is None
    assert scalars(fields)["report_number"] == "24-00017"
    assert scalars(fields)["officer_name"] == "R. Holt"


def test_a_licence_number_read_with_its_state_gives_the_state_its_own_field():
    from extractors.police_report import _split_trailing_state
    from pipeline.contract import FieldValue

    row = {
        "driver_license_number": FieldValue(value="S686-4396-8957 MI", confidence=0.9),
        "driver_license_state": FieldValue(value=None, confidence=0.3),
    }
    row = _split_trailing_state(row)
    assert row["driver_license_number"].value == "S686-4396-8957"
    assert row["driver_license_state"].value == "MI"
    kept = {"driver_license_number": FieldValue(value="D123 4567 ZZ", confidence=0.9)}
    assert _split_trailing_state(kept)["driver_license_number"].value == "D123 4567 ZZ"
