"""Tables from words with boxes: visual lines, header rows found by column vocabulary, columns.

Loss runs print their claims as a table whose header wording, column order and spacing differ per
carrier. A header row is recognised by how many known column labels it holds (also when labels
wrap over two or three lines); column x-ranges come from the header boxes, refined by the
whitespace the data leaves between columns.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from statistics import median

from extractors.geometry import group_lines, height, typical_height, union
from extractors.phrase_vocab import PhraseVocab, load_vocab_file, norm_tokens
from pipeline.contract import BBox
from pipeline.page_model import PageWords, Word
from pipeline.page_store import LIVE_PAGE_LIMIT

COLUMNS_FILE = "loss_run_columns.json"

# Value shapes used to tell data lines from label lines.
# Amounts as loss runs print them: "$1,234.56", "1234.56", "(500.00)", "-$5", "USD 8284.00"
# (the "USD" as its own word is fine too), "$6,707", "12,345" -- but not a bare "2024" or "7".
_MONEY_SHAPE = re.compile(
    r"^[(\-]?(?:USD|US\$|\$)?-?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2}\)?-?$"
    r"|^[(\-]?(?:USD|US\$|\$)-?(?:\d{1,3}(?:,\d{3})+|\d+)\)?-?$"
    r"|^[(\-]?\d{1,3}(?:,\d{3})+\)?-?$",
    re.IGNORECASE,
)
_DATE_SHAPE = re.compile(
    r"^\d{1,2}[/\-.]\d{1,2}[/\-.](?:\d{2}|\d{4})$|^\d{4}[/\-.]\d{1,2}[/\-.]\d{1,2}$"
    r"|^\d{1,2}-[A-Za-z]{3}-\d{2,4}$"
)


_COUNT = re.compile(r"^\(?\d+\)?[.:,;]?$")


def looks_like_money(text: str) -> bool:
    return bool(_MONEY_SHAPE.match(text.strip().rstrip(",;")))


def looks_like_date(text: str) -> bool:
    return bool(_DATE_SHAPE.match(text.strip().rstrip(",;")))


# ---------------------------------------------------------------------------------------------
# Visual lines


@dataclass(frozen=True)
class Line:
    """Words that sit on one visual line, left to right."""

    words: tuple[Word, ...]

    @property
    def bbox(self) -> BBox:
        return union(w.bbox for w in self.words)

    @property
    def top(self) -> float:
        return self.bbox[1]

    @property
    def bottom(self) -> float:
        return self.bbox[3]

    @property
    def height(self) -> float:
        return median(w.bbox[3] - w.bbox[1] for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def visual_lines(words: Sequence[Word]) -> list[Line]:
    """Group words into visual lines, top to bottom (robust to slight skew)."""
    return [Line(tuple(words[i] for i in line)) for line in group_lines([w.bbox for w in words])]


# ---------------------------------------------------------------------------------------------
# Levelling skewed scans

# Below this slope (about 0.15 degrees) a page is left as it is.
MIN_SLOPE = 0.0025


def estimate_slope(words: Sequence[Word]) -> float:
    """dy/dx of the page's text lines: how far a scan is turned (0 for a straight page).

    Taken from the OCR's own lines (words sharing block and line id), each weighted by its
    length; a median, so a few odd lines do not move it.
    """
    by_line: dict[tuple[int, int], list[Word]] = {}
    for word in words:
        if word.line_id:
            by_line.setdefault((word.block_id, word.line_id), []).append(word)
    slopes: list[tuple[float, float]] = []
    for members in by_line.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda w: w.bbox[0])
        first, last = members[0], members[-1]
        dx = (last.bbox[0] + last.bbox[2] - first.bbox[0] - first.bbox[2]) / 2
        if dx < 40:
            continue
        dy = (last.bbox[1] + last.bbox[3] - first.bbox[1] - first.bbox[3]) / 2
        slopes.append((dy / dx, dx))
    if not slopes:
        return 0.0
    slopes.sort()
    half, running = sum(weight for _, weight in slopes) / 2, 0.0
    for slope, weight in slopes:
        running += weight
        if running >= half:
            return slope
    return slopes[-1][0]


@dataclass(frozen=True)
class LeveledPage:
    """A page whose words are turned level (a skewed scan straightened), with the way back:
    `original[word]` is the word as printed on the page, whose box goes into the output."""

    page: PageWords
    original: dict[Word, Word]

    def boxes_of(self, words: Iterable[Word]) -> BBox:
        return union(self.original.get(w, w).bbox for w in words)

    def originals(self, words: Iterable[Word]) -> list[Word]:
        return [self.original.get(w, w) for w in words]


# OCR "words" this short and this unsure are specks of scan noise read as letters.
SPECK_MAX_LENGTH = 3
SPECK_MAX_CONFIDENCE = 0.35


# Symbols that are printed on their own and mean something ("Fire & Marine", "# 12", "-").
_MEANINGFUL_SYMBOLS = frozenset("&#$%/-\u2013")


# A letter or digit is never printed this flat next to the page's usual word height: such a
# "word" is a scan streak read as "7" or "i".
FLAT_SPECK_HEIGHT_SHARE = 0.35


def _is_speck(word: Word, typical_height: float = 0.0) -> bool:
    if not any(ch.isalnum() for ch in word.text):
        return not (set(word.text) <= _MEANINGFUL_SYMBOLS and word.confidence >= 0.5)
    if height(word.bbox) < FLAT_SPECK_HEIGHT_SHARE * typical_height:
        return True
    return (
        len(word.text) <= SPECK_MAX_LENGTH
        and word.confidence < SPECK_MAX_CONFIDENCE
        and not any(ch.isdigit() for ch in word.text)
    )


# A word of letters run into a dollar amount: two cells printed (or read) without a space
# between them ("RE-OPENED$15,545.00" when a long status touches the paid column).
_GLUED_AMOUNT = re.compile(r"^([A-Za-z][A-Za-z\-/.]*[A-Za-z.])(\$\(?-?\d[\d,]*\.\d{2}\)?)$")


def split_glued_amount(word: Word) -> list[Word]:
    """The word, or its two parts with the box divided in proportion to their characters."""
    match = _GLUED_AMOUNT.match(word.text)
    if match is None:
        return [word]
    x0, y0, x1, y1 = word.bbox
    cut = x0 + (x1 - x0) * len(match.group(1)) / len(word.text)
    return [
        word.model_copy(update={"text": match.group(1), "bbox": (x0, y0, cut, y1)}),
        word.model_copy(update={"text": match.group(2), "bbox": (cut, y0, x1, y1)}),
    ]


def level_page(page: PageWords) -> LeveledPage:
    """Turn the word boxes of a skewed page level about the page centre (sizes kept), and drop
    specks: OCR words without a letter or digit ("." ":" from scan noise)."""
    words = [piece for word in page.words for piece in split_glued_amount(word)]
    if page.source.value == "ocr":
        typical = typical_height([w.bbox for w in words], default=0.0)
        words = [w for w in words if not _is_speck(w, typical)]
    slope = estimate_slope(words)
    if abs(slope) < MIN_SLOPE:
        if len(words) == len(page.words) and all(
            a is b for a, b in zip(words, page.words, strict=True)
        ):
            return LeveledPage(page, {})
        return LeveledPage(page.model_copy(update={"words": words}), {})
    angle = math.atan(slope)
    cos, sin = math.cos(angle), math.sin(angle)
    cx, cy = page.width / 2, page.height / 2
    leveled: list[Word] = []
    original: dict[Word, Word] = {}
    for word in words:
        x0, y0, x1, y1 = word.bbox
        dx, dy = (x0 + x1) / 2 - cx, (y0 + y1) / 2 - cy
        mx, my = cx + dx * cos + dy * sin, cy - dx * sin + dy * cos
        hw, hh = (x1 - x0) / 2, (y1 - y0) / 2
        turned = word.model_copy(update={"bbox": (mx - hw, my - hh, mx + hw, my + hh)})
        leveled.append(turned)
        original[turned] = word
    return LeveledPage(page.model_copy(update={"words": leveled}), original)


# The last few pages laid out (levelled, grouped into lines): the classifier and every loss-run
# reader look at the same page, and grouping lines is the costly part. As many as a file keeps
# live: a short file is laid out once; a long one comes packed, each page laid out as read.
_LAYOUT_CACHE_SIZE = LIVE_PAGE_LIMIT
_layouts: OrderedDict[int, tuple[PageWords, LeveledPage, list[Line]]] = OrderedDict()


def page_layout(page: PageWords) -> tuple[LeveledPage, list[Line]]:
    """The page levelled and its visual lines (computed once per page object)."""
    key = id(page)
    cached = _layouts.get(key)
    if cached is not None and cached[0] is page:
        _layouts.move_to_end(key)
        return cached[1], cached[2]
    leveled = level_page(page)
    lines = visual_lines(leveled.page.words)
    _layouts[key] = (page, leveled, lines)
    while len(_layouts) > _LAYOUT_CACHE_SIZE:
        _layouts.popitem(last=False)
    return leveled, lines


def split_cells(words: Sequence[Word], gap: float) -> list[list[Word]]:
    """Runs of words on one line separated by more than `gap` points of white space."""
    cells: list[list[Word]] = []
    for word in words:
        if cells and word.bbox[0] - cells[-1][-1].bbox[2] <= gap:
            cells[-1].append(word)
        else:
            cells.append([word])
    return cells


def char_width(words: Sequence[Word]) -> float:
    """Median width of one character of these words (OCR gets widths steadier than heights)."""
    widths = [(w.bbox[2] - w.bbox[0]) / len(w.text) for w in words if len(w.text) >= 3]
    if widths:
        return median(widths)
    return 0.5 * median(w.bbox[3] - w.bbox[1] for w in words) if words else 4.0


# White space (in character widths) that separates two cells of a line. A word space is about
# half a character; columns are set two or more apart; a label whose "/" OCR lost
# ("Injured  Claimant") leaves about one and a half.
CELL_GAP_CHARS = 1.8


def cell_gap(words: Sequence[Word]) -> float:
    """White space wider than this separates cells of one line."""
    if not words:
        return 6.0
    return max(2.5, CELL_GAP_CHARS * char_width(words))


# ---------------------------------------------------------------------------------------------
# Column vocabulary and header labels


@lru_cache(maxsize=1)
def column_vocab() -> PhraseVocab:
    return PhraseVocab(load_vocab_file(COLUMNS_FILE)["columns"])


@lru_cache(maxsize=1)
def core_categories() -> frozenset[str]:
    return frozenset(load_vocab_file(COLUMNS_FILE)["core"])


MONEY_CATEGORIES = frozenset(
    {"paid", "paid_part", "reserve", "reserve_part", "incurred", "incurred_part"}
)


@dataclass
class Label:
    """A printed column label: its words and the category its phrase belongs to (None: unknown)."""

    words: list[Word]
    category: str | None
    phrase: str
    level: int = 0  # which line of the header band it is printed on (0: top)

    @property
    def x0(self) -> float:
        return min(w.bbox[0] for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.bbox[2] for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@lru_cache(maxsize=1)
def _column_words() -> frozenset[str]:
    return frozenset(
        token
        for phrases in load_vocab_file(COLUMNS_FILE)["columns"].values()
        for phrase in phrases
        for token in norm_tokens(phrase)
    )


def _within_one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


@lru_cache(maxsize=4096)
def repair_label_token(token: str) -> tuple[str, ...]:
    """A header word as the vocabulary spells it: OCR slips ("Incurrred"), cut-off or
    abbreviated words ("Incurr", "Tot") and two words read as one ("ClaimantName").
    Unknown words that fit none of these come back unchanged."""
    known = _column_words()
    if token in known or len(token) < 3 or not token.isalpha():
        return (token,)
    prefixed = sorted(w for w in known if w.startswith(token) and len(token) >= 0.5 * len(w))
    if prefixed:
        return (min(prefixed, key=len),)
    if len(token) >= 5:
        close = [w for w in known if len(w) >= 4 and _within_one_edit(token, w)]
        if len(close) == 1:
            return (close[0],)
    # Two words read as one; the shorter may be a two-letter one ("Paidto Date").
    cuts = [
        cut for cut in range(2, len(token) - 1) if token[:cut] in known and token[cut:] in known
    ]
    if cuts:
        cut = max(cuts, key=lambda c: min(c, len(token) - c))
        return (token[:cut], token[cut:])
    return (token,)


def line_labels(line: Line, vocab: PhraseVocab | None = None) -> list[Label]:
    """Split a line into column labels: cells by white space, then phrases by vocabulary."""
    vocab = vocab or column_vocab()
    labels: list[Label] = []
    for cell in split_cells(line.words, cell_gap(line.words)):
        tokens: list[str] = []
        owner: list[int] = []  # token index -> word index within the cell
        for index, word in enumerate(cell):
            for raw in norm_tokens(word.text):
                for token in repair_label_token(raw):
                    tokens.append(token)
                    owner.append(index)
        if not tokens:
            continue
        segments = vocab.segment(tokens)
        known = [segment for segment in segments if segment.label is not None]
        if len(known) <= 1:
            # One cell, one column: words around a single known label belong to it
            # ("Injured / Claimant", "Total Incurred ($)").
            category = known[0].label if known else None
            phrase = known[0].phrase if known else _text_of(cell)
            labels.append(Label(list(cell), category, phrase))
            continue
        pieces: list[Label] = []
        used: set[int] = set()
        for segment in segments:
            word_ids = sorted({owner[i] for i in range(segment.start, segment.end)} - used)
            if not word_ids:
                continue
            used.update(word_ids)
            words = [cell[i] for i in word_ids]
            if segment.label is None and pieces and pieces[-1].category is None:
                pieces[-1].words.extend(words)  # consecutive unknown words: one piece
                pieces[-1].phrase = _text_of(pieces[-1].words)
            elif segment.label is None:
                pieces.append(Label(words, None, _text_of(words)))
            else:
                pieces.append(Label(words, segment.label, segment.phrase))
        labels.extend(_attach_unknown(pieces, 2.5 * char_width(cell)))
    return labels


def _attach_unknown(pieces: list[Label], max_gap: float) -> list[Label]:
    """Unknown words between known labels of one cell join the nearer label when it is close
    ("Injured" + "Claimant" when OCR lost the "/"); farther off they stay a column of their own."""
    result: list[Label] = []
    for index, piece in enumerate(pieces):
        if piece.category is not None:
            result.append(piece)
            continue
        before = result[-1] if result and result[-1].category else None
        after = pieces[index + 1] if index + 1 < len(pieces) else None
        gap_before = piece.x0 - before.x1 if before else float("inf")
        gap_after = after.x0 - piece.x1 if after and after.category else float("inf")
        if min(gap_before, gap_after) > max_gap:
            result.append(piece)
        elif gap_after < gap_before:
            after.words[:0] = piece.words
        else:
            before.words.extend(piece.words)
    return result


def _text_of(words: Sequence[Word]) -> str:
    return " ".join(w.text for w in words)


def label_categories(line: Line) -> set[str]:
    """Known column categories printed on one line (for page classification)."""
    return {label.category for label in line_labels(line) if label.category}


def is_data_line(line: Line) -> bool:
    """A line carrying values (money or dates) rather than only labels."""
    return any(looks_like_money(w.text) or looks_like_date(w.text) for w in line.words)


@dataclass
class HeaderColumn:
    """One column of a table header: stacked labels (top to bottom) and the resolved category."""

    labels: list[Label]
    category: str | None = None
    phrase: str = ""
    x0: float = 0.0
    x1: float = 0.0
    whole_phrase: bool = False  # the stacked labels read as one phrase ("Total / Incurred")

    @property
    def text(self) -> str:
        return " ".join(label.text for label in self.labels)

    @property
    def words(self) -> list[Word]:
        return [w for label in self.labels for w in label.words]

    @property
    def stacked(self) -> bool:
        """Labels of different kinds on different lines of the band that make no phrase
        together ("Claim# / Policy# / Loss Date"): each names a line of a multi-line record."""
        if self.whole_phrase:
            return False
        kinds = {(label.level, label.category) for label in self.labels if label.category}
        return len({category for _, category in kinds}) >= 2 and len({lvl for lvl, _ in kinds}) >= 2


@dataclass
class TableHeader:
    """A recognised header row (one to three visual lines) and its columns, left to right."""

    page_number: int
    lines: list[Line]
    columns: list[HeaderColumn]
    score: float
    categories: dict[str, int] = field(default_factory=dict)  # category -> column index

    @property
    def stacked(self) -> bool:
        """Each row is a record printed over as many lines as the header has (see
        `HeaderColumn.stacked`); two such columns are needed to say so."""
        return len(self.lines) > 1 and sum(1 for c in self.columns if c.stacked) >= 2

    @property
    def top(self) -> float:
        return min(line.top for line in self.lines)

    @property
    def bottom(self) -> float:
        return max(line.bottom for line in self.lines)


def _resolve(column: HeaderColumn, vocab: PhraseVocab) -> None:
    """The category of a stacked column label: the whole stack as one phrase if it is one,
    else the first known phrase top-down ("Date of Injury / Date Reported" -> date of loss)."""
    tokens = [t for raw in norm_tokens(column.text) for t in repair_label_token(raw)]
    hit = vocab.lookup(tokens)
    column.whole_phrase = hit is not None
    if hit:
        column.category, column.phrase = hit
    else:
        column.category, column.phrase = None, column.text
        for segment in vocab.segment(tokens):
            if segment.label is not None:
                column.category, column.phrase = segment.label, segment.phrase
                break
    column.x0 = min(label.x0 for label in column.labels)
    column.x1 = max(label.x1 for label in column.labels)


def stack_columns(lines: Sequence[Line], vocab: PhraseVocab | None = None) -> list[HeaderColumn]:
    """Columns of a header band: the bottom line's labels, with labels above stacked onto the
    columns they overlap. A label above several columns is a group title ("Medical" over
    "Paid  Reserve") and is prefixed to each of them."""
    vocab = vocab or column_vocab()
    bottom = line_labels(lines[-1], vocab)
    for label in bottom:
        label.level = len(lines) - 1
    columns = [HeaderColumn([label]) for label in bottom]
    for level in range(len(lines) - 2, -1, -1):
        for label in line_labels(lines[level], vocab):
            label.level = level
            under = [
                c
                for c in columns
                if min(label.x1, max(lb.x1 for lb in c.labels))
                - max(label.x0, min(lb.x0 for lb in c.labels))
                > 0
            ]
            if not under:
                columns.append(HeaderColumn([label]))
            else:
                for column in under:
                    column.labels.insert(0, label)
    for column in columns:
        _resolve(column, vocab)
    columns.sort(key=lambda c: c.x0)
    return _merge_split_labels(columns, lines)


# Two neighbouring columns of one kind closer than this (character widths) are one label that
# OCR cut in two ("Cause  Description" from "Cause / Description").
SPLIT_LABEL_CHARS = 3.0


def _merge_split_labels(columns: list[HeaderColumn], lines: Sequence[Line]) -> list[HeaderColumn]:
    words = [w for line in lines for w in line.words]
    limit = SPLIT_LABEL_CHARS * char_width(words) if words else 0.0
    merged: list[HeaderColumn] = []
    for column in columns:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and column.category is not None
            and column.category == previous.category
            and column.category not in MONEY_CATEGORIES  # "Paid  Paid" are two columns
            and column.x0 - previous.x1 <= limit
        ):
            previous.labels.extend(column.labels)
            previous.x1 = max(previous.x1, column.x1)
            continue
        merged.append(column)
    return merged


def with_unlabelled_columns(header: TableHeader, data_lines: Sequence[Line]) -> TableHeader:
    """The header plus a column (no label) for every column of data that no header label sits
    over: OCR may lose a whole label ("Incurred"), the values are still printed."""
    extra: list[HeaderColumn] = []
    for x0, x1 in data_columns(data_lines):
        if any(min(x1, c.x1) - max(x0, c.x0) > 0 for c in header.columns):
            continue
        words = [
            w for line in data_lines for w in line.words if x0 <= (w.bbox[0] + w.bbox[2]) / 2 <= x1
        ]
        if len(words) < max(2, len(data_lines) // 2):
            continue  # a stray word, not a column
        extra.append(HeaderColumn([], None, "", x0, x1))
    if not extra:
        return header
    columns = sorted([*header.columns, *extra], key=lambda c: c.x0)
    return TableHeader(header.page_number, header.lines, columns, header.score)


# Kinds of claim-row column a header must name (claim number, loss date, paid, reserve, ...).
MIN_CORE_COLUMNS = 3


def _header_score(columns: Sequence[HeaderColumn]) -> tuple[float, dict[str, int]]:
    core = core_categories()
    categories: dict[str, int] = {}
    known = unknown = 0
    for index, column in enumerate(columns):
        if column.category is None:
            unknown += 1
            continue
        known += 1
        categories.setdefault(column.category, index)
    # "Ind. Paid" and "Exp. Paid" still say the table has a paid column.
    core_found = {c.removesuffix("_part") for c in categories if c.removesuffix("_part") in core}
    money = {c for c in categories if c in MONEY_CATEGORIES}
    if len(core_found) < MIN_CORE_COLUMNS or known < 3:
        return 0.0, categories
    if not money and "claim_number" not in categories:
        return 0.0, categories
    if unknown > known:
        return 0.0, categories
    return len(core_found) + 0.25 * (known - len(core_found)) - 0.25 * unknown, categories


# Share of a header band's words that must belong to known column labels: a sentence that
# happens to name three columns ("Incurred = Paid + Reserve, gross of deductible") is no header.
MIN_LABEL_WORD_SHARE = 0.6


# Column labels are short; a longer run of words is a sentence or a value.
MAX_LABEL_WORDS = 5


def _label_word_share(band: Sequence[Line], columns: Sequence[HeaderColumn]) -> float:
    """Share of the band's words that belong to known column labels, counted after stacking so
    a wrapped label's lone words ("No." under "Claim") count with it; 0 for a "Label: value"
    line (a word ending in ':' followed by a word that is not another label)."""
    for line in band:
        for a, b in zip(line.words, line.words[1:], strict=False):
            if a.text.endswith(":") and not b.text.endswith(":"):
                return 0.0
    known: set[int] = set()
    for column in columns:
        for label in column.labels:
            if (column.category or label.category) and len(label.words) <= MAX_LABEL_WORDS:
                known.update(id(w) for w in label.words)
    total = sum(len(line.words) for line in band)
    return len(known) / total if total else 0.0


# A header band is at most this many lines: a wrapped label takes two or three, a header of
# records printed over several lines ("Claim# / Policy# / Loss Date ...") up to six.
MAX_HEADER_LINES = 6


def _continues_rows(above: Line, line: Line) -> bool:
    """`line` sits right under a row of values (three or more), as a row's second line does."""
    values = sum(1 for w in above.words if looks_like_money(w.text) or looks_like_date(w.text))
    return values >= 3 and line.top - above.bottom <= 0.6 * max(above.height, line.height)


