"""Loss-run extraction on pages built in code: header wording, table geometry, totals, scans."""

from __future__ import annotations

import math

from extractors.loss_run import extract_loss_run
from extractors.loss_run_cells import normalise_status
from pipeline.contract import FieldValue
from pipeline.page_model import PageWords, Word, WordSource
from tests.unit.placed_words import page

# Column x positions of a typical nine-column claims table (left edges; amounts right-aligned).
X = {"claim": 30, "policy": 95, "date": 160, "claimant": 215, "desc": 290, "status": 400}
AMOUNT_RIGHT = {"paid": 480, "reserve": 530, "incurred": 585}


def right_aligned(x_right: float, y: float, text: str, size: float = 8.0):
    return (x_right - 0.5 * size * len(text), y, text, size)


def header_row(y: float, labels: dict[str, str], size: float = 8.0) -> list[tuple]:
    cells = [(X[key], y, text, size) for key, text in labels.items() if key in X]
    cells += [
        right_aligned(AMOUNT_RIGHT[key], y, text, size)
        for key, text in labels.items()
        if key in AMOUNT_RIGHT
    ]
    return cells


def claim_row(y: float, values: dict[str, str], size: float = 8.0) -> list[tuple]:
    return header_row(y, values, size)


STANDARD_HEADER = {
    "claim": "Claim Number",
    "policy": "Policy No.",
    "date": "Loss Date",
    "claimant": "Claimant",
    "desc": "Description",
    "status": "Status",
    "paid": "Paid",
    "reserve": "Reserve",
    "incurred": "Incurred",
}


def row_values(claim: str, paid: str, reserve: str, incurred: str, **other: str) -> dict[str, str]:
    values = {
        "claim": claim,
        "policy": other.get("policy", "GL-1234567"),
        "date": other.get("date", "03/14/2025"),
        "claimant": other.get("claimant", "Ann Lee"),
        "desc": other.get("desc", "Slip and fall"),
        "status": other.get("status", "Closed"),
        "paid": paid,
        "reserve": reserve,
        "incurred": incurred,
    }
    return values


def heading(carrier: str = "Granite Ridge Mutual Insurance Company") -> list[tuple]:
    return [
        (30, 40, carrier, 14),
        (420, 40, "LOSS RUN REPORT", 12),
        (30, 80, "Insured:", 9),
        (100, 80, "Acme Bakery LLC", 9),
        (330, 80, "Valued as of:", 9),
        (420, 80, "03/31/2026", 9),
    ]


def value(field: object) -> str | None:
    assert isinstance(field, FieldValue)
    return field.value


def claims_by_number(fields) -> dict[str, dict[str, str | None]]:
    return {
        value(row["claim_number"]): {name: value(cell) for name, cell in row.items()}
        for row in fields["claims"]
    }


def test_header_fields_and_a_simple_table_are_read_in_normal_form():
    pages = [
        page(
            *heading(),
            *header_row(150, STANDARD_HEADER),
            *claim_row(166, row_values("CL-10021", "$1,200.00", "$0.00", "$1,200.00")),
            *claim_row(182, row_values("CL-10022", "500.00", "2,000.00", "2,500.00", status="O")),
            (30, 210, "TOTALS", 8),
            right_aligned(480, 210, "1,700.00"),
            right_aligned(530, 210, "2,000.00"),
            right_aligned(585, 210, "3,700.00"),
            (30, 230, "Total Claims: 2", 9),
        )
    ]
    fields = extract_loss_run(pages)
    assert value(fields["carrier_name"]) == "Granite Ridge Mutual Insurance Company"
    assert value(fields["insured_name"]) == "Acme Bakery LLC"
    assert value(fields["valuation_date"]) == "2026-03-31"
    assert value(fields["total_paid"]) == "1700.00"
    assert value(fields["total_reserve"]) == "2000.00"
    assert value(fields["total_incurred"]) == "3700.00"
    assert value(fields["claim_count"]) == "2"
    rows = claims_by_number(fields)
    assert set(rows) == {"CL-10021", "CL-10022"}
    assert rows["CL-10021"] == {
        "claim_number": "CL-10021",
        "policy_number": "GL-1234567",
        "date_of_loss": "2025-03-14",
        "claimant_name": "Ann Lee",
        "description": "Slip and fall",
        "status": "closed",
        "paid": "1200.00",
        "reserve": "0.00",
        "incurred": "1200.00",
    }
    assert rows["CL-10022"]["status"] == "open"


