"""Loss runs printed as claim blocks: per claim, "Label: value" pairs and a small money table.

Some carriers print no claims table: each claim is a block that opens with "Claim No.: 123"
and holds its policy, dates, claimant, status and description as label-value pairs, with the
amounts in a little table (rows Indemnity / Expense / Total under Paid / Reserve / Incurred) or
as "Paid: $1.00" pairs. Labels come from the same column vocabulary as the table reader.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median

from extractors.loss_run_cells import MONEY_FIELDS, is_claim_id, map_columns
from extractors.phrase_vocab import norm_tokens
from extractors.table import (
    MONEY_CATEGORIES,
    LeveledPage,
    Line,
    cell_gap,
    cells_of,
    char_width,
    column_bounds,
    column_vocab,
    find_headers,
    looks_like_money,
    page_layout,
    repair_label_token,
)
from pipeline.page_model import PageWords, Word

# Fields read from a block's label-value pairs.
BLOCK_FIELDS = (
    "claim_number",
    "policy_number",
    "date_of_loss",
    "claimant_name",
    "description",
    "status",
)
# A vertical gap this many line heights wide ends a block (the space between claims).
BLOCK_GAP_LINES = 3.0
# A value continues on the next line (a long description) when it starts this close to it.
ALIGN_CHARS = 2.0


@dataclass(frozen=True)
class LabelHit:
    """A printed label on a line: its category, words and the index of the word after it."""

    category: str
    phrase: str
    words: tuple[Word, ...]
    end: int


def line_label_hits(line: Line) -> list[LabelHit]:
    """Labels printed as labels on one line: a vocabulary phrase ending in ':' (or followed
    by one), or standing alone in its cell with a value after a gap. Words inside a sentence
    ("Claimant alleges ...") are not labels."""
    vocab = column_vocab()
    words = list(line.words)
    gap = cell_gap(words)
    tokens: list[str] = []
    owner: list[int] = []
    for index, word in enumerate(words):
        for raw in norm_tokens(word.text):
            for token in repair_label_token(raw):
                tokens.append(token)
                owner.append(index)
    hits: list[LabelHit] = []
    start = 0
    while start < len(tokens):
        found = None
        for length in range(min(vocab.max_len, len(tokens) - start), 0, -1):
            hit = vocab.lookup(tokens[start : start + length])
            if hit and (start == 0 or owner[start - 1] != owner[start]):
                last_word = owner[start + length - 1]
                if start + length < len(tokens) and owner[start + length] == last_word:
                    continue  # the phrase ends inside a word
                found = (hit, length, last_word)
                break
        if found is None:
            start += 1
            continue
        (category, phrase), length, last_word = found
        first_word = owner[start]
        after = last_word + 1
        colon = words[last_word].text.endswith(":")
        if not colon and after < len(words) and words[after].text in (":", "-", "#:"):
            colon, after = True, after + 1
        opens_cell = (
            first_word == 0 or words[first_word].bbox[0] - words[first_word - 1].bbox[2] > gap
        )
        closes_cell = after >= len(words) or words[after].bbox[0] - words[last_word].bbox[2] > gap
        if opens_cell and (colon or closes_cell):
            hits.append(LabelHit(category, phrase, tuple(words[first_word:after]), after))
            while start < len(tokens) and owner[start] < after:
                start += 1
        else:
            start += length
    return hits


@dataclass
class ClaimBlock:
    """One claim's block: label values (words per field) and its amounts (words per field)."""

    page_number: int
    leveled: LeveledPage
    lines: list[Line]
    values: dict[str, list[Word]] = field(default_factory=dict)
    amounts: dict[str, list[Word]] = field(default_factory=dict)
    amount_rule: dict[str, str] = field(default_factory=dict)


def _value_after(line: Line, hit: LabelHit, hits: Sequence[LabelHit]) -> list[Word]:
    """Words right of a label up to the next label or a column-wide gap."""
    words = list(line.words)
    # A label right after this one is its value ("Claimant: Insured"), unless it has a colon.
    next_starts = sorted(
        words.index(other.words[0])
        for other in hits
        if words.index(other.words[0]) > hit.end
        or (words.index(other.words[0]) == hit.end and other.words[-1].text.endswith(":"))
    )
    stop = next_starts[0] if next_starts else len(words)
    value: list[Word] = []
    wide = 4.0 * char_width(words)
    for word in words[hit.end : stop]:
        previous = value[-1] if value else hit.words[-1]
        limit = 40.0 * char_width(words) if not value else wide
        if word.bbox[0] - previous.bbox[2] > limit:
            break
        value.append(word)
    return value