def find_headers(page: PageWords, lines: Sequence[Line] | None = None) -> list[TableHeader]:
    """Every table header row on a page, top to bottom.

    Each run of one to three adjacent label lines (no money or date values) is tried as a header
    band; bands that overlap keep the best scoring one.
    """
    vocab = column_vocab()
    lines = list(lines) if lines is not None else visual_lines(page.words)
    candidates: list[tuple[float, int, int, TableHeader]] = []
    for start in range(len(lines)):
        for size in range(1, MAX_HEADER_LINES + 1):
            band = lines[start : start + size]
            if len(band) < size or any(is_data_line(line) for line in band):
                break
            if any(_COUNT.match(w.text) for w in band[-1].words):
                break  # "Total Claims: 27": a count printed beside a label, not a header
            if size == 1 and start > 0 and _continues_rows(lines[start - 1], band[0]):
                break  # a wrapped description between rows ("claimant vehicle total loss")
            if size > 1:
                previous, last = band[-2], band[-1]
                if last.top - previous.bottom > 1.2 * max(previous.height, last.height):
                    break
            columns = stack_columns(band, vocab)
            if _label_word_share(band, columns) < MIN_LABEL_WORD_SHARE:
                continue
            score, categories = _header_score(columns)
            if score <= 0:
                continue
            header = TableHeader(page.page_number, list(band), columns, score, categories)
            candidates.append((score, start, start + size, header))
    chosen: list[tuple[int, int, TableHeader]] = []
    for _score, start, end, header in sorted(candidates, key=lambda c: (-c[0], c[1] - c[2])):
        if any(start < c_end and c_start < end for c_start, c_end, _ in chosen):
            continue
        chosen.append((start, end, header))
    return [header for _, _, header in sorted(chosen, key=lambda c: c[0])]