def test_every_cell_names_its_rule_page_and_box():
    fields = extract_loss_run(
        [
            page(
                *heading(),
                *header_row(150, STANDARD_HEADER),
                *claim_row(166, row_values("CL-1", "1.00", "0.00", "1.00")),
            )
        ]
    )
    paid = fields["claims"][0]["paid"]
    assert paid.rule == "loss_run/table:paid"
    assert paid.page == 1
    assert paid.bbox is not None and paid.bbox[2] == 480
    assert 0.9 <= paid.confidence <= 1.0


def test_header_wording_variants_map_to_the_same_fields():
    labels = {
        "claim": "Claim #",
        "policy": "Pol #",
        "date": "DOL",
        "claimant": "Injured / Claimant",
        "desc": "Cause of Loss",
        "status": "Sts",
        "paid": "Paid to Date",
        "reserve": "O/S Reserve",
        "incurred": "Total Incurred",
    }
    fields = extract_loss_run(
        [
            page(
                *header_row(150, labels),
                *claim_row(166, row_values("AB123456", "10.00", "5.00", "15.00", status="R")),
            )
        ]
    )
    row = claims_by_number(fields)["AB123456"]
    assert row["policy_number"] == "GL-1234567"
    assert row["date_of_loss"] == "2025-03-14"
    assert row["claimant_name"] == "Ann Lee"
    assert row["description"] == "Slip and fall"
    assert row["status"] == "reopened"
    assert (row["paid"], row["reserve"], row["incurred"]) == ("10.00", "5.00", "15.00")


def test_a_header_wrapped_over_two_lines_is_read_as_one_row_of_labels():
    top = {"claim": "Claim", "date": "Date of", "status": "Claim", "incurred": "Total"}
    bottom = {
        "claim": "Number",
        "policy": "Policy",
        "date": "Loss",
        "claimant": "Claimant",
        "desc": "Loss Description",
        "status": "Status",
        "paid": "Paid",
        "reserve": "Reserve",
        "incurred": "Incurred",
    }
    fields = extract_loss_run(
        [
            page(
                *header_row(140, top),
                *header_row(150, bottom),
                *claim_row(170, row_values("C306314-004", "7.00", "3.00", "10.00", status="CLSD")),
            )
        ]
    )
    row = claims_by_number(fields)["C306314-004"]
    assert row["date_of_loss"] == "2025-03-14"
    assert row["status"] == "closed"
    assert row["incurred"] == "10.00"


def test_a_description_wrapping_over_lines_stays_with_its_claim():
    fields = extract_loss_run(
        [
            page(
                *header_row(150, STANDARD_HEADER),
                *claim_row(
                    166, row_values("CL-1", "1.00", "0.00", "1.00", desc="Insured vehicle backed")
                ),
                (X["desc"], 176, "into parked car in", 8),
                (X["desc"], 186, "customer lot", 8),
                *claim_row(202, row_values("CL-2", "2.00", "0.00", "2.00", desc="Hail damage")),
            )
        ]
    )
    rows = claims_by_number(fields)
    assert rows["CL-1"]["description"] == "Insured vehicle backed into parked car in customer lot"
    assert rows["CL-2"]["description"] == "Hail damage"


def test_rows_run_across_a_page_break_with_a_repeated_header():
    first = page(
        *heading(),
        *header_row(150, STANDARD_HEADER),
        *claim_row(166, row_values("CL-1", "1.00", "0.00", "1.00")),
        (450, 760, "Page 1 of 2", 7),
    )
    second = page(
        (30, 40, "Granite Ridge Mutual Insurance Company - Loss Run Report (continued)", 9),
        *header_row(80, STANDARD_HEADER),
        *claim_row(96, row_values("CL-2", "2.00", "0.00", "2.00")),
        (30, 120, "GRAND TOTAL", 8),
        right_aligned(480, 120, "3.00"),
        right_aligned(530, 120, "0.00"),
        right_aligned(585, 120, "3.00"),
        (450, 760, "Page 2 of 2", 7),
        number=2,
    )
    fields = extract_loss_run([first, second])
    rows = claims_by_number(fields)
    assert set(rows) == {"CL-1", "CL-2"}
    assert fields["claims"][1]["paid"].page == 2
    assert value(fields["total_incurred"]) == "3.00"


