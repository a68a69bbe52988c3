"""Geometry: visual lines on skewed pages, label-right and label-below values, columns."""

from __future__ import annotations

from extractors import geometry
from extractors.word_doc import build_word_doc, labels
from tests.unit.placed_words import page


def test_group_lines_keeps_a_skewed_line_together() -> None:
    # Each word 1.5 pt lower than the one before: a skewed scan.
    boxes = [(10.0 + 40 * i, 100.0 + 1.5 * i, 45.0 + 40 * i, 110.0 + 1.5 * i) for i in range(8)]
    boxes += [(10.0 + 40 * i, 118.0 + 1.5 * i, 45.0 + 40 * i, 128.0 + 1.5 * i) for i in range(8)]
    lines = geometry.group_lines(boxes)
    assert lines == [list(range(8)), list(range(8, 16))]


def test_group_lines_orders_top_to_bottom_left_to_right() -> None:
    boxes = [(200.0, 50.0, 240.0, 60.0), (10.0, 50.0, 40.0, 60.0), (10.0, 20.0, 40.0, 30.0)]
    assert geometry.group_lines(boxes) == [[2], [1, 0]]


def test_split_segments_cuts_at_wide_gaps() -> None:
    boxes = [(0.0, 0.0, 20.0, 10.0), (23.0, 0.0, 40.0, 10.0), (100.0, 0.0, 130.0, 10.0)]
    assert geometry.split_segments(boxes) == [[0, 1], [2]]


def test_column_bounds_and_assignment() -> None:
    headers = [(10.0, 0.0, 60.0, 10.0), (100.0, 0.0, 150.0, 10.0), (300.0, 0.0, 340.0, 10.0)]
    bounds = geometry.column_bounds(headers, left=0.0, right=612.0)
    assert bounds == [(0.0, 80.0), (80.0, 225.0), (225.0, 612.0)]
    assert geometry.assign_column((120.0, 20.0, 140.0, 30.0), bounds) == 1
    assert geometry.assign_column((700.0, 20.0, 720.0, 30.0), bounds) is None


def _is_label(doc):
    starts = {i for span in labels(doc) for i in range(span.start, span.end)}
    return lambda token: token.i in starts


def test_right_of_stops_at_next_label() -> None:
    doc = build_word_doc(
        [page((50, 100, "Policy Number: PA-123 45"), (250, 100, "Date of Loss: 03/14/2026"))],
        ("claim_form",),
    )
    policy = next(s for s in labels(doc) if s.label_ == "policy_number")
    assert [t.text for t in geometry.right_of(policy, _is_label(doc))] == ["PA-123", "45"]


def test_below_reads_a_grid_cell_and_stops_at_the_next_label() -> None:
    doc = build_word_doc(
        [
            page(
                (50, 100, "POLICY NUMBER", 7), (250, 100, "DATE OF LOSS", 7),
                (52, 110, "PA-2254257"), (252, 110, "03/14/2026"),
                (50, 130, "INSURED NAME", 7), (52, 140, "Acme Bakery LLC"),
            )
        ],
        ("claim_form",),
    )  # fmt: skip
    by_field = {s.label_: s for s in labels(doc)}
    policy = by_field["policy_number"]
    assert geometry.right_of(policy, _is_label(doc)) == []
    lines = geometry.below(policy, _is_label(doc), max_lines=3)
    assert [[t.text for t in line] for line in lines] == [["PA-2254257"]]
    loss = geometry.below(by_field["date_of_loss"], _is_label(doc), max_lines=3)
    assert [[t.text for t in line] for line in loss] == [["03/14/2026"]]


def test_continuation_lines_of_a_label_left_address() -> None:
    doc = build_word_doc(
        [
            page(
                (50, 100, "Insured Address:"), (160, 100, "12 Main St"),
                (160, 112, "Springfield, IL 62701"),
                (50, 124, "Phone:"), (160, 124, "217-555-0134"),
            )
        ],
        ("claim_form",),
    )  # fmt: skip
    address = next(s for s in labels(doc) if s.label_ == "insured_address")
    first = geometry.right_of(address, _is_label(doc))
    more = geometry.continuation_lines(first, address, _is_label(doc), max_lines=3)
    assert [t.text for t in first] == ["12", "Main", "St"]
    assert [[t.text for t in line] for line in more] == [["Springfield,", "IL", "62701"]]
