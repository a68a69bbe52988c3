"""Where words sit relative to each other: visual lines, the value right of or below a label.

Pure helpers over boxes in PDF points (top-left origin). The span-level helpers read the token
extensions set by `extractors.word_doc` (`layout_box`, `page`, `line_key`) and the document's visual
lines (`doc._.lines`), and never depend on a template's coordinates: every distance is measured
in units of the text height around it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from statistics import median
from typing import TYPE_CHECKING

from pipeline.contract import BBox

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# ---------------------------------------------------------------------------------------------
# Boxes


def height(box: BBox) -> float:
    return max(box[3] - box[1], 0.1)


def width(box: BBox) -> float:
    return max(box[2] - box[0], 0.0)


def x_center(box: BBox) -> float:
    return (box[0] + box[2]) / 2


def y_center(box: BBox) -> float:
    return (box[1] + box[3]) / 2


def union(boxes: Iterable[BBox]) -> BBox:
    boxes = list(boxes)
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def vertical_overlap(a: BBox, b: BBox) -> float:
    """Shared height as a share of the smaller box's height (0..1)."""
    shared = min(a[3], b[3]) - max(a[1], b[1])
    return max(shared, 0.0) / min(height(a), height(b))


def horizontal_overlap(a: BBox, b: BBox) -> float:
    """Shared width as a share of the narrower box's width (0..1)."""
    shared = min(a[2], b[2]) - max(a[0], b[0])
    narrower = max(min(width(a), width(b)), 0.1)
    return max(shared, 0.0) / narrower


# ---------------------------------------------------------------------------------------------
# Visual lines


def group_lines(boxes: Sequence[BBox], min_overlap: float = 0.5) -> list[list[int]]:
    """Indices of `boxes` grouped into visual lines, top to bottom, each sorted left to right.

    Words are chained left to right: a word joins the line whose right-most word it overlaps
    vertically, so a line that drifts a little on a skewed scan still holds together.
    """
    order = sorted(range(len(boxes)), key=lambda i: (boxes[i][0], boxes[i][1]))
    lines: list[list[int]] = []
    # Top and bottom of all each line's words: a line that misses the new word's rows entirely
    # cannot overlap it, and skipping it keeps a dense page from costing words x lines calls.
    spans: list[list[float]] = []
    for index in order:
        box = boxes[index]
        best: tuple[float, int] | None = None
        for line_no, line in enumerate(lines):
            top, bottom = spans[line_no]
            if top >= box[3] or bottom <= box[1]:
                continue
            last = _chain_anchor(boxes, line, box)
            if vertical_overlap(last, box) < min_overlap:
                continue
            # Words overlapping in x belong to one line only when they sit at the same height
            # (a text layer can repeat a word); otherwise they are stacked lines.
            if last[2] > box[0] + 0.5 * height(box) and vertical_overlap(last, box) < 0.9:
                continue
            score = abs(y_center(last) - y_center(box))
            if best is None or score < best[0]:
                best = (score, line_no)
        if best is None:
            lines.append([index])
            spans.append([box[1], box[3]])
        else:
            lines[best[1]].append(index)
            span = spans[best[1]]
            span[0], span[1] = min(span[0], box[1]), max(span[1], box[3])
    for line in lines:
        line.sort(key=lambda i: boxes[i][0])
    lines.sort(key=lambda line: (median(y_center(boxes[i]) for i in line), boxes[line[0]][0]))
    return lines


def _chain_anchor(boxes: Sequence[BBox], line: Sequence[int], box: BBox) -> BBox:
    """The line's right-most word that a new word is compared with. A sliver under half the
    new word's height (a scan speck read as "7" or ".") says little about where the line runs,
    so the last word of full height stands in for it; it can still join the line itself."""
    for index in reversed(line):
        if height(boxes[index]) >= 0.5 * height(box):
            return boxes[index]
    return boxes[line[-1]]


def typical_height(boxes: Iterable[BBox], default: float = 10.0) -> float:
    heights = [height(b) for b in boxes]
    return median(heights) if heights else default


def split_segments(boxes: Sequence[BBox], gap_factor: float = 1.2) -> list[list[int]]:
    """Cut one visual line (boxes sorted left to right) where the gap exceeds `gap_factor` x height.

    A segment is a run of words printed as one phrase or one cell value.
    """
    if not boxes:
        return []
    line_height = typical_height(boxes)
    segments: list[list[int]] = [[0]]
    for i in range(1, len(boxes)):
        if boxes[i][0] - boxes[i - 1][2] > gap_factor * line_height:
            segments.append([i])
        else:
            segments[-1].append(i)
    return segments