def test_a_continuation_page_of_rows_only_uses_the_columns_before_it():
    first = page(
        *header_row(150, STANDARD_HEADER),
        *claim_row(166, row_values("CL-1", "1.00", "0.00", "1.00")),
    )
    second = page(
        *claim_row(60, row_values("CL-2", "2.00", "4.00", "6.00")),
        *claim_row(76, row_values("CL-3", "(300.00)", "0.00", "(300.00)")),
        number=2,
    )
    rows = claims_by_number(extract_loss_run([first, second]))
    assert rows["CL-2"]["reserve"] == "4.00"
    assert rows["CL-3"]["paid"] == "-300.00"


def test_subtotal_and_total_rows_are_never_claims_and_the_grand_total_wins():
    fields = extract_loss_run(
        [
            page(
                *header_row(150, STANDARD_HEADER),
                *claim_row(166, row_values("CL-1", "1.00", "0.00", "1.00")),
                (30, 182, "Policy Total", 8),
                right_aligned(480, 182, "1.00"),
                right_aligned(530, 182, "0.00"),
                right_aligned(585, 182, "1.00"),
                *claim_row(198, row_values("CL-2", "2.00", "1.00", "3.00", policy="PA-7654321")),
                (30, 214, "Subtotal", 8),
                right_aligned(480, 214, "2.00"),
                right_aligned(530, 214, "1.00"),
                right_aligned(585, 214, "3.00"),
                (30, 236, "Grand Total", 8),
                right_aligned(480, 236, "3.00"),
                right_aligned(530, 236, "1.00"),
                right_aligned(585, 236, "4.00"),
            )
        ]
    )
    assert set(claims_by_number(fields)) == {"CL-1", "CL-2"}
    assert value(fields["total_incurred"]) == "4.00"
    assert fields["total_incurred"].rule == "loss_run/totals_row:incurred"


def test_parenthesised_amounts_are_negative():
    fields = extract_loss_run(
        [
            page(
                *header_row(150, STANDARD_HEADER),
                *claim_row(166, row_values("CL-1", "($1,300.00)", "$0.00", "($1,300.00)")),
            )
        ]
    )
    assert claims_by_number(fields)["CL-1"]["paid"] == "-1300.00"


def test_a_no_losses_report_has_no_claims_and_its_printed_zero_totals():
    fields = extract_loss_run(
        [
            page(
                *heading(),
                *header_row(150, STANDARD_HEADER),
                (180, 190, "*** NO LOSSES REPORTED FOR THE PERIOD SHOWN ***", 10),
                (30, 220, "TOTALS", 8),
                right_aligned(480, 220, "0.00"),
                right_aligned(530, 220, "0.00"),
                right_aligned(585, 220, "0.00"),
                (30, 240, "Number of Claims: 0", 9),
            )
        ]
    )
    assert fields["claims"] == []
    assert value(fields["total_paid"]) == "0.00"
    assert value(fields["claim_count"]) == "0"


def test_component_paid_columns_are_not_summed_into_paid():
    labels = {
        "claim": "Claim #",
        "date": "Loss Date",
        "desc": "Description",
        "status": "Status",
        "paid": "Medical Paid",
        "reserve": "Indemnity Paid",
        "incurred": "Total Incurred",
    }
    values = {
        "claim": "CL-1",
        "date": "01/02/2025",
        "desc": "Strain",
        "status": "C",
        "paid": "100.00",
        "reserve": "200.00",
        "incurred": "300.00",
    }
    row = claims_by_number(
        extract_loss_run([page(*header_row(150, labels), *claim_row(166, values))])
    )["CL-1"]
    assert row["paid"] is None
    assert row["incurred"] == "300.00"


