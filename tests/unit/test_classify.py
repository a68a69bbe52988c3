"""Page classification and packet splitting on pages built in code."""

from __future__ import annotations

from pipeline.classify import DocumentSpan, classify_page, split_documents
from pipeline.contract import DocType
from pipeline.page_model import PageWords
from tests.unit.placed_words import page


def loss_run_first_page(
    number: int = 1,
    carrier: str = "Granite Mutual Insurance",
    insured: str = "Acme Bakery LLC",
    page_of: str = "",
) -> PageWords:
    return page(
        (180, 40, f"{carrier}", 14),
        (200, 60, "Loss Run Report", 14),
        (40, 90, f"Insured: {insured}"),
        (40, 104, "Valued as of 03/31/2026"),
        (450, 90, page_of),
        (40, 150, "Claim Number"),
        (120, 150, "Date of Loss"),
        (200, 150, "Claimant"),
        (300, 150, "Status"),
        (360, 150, "Paid"),
        (430, 150, "Reserve"),
        (500, 150, "Incurred"),
        (40, 166, "CL-10021"),
        (120, 166, "01/12/2025"),
        (200, 166, "J. Smith"),
        (300, 166, "Closed"),
        (360, 166, "1,200.00"),
        (430, 166, "0.00"),
        (500, 166, "1,200.00"),
        number=number,
    )


def loss_run_rows_page(number: int) -> PageWords:
    """A continuation page: only claim rows, no heading."""
    rows = []
    for i in range(8):
        y = 60 + 16 * i
        rows += [
            (40, y, f"CL-2{i:04d}"),
            (120, y, "02/03/2025"),
            (200, y, "R. Jones"),
            (300, y, "Open"),
            (360, y, "500.00"),
            (430, y, "2,000.00"),
            (500, y, "2,500.00"),
        ]
    return page(*rows, number=number)


def claim_form_page(number: int = 1) -> PageWords:
    return page(
        (200, 40, "PROPERTY LOSS NOTICE", 14),
        (40, 90, "Policy Number: HO-1234567"),
        (300, 90, "NAIC Code: 12345"),
        (40, 110, "Date of Loss: 03/14/2026"),
        (300, 110, "Time of Loss: 2:30 PM"),
        (40, 130, "Location of Loss: 12 Main St, Springfield, IL"),
        (40, 150, "Kind of Loss: Fire Theft Hail"),
        (40, 170, "Description of Loss: kitchen fire damaged cabinets"),
        (40, 190, "Estimated Amount: $4,500.00"),
        number=number,
    )


def police_first_page(number: int = 1) -> PageWords:
    return page(
        (200, 30, "SPRINGFIELD POLICE DEPARTMENT", 14),
        (200, 50, "TRAFFIC CRASH REPORT", 14),
        (40, 90, "Report Number: 2026-000123"),
        (300, 90, "Crash Date: 03/14/2026"),
        (40, 110, "Unit 1 Driver: Jane Roe"),
        (300, 110, "DOB: 01/02/1980"),
        (40, 130, "Unit 2 Driver: John Doe"),
        (300, 130, "Plate Number: ABC1234"),
        (40, 150, "Investigating Officer: Sgt. Miller Badge 4411"),
        number=number,
    )


def police_narrative_page(number: int) -> PageWords:
    return page(
        (40, 60, "Narrative"),
        (40, 80, "Unit 1 was travelling north when unit 2 failed to yield at the intersection."),
        (40, 96, "The driver of unit 2 stated he did not see the other vehicle."),
        (40, 112, "Both vehicles were towed from the scene."),
        number=number,
    )


def invoice_page(number: int = 1) -> PageWords:
    return page(
        (250, 40, "INVOICE", 16),
        (40, 90, "Invoice Number: 4471"),
        (300, 90, "Invoice Date: 03/01/2026"),
        (40, 110, "Bill To: Acme Bakery LLC"),
        (40, 150, "Description"),
        (300, 150, "Qty"),
        (400, 150, "Unit Price"),
        (40, 170, "Roof repair labour"),
        (300, 170, "1"),
        (400, 170, "$2,300.00"),
        (40, 220, "Amount Due: $2,300.00"),
        number=number,
    )


def spans_of(spans: list[DocumentSpan]) -> list[tuple[int, int, DocType]]:
    return [(s.page_start, s.page_end, s.doc_type) for s in spans]