# ---------------------------------------------------------------------------------------------
# Column ranges and cells

# A header word cut by a column boundary costs this many data words: never split a label.
_HEADER_CUT_COST = 1000


def column_bounds(
    columns: Sequence[HeaderColumn], data_lines: Sequence[Line]
) -> list[tuple[float, float]]:
    """x-range per column: boundaries sit in the white space the data leaves between columns.

    Between two neighbouring header centres, the boundary goes where the fewest data words
    would be cut (a "river" of white space), choosing the widest such river, and among equally
    wide ones the one nearest the middle of the gap between the two header labels. So right-aligned amounts under a narrow header and
    left-aligned text running past its header both land in their own column.
    """
    words = [w for line in data_lines for w in line.words]
    cuts: list[float] = []
    for left, right in zip(columns, columns[1:], strict=False):
        low, high = (left.x0 + left.x1) / 2, (right.x0 + right.x1) / 2
        preferred = min(max((left.x1 + right.x0) / 2, low), high)
        if high - low < 2.0:
            cuts.append(preferred)
            continue
        label_words = left.words + right.words
        # Only words reaching into (low, high) can be cut there; the rest cost nothing anywhere.
        nearby = [w for w in words if w.bbox[0] < high and w.bbox[2] > low]
        steps = max(2, int(high - low))
        best_cost: float | None = None
        runs: list[tuple[float, float]] = []  # runs of positions sharing the lowest cost
        for k in range(1, steps):
            x = low + (high - low) * k / steps
            cost = sum(1 for w in nearby if w.bbox[0] < x < w.bbox[2])
            cost += _HEADER_CUT_COST * sum(1 for w in label_words if w.bbox[0] < x < w.bbox[2])
            if best_cost is None or cost < best_cost:
                best_cost, runs = cost, [(x, x)]
            elif cost == best_cost:
                if runs and abs(runs[-1][1] - (x - (high - low) / steps)) < 1e-6:
                    runs[-1] = (runs[-1][0], x)
                else:
                    runs.append((x, x))
        if not runs:
            cuts.append(preferred)
            continue
        # The widest river wins (a word space inside one row's text is a narrow one); among
        # rivers about as wide, the one nearest the middle of the header gap.
        widest = max(end - start for start, end in runs)

        wide = [run for run in runs if run[1] - run[0] >= widest - 1.5]
        start, end = min(wide, key=lambda run, x=preferred: _distance_to(run, x))
        cuts.append(preferred if start <= preferred <= end else (start + end) / 2)
    edges = [float("-inf"), *cuts, float("inf")]
    return [(edges[i], edges[i + 1]) for i in range(len(columns))]