def test_a_single_component_paid_column_is_the_paid_amount():
    labels = dict(STANDARD_HEADER, paid="Loss Paid")
    row = claims_by_number(
        extract_loss_run(
            [
                page(
                    *header_row(150, labels),
                    *claim_row(166, row_values("CL-1", "9.00", "1.00", "10.00")),
                )
            ]
        )
    )["CL-1"]
    assert row["paid"] == "9.00"


def test_valuation_date_is_preferred_over_the_run_date():
    fields = extract_loss_run(
        [
            page(
                (30, 40, "Run Date: 01/05/2026", 9),
                (330, 40, "Valuation Date: 12/31/2025", 9),
                *header_row(150, STANDARD_HEADER),
                *claim_row(166, row_values("CL-1", "1.00", "0.00", "1.00")),
            )
        ]
    )
    assert value(fields["valuation_date"]) == "2025-12-31"


def test_run_date_stands_in_for_a_missing_valuation_date_with_less_confidence():
    fields = extract_loss_run(
        [
            page(
                (30, 40, "Run Date: 01/05/2026", 9),
                *header_row(150, STANDARD_HEADER),
                *claim_row(166, row_values("CL-1", "1.00", "0.00", "1.00")),
            )
        ]
    )
    assert value(fields["valuation_date"]) == "2026-01-05"
    assert fields["valuation_date"].confidence < 0.9


def test_status_spellings():
    assert [normalise_status(s) for s in ("O", "Closed", "CLSD", "Re-Opened", "R", "c")] == [
        "open",
        "closed",
        "closed",
        "reopened",
        "reopened",
        "closed",
    ]
    assert normalise_status("Litigated") is None


def _skewed(pages: PageWords, degrees: float) -> PageWords:
    """The page as a scanner fed it at an angle: word centres turned, line ids from OCR."""
    angle = math.radians(degrees)
    cx, cy = pages.width / 2, pages.height / 2
    words: list[Word] = []
    line_ids: dict[float, int] = {}
    for word in pages.words:
        x0, y0, x1, y1 = word.bbox
        line_id = line_ids.setdefault(y0, len(line_ids) + 1)
        dx, dy = (x0 + x1) / 2 - cx, (y0 + y1) / 2 - cy
        mx = cx + dx * math.cos(angle) - dy * math.sin(angle)
        my = cy + dx * math.sin(angle) + dy * math.cos(angle)
        hw, hh = (x1 - x0) / 2, (y1 - y0) / 2
        words.append(
            Word(
                text=word.text,
                bbox=(mx - hw, my - hh, mx + hw, my + hh),
                confidence=0.9,
                line_id=line_id,
                block_id=1,
            )
        )
    return pages.model_copy(update={"words": words, "source": WordSource.OCR})


def test_a_skewed_scan_is_levelled_before_rows_are_read_and_boxes_stay_on_the_page():
    straight = page(
        *header_row(150, STANDARD_HEADER),
        *claim_row(166, row_values("CL-1", "1.00", "0.00", "1.00")),
        *claim_row(182, row_values("CL-2", "2.00", "5.00", "7.00")),
    )
    skewed = _skewed(straight, 2.5)
    fields = extract_loss_run([skewed])
    rows = claims_by_number(fields)
    assert rows["CL-2"]["reserve"] == "5.00"
    assert rows["CL-2"]["incurred"] == "7.00"
    printed = next(w for w in skewed.words if w.text == "7.00")
    assert fields["claims"][1]["incurred"].bbox == tuple(round(v, 2) for v in printed.bbox)