def test_each_type_is_recognised_on_its_first_page():
    assert classify_page(loss_run_first_page()).doc_type is DocType.LOSS_RUN
    assert classify_page(claim_form_page()).doc_type is DocType.CLAIM_FORM
    assert classify_page(police_first_page()).doc_type is DocType.POLICE_REPORT
    assert classify_page(invoice_page()).doc_type is DocType.OTHER


def test_every_fired_rule_is_named_in_the_evidence():
    result = classify_page(loss_run_first_page())
    assert "loss_run/title:loss run report" in result.evidence
    assert any(e.startswith("loss_run/columns:") for e in result.evidence)
    assert result.has_heading


def test_a_blank_page_is_other_and_flagged():
    result = classify_page(page((300, 700, "7"), number=1))
    assert result.doc_type is DocType.OTHER
    assert result.blank


def test_a_table_header_alone_is_loss_run_evidence():
    """A continuation page that repeats the column header but no title still reads as a loss run."""
    header_only = page(
        (40, 60, "Claim #"),
        (120, 60, "Loss Date"),
        (200, 60, "Claimant"),
        (300, 60, "Status"),
        (360, 60, "Total Paid"),
        (430, 60, "O/S Reserve"),
        (500, 60, "Total Incurred"),
        (40, 76, "AB123456"),
        (120, 76, "2025-02-03"),
        (200, 76, "Lee"),
        (300, 76, "C"),
        (360, 76, "10.00"),
        (430, 76, "0.00"),
        (500, 76, "10.00"),
    )
    result = classify_page(header_only)
    assert result.doc_type is DocType.LOSS_RUN
    assert result.strong


def test_confidence_grows_with_the_margin():
    strong = classify_page(loss_run_first_page())
    weak = classify_page(page((40, 60, "Some remarks about the reserve.")))
    assert strong.confidence > 0.95
    assert 0.5 <= weak.confidence < strong.confidence


def test_a_packet_splits_into_its_documents_and_continuation_pages_stay_together():
    pages = [
        claim_form_page(1),
        police_first_page(2),
        police_narrative_page(3),
        loss_run_first_page(4),
        loss_run_rows_page(5),
        loss_run_rows_page(6),
    ]
    assert spans_of(split_documents(pages)) == [
        (1, 1, DocType.CLAIM_FORM),
        (2, 3, DocType.POLICE_REPORT),
        (4, 6, DocType.LOSS_RUN),
    ]


def test_a_loss_run_repeating_its_heading_on_every_page_stays_one_document():
    pages = [loss_run_first_page(n) for n in (1, 2, 3)]
    assert spans_of(split_documents(pages)) == [(1, 3, DocType.LOSS_RUN)]


def test_two_loss_runs_of_different_carriers_back_to_back_split():
    pages = [
        loss_run_first_page(1, carrier="Granite Mutual Insurance", insured="Acme Bakery LLC"),
        loss_run_rows_page(2),
        loss_run_first_page(3, carrier="Harbor Casualty Company", insured="Blue Fin Seafood Inc"),
    ]
    assert spans_of(split_documents(pages)) == [
        (1, 2, DocType.LOSS_RUN),
        (3, 3, DocType.LOSS_RUN),
    ]


def test_page_one_of_n_starts_a_new_document_even_under_the_same_heading():
    pages = [
        loss_run_first_page(1, page_of="Page 1 of 2"),
        loss_run_first_page(2, page_of="Page 2 of 2"),
        loss_run_first_page(3, page_of="Page 1 of 1"),
    ]
    assert spans_of(split_documents(pages)) == [(1, 2, DocType.LOSS_RUN), (3, 3, DocType.LOSS_RUN)]


def test_other_documents_between_typed_ones_are_their_own_spans():
    pages = [invoice_page(1), claim_form_page(2), page((300, 700, "2"), number=3)]
    assert spans_of(split_documents(pages)) == [
        (1, 1, DocType.OTHER),
        (2, 2, DocType.CLAIM_FORM),
        (3, 3, DocType.OTHER),
    ]


def test_span_confidence_is_a_probability_like_number():
    spans = split_documents([loss_run_first_page(1), loss_run_rows_page(2)])
    assert len(spans) == 1
    assert 0.9 < spans[0].confidence <= 1.0


def test_page_numbers_behind_a_rule_speck_count_and_a_page_referred_to_does_not():
    from pipeline.classify import _page_numbering

    assert _page_numbering("ACME - continued from page 1 ... _Page 2 of 2") == (2, 2)
    assert _page_numbering("continued from page 1") == (None, None)
    assert _page_numbering("see page 4 for details") == (None, None)
    assert _page_numbering("Page 3") == (3, None)
    assert _page_numbering("Page.2 of 2") == (2, 2)