def _distance_to(run: tuple[float, float], x: float) -> float:
    if run[0] <= x <= run[1]:
        return 0.0
    return min(abs(run[0] - x), abs(run[1] - x))


def cells_of(line: Line, bounds: Sequence[tuple[float, float]]) -> dict[int, list[Word]]:
    """Words of one line by column index (the column holding each word's centre)."""
    cells: dict[int, list[Word]] = {}
    for word in line.words:
        centre = (word.bbox[0] + word.bbox[2]) / 2
        for index, (start, end) in enumerate(bounds):
            if start <= centre < end:
                cells.setdefault(index, []).append(word)
                break
    return cells


@dataclass
class TableRegion:
    """The lines under one header on one page, with the column ranges that fit them.

    `inherited` marks a page that printed no header of its own: its rows are read with the
    columns of the header before it (a continuation page of rows only).
    """

    page_number: int
    header: TableHeader
    lines: list[Line]
    bounds: list[tuple[float, float]]
    leveled: LeveledPage
    inherited: bool = False


# Narrowest white space (in character widths) that counts as a gap between columns when the
# columns have to be found from the data alone.
RIVER_CHARS = 1.5


def data_columns(lines: Sequence[Line]) -> list[tuple[float, float]]:
    """x-extents of the columns the data lines form on their own: runs of x covered by some
    line's words, separated by "rivers" of white space no line crosses."""
    words = [w for line in lines for w in line.words]
    if not words:
        return []
    min_river = RIVER_CHARS * char_width(words)
    spans = sorted((w.bbox[0], w.bbox[2]) for w in words)
    columns: list[list[float]] = [list(spans[0])]
    for x0, x1 in spans[1:]:
        if x0 - columns[-1][1] >= min_river:
            columns.append([x0, x1])
        else:
            columns[-1][1] = max(columns[-1][1], x1)
    return [(a, b) for a, b in columns]