def test_claims_printed_as_blocks_are_read_from_their_labels_and_money_table():
    def block(y: float, claim: str, claimant: str, paid: str, reserve: str, incurred: str):
        return [
            (30, y, f"Claim No.: {claim}", 9),
            (200, y, "Policy No.: BA843876-05", 9),
            (380, y, "Loss Date: January 10, 2024", 9),
            (530, y, "Sts: Open", 9),
            (30, y + 16, f"Injured / Claimant: {claimant}", 9),
            (30, y + 30, "Description:", 9),
            (110, y + 30, "Rear-ended claimant at stop light", 9),
            right_aligned(330, y + 46, "Paid", 9),
            right_aligned(430, y + 46, "O/S Reserve", 9),
            right_aligned(540, y + 46, "Incurred", 9),
            (110, y + 60, "Indemnity", 9),
            right_aligned(330, y + 60, paid, 9),
            right_aligned(430, y + 60, reserve, 9),
            right_aligned(540, y + 60, incurred, 9),
            (110, y + 74, "Total", 9),
            right_aligned(330, y + 74, paid, 9),
            right_aligned(430, y + 74, reserve, 9),
            right_aligned(540, y + 74, incurred, 9),
        ]

    fields = extract_loss_run(
        [
            page(
                (200, 30, "Loss History Report", 12),
                (30, 60, "Name Insured: Granger Electric Co.", 9),
                (330, 60, "Valuation Date: July 26, 2025", 9),
                *block(
                    110, "226609841", "Keiko Lindqvist", "$13,803.00", "$11,146.00", "$24,949.00"
                ),
                *block(250, "C456400-006", "Insured", "$11,000.52", "$0.00", "$11,000.52"),
                (30, 400, "Loss Summary", 10),
                (330, 400, "Number of Claims: 2", 10),
                (60, 420, "Paid", 9),
                (200, 420, "O/S Reserve", 9),
                (340, 420, "Incurred", 9),
                (60, 434, "$24,803.52", 9),
                (200, 434, "$11,146.00", 9),
                (340, 434, "$35,949.52", 9),
            )
        ]
    )
    rows = claims_by_number(fields)
    assert set(rows) == {"226609841", "C456400-006"}
    assert rows["226609841"] == {
        "claim_number": "226609841",
        "policy_number": "BA843876-05",
        "date_of_loss": "2024-01-10",
        "claimant_name": "Keiko Lindqvist",
        "description": "Rear-ended claimant at stop light",
        "status": "open",
        "paid": "13803.00",
        "reserve": "11146.00",
        "incurred": "24949.00",
    }
    assert rows["C456400-006"]["claimant_name"] == "Insured"
    assert value(fields["insured_name"]) == "Granger Electric Co."
    assert value(fields["claim_count"]) == "2"
    assert value(fields["total_paid"]) == "24803.52"  # the summary, not a claim's own Total row
    assert value(fields["total_incurred"]) == "35949.52"


def test_a_continuation_page_whose_columns_moved_is_matched_column_by_column():
    first = page(
        *header_row(150, STANDARD_HEADER),
        *claim_row(166, row_values("CL-1", "1.00", "0.00", "1.00")),
        *claim_row(182, row_values("CL-2", "2.00", "0.00", "2.00")),
    )
    shifted = [
        (20, 60, "CL-3"),
        (70, 60, "GL-1234567"),
        (130, 60, "03/14/2025"),
        (190, 60, "Bo Chan"),
        (250, 60, "Hail damage to roof"),
        (370, 60, "O"),
        right_aligned(440, 60, "7.00"),
        right_aligned(500, 60, "8.00"),
        right_aligned(560, 60, "15.00"),
    ]
    rows = claims_by_number(extract_loss_run([first, page(*shifted, number=2)]))
    assert rows["CL-3"] == {
        "claim_number": "CL-3",
        "policy_number": "GL-1234567",
        "date_of_loss": "2025-03-14",
        "claimant_name": "Bo Chan",
        "description": "Hail damage to roof",
        "status": "open",
        "paid": "7.00",
        "reserve": "8.00",
        "incurred": "15.00",
    }


def test_a_money_column_whose_header_ocr_lost_is_found_by_its_arithmetic():
    labels = {key: text for key, text in STANDARD_HEADER.items() if key != "incurred"}
    fields = extract_loss_run(
        [
            page(
                *header_row(150, labels),
                *claim_row(166, row_values("CL-1", "1.00", "2.00", "3.00")),
                *claim_row(182, row_values("CL-2", "4.00", "0.00", "4.00")),
            )
        ]
    )
    cell = fields["claims"][0]["incurred"]
    assert value(cell) == "3.00"
    assert cell.confidence < fields["claims"][0]["paid"].confidence  # inferred, less sure