# ---------------------------------------------------------------------------------------------
# Columns (tables)


def column_bounds(
    header_boxes: Sequence[BBox], left: float, right: float
) -> list[tuple[float, float]]:
    """x-ranges of table columns from their header cells (sorted left to right).

    Each boundary sits midway between neighbouring headers, which suits both left- and
    right-aligned columns better than the headers' own edges.
    """
    bounds: list[tuple[float, float]] = []
    for i, box in enumerate(header_boxes):
        start = left if i == 0 else (header_boxes[i - 1][2] + box[0]) / 2
        end = right if i == len(header_boxes) - 1 else (box[2] + header_boxes[i + 1][0]) / 2
        bounds.append((start, end))
    return bounds


def assign_column(box: BBox, bounds: Sequence[tuple[float, float]]) -> int | None:
    """Index of the column range holding the box's horizontal centre, or None."""
    centre = x_center(box)
    for i, (start, end) in enumerate(bounds):
        if start <= centre < end:
            return i
    return None


# ---------------------------------------------------------------------------------------------
# Spans and tokens of a word doc (see extractors.word_doc)


def token_box(token: Token) -> BBox:
    """The token's box for layout reasoning: deskewed on OCR pages (see word_doc)."""
    return token._.layout_box


def span_box(tokens: Iterable[Token]) -> BBox:
    """Layout box around tokens (deskewed): for comparing positions, not for output."""
    return union(token._.layout_box for token in tokens)


def page_box(tokens: Iterable[Token]) -> BBox:
    """Box around tokens in the page's own coordinates: what a FieldValue reports."""
    return union(token._.bbox for token in tokens)


def line_of(token: Token) -> list[Token]:
    """The visual line holding `token`, left to right."""
    doc = token.doc
    return [doc[i] for i in doc._.lines[token._.line_key]]


def lines_after(token: Token) -> list[list[Token]]:
    """Visual lines of the same page below the line holding `token`, top to bottom."""
    doc = token.doc
    page, line_no = token._.line_key
    found: list[list[Token]] = []
    for key in doc._.line_order:
        if key[0] == page and key[1] > line_no:
            found.append([doc[i] for i in doc._.lines[key]])
    return found


def right_of(
    label: Span,
    is_stop: Callable[[Token], bool],
    max_first_gap: float | None = None,
    max_gap_factor: float = 2.5,
) -> list[Token]:
    """Tokens on the label's visual line right of it, up to the next label or a wide gap.

    `max_first_gap` (points) bounds the label-to-value gap; by default a third of the page.
    """
    doc = label.doc
    label_box = span_box(label)
    line_height = height(label_box)
    if max_first_gap is None:
        page_width = doc._.page_sizes[label[0]._.page][0]
        max_first_gap = page_width / 3
    found: list[Token] = []
    previous_x1 = label_box[2]
    for token in line_of(label[-1]):
        box = token._.layout_box
        if token.i in range(label.start, label.end) or box[0] < label_box[2] - 1.0:
            continue
        if is_stop(token):
            break
        gap = box[0] - previous_x1
        if gap > (max_first_gap if not found else max_gap_factor * line_height):
            break
        found.append(token)
        previous_x1 = box[2]
    return found


def cell_right_edge(label: Span) -> float:
    """Where the label's cell ends: the next word right of it on its line, else the page edge."""
    doc = label.doc
    label_box = span_box(label)
    for token in line_of(label[-1]):
        if token.i >= label.end and token._.layout_box[0] >= label_box[2] - 1.0:
            return token._.layout_box[0] - 1.0
    return doc._.page_sizes[label[0]._.page][0]


def _without_run_in(
    line: Sequence[Token], inside: list[Token], label_left: float, line_height: float
) -> list[Token]:
    """`inside` without the words that start left of the label and are the tail of text
    running in from the left ("... Foxborough Heights, NC" of the neighbouring cell's value,
    under "Police Report Number"): a word space or less from the word before them."""
    if not inside or inside[0]._.layout_box[0] >= label_left:
        return inside
    previous = {t.i: p for p, t in zip(line, line[1:], strict=False)}
    kept = list(inside)
    while kept and kept[0]._.layout_box[0] < label_left:
        before = previous.get(kept[0].i)
        if before is None or kept[0]._.layout_box[0] - before._.layout_box[2] > line_height:
            break
        kept.pop(0)
    return kept