def _continuation(lines: Sequence[Line], index: int, value: list[Word]) -> list[Word]:
    """Lines under a free-text value that carry on with it (aligned, close, no labels)."""
    extra: list[Word] = []
    if not value:
        return extra
    left = value[0].bbox[0]
    bottom = lines[index].bottom
    tolerance = ALIGN_CHARS * char_width(value)
    for line in lines[index + 1 :]:
        if line.top - bottom > 1.2 * line.height or line_label_hits(line):
            break
        words = [w for w in line.words if w.bbox[0] >= left - tolerance]
        if not words or abs(words[0].bbox[0] - left) > tolerance:
            break
        if any(looks_like_money(w.text) for w in words):
            break
        extra.extend(words)
        bottom = line.bottom
    return extra


def _block_starts(lines: Sequence[Line]) -> list[int]:
    starts: list[int] = []
    for index, line in enumerate(lines):
        hits = line_label_hits(line)
        for hit in hits:
            value = _value_after(line, hit, hits)
            if hit.category == "claim_number" and is_claim_id(value) and len(value[0].text) >= 4:
                starts.append(index)
                break
    return starts


def _header_lines(block: ClaimBlock) -> set[int]:
    """Indexes of the block's lines that head a table inside it."""
    page = block.leveled.page
    sub_page = page.model_copy(update={"words": [w for line in block.lines for w in line.words]})
    found: set[int] = set()
    for header in find_headers(sub_page, block.lines):
        found.update(i for i, line in enumerate(block.lines) if line in header.lines)
    return found


def _read_amounts(block: ClaimBlock) -> None:
    """Paid / reserve / incurred of a block: the Total row of its money table (or its only
    row), else "Paid: $1.00" pairs."""
    page = block.leveled.page
    sub_page = page.model_copy(update={"words": [w for line in block.lines for w in line.words]})
    for header in find_headers(sub_page, block.lines):
        categories = {c.category for c in header.columns if c.category in MONEY_CATEGORIES}
        if len(categories) < 2:
            continue
        below = [
            line
            for line in block.lines
            if line.top > header.bottom and any(looks_like_money(w.text) for w in line.words)
        ]
        if not below:
            continue
        bounds = column_bounds(header.columns, below)
        totals = [line for line in below if "total" in norm_tokens(line.text)]
        chosen = totals[-1] if totals else (below[0] if len(below) == 1 else None)
        if chosen is None:
            return
        columns = map_columns(header.columns)
        cells = cells_of(chosen, bounds)
        for name in MONEY_FIELDS:
            index = columns.index.get(name)
            words = (
                [w for w in cells.get(index, []) if looks_like_money(w.text)]
                if index is not None
                else []
            )
            if words:
                block.amounts[name] = words
                block.amount_rule[name] = f"loss_run/claim_block_table:{name}"
        return
    for line in block.lines:
        hits = line_label_hits(line)
        for hit in hits:
            if hit.category in MONEY_FIELDS and hit.category not in block.amounts:
                value = [w for w in _value_after(line, hit, hits) if looks_like_money(w.text)]
                if value:
                    block.amounts[hit.category] = value[:1]
                    block.amount_rule[hit.category] = f"loss_run/claim_block_label:{hit.category}"


def find_claim_blocks(pages: Sequence[PageWords]) -> list[ClaimBlock]:
    """Every claim block of the pages, in reading order."""
    blocks: list[ClaimBlock] = []
    for printed in pages:
        leveled, lines = page_layout(printed)
        starts = _block_starts(lines)
        if not lines or not starts:
            continue
        line_height = median(line.height for line in lines)
        for number, start in enumerate(starts):
            end = starts[number + 1] if number + 1 < len(starts) else len(lines)
            members = [lines[start]]
            for line in lines[start + 1 : end]:
                if line.top - members[-1].bottom > BLOCK_GAP_LINES * line_height:
                    break
                members.append(line)
            block = ClaimBlock(printed.page_number, leveled, members)
            in_headers = _header_lines(block)
            for index, line in enumerate(members):
                if index in in_headers:
                    continue  # "Claimant  Status  Paid" heads a little table: no label-value pairs
                hits = line_label_hits(line)
                for hit in hits:
                    if hit.category not in BLOCK_FIELDS or hit.category in block.values:
                        continue
                    value = _value_after(line, hit, hits)
                    if hit.category == "description":
                        value = value + _continuation(members, index, value)
                    if value:
                        block.values[hit.category] = value
            _read_amounts(block)
            blocks.append(block)
    return blocks


def block_spans(blocks: Sequence[ClaimBlock]) -> list[tuple[int, float, float]]:
    """(page, top, bottom) of each block: for telling a claim's own totals from the report's."""
    return [(b.page_number, b.lines[0].top, b.lines[-1].bottom) for b in blocks]