def test_a_label_ocr_cut_in_two_is_one_column():
    labels = dict(STANDARD_HEADER, desc="Cause")
    pages = [
        page(
            *header_row(150, labels),
            (X["desc"] + 30, 150, "Description", 8.0),  # 10 pt after "Cause"
            *claim_row(166, row_values("CL-1", "1.00", "0.00", "1.00", desc="Hail damage to roof")),
        )
    ]
    assert claims_by_number(extract_loss_run(pages))["CL-1"]["description"] == "Hail damage to roof"


def test_identifiers_lose_what_ocr_adds_to_them():
    from extractors.loss_run_cells import repair_identifier

    assert repair_identifier("$R133860") == "SR133860"
    assert repair_identifier("C\u20ac844629-001") == "C844629-001"
    assert repair_identifier("\u00a9658620-007") == "C658620-007"
    assert repair_identifier(".TW528751") == "TW528751"
    assert repair_identifier("CL-57331-") == "CL-57331"
    assert repair_identifier("AB-123") == "AB-123"


def test_records_printed_over_several_lines_under_a_header_of_as_many_lines():
    """A header 'Claim# / Policy# / Accident Description' over 'Status / Acc Date / Claimant
    Name' says each claim takes three lines; the second line's claim-column value is the policy,
    not another claim."""
    header = [
        (30, 100, "Claim#", 8), (200, 100, "Status", 8), right_aligned(420, 100, "Paid", 8),
        right_aligned(500, 100, "Reserve", 8), right_aligned(580, 100, "Incurred", 8),
        (30, 110, "Policy#", 8), (200, 110, "Acc Date", 8),
        (30, 120, "Accident Description", 8), (200, 120, "Claimant Name", 8),
    ]  # fmt: skip

    def record(y: float, claim: str, paid: str, claimant: str) -> list[tuple]:
        return [
            (30, y, claim, 8), (200, y, "Closed", 8), right_aligned(420, y, paid, 8),
            right_aligned(500, y, "0.00", 8), right_aligned(580, y, paid, 8),
            (30, y + 10, "AAA4444444", 8), (200, y + 10, "03/30/2016", 8),
            (30, y + 20, "IV BACKED INTO CV", 8), (200, y + 20, claimant, 8),
        ]  # fmt: skip

    fields = extract_loss_run(
        [
            page(
                *header,
                *record(145, "000000111111", "$10.00", "ACME"),
                *record(190, "000000222222", "$20.00", "BETA"),
            )
        ]
    )
    rows = claims_by_number(fields)
    assert set(rows) == {"000000111111", "000000222222"}
    assert rows["000000222222"] == {
        "claim_number": "000000222222",
        "policy_number": "AAA4444444",
        "date_of_loss": "2016-03-30",
        "claimant_name": "BETA",
        "description": "IV BACKED INTO CV",
        "status": "closed",
        "paid": "20.00",
        "reserve": "0.00",
        "incurred": "20.00",
    }


def test_claims_are_found_when_ocr_garbles_the_claim_number_header():
    labels = dict(STANDARD_HEADER, claim="Cim Number")
    fields = extract_loss_run(
        [
            page(
                *header_row(150, labels),
                *claim_row(166, row_values("CL-1001", "1.00", "0.00", "1.00")),
                *claim_row(182, row_values("AB123456", "2.00", "0.00", "2.00")),
            )
        ]
    )
    assert set(claims_by_number(fields)) == {"CL-1001", "AB123456"}
    assert fields["claims"][0]["claim_number"].confidence < fields["claims"][0]["paid"].confidence


def test_a_header_whose_labels_wrap_into_lone_words_is_still_a_header():
    top = {
        "claim": "Claim",
        "policy": "Policy",
        "date": "Accident",
        "claimant": "Injured /",
        "paid": "Total",
        "reserve": "Case",
    }
    bottom = dict(STANDARD_HEADER, claim="No.", policy="No.", date="Date")
    rows = claims_by_number(
        extract_loss_run(
            [
                page(
                    *header_row(140, top),
                    *header_row(150, bottom),
                    *claim_row(170, row_values("CL-7", "5.00", "1.00", "6.00")),
                )
            ]
        )
    )
    assert rows["CL-7"]["policy_number"] == "GL-1234567"
    assert rows["CL-7"]["reserve"] == "1.00"