def below(
    label: Span,
    is_stop: Callable[[Token], bool],
    right_edge: float | None = None,
    max_lines: int = 1,
    first_gap_factor: float = 2.0,
    next_gap_factor: float = 1.0,
    left_tolerance_factor: float = 1.0,
    from_line_start: bool = False,
) -> list[list[Token]]:
    """Lines of tokens in the box under a label: from its left edge to its cell's right edge.

    Stops at a line whose part in the box holds a label, at an empty line, and at a vertical
    gap wider than the factors allow (in text heights); returns at most `max_lines` lines.
    `from_line_start` widens the box to the start of the label's line (paragraphs).
    """
    label_box = span_box(label)
    line_height = height(label_box)
    left = label_box[0] - left_tolerance_factor * line_height
    if from_line_start:
        # A paragraph under a heading ("SECTION 5 - ACCIDENT DETAILS - DESCRIPTION") spans the
        # heading's whole line, not just the part under the matched words.
        left = min(left, line_of(label[0])[0]._.layout_box[0] - left_tolerance_factor * line_height)
    # A word starting right at the next caption belongs to the next cell (on a scan the two
    # left edges wander by a point or two).
    right = (cell_right_edge(label) if right_edge is None else right_edge) - 0.5 * line_height
    found: list[list[Token]] = []
    previous_bottom = label_box[3]
    for line in lines_after(label[0]):
        inside = [t for t in line if t._.layout_box[0] >= left and t._.layout_box[0] < right]
        inside = _without_run_in(line, inside, label_box[0], line_height)
        if not inside:
            if found:
                break
            # Nothing under the label on this line: only keep looking if the line is close.
            if (
                min(t._.layout_box[1] for t in line) - previous_bottom
                > first_gap_factor * line_height
            ):
                break
            continue
        top = min(t._.layout_box[1] for t in inside)
        limit = (next_gap_factor if found else first_gap_factor) * line_height
        if top - previous_bottom > limit:
            break
        if any(is_stop(t) for t in inside):
            break
        found.append(inside)
        previous_bottom = max(t._.layout_box[3] for t in inside)
        if len(found) >= max_lines:
            break
    return found


def continuation_lines(
    first: Sequence[Token],
    label: Span,
    is_stop: Callable[[Token], bool],
    max_lines: int,
    gap_factor: float = 1.0,
) -> list[list[Token]]:
    """Further lines of a label-left value (an address): aligned with its first word, nothing
    printed between the label's left edge and the value, no label, and close below."""
    if not first or max_lines <= 0:
        return []
    value_left = first[0]._.layout_box[0]
    label_left = span_box(label)[0]
    line_height = height(span_box(first))
    found: list[list[Token]] = []
    previous_bottom = max(t._.layout_box[3] for t in first)
    tolerance = line_height
    for line in lines_after(first[-1]):
        top = min(t._.layout_box[1] for t in line)
        if top - previous_bottom > gap_factor * line_height:
            break
        if any(label_left - tolerance <= t._.layout_box[0] < value_left - tolerance for t in line):
            break  # something sits in the label column: a new label-left row starts
        inside = [t for t in line if t._.layout_box[0] >= value_left - tolerance]
        if not inside or abs(inside[0]._.layout_box[0] - value_left) > 2 * tolerance:
            break
        if any(is_stop(t) for t in inside) and not _wrapped_word(
            line, inside, value_left, tolerance
        ):
            break
        # Only the segment that starts at the value's left edge: a neighbouring cell is not ours.
        segment = [inside[0]]
        for token in inside[1:]:
            if token._.layout_box[0] - segment[-1]._.layout_box[2] > 2.5 * line_height:
                break
            segment.append(token)
        found.append(segment)
        previous_bottom = max(t._.layout_box[3] for t in segment)
        if len(found) >= max_lines:
            break
    return found


def _wrapped_word(
    line: Sequence[Token], inside: Sequence[Token], value_left: float, tolerance: float
) -> bool:
    """A lone word under a label-left value, at the value's left edge, with nothing else on
    its line: the value wrapped in its cell ("Granite Ridge Mutual Insurance / Company"), even
    when the word is also a caption somewhere else. A caption of this form would stand in the
    label column, or have its value beside it."""
    return (
        len(line) == 1
        and len(inside) == 1
        and abs(inside[0]._.layout_box[0] - value_left) <= tolerance
    )


def tokens_in_region(
    doc: Doc, page: int, top: float, bottom: float, left: float = 0.0, right: float = 1e9
) -> list[Token]:
    """Tokens whose centre lies in the rectangle on `page`."""
    return [
        token
        for token in doc
        if token._.page == page
        and top <= y_center(token._.layout_box) < bottom
        and left <= x_center(token._.layout_box) < right
    ]
