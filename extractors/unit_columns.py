"""Units printed as the COLUMNS of one table: row labels down the left ("Driver Name", "VIN"),
one column of values per unit, the unit headings across the top ("UNIT 1 | UNIT 2").

Many state and county crash forms print parties this way. A unit's values then sit far right of
their labels, in the unit's column: each label's row is cut into the columns found from where
the values start, and a cell is the row's band (down to the next row label) inside one column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from spacy.tokens import Span, Token

from extractors import geometry

# Row labels must be at least this many for a table to count as "units in columns".
MIN_ROW_LABELS = 3


@dataclass(frozen=True)
class LabelColumn:
    """The row labels shared by the unit columns of one table band."""

    page: int
    top: float
    bottom: float
    left: float
    right: float  # right edge of the widest row label: values start right of it
    rows: tuple[Span, ...]  # row labels, top to bottom
    row_tops: tuple[float, ...]  # where each printed row starts (labels we know or not)


def find_label_column(
    labels: Sequence[Span],
    is_party_label: Callable[[Span], bool],
    page: int,
    top: float,
    bottom: float,
    first_heading_left: float,
) -> LabelColumn | None:
    """Party labels printed left of every unit heading, between `top` and `bottom`: the label
    column of a units-in-columns table; None when the units are blocks with their own labels."""
    rows = [
        span
        for span in labels
        if span[0]._.page == page
        and is_party_label(span)
        and top < geometry.y_center(geometry.span_box(span)) < bottom
        and geometry.span_box(span)[2] < first_heading_left - 2.0
    ]
    if len(rows) < MIN_ROW_LABELS:
        return None
    rows.sort(key=lambda span: geometry.span_box(span)[1])
    left = min(geometry.span_box(span)[0] for span in rows)
    right = max(geometry.span_box(span)[2] for span in rows)
    doc = rows[0].doc
    row_tops = []
    for key in doc._.line_order:
        if key[0] != page:
            continue
        line = [doc[i] for i in doc._.lines[key]]
        in_band = top < geometry.y_center(line[0]._.layout_box) < bottom
        # A row starts wherever something is printed in the label column (a label we do not
        # know included), so one cell never runs into the next row.
        if in_band and any(left - 2.0 <= t._.layout_box[0] < right for t in line):
            row_tops.append(min(t._.layout_box[1] for t in line))
    return LabelColumn(page, top, bottom, left, right, tuple(rows), tuple(sorted(row_tops)))


def column_bounds(
    column: LabelColumn, headings: Sequence[Sequence[Token]], page_width: float
) -> list[tuple[float, float]]:
    """x ranges of the unit columns, left to right, one per heading.

    Columns start where values start: the left edges of the value runs on the labelled rows,
    clustered. Each heading takes the rightmost start at or before its centre (headings may be
    centred over their column). Without such starts the boundaries fall halfway between
    neighbouring headings.
    """
    line_height = geometry.height(geometry.span_box(column.rows[0]))
    starts: list[float] = []
    for label in column.rows:
        line = [t for t in geometry.line_of(label[0]) if t._.layout_box[0] > column.right]
        if not line:
            continue
        boxes = [t._.layout_box for t in line]
        starts += [boxes[segment[0]][0] for segment in geometry.split_segments(boxes, 1.5)]
    clusters = _clusters(sorted(starts), 1.2 * line_height, max(2, len(column.rows) // 3))
    chosen: list[float] = []
    for tokens in headings:
        centre = geometry.x_center(geometry.span_box(tokens))
        candidates = [
            c for c in clusters if c <= centre + line_height and (not chosen or c > chosen[-1])
        ]
        if not candidates:
            chosen = []
            break
        chosen.append(max(candidates))
    if len(chosen) != len(headings):
        boxes = [geometry.span_box(tokens) for tokens in headings]
        chosen = [column.right + 1.0] + [
            (left[2] + right[0]) / 2 for left, right in zip(boxes, boxes[1:], strict=False)
        ]
        lefts = chosen
    else:
        lefts = [start - 0.5 * line_height for start in chosen]
        lefts[0] = max(lefts[0], column.right + 0.5)
    return [
        (left, lefts[k + 1] if k + 1 < len(lefts) else page_width) for k, left in enumerate(lefts)
    ]


def _clusters(values: Sequence[float], tolerance: float, min_support: int) -> list[float]:
    """Left ends of groups of nearby values that occur at least `min_support` times."""
    groups: list[list[float]] = []
    for value in values:
        if groups and value - groups[-1][-1] <= tolerance:
            groups[-1].append(value)
        else:
            groups.append([value])
    return [min(group) for group in groups if len(group) >= min_support]


def cell_tokens(
    column: LabelColumn, label: Span, bounds: tuple[float, float], is_label: Callable[[Token], bool]
) -> list[Token]:
    """The tokens of `label`'s row inside one unit column, in reading order."""
    doc = label.doc
    top = geometry.span_box(label)[1]
    line_height = geometry.height(geometry.span_box(label))
    following = [t for t in column.row_tops if t > top + 0.5 * line_height]
    bottom = min(following) if following else column.bottom
    found: list[Token] = []
    for key in doc._.line_order:
        if key[0] != column.page:
            continue
        for i in doc._.lines[key]:
            token = doc[i]
            box = token._.layout_box
            if not top - 0.5 * line_height <= geometry.y_center(box) < bottom - 0.2 * line_height:
                continue
            if bounds[0] <= geometry.x_center(box) < bounds[1] and not is_label(token):
                found.append(token)
    return found