def test_a_status_code_ocr_read_as_a_zero_is_open_but_an_amount_is_no_status():
    assert normalise_status("0") == "open"
    assert normalise_status("0;") == "open"
    assert normalise_status("0.00") is None
    assert normalise_status("10") is None


def test_a_hyphen_ocr_spaced_off_stays_inside_the_identifier():
    from extractors.loss_run_cells import repair_identifier

    assert repair_identifier("BOP -8298012") == "BOP-8298012"
    assert repair_identifier("BOP - 8298012") == "BOP-8298012"
    assert repair_identifier("PA 3742 3912") == "PA 3742 3912"


def _grouped_table(policy_size: float) -> PageWords:
    """A table without a policy column: each group of claims under a "POLICY: ..." heading,
    closed by a "Policy ... subtotal" row."""
    header = {k: v for k, v in STANDARD_HEADER.items() if k != "policy"}
    return page(
        *heading(),
        *header_row(150, header),
        (200, 166, "TERM: 2024-10-01 - 2025-10-01", policy_size),
        *claim_row(
            182,
            {k: v for k, v in row_values("CL-1", "1.00", "0.00", "1.00").items() if k != "policy"},
        ),
        (30, 198, "Policy PA 3742 3912 subtotal (1 claim)", 8),
        right_aligned(480, 198, "1.00"),
        right_aligned(530, 198, "0.00"),
        right_aligned(585, 198, "1.00"),
        (30, 214, "POLICY:", policy_size),
        (30 + 4.5 * policy_size, 214, "BOP-8298012", policy_size),
        *claim_row(
            230,
            {k: v for k, v in row_values("CL-2", "2.00", "5.00", "7.00").items() if k != "policy"},
        ),
    )


def _wide_caps(x: float, y: float, parts: list[str], gap: float) -> list[Word]:
    """Capitals set wide and low: 4.5 pt per character, 6 pt high, `gap` between words."""
    words: list[Word] = []
    for part in parts:
        words.append(Word(text=part, bbox=(x, y, x + 4.5 * len(part), y + 6.0), confidence=1.0))
        x += 4.5 * len(part) + gap
    return words


def test_policy_group_headings_in_small_capitals_name_their_claims_policy():
    table = _grouped_table(7.0)
    # Word spaces (4.5 pt) wider than half the caps' height, as a tracked heading font sets them.
    label = _wide_caps(30, 167, ["POLICY:", "PA", "3742", "3912"], 4.5)
    table = table.model_copy(update={"words": [*table.words, *label]})
    rows = claims_by_number(extract_loss_run([table]))
    assert rows["CL-1"]["policy_number"] == "PA 3742 3912"
    assert rows["CL-2"]["policy_number"] == "BOP-8298012"


def test_a_flat_scan_streak_read_as_a_digit_does_not_break_the_header():
    straight = page(
        *header_row(150, STANDARD_HEADER),
        *claim_row(166, row_values("CL-1", "1.00", "0.00", "1.00")),
        *claim_row(182, row_values("CL-2", "2.00", "5.00", "7.00")),
    )
    # A one-point-high "7" between two header labels (a streak on the scan).
    streak = Word(text="7", bbox=(380.0, 151.0, 381.0, 152.0), confidence=0.27)
    noisy = straight.model_copy(update={"words": [*straight.words, streak]})
    rows = claims_by_number(extract_loss_run([_skewed(noisy, 2.0)]))
    assert rows["CL-2"]["incurred"] == "7.00"
    assert rows["CL-2"]["status"] == "closed"


def test_ocr_specks_read_as_punctuation_leave_descriptions_and_names():
    from extractors.loss_run_cells import clean_ocr_text

    assert clean_ocr_text("claimant vehicle total. loss:") == "claimant vehicle total loss"
    assert clean_ocr_text("- Employee strained lower back. lifting -boxes") == (
        "Employee strained lower back lifting boxes"
    )
    assert clean_ocr_text("water leak at:customer home") == "water leak at customer home"
    assert (
        clean_ocr_text("Burn \u2018to forearm from\u00bb fryer oil")
        == "Burn to forearm from fryer oil"
    )
    # Printed punctuation and hyphens stay.
    assert clean_ocr_text("Break-in, tools taken; Hit deer - total loss") == (
        "Break-in, tools taken; Hit deer - total loss"
    )
    assert clean_ocr_text("\u2018Hannah Dunmore -", name=True) == "Hannah Dunmore"
    assert clean_ocr_text("Colleen. Mendelsohn", name=True) == "Colleen Mendelsohn"
    assert clean_ocr_text("NadiaAshdown", name=True) == "Nadia Ashdown"
    assert clean_ocr_text("Ann McDonald Jr.", name=True) == "Ann McDonald Jr."


