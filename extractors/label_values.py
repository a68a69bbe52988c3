"""Reading a field's value from beside or beneath its printed label, whatever the layout.

A `LabelReader` wraps a word doc: it knows every label and section heading on it, what counts
as the start of another field (a stop), and reads a label's value from the right (label-left
rows) or from the box beneath (label-above, grid cells), over several lines when the field
allows it. Every value carries the rule that produced it: "<field>/<phrase>:<layout>".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from statistics import median

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from extractors import geometry
from extractors.confidence import (
    Absence,
    Grammar,
    RuleStrength,
    absent_confidence,
    fuse_confidence,
)
from extractors.value_grammar import (
    L_READ_FOR_CAPITAL_I,
    Finder,
    Found,
    is_blank,
    ocr_text,
    strip_leading_junk,
)
from extractors.word_doc import (
    LABEL_RULER,
    SECTIONS_KEY,
    is_punctuation_speck,
    labels,
    norm_word,
)
from pipeline.contract import FieldValue


class Layout(StrEnum):
    RIGHT = "right"  # "Label: value" on one line
    BELOW = "below"  # label on top, value in the box beneath (label-above, grid cell)


@dataclass(frozen=True)
class Located:
    """The tokens a label points at, as lines, and how they sit relative to the label."""

    label: Span
    lines: tuple[tuple[Token, ...], ...]
    layout: Layout

    @property
    def tokens(self) -> list[Token]:
        return [token for line in self.lines for token in line]


@dataclass(frozen=True)
class Reading:
    """The outcome of reading one field: a value, or why there is none."""

    value: FieldValue
    found: Found | None = None
    located: Located | None = None


_TAIL_CLOSERS = (")", "]")
# Key in a vocabulary's "scoped" mapping for generic labels under no recognised heading.
DEFAULT_SCOPE = "_default"


# Marks a scan speck glued before a value's first letter or digit puts there ("‘CR24-49678",
# "|HO-9176103", ".Owen Yardley", "_claims@..."); no printed value starts with one.
_GLUED_SPECKS = "\u2018\u2019'`_|.,:;~\u00bb\u00ab\u00b0"


# A speck OCR reads after a value's last word, alone or glued to it ("Silverado |", "66658\"").
_TRAILING_SPECK = re.compile(r"(?:\s+[|_~'`\u2018\u2019]+|[|_~`]+)$")
# A speck read right after a printed comma or before a word (", .Lakemont", "WAY,.RIVERBEND").
_SPECK_AFTER_COMMA = re.compile(r",\s*[.`'\u2018]+\s*(?=[A-Za-z0-9])")


# Inside a short value (a name, a place, an address) a period after a word of five or more
# letters is a speck ("Harborline Indemnity. Company", "Heron. St"); abbreviations are shorter
# ("St.", "Co.", "Blvd.", "Corp."). Sentences are longer and keep theirs.
_SHORT_VALUE_WORDS = 8
_PERIOD_AFTER_WORD = re.compile(r"(?<=[A-Za-z]{5})\.(?= [A-Za-z])")


def _without_glued_speck(value: str, tokens: Sequence[Token]) -> str:
    if not tokens or not tokens[0]._.from_ocr:
        return value
    stripped = value.lstrip(_GLUED_SPECKS)
    value = stripped if stripped[:1].isalnum() else value
    value = _SPECK_AFTER_COMMA.sub(", ", value)
    if len(value.split()) <= _SHORT_VALUE_WORDS:
        value = _PERIOD_AFTER_WORD.sub("", value)
    trimmed = _TRAILING_SPECK.sub("", value)
    if trimmed.count('"') == 1 and trimmed.endswith('"'):
        trimmed = trimmed[:-1].rstrip()  # a quote that opens nothing
    return _capital_i_read_as_l(trimmed if trimmed else value)


def _capital_i_read_as_l(value: str) -> str:
    words = value.split(" ")
    suspects = [i for i, w in enumerate(words) if L_READ_FOR_CAPITAL_I.match(w)]
    if not suspects:
        return value
    others = [w for i, w in enumerate(words) if i not in suspects and w[:1].isalpha()]
    if not others or not all(w[0].isupper() for w in others):
        return value  # not a capitalised name: a sentence may hold such a word
    for i in suspects:
        words[i] = "I" + words[i][1:]
    return " ".join(words)


def value_of(found: Found, rule: str, strength: RuleStrength | float) -> FieldValue:
    """A contract `FieldValue` for `found`: confidence fused, page and box from its tokens."""
    tokens = list(found.tokens)
    page = tokens[0]._.page
    on_page = [t for t in tokens if t._.page == page]
    value = found.value
    if isinstance(value, str):
        value = _without_glued_speck(value, tokens)
    return FieldValue(
        value=value,
        confidence=fuse_confidence(strength, found.grammar, [t._.ocr_conf for t in tokens]),
        page=page,
        bbox=tuple(round(v, 2) for v in geometry.page_box(on_page)),
        rule=rule,
    )


class LabelReader:
    """Labels, sections and stops of one word doc, and the layout-aware value reading."""

    def __init__(
        self,
        doc: Doc,
        scoped: dict[str, dict[str, str]] | None = None,
        weak_phrases: Iterable[str] = (),
        nlp: Language | None = None,
    ) -> None:
        """`nlp` (the pipeline that built `doc`) also finds labels wrapped over two lines."""
        self.doc = doc
        self.sections = [s for s in labels(doc, SECTIONS_KEY) if _alone_on_line(s)]
        self.labels = self._clean_labels(labels(doc))
        wrapped: list[tuple[Span, list[Token]]] = []
        if nlp is not None:
            taken = {i for span in self.labels + self.sections for i in range(span.start, span.end)}
            wrapped = find_wrapped_labels(doc, nlp, taken)
            tails = {t.i for _, tail in wrapped for t in tail}
            kept = [span for span in self.labels if not any(t.i in tails for t in span)]
            taken |= {t.i for span, tail in wrapped for t in list(span) + tail}
            questions = find_question_labels(doc, nlp, taken)
            self.labels = sorted(
                kept + [span for span, _ in wrapped] + questions, key=lambda s: s.start
            )
        self.scoped = scoped or {}
        self.weak_phrases = frozenset(weak_phrases)
        self._stop_tokens = {i for span in self.labels for i in range(span.start, span.end)}
        self._stop_tokens |= {i for span in self.sections for i in range(span.start, span.end)}
        self._stop_tokens |= {t.i for _, tail in wrapped for t in tail}
        self._text_size = self._estimate_text_sizes()
        self._page_text_size = self._median_sizes()
        self.page_confidence = sum(t._.ocr_conf for t in doc) / len(doc) if len(doc) else 1.0

    # -- labels ---------------------------------------------------------------------------

    def _clean_labels(self, found: list[Span]) -> list[Span]:
        """Drop labels swallowed by a longer heading ("INSURED" in "INSURED VEHICLE") and extend
        labels over a printed hint ("NAME OF INSURED (FIRST, MIDDLE, LAST)")."""
        cleaned: list[Span] = []
        for span in found:
            inside_heading = any(
                section.start <= span.start and span.end <= section.end and len(section) > len(span)
                for section in self.sections
            )
            if not inside_heading:
                cleaned.append(self._with_tail(span))
        return cleaned

    def _with_tail(self, span: Span) -> Span:
        doc = span.doc
        end = span.end
        if span[-1].text.endswith(":"):
            return span  # "Phone: (217) 555-0134": after the colon comes the value
        if end < len(doc) and doc[end].text.startswith(("(", "[")):
            line_key = span[-1]._.line_key
            for j in range(end, min(end + 10, len(doc))):
                if doc[j]._.line_key != line_key:
                    break
                if doc[j].text.rstrip(":").endswith(_TAIL_CLOSERS):
                    hint = "".join(t.text for t in doc[end : j + 1])
                    if not any(ch.isalpha() for ch in hint):
                        return span  # "(217)" is a value, not a printed hint
                    return Span(doc, span.start, j + 1, label=span.label_, span_id=span.id_)
        return span

    def field_of(self, span: Span) -> str | None:
        """The catalogue field a label stands for; a generic one ("Name") by its section."""
        if not span.label_.startswith("generic:"):
            return span.label_
        section = self.section_of(span)
        if section is None:
            # No heading survived (a shaded bar OCR could not read): the form's default party.
            return self.scoped.get(DEFAULT_SCOPE, {}).get(span.label_)
        return self.scoped.get(section, {}).get(span.label_)

    def spans_for(self, field: str, excluded_sections: Iterable[str] = ()) -> list[Span]:
        """Labels that stand for `field`, strong phrases first, each group in reading order."""
        excluded = set(excluded_sections)
        found = [
            span
            for span in self.labels
            if self.field_of(span) == field
            and (not excluded or self.section_of(span) not in excluded)
        ]
        return sorted(found, key=lambda span: (self.is_weak(span), span.start))

    def label_keys_for(self, field: str) -> set[str]:
        """The vocabulary labels that may stand for `field`: its own and the generic ones
        ("generic:email") some section maps to it."""
        keys = {field}
        for mapping in self.scoped.values():
            keys |= {generic for generic, target in mapping.items() if target == field}
        return keys

    def is_weak(self, span: Span) -> bool:
        return span.id_.split("/", 1)[-1] in self.weak_phrases or span.label_.startswith("generic:")

    def section_of(self, span: Span | Token) -> str | None:
        """The nearest section heading above (or, failing that, before) the span."""
        first = span[0] if isinstance(span, Span) else span
        page, top = first._.page, first._.layout_box[1]
        best: tuple[tuple[int, float], Span] | None = None
        for section in self.sections:
            spage = section[0]._.page
            sbox = geometry.span_box(section)
            if section.start == first.i:
                continue
            if spage > page or (spage == page and sbox[1] > top + 1.0):
                continue
            if spage == page and sbox[0] > first._.layout_box[2]:
                continue  # a heading off to the right heads another column
            key = (spage, sbox[1])
            if best is None or key > best[0]:
                best = (key, section)
        return best[1].label_ if best else None

    # -- stops ----------------------------------------------------------------------------

    def _estimate_text_sizes(self) -> dict[int, float]:
        """Font size per token, the same for a run of words. OCR boxes hug the ink, so "ace" is
        shorter than "Ship" and "BA-123" shorter than "Policy": each box height is first scaled
        by the share of the font size its letters fill."""
        sizes: dict[int, float] = {}
        for members in (self.doc._.lines or {}).values():
            tokens = [self.doc[i] for i in members]
            boxes = [t._.layout_box for t in tokens]
            for segment in geometry.split_segments(boxes):
                size = median(geometry.height(boxes[k]) / _ink_share(tokens[k]) for k in segment)
                for k in segment:
                    sizes[tokens[k].i] = size
        return sizes

    def _median_sizes(self) -> dict[int, float]:
        by_page: dict[int, list[float]] = {}
        for token in self.doc:
            by_page.setdefault(token._.page, []).append(self._text_size.get(token.i, 10.0))
        return {page: median(values) for page, values in by_page.items()}

    def is_small(self, token: Token) -> bool:
        """Printed noticeably smaller than the page's body text: a grid cell's caption."""
        size = self._text_size.get(token.i, 10.0)
        return size < 0.8 * self._page_text_size.get(token._.page, size)

    def is_label_token(self, token: Token) -> bool:
        """Part of a recognised label or section heading."""
        return token.i in self._stop_tokens

    def is_stop(self, token: Token) -> bool:
        """Where a value ends: another label or heading, an unknown "Label:", a caption."""
        if token.i in self._stop_tokens:
            return True
        text = token.text
        if len(text) > 2 and text.endswith(":") and text[:-1].replace("'", "").isalpha():
            return True
        return self.is_small(token) and any(ch.isalpha() for ch in text)

    def stop_for(
        self, label: Span, within: Callable[[Token], bool] | None = None
    ) -> Callable[[Token], bool]:
        """Stops for values of `label`: a small caption is a stop only if the label itself is
        not printed small (label-above grids print values bigger than captions); anything
        outside `within` (a unit's region) is a stop too."""
        label_small = all(self.is_small(t) for t in label)

        def is_stop(token: Token) -> bool:
            if token.i in self._stop_tokens:
                return True
            if within is not None and not within(token):
                return True
            text = token.text
            if len(text) > 2 and text.endswith(":") and text[:-1].replace("'", "").isalpha():
                return True
            if self.is_small(token) and any(ch.isalpha() for ch in text):
                size = self._text_size.get(token.i, 10.0)
                label_size = max(self._text_size.get(t.i, 10.0) for t in label)
                return label_small or abs(size - label_size) > 0.25 * label_size
            return False

        return is_stop

    # -- locating values ------------------------------------------------------------------

    def locate(
        self,
        label: Span,
        max_lines: int = 1,
        wrap_under_label: bool = False,
        within: Callable[[Token], bool] | None = None,
        first_gap_factor: float = 2.0,
    ) -> Located | None:
        """The tokens `label` most likely points at (see `candidates`)."""
        found = self.candidates(label, max_lines, wrap_under_label, within, first_gap_factor)
        return found[0] if found else None

    def candidates(
        self,
        label: Span,
        max_lines: int = 1,
        wrap_under_label: bool = False,
        within: Callable[[Token], bool] | None = None,
        first_gap_factor: float = 2.0,
    ) -> list[Located]:
        """Where the value of `label` may be, likeliest first: right of it when close (a
        label-left row); the box beneath it when its text starts under the label (label-above,
        grid cell); otherwise right of it across a wide gap (tab-aligned label-left rows)."""
        is_stop = self.stop_for(label, within)
        label_box = geometry.span_box(label)
        line_height = geometry.height(label_box)
        right_tokens = _without_leading_specks(geometry.right_of(label, is_stop))
        right = (
            self._right(label, right_tokens, is_stop, max_lines, wrap_under_label)
            if right_tokens
            else None
        )
        below_lines = geometry.below(
            label,
            is_stop,
            right_edge=_cell_right_edge(label),
            max_lines=max_lines,
            first_gap_factor=first_gap_factor,
            from_line_start=wrap_under_label,
        )
        below = (
            Located(label, tuple(tuple(line) for line in below_lines), Layout.BELOW)
            if below_lines
            else None
        )
        if right is None or below is None:
            return [c for c in (right, below) if c is not None]
        tight = right_tokens[0]._.layout_box[0] - label_box[2] <= 3.0 * line_height
        aligned = abs(below_lines[0][0]._.layout_box[0] - label_box[0]) <= 1.5 * line_height
        if tight or not aligned:
            return [right, below]
        # Under a label printed as large as it is lies the next row's label, not a value.
        label_size = max(self._text_size.get(t.i, 10.0) for t in label)
        below_size = self._text_size.get(below_lines[0][0].i, 10.0)
        if abs(below_size - label_size) <= 0.2 * label_size and _next_row_has_value_at(
            below_lines[0], right_tokens[0]
        ):
            return [right, below]
        return [below, right]

    def _right(
        self,
        label: Span,
        first: list[Token],
        is_stop: Callable[[Token], bool],
        max_lines: int,
        wrap_under_label: bool,
    ) -> Located:
        lines = [tuple(first)]
        if max_lines > 1:
            if wrap_under_label:
                more = self._wrapped_lines(label, first, is_stop, max_lines - 1)
            else:
                more = geometry.continuation_lines(first, label, is_stop, max_lines - 1)
            lines.extend(tuple(line) for line in more)
        return Located(label, tuple(lines), Layout.RIGHT)

    def _wrapped_lines(
        self, label: Span, first: list[Token], is_stop: Callable[[Token], bool], max_lines: int
    ) -> list[list[Token]]:
        """A paragraph that starts right of its label and wraps back under it."""
        left = geometry.span_box(label)[0] - geometry.height(geometry.span_box(label))
        line_height = geometry.height(geometry.span_box(first))
        found: list[list[Token]] = []
        previous_bottom = max(t._.layout_box[3] for t in first)
        for line in geometry.lines_after(first[-1]):
            inside = [t for t in line if t._.layout_box[0] >= left]
            if not inside:
                break
            if min(t._.layout_box[1] for t in inside) - previous_bottom > line_height:
                break
            if is_stop(inside[0]):
                break
            found.append(inside)
            previous_bottom = max(t._.layout_box[3] for t in inside)
            if len(found) >= max_lines:
                break
        return found

    # -- reading fields -------------------------------------------------------------------

    def read(
        self,
        field: str,
        finder: Finder,
        *,
        max_lines: int = 1,
        joiner: str = " ",
        wrap_under_label: bool = False,
        excluded_sections: Iterable[str] = (),
        spans: Sequence[Span] | None = None,
        within: Callable[[Token], bool] | None = None,
        first_gap_factor: float = 2.0,
    ) -> Reading:
        """The first label of `field` whose value reads with `finder`; else a null with the
        confidence that the field is absent."""
        candidates = list(spans) if spans is not None else self.spans_for(field, excluded_sections)
        if not candidates:
            return Reading(self.absent(Absence.NO_LABEL))
        unreadable = False
        for span in candidates:
            places = self.candidates(span, max_lines, wrap_under_label, within, first_gap_factor)
            for rank, located in enumerate(places):
                if is_blank(located.tokens):
                    break  # "N/A" beside the label: this label says there is no value
                found = finder(join_lines(located.lines, joiner))
                if found is None:
                    unreadable = True
                    continue
                found = _rejoined(found, located.lines, joiner)
                strength = self.strength(span, located)
                if rank:  # the less likely place: the layout was ambiguous
                    strength = min(strength, RuleStrength.LABEL_LOOSE)
                rule = f"{span.id_}:{located.layout.value}"
                return Reading(value_of(found, rule, strength), found, located)
        return Reading(self.absent(Absence.UNREADABLE if unreadable else Absence.EMPTY_VALUE))

    def strength(self, span: Span, located: Located) -> RuleStrength:
        if span.label_.startswith("generic:"):
            if self.section_of(span) is None:
                return RuleStrength.LABEL_LOOSE
            return RuleStrength.SECTION_SCOPED
        if self.is_weak(span):
            return RuleStrength.LABEL_LOOSE
        return (
            RuleStrength.LABEL_RIGHT if located.layout is Layout.RIGHT else RuleStrength.LABEL_BELOW
        )

    def absent_value_printed(self) -> FieldValue:
        """Null for a field whose label is printed with nothing (or "NONE") beside it."""
        return self.absent(Absence.EMPTY_VALUE)

    def absent(self, reason: Absence) -> FieldValue:
        return FieldValue(value=None, confidence=absent_confidence(reason, self.page_confidence))


def _without_leading_specks(tokens: Sequence[Token]) -> list[Token]:
    """Separators ("No. : PA-1") and OCR specks ("Describe what happened .", "Email '") between
    a label and its value: with nothing else right of the label, the value is below it."""
    kept = strip_leading_junk(tokens)
    while kept and is_punctuation_speck(kept[0].text):
        kept = strip_leading_junk(kept[1:])
    return kept


def _cell_right_edge(label: Span) -> float:
    """Where the label's cell ends: the next word right of it on its line (a speck beside the
    label is no word: it does not end the cell), else the page edge."""
    label_box = geometry.span_box(label)
    for token in geometry.line_of(label[-1]):
        if token.i < label.end or token._.layout_box[0] < label_box[2] - 1.0:
            continue
        if not is_punctuation_speck(token.text):
            return token._.layout_box[0] - 1.0
    return label.doc._.page_sizes[label[0]._.page][0]


_ASCENDING = frozenset("bdfhklt0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ#$%&@!?/\\|()[]{}'\"")
_DESCENDING = frozenset("gjpqy,;()[]{}|@$")


def _ink_share(token: Token) -> float:
    """How much of the font size an OCR box of this word spans (text-layer boxes: all of it)."""
    if not token._.from_ocr:
        return 1.0
    text = token.text
    share = 0.72 if any(ch in _ASCENDING for ch in text) else 0.5
    if any(ch in _DESCENDING for ch in text):
        share += 0.22
    return share


def _alone_on_line(span: Span) -> bool:
    """A heading is printed on a line of its own; the same words among other cells are a label."""
    inside = set(range(span.start, span.end))
    return all(
        token.i in inside or not any(ch.isalnum() for ch in token.text)
        for token in geometry.line_of(span[0])
    )


def _next_row_has_value_at(below_line: Sequence[Token], value_start: Token) -> bool:
    """A table of label cells beside value cells: the text under the label is the next row's
    label, with its own value right of it where ours starts. Then the value is on the right,
    however wide the label cell is."""
    first = below_line[0]
    tolerance = 1.5 * geometry.height(value_start._.layout_box)
    start = value_start._.layout_box[0]
    last_x1 = max(t._.layout_box[2] for t in below_line)
    return any(
        abs(t._.layout_box[0] - start) <= tolerance and t._.layout_box[0] > last_x1
        for t in geometry.line_of(first)
    )


def find_wrapped_labels(
    doc: Doc, nlp: Language, taken: set[int], spans_key: str = "labels"
) -> list[tuple[Span, list[Token]]]:
    """Labels printed over two lines of a narrow cell ("Where did the loss / occur?"): a run of
    words and the run starting at the same x on the line just below that together read as a
    vocabulary phrase. Returns each as a span over its first line (where its value sits beside
    it) with the tokens of its second line."""
    ruler = nlp.get_pipe(f"{LABEL_RULER}_{spans_key}")
    found: list[tuple[Span, list[Token]]] = []
    used: set[int] = set(taken)
    segments_by_line: list[list[list[Token]]] = []
    for key in doc._.line_order:
        line = [doc[i] for i in doc._.lines[key]]
        boxes = [t._.layout_box for t in line]
        segments_by_line.append([[line[k] for k in seg] for seg in geometry.split_segments(boxes)])
    for upper, lower in zip(segments_by_line, segments_by_line[1:], strict=False):
        for first in upper:
            if (
                any(t.i in used for t in first)
                or not lower
                or first[0]._.page != lower[0][0]._.page
            ):
                continue
            height = geometry.height(first[0]._.layout_box)
            for second in lower:
                # The second line may itself read as a short label ("Address"): part of ours.
                if any(t.i in used and t.i not in taken for t in second):
                    continue
                if abs(second[0]._.layout_box[0] - first[0]._.layout_box[0]) > 0.8 * height:
                    continue
                gap = min(t._.layout_box[1] for t in second) - max(t._.layout_box[3] for t in first)
                if gap > 0.8 * height:
                    continue
                words = [t.text for t in first + second]
                pattern = Doc(nlp.vocab, words=words)
                for token in pattern:
                    token.norm_ = norm_word(token.text)
                matches = [m for m in ruler.matcher(pattern) if m[1] == 0 and m[2] == len(words)]
                if not matches:
                    continue
                field, rule_id = ruler.rule_ids[matches[0][0]]
                span = Span(doc, first[0].i, first[-1].i + 1, label=field, span_id=rule_id)
                found.append((span, second))
                used |= {t.i for t in first + second}
                break
    return found


def find_question_labels(doc: Doc, nlp: Language, taken: set[int]) -> list[Span]:
    """Labels asked as questions ("Where did the loss occur?") with the answer printed close
    after them in the next cell: the question mark ends the label even without a gap."""
    ruler = nlp.get_pipe(f"{LABEL_RULER}_labels")
    found: list[Span] = []
    for key, start, end in ruler.matcher(doc):
        span = doc[start:end]
        if not span[-1].text.endswith("?") or any(t.i in taken for t in span):
            continue
        if any(t._.line_key != span[0]._.line_key for t in span):
            continue
        line = geometry.line_of(span[0])
        position = next(i for i, token in enumerate(line) if token.i == span[0].i)
        if position:
            previous = line[position - 1]
            gap = span[0]._.layout_box[0] - previous._.layout_box[2]
            if gap <= 1.2 * geometry.height(span[0]._.layout_box):
                continue  # inside a sentence, not a label cell
        field, rule_id = ruler.rule_ids[key]
        found.append(Span(doc, start, end, label=field, span_id=rule_id))
        taken |= set(range(start, end))
    return found


def join_lines(lines: Sequence[Sequence[Token]], joiner: str = " ") -> list[Token]:
    """The tokens of several lines in reading order."""
    return [token for line in lines for token in line]


_STATE_THEN_NOTHING = re.compile(r"(^|[\s,])[A-Z]{2}$")
_ZIP = re.compile(r"\d{5}(-\d{4})?")


def _is_wrapped_zip(text: str, part: str) -> bool:
    """ "..., Ashford Glen, TN" then "37048" on the next line: the ZIP wrapped, not a new part."""
    return bool(_ZIP.fullmatch(part.strip()) and _STATE_THEN_NOTHING.search(text.rstrip()))


def _rejoined(found: Found, lines: Sequence[Sequence[Token]], joiner: str) -> Found:
    """Re-join a multi-line free-text value with `joiner` between lines (", " for addresses)."""
    if joiner == " " or len(lines) < 2 or found.grammar is not Grammar.NONE:
        return found
    used = {token.i for token in found.tokens}
    text = ""
    for line in lines:
        part = ocr_text([t for t in line if t.i in used])
        if not part:
            continue
        if not text:
            text = part
        elif text.rstrip().endswith(",") or _is_wrapped_zip(text, part):
            text = f"{text} {part}"
        else:
            text = f"{text}{joiner}{part}"
    return Found(" ".join(text.split()), found.tokens, found.grammar)