def _filled_columns(lines: Sequence[Line], bounds: Sequence[tuple[float, float]]) -> set[int]:
    filled: set[int] = set()
    for line in lines:
        filled.update(cells_of(line, bounds))
    return filled


def _bounds_by_order(
    header: TableHeader, filled: set[int], columns: Sequence[tuple[float, float]]
) -> list[tuple[float, float]] | None:
    """Column ranges for a page without a header whose data columns, taken left to right,
    match one to one the columns its table filled before (the layout may have shifted)."""
    order = sorted(filled)
    if not order or len(order) != len(columns):
        return None
    cuts = [(left[1] + right[0]) / 2 for left, right in zip(columns, columns[1:], strict=False)]
    edges = [float("-inf"), *cuts, float("inf")]
    bounds: list[tuple[float, float]] = []
    for index in range(len(header.columns)):
        if index in filled:
            position = order.index(index)
            bounds.append((edges[position], edges[position + 1]))
        else:
            bounds.append((0.0, 0.0))  # printed in no row: an empty range
    return bounds


class TableTracker:
    """Claims-table regions found page by page, in reading order.

    A region runs from a header row down to the next header or the page end. A page without a
    header continues the previous table when its lines carry values: its columns are the data's
    own columns matched in order to those the table filled before, or failing that the previous
    header's columns fitted to the new data. `is_row_line` tells claim rows from other value
    lines (totals) when columns are found from the data alone. The tracker carries only the last
    header and the columns it filled from page to page, so a long table is read a page at a time.
    """

    def __init__(self, is_row_line: Callable[[Line], bool] | None = None) -> None:
        self._is_row_line = is_row_line
        self._last_header: TableHeader | None = None
        self._filled: set[int] = set()

    def _rows(self, data: Sequence[Line]) -> list[Line]:
        return [line for line in data if self._is_row_line is None or self._is_row_line(line)]

    def regions_on(self, printed: PageWords) -> list[TableRegion]:
        """The regions of the next page."""
        leveled, lines = page_layout(printed)
        page = leveled.page
        headers = find_headers(page, lines)
        if not headers:
            if self._last_header is None:
                return []
            data = [line for line in lines if is_data_line(line)]
            if not data:
                return []
            bounds = _bounds_by_order(
                self._last_header, self._filled, data_columns(self._rows(data))
            )
            if bounds is None:
                bounds = column_bounds(self._last_header.columns, data)
            return [
                TableRegion(
                    page.page_number, self._last_header, lines, bounds, leveled, inherited=True
                )
            ]
        regions: list[TableRegion] = []
        for index, header in enumerate(headers):
            end = headers[index + 1].top if index + 1 < len(headers) else float("inf")
            body = [line for line in lines if line.top >= header.bottom - 0.5 and line.top < end]
            body = [line for line in body if line not in header.lines]
            data = [line for line in body if is_data_line(line)]
            rows = self._rows(data)
            header = with_unlabelled_columns(header, rows)
            bounds = column_bounds(header.columns, data)
            regions.append(TableRegion(page.page_number, header, body, bounds, leveled))
            if header is not self._last_header:
                self._filled = set()
            self._filled |= _filled_columns(rows, bounds)
            self._last_header = header
        return regions


def table_regions(
    pages: Sequence[PageWords], is_row_line: Callable[[Line], bool] | None = None
) -> list[TableRegion]:
    """Every claims-table region of the pages, in reading order (see `TableTracker`)."""
    tracker = TableTracker(is_row_line)
    return [region for page in pages for region in tracker.regions_on(page)]