def test_a_header_word_run_into_a_short_one_is_split():
    from extractors.table import repair_label_token

    assert repair_label_token("paidto") == ("paid", "to")
    assert repair_label_token("claimantname") == ("claimant", "name")
    assert repair_label_token("reserve") == ("reserve",)


def test_a_status_run_into_the_paid_amount_is_two_cells():
    from extractors.table import split_glued_amount

    word = Word(text="RE-OPENED$15,545.00", bbox=(380.0, 100.0, 475.0, 108.0), confidence=1.0)
    status, paid = split_glued_amount(word)
    assert (status.text, paid.text) == ("RE-OPENED", "$15,545.00")
    assert status.bbox[2] == paid.bbox[0] and paid.bbox[2] == 475.0
    assert split_glued_amount(Word(text="$15,545.00", bbox=(0, 0, 1, 1), confidence=1.0)) == [
        Word(text="$15,545.00", bbox=(0, 0, 1, 1), confidence=1.0)
    ]


def test_ocr_dashes_before_an_identifier_or_apart_from_an_amount_are_specks():
    from extractors.loss_run_cells import cell_value, repair_identifier

    assert repair_identifier("-LH248001") == "LH248001"
    assert repair_identifier("_C921978-008") == "C921978-008"
    assert repair_identifier("\u2014-37-AUT-788254") == "37-AUT-788254"
    dash = Word(text="-", bbox=(500.0, 100.0, 502.0, 101.0), confidence=0.5)
    amount = Word(text="17,219.00", bbox=(506.0, 100.0, 540.0, 108.0), confidence=0.9)
    assert cell_value("reserve", [dash, amount], ocr=True)[0] == "17219.00"
    assert cell_value("reserve", [Word(text="-570.00", bbox=(0, 0, 9, 9), confidence=1)])[0] == (
        "-570.00"
    )


def test_a_title_that_names_columns_does_not_hide_the_carrier_above_the_table():
    pages = [
        page(
            (30, 40, "HARBORLINE INDEMNITY COMPANY", 9),
            (330, 40, "LOSS DETAIL REPORT - BY POLICY", 9),
            (30, 80, "Insured:", 9),
            (100, 80, "Acme Bakery LLC", 9),
            (330, 80, "Valued as of:", 9),
            (420, 80, "03/31/2026", 9),
            *header_row(150, STANDARD_HEADER),
            *claim_row(166, row_values("CL-1", "1.00", "0.00", "1.00")),
        )
    ]
    fields = extract_loss_run(pages)
    assert value(fields["carrier_name"]) == "HARBORLINE INDEMNITY COMPANY"
    assert set(claims_by_number(fields)) == {"CL-1"}


def test_an_insured_named_only_on_a_middle_page_is_read():
    """A real 8-page loss run names its insured over a policy group on page 5 only: header
    labels are read from every page of a run the runner keeps live, not just its ends."""
    pages = [
        page(
            (30, 40, "Granite Ridge Mutual Insurance Company", 14),
            *header_row(150, STANDARD_HEADER),
            *claim_row(166, row_values(f"CL-1{number:04d}", "100.00", "0.00", "100.00")),
            number=number,
        )
        for number in range(1, 9)
    ]
    pages[4] = page(
        (30, 80, "Insured:", 9),
        (100, 80, "Test Service, Inc.", 9),
        *header_row(150, STANDARD_HEADER),
        *claim_row(166, row_values("CL-10005", "100.00", "0.00", "100.00")),
        number=5,
    )
    fields = extract_loss_run(pages)
    assert value(fields["insured_name"]) == "Test Service, Inc."
    assert len(fields["claims"]) == 8
