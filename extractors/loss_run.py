"""Loss runs: header fields (carrier, insured, valuation date), the claims table and its totals.

The claims table is found by its column vocabulary (`extractors/table.py`), rows are anchored on
the claim-number column (lines without one continue the row above: wrapped descriptions), and
totals rows are told apart from claims by their wording. Header fields are read next to their
printed labels with the shared label machinery. Every value names the rule that produced it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median

from extractors.confidence import (
    Absence,
    Grammar,
    RuleStrength,
    absent_confidence,
    fuse_confidence,
)
from extractors.geometry import split_segments, union
from extractors.label_values import LabelReader
from extractors.loss_run_blocks import ClaimBlock, block_spans, find_claim_blocks
from extractors.loss_run_cells import (
    EDGE_JUNK,
    MONEY_FIELDS,
    VOCAB,
    ColumnMap,
    cell_value,
    identifier_words,
    is_claim_id,
    loss_run_vocab,
    map_columns,
    repair_identifier,
    text_of,
)
from extractors.phrase_vocab import norm_tokens
from extractors.table import (
    LeveledPage,
    Line,
    TableRegion,
    TableTracker,
    cells_of,
    char_width,
    looks_like_date,
    looks_like_money,
    page_layout,
)
from extractors.value_grammar import Found, find_date, find_integer, find_money, find_name
from extractors.word_doc import build_word_doc
from pipeline.contract import CLAIM_ROW_FIELDS, BBox, FieldMap, FieldValue, Row
from pipeline.normal_forms import (
    normalise_date,
    normalise_identifier,
    normalise_integer,
    normalise_money,
    normalise_name,
    parse_money,
)
from pipeline.page_model import PageWords, Word, WordSource
from pipeline.page_store import LIVE_PAGE_LIMIT

# Prior trust in a value by where it was read (see extractors/confidence.py).
TABLE_CELL = 0.97  # a cell under a header column recognised by its label
TABLE_CELL_INHERITED = 0.94  # a cell on a page without its own header (columns carried over)
TABLE_CELL_INFERRED = 0.9  # a cell of a column whose header was unreadable, found by arithmetic
TOTALS_ROW = 0.96  # an amount on the printed totals row, under its column
HEADING_GUESS = 0.8  # the carrier read from the heading without a label
HEADING_TITLE = 0.95  # ... printed as the page's largest heading text, with an insurer word
GROUP_HEADING = 0.92  # a policy number printed as a "Policy: ..." heading over its claims
COUNT_ON_TOTALS = 0.93  # "GRAND TOTAL (28 CLAIMS)": the count printed on the totals row

# Header labels (insured, carrier, valuation date, printed totals) are read from every page of a
# run that the runner keeps live (real runs print "Insured:" over a policy group on page 5 of 8),
# and from this many pages at each end of a longer one: its heading is printed first, its summary
# last, and a doc over every page of a 300-page run would hold them all at once.
HEADER_END_PAGES = 3

_COUNT_IN_TEXT = re.compile(r"(\d{1,4})\s+claims?\b|claims?\s*[:=\-]?\s*(\d{1,4})\b", re.I)
_AS_OF = re.compile(
    r"\b(?:valued|valuation|evaluated|evaluation|losses|claims|data|experience)?\s*"
    r"(?:date\s*)?(?:as\s+of|as\s+at|thru|through)\s*:?\s*(.+)$",
    re.I,
)


# ---------------------------------------------------------------------------------------------
# Rows


@dataclass
class _Row:
    page_number: int
    region: TableRegion
    columns: ColumnMap
    cells: dict[int, list[Word]] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)
    # Lines 2, 3, ... of a multi-line record: cells per record line (index 0 is unused).
    record_lines: list[dict[int, list[Word]]] = field(default_factory=lambda: [{}])

    def add(self, line: Line, cells: dict[int, list[Word]]) -> None:
        self.lines.append(line)
        for index, words in cells.items():
            self.cells.setdefault(index, []).extend(words)

    def add_record_line(self, line: Line, cells: dict[int, list[Word]]) -> None:
        self.lines.append(line)
        self.record_lines.append(cells)

    def words_at(self, index: int, level: int) -> list[Word]:
        if level == 0:
            return self.cells.get(index, [])
        if level < len(self.record_lines):
            return self.record_lines[level].get(index, [])
        return []


@dataclass
class _Totals:
    page_number: int
    grand: bool
    line: Line
    cells: dict[int, list[Word]]
    columns: ColumnMap
    region: TableRegion
    summary: bool = False  # the value line of a money-only table ("Loss Summary"), no "Total" word


def _starts_row(cells: dict[int, list[Word]], columns: ColumnMap) -> bool:
    anchor = columns.anchor
    if anchor is None:
        return False
    words = cells.get(anchor, [])
    if anchor == columns.index.get("claim_number"):
        if not is_claim_id(words):
            return False
    elif not (words and looks_like_date(words[0].text)):
        return False
    others = [w for i, ws in cells.items() if i != anchor for w in ws]
    return any(looks_like_money(w.text) or looks_like_date(w.text) for w in others)


def _totals_kind(line: Line) -> str | None:
    """ "grand" / "sub" for a totals line (words say so and it carries amounts), else None."""
    if not any(looks_like_money(w.text) for w in line.words):
        return None
    tokens = norm_tokens(" ".join(w.text for w in line.words if not looks_like_money(w.text)))
    vocab = loss_run_vocab()
    if vocab.sub_totals.find_all(tokens):
        return "sub"
    if vocab.grand_totals.find_all(tokens):
        return "grand"
    return None


# Share of rows in which an unlabelled column must equal paid + reserve (or its like) before it
# is taken for the missing money field.
ARITHMETIC_AGREEMENT = 0.8


def _amount(words: Sequence[Word]) -> Decimal | None:
    money = [w for w in words if looks_like_money(w.text)]
    return parse_money("".join(w.text for w in money)) if money else None


def infer_money_columns(
    columns: ColumnMap, region: TableRegion, lines: Sequence[Line]
) -> ColumnMap:
    """Give a money field whose header could not be read (an OCR-garbled "Incurred") the
    unlabelled column whose amounts obey incurred = paid + reserve on the rows."""
    missing = [name for name in MONEY_FIELDS if name not in columns.index]
    known = [name for name in MONEY_FIELDS if name in columns.index]
    if len(missing) != 1 or len(known) != 2:
        return columns
    target = missing[0]
    unlabelled = [
        i for i, column in enumerate(region.header.columns)
        if column.category is None and i not in columns.index.values()
    ]  # fmt: skip
    row_cells = [cells_of(line, region.bounds) for line in lines]
    for index in unlabelled:
        agree = total = 0
        for cells in row_cells:
            amounts = {name: _amount(cells.get(columns.index[name], [])) for name in known}
            candidate = _amount(cells.get(index, []))
            if candidate is None or any(v is None for v in amounts.values()):
                continue
            total += 1
            values = {**amounts, target: candidate}
            agree += values["incurred"] == values["paid"] + values["reserve"]
        if total and agree / total >= ARITHMETIC_AGREEMENT:
            return ColumnMap(
                {**columns.index, target: index},
                columns.printed | {target},
                frozenset({*columns.inferred, target}),
            )
    return columns


def infer_claim_number_column(columns: ColumnMap, region: TableRegion) -> ColumnMap:
    """Give the claim number, when its header is unreadable ("Cim Number"), the left-most
    unlabelled column holding a claim-number-like value on nearly every line of amounts."""
    if "claim_number" in columns.index:
        return columns
    amount_lines = [
        line
        for line in region.lines
        if sum(1 for w in line.words if looks_like_money(w.text)) >= 2 and not _totals_kind(line)
    ]
    if not amount_lines:
        return columns
    row_cells = [cells_of(line, region.bounds) for line in amount_lines]
    for index, column in enumerate(region.header.columns):
        if column.category is not None or index in columns.index.values():
            continue
        hits = sum(1 for cells in row_cells if is_claim_id(cells.get(index, [])))
        if hits >= ARITHMETIC_AGREEMENT * len(row_cells):
            return ColumnMap(
                {**columns.index, "claim_number": index},
                columns.printed | {"claim_number"},
                frozenset({*columns.inferred, "claim_number"}),
            )
    return columns


def infer_loss_date_column(
    columns: ColumnMap, region: TableRegion, lines: Sequence[Line]
) -> ColumnMap:
    """Give the date of loss, when its header is unreadable ("Date of" with "Loss" lost), the one
    unlabelled column that holds a date on nearly every row; other date columns (reported,
    closed) carry labels of their own, so a lone unlabelled date column is the loss date."""
    if "date_of_loss" in columns.index or not lines:
        return columns
    unlabelled = [
        i for i, column in enumerate(region.header.columns)
        if column.category is None and i not in columns.index.values()
    ]  # fmt: skip
    row_cells = [cells_of(line, region.bounds) for line in lines]
    dated = [
        i
        for i in unlabelled
        if sum(1 for cells in row_cells if any(looks_like_date(w.text) for w in cells.get(i, [])))
        >= ARITHMETIC_AGREEMENT * len(row_cells)
    ]
    if len(dated) != 1:
        return columns
    return ColumnMap(
        {**columns.index, "date_of_loss": dated[0]},
        columns.printed | {"date_of_loss"},
        frozenset({*columns.inferred, "date_of_loss"}),
    )


def _read_regions(
    regions: Sequence[TableRegion],
) -> tuple[list[_Row], list[_Totals]]:
    rows: list[_Row] = []
    totals: list[_Totals] = []
    for region in regions:
        stacked = region.header.stacked
        columns = map_columns(region.header.columns, stacked=stacked)
        if not stacked:
            columns = infer_claim_number_column(columns, region)
        starts = [
            line for line in region.lines if _starts_row(cells_of(line, region.bounds), columns)
        ]
        if not stacked:
            columns = infer_money_columns(columns, region, starts)
            columns = infer_loss_date_column(columns, region, starts)
        depth = len(region.header.lines) if stacked else 1
        if columns.anchor is None:
            money_lines = [
                line
                for line in region.lines
                if any(looks_like_money(w.text) for w in line.words) and not _totals_kind(line)
            ]
            if len(money_lines) == 1:
                line = money_lines[0]
                cells = cells_of(line, region.bounds)
                totals.append(_Totals(region.page_number, True, line, cells, columns, region, True))
        current: _Row | None = None
        previous_bottom = 0.0
        for line in region.lines:
            cells = cells_of(line, region.bounds)
            height = line.height
            if (
                current is not None
                and len(current.record_lines) < depth
                and line.top - previous_bottom <= 1.2 * height
            ):
                current.add_record_line(line, cells)  # the next line of a multi-line record
                previous_bottom = line.bottom
                continue
            if _starts_row(cells, columns):
                current = _Row(region.page_number, region, columns)
                current.add(line, cells)
                rows.append(current)
                previous_bottom = line.bottom
                continue
            kind = _totals_kind(line)
            if kind:
                totals.append(
                    _Totals(region.page_number, kind == "grand", line, cells, columns, region)
                )
                current = None
                continue
            close = current is not None and line.top - previous_bottom <= 1.2 * height
            if close and not any(looks_like_money(w.text) for w in line.words):
                current.add(line, cells)  # a wrapped description or name
                previous_bottom = line.bottom
            else:
                current = None
    return rows, totals


# ---------------------------------------------------------------------------------------------
# Values


@dataclass(frozen=True)
class _Evidence:
    """Where some words were printed, kept without the words (which pin their whole page)."""

    page_number: int
    box: BBox
    confidences: tuple[float, ...]


def _evidence(
    words: Sequence[Word], page_number: int, leveled: LeveledPage | None = None
) -> _Evidence:
    """Boxes of words read on a levelled page go back to the page as printed."""
    box = leveled.boxes_of(words) if leveled else union(w.bbox for w in words)
    return _Evidence(page_number, box, tuple(w.confidence for w in words))


def _value(
    value: str | None,
    words: Sequence[Word],
    page_number: int,
    strength: float,
    grammar: Grammar,
    rule: str,
    leveled: LeveledPage | None = None,
) -> FieldValue:
    """A FieldValue read from `words`."""
    if value is None:
        return _value_at(None, None, strength, grammar, rule)
    return _value_at(value, _evidence(words, page_number, leveled), strength, grammar, rule)


def _value_at(
    value: str | None, evidence: _Evidence | None, strength: float, grammar: Grammar, rule: str
) -> FieldValue:
    if value is None or evidence is None:
        return FieldValue(value=None, confidence=absent_confidence(Absence.UNREADABLE), rule=rule)
    return FieldValue(
        value=value,
        confidence=fuse_confidence(strength, grammar, list(evidence.confidences)),
        page=evidence.page_number,
        bbox=tuple(round(v, 2) for v in evidence.box),
        rule=rule,
    )


def _read_by_ocr(leveled: LeveledPage | None) -> bool:
    return leveled is not None and leveled.page.source is WordSource.OCR


def _row_fields(row: _Row, policy_above: FieldValue | None) -> Row:
    base = TABLE_CELL_INHERITED if row.region.inherited else TABLE_CELL
    fields: Row = {}
    for name in CLAIM_ROW_FIELDS:
        strength = TABLE_CELL_INFERRED if name in row.columns.inferred else base
        index = row.columns.index.get(name)
        rule = f"loss_run/table:{name}"
        if index is None:
            if (
                name == "policy_number"
                and policy_above is not None
                and name not in row.columns.printed
            ):
                fields[name] = policy_above.model_copy()
                continue
            reason = Absence.UNREADABLE if name in row.columns.printed else Absence.NO_LABEL
            fields[name] = FieldValue(value=None, confidence=absent_confidence(reason), rule=rule)
            continue
        words = row.words_at(index, row.columns.level.get(name, 0))
        if not words:
            fields[name] = FieldValue(
                value=None, confidence=absent_confidence(Absence.EMPTY_VALUE), rule=rule
            )
            continue
        value, grammar = cell_value(name, words, ocr=_read_by_ocr(row.region.leveled))
        fields[name] = _value(
            value, words, row.page_number, strength, grammar, rule, row.region.leveled
        )
    return fields


# ---------------------------------------------------------------------------------------------
# Policy group headings ("Policy: PA-1234567  Term: ...") for tables without a policy column

# Widest white space (in character widths) inside one printed identifier.
VALUE_SPACE_CHARS = 1.6
_POLICY_LABEL_TAIL = frozenset({"number", "no", "#", "num", "nbr", "id"})


# (page, y, the policy number as a value) of a "Policy ...: <id>" heading.
_Heading = tuple[int, float, FieldValue]


def _policy_headings(printed: PageWords) -> list[_Heading]:
    """Every "Policy ...: <id>" printed on the page, top to bottom."""
    found: list[_Heading] = []
    leveled, lines = page_layout(printed)
    page = leveled.page
    for line in lines:
        if _totals_kind(line):
            continue  # "Policy BA-123 subtotal": closes a group, heads none
        words = list(line.words)
        for i, word in enumerate(words):
            tokens = norm_tokens(word.text)
            if not tokens or tokens[0] != "policy":
                continue
            j = i + 1
            while j < len(words) and set(norm_tokens(words[j].text)) <= _POLICY_LABEL_TAIL:
                j += 1
            value_words: list[Word] = []
            # Inside a value, a word space: measured in characters, since a line of small
            # capitals is low for its width ("PA 3742 3912" set in 7 pt caps).
            space = max(0.6 * line.height, VALUE_SPACE_CHARS * char_width(words))
            for following in words[j:]:
                previous = value_words[-1] if value_words else words[j - 1]
                limit = 4.0 * line.height if not value_words else space
                if following.bbox[0] - previous.bbox[2] > limit or following.text.endswith(":"):
                    break
                if looks_like_date(following.text) or looks_like_money(following.text):
                    break
                value_words.append(following)
            value_words = identifier_words(value_words)
            if not value_words or not any(c.isdigit() for w in value_words for c in w.text):
                continue
            value = normalise_identifier(repair_identifier(text_of(value_words).strip(":")))
            if value:
                heading = _value(
                    value, value_words, page.page_number, GROUP_HEADING, Grammar.VALID,
                    "loss_run/group_heading:policy_number", leveled,
                )  # fmt: skip
                found.append((page.page_number, line.top, heading))
    return found


def _policy_above(page: int, top: float, headings: Sequence[_Heading]) -> FieldValue | None:
    """The policy heading printed last above (page, top), if any (`headings` in page order)."""
    best = None
    for page_number, y, heading in reversed(headings):
        if (page_number, y) < (page, top):
            best = heading
            break
    return best


# ---------------------------------------------------------------------------------------------
# Totals and counts


@dataclass(frozen=True)
class _TotalsRead:
    """A totals row as values: what the fields need of it once its page is gone."""

    page_number: int
    top: float
    grand: bool
    summary: bool
    amounts: dict[str, FieldValue]  # total_paid / total_reserve / total_incurred under columns
    count_text: str | None  # "GRAND TOTAL (28 CLAIMS)" -> "28"
    line: _Evidence  # the whole line, where a count printed on it is shown


def _read_totals(totals: _Totals) -> _TotalsRead:
    amounts: dict[str, FieldValue] = {}
    leveled = totals.region.leveled
    for name in MONEY_FIELDS:
        index = totals.columns.index.get(name)
        words = totals.cells.get(index, []) if index is not None else []
        money = [w for w in words if looks_like_money(w.text)]
        if not money:
            continue
        value = normalise_money("".join(w.text for w in money))
        amounts[f"total_{name}"] = _value(
            value, money, totals.page_number, TOTALS_ROW, Grammar.VALID,
            f"loss_run/totals_row:{name}", leveled,
        )  # fmt: skip
    count = _COUNT_IN_TEXT.search(totals.line.text)
    return _TotalsRead(
        page_number=totals.page_number,
        top=totals.line.top,
        grand=totals.grand,
        summary=totals.summary,
        amounts=amounts,
        count_text=(count.group(1) or count.group(2)) if count else None,
        line=_evidence(list(totals.line.words), totals.page_number, leveled),
    )


def _totals_fields(
    totals: Sequence[_TotalsRead], blocks: bool = False
) -> tuple[FieldMap, str | None]:
    """total_paid / total_reserve / total_incurred from the last grand-totals row (or the only
    subtotal row when no grand total is printed), plus a count printed on that row. In a
    report of claim blocks a summary table wins over a lone "Total" row, which may be a claim's
    own that its block did not claim (an unreadable claim number)."""
    grand = [t for t in totals if t.grand and not t.summary]
    summaries = [t for t in totals if t.summary]
    subtotals = [t for t in totals if not t.grand]
    ranked = [summaries, grand] if blocks else [grand, summaries]
    chosen = next((group[-1] for group in ranked if group), None)
    if chosen is None and len(subtotals) == 1:
        chosen = subtotals[0]
    if chosen is None:
        return {}, None
    return dict(chosen.amounts), chosen.count_text


# ---------------------------------------------------------------------------------------------
# Header fields


def _header_bands(regions: Sequence[TableRegion]) -> set[tuple[int, float, float]]:
    """(page, top, bottom) of the claims-table headers printed on a page."""
    return {
        (r.page_number, round(r.header.top, 1), round(r.header.bottom, 1))
        for r in regions
        if not r.inherited
    }


def _outside_tables(bands: set[tuple[int, float, float]]):
    """Labels that are not column headers of a claims table."""

    def keep(span) -> bool:
        page = span[0]._.page
        top = span[0]._.bbox[1]
        return not any(p == page and t - 1 <= top <= b + 1 for p, t, b in bands)

    return keep


def _valuation_from_text(printed: PageWords) -> FieldValue | None:
    """'... as of 03/31/2026' printed in a title or footer line of the page (used when no label
    was found)."""
    leveled, lines = page_layout(printed)
    page = leveled.page
    for line in lines:
        match = _AS_OF.search(line.text)
        if not match:
            continue
        tail = match.group(1).split()
        for size in (3, 2, 1):
            value = normalise_date(" ".join(tail[:size]))
            if value:
                words = [w for w in line.words if w.text in tail[:size]]
                return _value(
                    value, words or list(line.words), page.page_number,
                    RuleStrength.LABEL_LOOSE, Grammar.VALID, "loss_run/text:as of", leveled,
                )  # fmt: skip
    return None


def _has_rows(region: TableRegion) -> bool:
    """Some line under the header carries three or more amounts or dates, as a claim row does."""
    return any(
        sum(1 for w in line.words if looks_like_money(w.text) or looks_like_date(w.text)) >= 3
        for line in region.lines
    )


def _carrier_from_heading(
    first_page: PageWords | None, header_tops: Sequence[float]
) -> FieldValue | None:
    """The insurer named in the heading of the first page (no label): a run of words holding a
    company word ("Mutual", "Casualty", "Insurance Co.") and no agency/insured wording, the
    larger and higher on the page the better. `header_tops`: where the page's claims tables
    with rows under them begin."""
    if first_page is None:
        return None
    vocab = loss_run_vocab()
    leveled, all_lines = page_layout(first_page)
    page = leveled.page
    limit = page.height * 0.3
    # Only a header with rows under it ends the heading: a title that happens to name three
    # columns ("HARBORLINE INDEMNITY COMPANY  LOSS DETAIL REPORT - BY POLICY") heads nothing.
    if header_tops:
        limit = min(limit, min(header_tops))
    lines = [line for line in all_lines if line.top < limit]
    if not lines:
        return None
    body_height = median(w.bbox[3] - w.bbox[1] for w in page.words)
    tallest = max(w.bbox[3] - w.bbox[1] for line in lines for w in line.words)
    best: tuple[float, list[Word]] | None = None
    for line in lines:
        words = list(line.words)
        for segment in split_segments([w.bbox for w in words]):
            run = [words[i] for i in segment]
            tokens = norm_tokens(text_of(run))
            if not tokens or not set(tokens) & vocab.carrier_words:
                continue
            if set(tokens) & vocab.not_carrier_words or any(":" in w.text for w in run):
                continue
            if any(looks_like_date(w.text) or looks_like_money(w.text) for w in run):
                continue
            if any(w.text.strip(".,:;-").isdigit() for w in run):
                continue  # "2741234 - TEST CO": an account number and a name, not an insurer
            size = median(w.bbox[3] - w.bbox[1] for w in run) / body_height
            score = size - line.top / page.height
            if best is None or score > best[0]:
                best = (score, run)
    if best is None:
        return None
    run = best[1]
    # Printed as the title (tallest text of the heading) and named as an insurer ("Mutual",
    # "Casualty", "Insurance Company"): as sure as a label; otherwise a guess.
    titled = median(w.bbox[3] - w.bbox[1] for w in run) >= 0.9 * tallest
    insurer = bool(set(norm_tokens(text_of(run))) & vocab.insurer_words)
    strength = HEADING_TITLE if titled and insurer else HEADING_GUESS
    return _value(
        normalise_name(text_of(run)), run, page.page_number, strength, Grammar.NONE,
        "loss_run/heading:carrier_name", leveled,
    )  # fmt: skip


def _find_date_lenient(tokens):
    """A date, also when OCR glued a speck to it ("-2025-12-10"): then read as doubtful."""
    found = find_date(tokens)
    if found is not None:
        return found
    for token in tokens:
        value = normalise_date(token.text.strip(EDGE_JUNK + "-\u2013\u2014_~"))
        if value:
            return Found(value, (token,), Grammar.DOUBTFUL)
    return None


def _header_pages(pages: Sequence[PageWords]) -> list[PageWords]:
    """The pages header labels are read from: all of a short run, the ends of a long one."""
    if len(pages) <= max(LIVE_PAGE_LIMIT, 2 * HEADER_END_PAGES):
        return list(pages)
    return [*pages[:HEADER_END_PAGES], *pages[-HEADER_END_PAGES:]]


def _header_fields(pages: Sequence[PageWords], tables: _TablesRead) -> FieldMap:
    doc = build_word_doc(pages, (VOCAB,))
    reader = LabelReader(doc)
    keep = _outside_tables(tables.header_bands)
    fields: FieldMap = {}

    def read(name: str, finder) -> FieldValue:
        spans = [s for s in reader.spans_for(name) if keep(s)]
        return reader.read(name, finder, spans=spans).value

    fields["insured_name"] = read("insured_name", find_name)
    carrier = read("carrier_name", find_name)
    if carrier.value is None:
        first_page = pages[0] if pages else None
        carrier = _carrier_from_heading(first_page, tables.first_page_header_tops) or carrier
    fields["carrier_name"] = carrier
    valuation = read("valuation_date", _find_date_lenient)
    if valuation.value is None:
        valuation = tables.as_of or valuation
    if valuation.value is None:
        run_date = read("run_date", _find_date_lenient)
        if run_date.value is not None:
            valuation = run_date.model_copy(
                update={"confidence": round(run_date.confidence * 0.85, 4)}
            )
    fields["valuation_date"] = valuation
    fields["claim_count"] = read("claim_count", find_integer)
    for name in ("total_paid", "total_reserve", "total_incurred"):
        fields[name] = read(name, find_money)
    return fields


# ---------------------------------------------------------------------------------------------
# Claim blocks

BLOCK_TABLE = 0.95  # an amount from the small money table inside a claim block


def _inside(totals: _TotalsRead, spans: Sequence[tuple[int, float, float]]) -> bool:
    return any(
        page == totals.page_number and top - 1 <= totals.top <= bottom + 1
        for page, top, bottom in spans
    )


def _start_of(block: ClaimBlock) -> tuple[int, float]:
    return block.page_number, block.lines[0].top


def _block_fields(block: ClaimBlock, policy_above: FieldValue | None) -> Row:
    fields: Row = {}
    for name in CLAIM_ROW_FIELDS:
        if name in MONEY_FIELDS:
            words = block.amounts.get(name, [])
            rule = block.amount_rule.get(name, f"loss_run/claim_block:{name}")
            if not words:
                fields[name] = FieldValue(
                    value=None, confidence=absent_confidence(Absence.NO_LABEL), rule=rule
                )
                continue
            value = normalise_money("".join(w.text for w in words))
            fields[name] = _value(
                value, words, block.page_number, BLOCK_TABLE, Grammar.VALID, rule, block.leveled
            )
            continue
        rule = f"loss_run/claim_block_label:{name}"
        words = block.values.get(name, [])
        if not words:
            if name == "policy_number" and policy_above is not None:
                fields[name] = policy_above.model_copy()
                continue
            fields[name] = FieldValue(
                value=None, confidence=absent_confidence(Absence.NO_LABEL), rule=rule
            )
            continue
        value, grammar = cell_value(name, words, ocr=_read_by_ocr(block.leveled))
        fields[name] = _value(
            value, words, block.page_number, RuleStrength.LABEL_RIGHT, grammar, rule, block.leveled
        )
    return fields


# ---------------------------------------------------------------------------------------------
# Entry point


@dataclass
class _TablesRead:
    """What a pass over the pages keeps of a loss run: values and a few positions, never words,
    so pages can be read one at a time and dropped (a 300-page run holds no page for long)."""

    claims: list[Row] = field(default_factory=list)
    totals: list[_TotalsRead] = field(default_factory=list)
    headings: list[_Heading] = field(default_factory=list)
    header_bands: set[tuple[int, float, float]] = field(default_factory=set)
    first_page_header_tops: list[float] = field(default_factory=list)
    as_of: FieldValue | None = None  # the first "... as of <date>" line


def _read_tables(pages: Sequence[PageWords]) -> _TablesRead:
    """Claims-table rows, totals rows and policy headings, page by page."""
    tracker = TableTracker(is_row_line=lambda line: _totals_kind(line) is None)
    tables = _TablesRead()
    for index, printed in enumerate(pages):
        regions = tracker.regions_on(printed)
        rows, totals = _read_regions(regions)
        tables.headings += _policy_headings(printed)
        tables.claims += [
            _row_fields(row, _policy_above(row.page_number, row.lines[0].top, tables.headings))
            for row in rows
        ]
        tables.totals += [_read_totals(t) for t in totals]
        tables.header_bands |= _header_bands(regions)
        if index == 0:
            tables.first_page_header_tops = [r.header.top for r in regions if _has_rows(r)]
        if tables.as_of is None:
            tables.as_of = _valuation_from_text(printed)
    return tables


def _read_blocks(
    pages: Sequence[PageWords], headings: Sequence[_Heading]
) -> tuple[list[Row], list[tuple[int, float, float]]]:
    """Claims printed as blocks of labelled values, page by page, and where each block sits."""
    claims: list[Row] = []
    spans: list[tuple[int, float, float]] = []
    for printed in pages:
        blocks = find_claim_blocks([printed])
        spans += block_spans(blocks)
        claims += [_block_fields(b, _policy_above(*_start_of(b), headings)) for b in blocks]
    return claims, spans


def extract_loss_run(pages: Sequence[PageWords]) -> FieldMap:
    """Every loss-run catalogue field read from the document's pages.

    Pages are read in order and each is done with before the next (see `_TablesRead`), so
    `pages` may unpack them one at a time (`pipeline.page_store.PackedPages`).
    """
    tables = _read_tables(pages)
    claims, totals = tables.claims, tables.totals
    blocks = False
    if not claims:
        claims, spans = _read_blocks(pages, tables.headings)
        blocks = bool(claims)
        if blocks:
            totals = [t for t in totals if not _inside(t, spans)]  # a claim's own Total row

    fields = _header_fields(_header_pages(pages), tables)
    printed_totals, count_on_row = _totals_fields(totals, blocks=blocks)
    for name, value in printed_totals.items():
        fields[name] = value  # the totals row beats a label elsewhere
    if fields["claim_count"].value is None and count_on_row is not None:
        last = ([t for t in totals if t.grand] or totals)[-1]
        fields["claim_count"] = _value_at(
            normalise_integer(count_on_row), last.line, COUNT_ON_TOTALS, Grammar.VALID,
            "loss_run/totals_row:claim_count",
        )  # fmt: skip
    fields["claims"] = claims
    return fields
