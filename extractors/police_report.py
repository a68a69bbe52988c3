"""Police / crash reports: report header, one party per unit block, narrative and officer.

A unit block starts at a unit heading ("UNIT 1", "Vehicle #2", "PARTY 1", "Driver 1", "V1") and
runs to the next heading (units printed side by side split the width between them), the
narrative / officer / diagram sections, or the page end. Party fields are read by label inside
their block only; report fields by label outside every block. Labels come from
`vocab/police_report.json`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from extractors import geometry
from extractors.confidence import Grammar, RuleStrength
from extractors.label_values import LabelReader, Reading, value_of
from extractors.unit_columns import LabelColumn, cell_tokens, column_bounds, find_label_column
from extractors.value_grammar import (
    Finder,
    Found,
    find_birth_date,
    find_date,
    find_identifier,
    find_name,
    find_state,
    find_text,
    find_time,
    find_vin,
    find_year,
    is_blank,
    strip_leading_junk,
)
from extractors.word_doc import build_word_doc, load_vocabulary_file, norm_word
from pipeline.contract import PARTY_FIELDS, FieldMap, FieldValue
from pipeline.normal_forms import normalise_state
from pipeline.page_model import PageWords

VOCABULARY = "police_report"
# Sections that end a unit's block.
UNIT_TERMINATORS = frozenset({"narrative", "officer", "diagram", "other"})
REPORT_ENDING_LABELS = frozenset({"narrative", "officer_name", "officer_badge"})


@dataclass(frozen=True)
class FieldRule:
    finder: Finder
    max_lines: int = 1
    joiner: str = " "
    wrap_under_label: bool = False
    first_gap_factor: float = 2.0


REPORT_RULES: dict[str, FieldRule] = {
    "report_number": FieldRule(find_identifier),
    "agency_name": FieldRule(find_name),
    "crash_date": FieldRule(find_date),
    "crash_time": FieldRule(find_time),
    "crash_location": FieldRule(find_text),
    "officer_name": FieldRule(find_name),
    "officer_badge": FieldRule(find_identifier),
    "narrative": FieldRule(find_text, max_lines=80, wrap_under_label=True, first_gap_factor=4.0),
}

PARTY_RULES: dict[str, FieldRule] = {
    "driver_name": FieldRule(find_name),
    "driver_dob": FieldRule(find_birth_date),
    "driver_license_number": FieldRule(find_identifier),
    "driver_license_state": FieldRule(find_state),
    "driver_address": FieldRule(find_text, max_lines=3, joiner=", "),
    "vehicle_year": FieldRule(find_year),
    "vehicle_make": FieldRule(find_name),
    "vehicle_model": FieldRule(find_name),
    "vehicle_vin": FieldRule(find_vin),
    "plate_number": FieldRule(find_identifier),
    "plate_state": FieldRule(find_state),
    "insurer_name": FieldRule(find_name),
    "insurer_policy_number": FieldRule(find_identifier),
}


@dataclass(frozen=True)
class UnitRegion:
    """The block of the page that describes one unit (driver + vehicle + insurer); for units
    printed as table columns, the unit's column plus the row labels it shares with the others."""

    number: int
    heading: tuple[Token, ...]
    page: int
    top: float
    bottom: float
    left: float
    right: float
    label_column: LabelColumn | None = None

    def contains(self, token: Token) -> bool:
        box = token._.layout_box
        return (
            token._.page == self.page
            and self.top <= geometry.y_center(box) < self.bottom
            and self.left <= geometry.x_center(box) < self.right
        )

    def covers(self, token: Token) -> bool:
        """Part of the unit's printed block: its values, or the row labels it shares."""
        if self.contains(token):
            return True
        column = self.label_column
        if column is None or token._.page != self.page:
            return False
        box = token._.layout_box
        return (
            column.top <= geometry.y_center(box) < column.bottom
            and column.left - 2.0 <= geometry.x_center(box) < self.left
        )


def extract_police_report(pages: list[PageWords]) -> FieldMap:
    """The police-report catalogue fields found on `pages` (absent ones as null)."""
    doc = build_word_doc(pages, (VOCABULARY,))
    vocab = load_vocabulary_file(VOCABULARY)
    reader = LabelReader(doc, weak_phrases=vocab.get("weak", ()))
    units = find_unit_regions(doc, reader, vocab)

    def outside_units(token: Token) -> bool:
        return not any(unit.covers(token) for unit in units)

    fields: FieldMap = {}
    readings: dict[str, Reading] = {}
    for field, rule in REPORT_RULES.items():
        spans = [s for s in reader.spans_for(field) if outside_units(s[0])]
        readings[field] = _read(reader, field, rule, spans)
        fields[field] = readings[field].value
    _fill_time_from_date_cell(reader, fields, readings)
    blank = frozenset(vocab.get("blank_values", ()))
    if fields["agency_name"].value is None:  # type: ignore[union-attr]
        fields["agency_name"] = _letterhead_agency(doc, vocab) or fields["agency_name"]
    if fields["narrative"].value is None:  # type: ignore[union-attr]
        fields["narrative"] = (
            _unlabelled_narrative(doc, reader, outside_units) or fields["narrative"]
        )
    fields["officer_name"] = _without_rank(fields["officer_name"], vocab)  # type: ignore[arg-type]
    fields["parties"] = [_split_trailing_state(_read_party(reader, unit, blank)) for unit in units]
    return fields


def _read(
    reader: LabelReader,
    field: str,
    rule: FieldRule,
    spans: Sequence[Span],
    within=None,
) -> Reading:
    return reader.read(
        field,
        rule.finder,
        max_lines=rule.max_lines,
        joiner=rule.joiner,
        wrap_under_label=rule.wrap_under_label,
        first_gap_factor=rule.first_gap_factor,
        spans=spans,
        within=within,
    )


def _fill_time_from_date_cell(
    reader: LabelReader, fields: FieldMap, readings: dict[str, Reading]
) -> None:
    """ "Date/Time Occurred: June 25, 2024 2050 hrs": the time shares the date's value."""
    located = readings["crash_date"].located
    if fields["crash_time"].value is not None or located is None:  # type: ignore[union-attr]
        return
    used = (
        {t.i for t in readings["crash_date"].found.tokens}
        if readings["crash_date"].found
        else set()
    )
    found = find_time([t for t in located.tokens if t.i not in used])
    if found:
        rule = f"{located.label.id_}:{located.layout.value}+time"
        fields["crash_time"] = value_of(found, rule, reader.strength(located.label, located))


# ---------------------------------------------------------------------------------------------
# Unit blocks


def find_unit_regions(doc: Doc, reader: LabelReader, vocab: dict) -> list[UnitRegion]:
    """Every unit heading and the block it heads, in reading order."""
    headings = _unit_headings(doc, vocab)
    regions: list[UnitRegion] = []
    seen_numbers: set[int] = set()
    rows = _rows(headings)
    for row_index, row in enumerate(rows):
        page = row[0][1][0]._.page
        page_width, page_height = doc._.page_sizes[page]
        top = min(tokens[0]._.layout_box[1] for _, tokens in row) - 1.0
        bottom = _block_bottom(reader, rows, row_index, page, top, page_height)
        column = find_label_column(
            reader.labels,
            lambda span: _is_party_label(reader, span),
            page,
            top,
            bottom,
            min(tokens[0]._.layout_box[0] for _, tokens in row),
        )
        bounds = (
            column_bounds(column, [tokens for _, tokens in row], page_width) if column else None
        )
        for position, (number, tokens) in enumerate(row):
            if number in seen_numbers:
                continue  # a repeated heading ("UNIT 1 (continued)") adds nothing new
            if column is not None and bounds is not None:
                left, right = bounds[position]
            else:
                height = geometry.height(tokens[0]._.layout_box)
                left = 0.0 if position == 0 else tokens[0]._.layout_box[0] - height
                right = (
                    page_width
                    if position == len(row) - 1
                    else row[position + 1][1][0]._.layout_box[0] - height
                )
            regions.append(
                UnitRegion(number, tuple(tokens), page, top, bottom, left, right, column)
            )
            seen_numbers.add(number)
    return regions


def _is_party_label(reader: LabelReader, span: Span) -> bool:
    return span.label_ in PARTY_FIELDS or span.label_.startswith(("composite:", "generic:state"))


def _unit_headings(doc: Doc, vocab: dict) -> list[tuple[int, list[Token]]]:
    unit_words = {w.lower() for w in vocab.get("unit_words", ())}
    extras = {w.lower() for w in vocab.get("unit_heading_extras", ())}
    found: list[tuple[int, list[Token]]] = []
    for key in doc._.line_order:
        line = [doc[i] for i in doc._.lines[key]]
        boxes = [t._.layout_box for t in line]
        for segment in geometry.split_segments(boxes, gap_factor=2.0):
            tokens = [line[k] for k in segment]
            number = _heading_number(tokens, unit_words, extras)
            if number is not None:
                found.append((number, tokens))
    return found


_GLUED_HEADING = re.compile(r"([a-z/]+?)#?(\d{1,2})")


def _heading_number(tokens: Sequence[Token], unit_words: set[str], extras: set[str]) -> int | None:
    """The unit number if the run of words is a unit heading ("UNIT 1 DRIVER / VEHICLE")."""
    # Table rules OCR as "|" beside a heading cell: not words of the heading.
    words = [t.text.lower().strip(":.-|") for t in tokens]
    words = [w for w in words if w]
    if not words or len(words) > 7:
        return None
    glued = _GLUED_HEADING.fullmatch(words[0])
    if glued and glued.group(1) in unit_words:
        number, rest = int(glued.group(2)), words[1:]
    elif words[0] in unit_words and len(words) >= 2:
        rest = words[1:]
        if rest[0] in {"#", "no", "no.", "number"} and len(rest) >= 2:
            rest = rest[1:]
        digits = rest[0].lstrip("#")
        if not re.fullmatch(r"\d{1,2}", digits):
            return None
        number, rest = int(digits), rest[1:]
    else:
        return None
    if not 1 <= number <= 20:
        return None
    if not all(w in extras or w in unit_words for w in rest):
        return None
    return number


def _rows(headings: list[tuple[int, list[Token]]]) -> list[list[tuple[int, list[Token]]]]:
    """Headings grouped into rows: units printed side by side share one row."""
    ordered = sorted(
        headings, key=lambda h: (h[1][0]._.page, h[1][0]._.layout_box[1], h[1][0]._.layout_box[0])
    )
    rows: list[list[tuple[int, list[Token]]]] = []
    for heading in ordered:
        box = geometry.span_box(heading[1])
        if rows:
            last = geometry.span_box(rows[-1][0][1])
            same_page = rows[-1][0][1][0]._.page == heading[1][0]._.page
            if same_page and geometry.vertical_overlap(last, box) >= 0.5:
                rows[-1].append(heading)
                continue
        rows.append([heading])
    for row in rows:
        row.sort(key=lambda h: h[1][0]._.layout_box[0])
    return rows


def _block_bottom(
    reader: LabelReader,
    rows: list[list[tuple[int, list[Token]]]],
    row_index: int,
    page: int,
    top: float,
    page_height: float,
) -> float:
    bottom = page_height
    if row_index + 1 < len(rows):
        following = rows[row_index + 1][0][1][0]
        if following._.page == page:
            bottom = following._.layout_box[1] - 1.0
    # Headings of the narrative / officer / diagram parts, and the labels of report-level
    # fields printed after the units ("Reporting Officer:"), start a line the units never reach.
    enders = [s for s in reader.sections if s.label_ in UNIT_TERMINATORS]
    enders += [
        s
        for s in reader.labels
        if s.label_ in REPORT_ENDING_LABELS and geometry.line_of(s[0])[0].i == s[0].i
    ]
    for span in enders:
        if span[0]._.page != page:
            continue
        span_top = geometry.span_box(span)[1]
        if top + 1.0 < span_top < bottom:
            bottom = span_top - 1.0
    return bottom


# ---------------------------------------------------------------------------------------------
# Parties


def _read_party(
    reader: LabelReader, unit: UnitRegion, blank: frozenset[str]
) -> dict[str, FieldValue]:
    row: dict[str, FieldValue] = {}
    heading_found = Found(str(unit.number), unit.heading, Grammar.VALID)
    row["unit"] = value_of(heading_found, "unit/heading", RuleStrength.LABEL_RIGHT)
    if unit.label_column is not None:
        return _read_party_column(reader, unit, blank, row)
    spans = [s for s in reader.labels if unit.contains(s[0])]
    located_by_field: dict[str, Reading] = {}
    for field, rule in PARTY_RULES.items():
        field_spans = sorted(
            (s for s in spans if s.label_ == field),
            key=lambda s: (reader.is_weak(s), s.start),
        )
        field_spans += _state_spans(reader, spans, field)
        reading = _read(reader, field, rule, field_spans, within=unit.contains)
        if reading.found is not None and _is_blank_value(reading.found.value, blank):
            reading = Reading(reader.absent_value_printed())
        located_by_field[field] = reading
        row[field] = reading.value
    _fill_party_composites(reader, spans, unit, row)
    _fill_states_beside_values(located_by_field, row)
    return {name: row.get(name, reader.absent_value_printed()) for name in PARTY_FIELDS}


def _read_party_column(
    reader: LabelReader, unit: UnitRegion, blank: frozenset[str], row: dict[str, FieldValue]
) -> dict[str, FieldValue]:
    """A unit printed as a table column: each row label's value is its row's cell in the
    unit's column."""
    column = unit.label_column
    assert column is not None
    bounds = (unit.left, unit.right)
    previous_field: str | None = None
    for label in column.rows:
        tokens = cell_tokens(column, label, bounds, reader.is_label_token)
        field = label.label_
        if field == "generic:state":
            # A bare "State" row belongs to the licence or plate row above it.
            field = {
                "driver_license_number": "driver_license_state",
                "plate_number": "plate_state",
            }.get(previous_field or "", "")
        previous_field = field
        rule_id = f"{label.id_}:column"
        if not tokens or (row.get(field) is not None and row[field].value is not None):
            continue
        if field == "composite:year_make_model":
            for name, found in (_split_year_make_model(tokens) or {}).items():
                row.setdefault(name, value_of(found, rule_id, RuleStrength.TABLE_CELL))
            continue
        rule = PARTY_RULES.get(field)
        if rule is None:
            continue
        if is_blank(tokens):
            row[field] = reader.absent_value_printed()
            continue
        found = rule.finder(tokens)
        if found is None or _is_blank_value(found.value, blank):
            continue
        row[field] = value_of(found, rule_id, RuleStrength.TABLE_CELL)
    return {name: row.get(name, reader.absent_value_printed()) for name in PARTY_FIELDS}


def _is_blank_value(value: str, blank: frozenset[str]) -> bool:
    return " ".join(value.lower().split()).strip(".") in blank


def _state_spans(reader: LabelReader, spans: Sequence[Span], field: str) -> list[Span]:
    """A bare "State" label belongs to the licence or the plate printed left of it."""
    wanted = {"driver_license_state": "driver_license_number", "plate_state": "plate_number"}
    owner = wanted.get(field)
    if owner is None:
        return []
    found: list[Span] = []
    for span in spans:
        if span.label_ != "generic:state":
            continue
        left = [
            other
            for other in spans
            if other[0]._.line_key == span[0]._.line_key
            and other.end <= span.start
            and other.label_ != "generic:state"
        ]
        if left and max(left, key=lambda s: s.start).label_ == owner:
            found.append(span)
    return found


def _fill_party_composites(
    reader: LabelReader, spans: Sequence[Span], unit: UnitRegion, row: dict[str, FieldValue]
) -> None:
    """ "Vehicle: 2015 Hyundai Sonata"; "Plate / State: ABC123 / TX"."""
    for span in spans:
        if span.label_ == "composite:year_make_model":
            located = reader.locate(span, within=unit.contains)
            if located is None:
                continue
            parts = _split_year_make_model(located.tokens)
            rule = f"{span.id_}:{located.layout.value}"
            for field, found in (parts or {}).items():
                if row.get(field) is None or row[field].value is None:
                    row[field] = value_of(found, rule, reader.strength(span, located))
        elif span.label_ in ("composite:plate_state", "composite:license_state"):
            located = reader.locate(span, within=unit.contains)
            if located is None:
                continue
            number_field, state_field = (
                ("plate_number", "plate_state")
                if span.label_ == "composite:plate_state"
                else ("driver_license_number", "driver_license_state")
            )
            tokens = [t for t in strip_leading_junk(located.tokens) if t.text not in {"/", "-"}]
            state = find_state(tokens[-1:]) if len(tokens) >= 2 else None
            number = find_identifier(tokens[:-1] if state else tokens)
            rule = f"{span.id_}:{located.layout.value}"
            strength = reader.strength(span, located)
            if number and row[number_field].value is None:
                row[number_field] = value_of(number, rule, strength)
            if state and row[state_field].value is None:
                row[state_field] = value_of(state, rule, strength)


def _split_year_make_model(tokens: Sequence[Token]) -> dict[str, Found] | None:
    tokens = [t for t in strip_leading_junk(tokens) if t.text not in {"/", "-", ","}]
    year = find_year(tokens[:1])
    if year is None or len(tokens) < 3:
        return None
    make, model = tokens[1:2], tokens[2:]
    return {
        "vehicle_year": year,
        "vehicle_make": Found(make[0].text.strip(","), tuple(make), Grammar.NONE),
        "vehicle_model": Found(" ".join(t.text for t in model), tuple(model), Grammar.NONE),
    }


_NUMBER_AND_STATE = re.compile(r"^(.*\d.*?)\s+([A-Z]{2})$")


def _split_trailing_state(row: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """ "S686-4396-8957 MI": a licence number read together with the state printed after it
    in the same cell. The state code goes to its own field when that is empty. (Plates are
    left alone: "123 AB"-style plates may end in letters that spell a state.)"""
    for number_field, state_field in (("driver_license_number", "driver_license_state"),):
        number = row.get(number_field)
        if number is None or not isinstance(number.value, str):
            continue
        match = _NUMBER_AND_STATE.match(number.value)
        if match is None or normalise_state(match.group(2)) != match.group(2):
            continue
        row[number_field] = number.model_copy(update={"value": match.group(1)})
        state = row.get(state_field)
        if state is None or state.value is None:
            row[state_field] = number.model_copy(update={"value": match.group(2)})
    return row


def _fill_states_beside_values(readings: dict[str, Reading], row: dict[str, FieldValue]) -> None:
    """ "N41-KFV (AZ)": a state printed right after the plate or licence number."""
    for number_field, state_field in (
        ("plate_number", "plate_state"),
        ("driver_license_number", "driver_license_state"),
    ):
        reading = readings.get(number_field)
        if row[state_field].value is not None or reading is None or reading.found is None:
            continue
        located = reading.located
        if located is None:
            continue
        used = {t.i for t in reading.found.tokens}
        after = [t for t in located.tokens if t.i not in used and t.i > max(used)]
        if after and re.fullmatch(r"\(?[A-Za-z]{2}\)?", after[0].text):
            state = normalise_state(after[0].text.strip("()"))
            if state:
                found = Found(state, (after[0],), Grammar.VALID)
                row[state_field] = value_of(
                    found,
                    f"{located.label.id_}:{located.layout.value}+state",
                    RuleStrength.LABEL_LOOSE,
                )


# ---------------------------------------------------------------------------------------------
# Report-level fallbacks


def _letterhead_agency(doc: Doc, vocab: dict) -> FieldValue | None:
    """An agency printed at the top of the first page without a label."""
    if not len(doc):
        return None
    first_page = doc[0]._.page
    page_height = doc._.page_sizes[first_page][1]
    required = {w.lower() for w in vocab.get("agency_required_words", ())}
    for key in doc._.line_order:
        if key[0] != first_page:
            continue
        line = [doc[i] for i in doc._.lines[key]]
        if line[0]._.layout_box[1] > 0.2 * page_height:
            break
        boxes = [t._.layout_box for t in line]
        for segment in geometry.split_segments(boxes, gap_factor=2.0):
            tokens = [line[k] for k in segment]
            text = f" {' '.join(norm_word(t.text) for t in tokens)} "
            if len(tokens) > 8 or not any(f" {phrase} " in text for phrase in required):
                continue
            found = find_name(tokens)
            if found:
                return value_of(found, "agency_name/letterhead", RuleStrength.LETTERHEAD)
    return None


def _is_prose(tokens: Sequence[Token]) -> bool:
    words = [t for t in tokens if re.fullmatch(r"[A-Za-z][A-Za-z'\-]*[.,;]?", t.text)]
    return len(tokens) >= 6 and len(words) >= 0.7 * len(tokens)


def _unlabelled_narrative(doc: Doc, reader: LabelReader, outside_units) -> FieldValue | None:
    """The report's longest block of running prose outside the unit blocks, when the
    narrative heading itself could not be read."""
    blocks: list[list[Token]] = []
    current: list[Token] = []
    previous: list[Token] | None = None
    for key in doc._.line_order:
        line = [doc[i] for i in doc._.lines[key]]
        prose = _is_prose(line) and all(outside_units(t) for t in line)
        prose = prose and not reader.is_label_token(line[0])
        if prose and previous is not None and current:
            gap = line[0]._.layout_box[1] - max(t._.layout_box[3] for t in previous)
            if (
                previous[0]._.page != line[0]._.page
                or gap > geometry.height(line[0]._.layout_box) * 2.2
            ):
                blocks.append(current)
                current = []
        if prose:
            current.extend(line)
            previous = line
        elif current:
            blocks.append(current)
            current, previous = [], None
    if current:
        blocks.append(current)
    excluded = tuple(load_vocabulary_file(VOCABULARY).get("not_narrative", ()))
    blocks = [
        b
        for b in blocks
        if len(b) >= 12
        and b[0].text not in {"\u2022", "*", "-"}
        and not any(phrase in " ".join(t.text for t in b).lower() for phrase in excluded)
    ]
    if not blocks:
        return None
    best = max(blocks, key=len)
    found = find_text(best)
    if found is None:
        return None
    return value_of(found, "narrative/prose", RuleStrength.PATTERN_ONLY)


def _without_rank(value: FieldValue, vocab: dict) -> FieldValue:
    """ "OFC. NADIA NAKAMURA" -> "NADIA NAKAMURA": the rank is not part of the name."""
    if value.value is None:
        return value
    ranks = {norm_word(r) for r in vocab.get("officer_ranks", ())}
    words = value.value.split()
    while len(words) > 2 and norm_word(words[0]) in ranks:
        words = words[1:]
    # A badge glued on after the name ("J. Smith #4411") is not part of it either.
    while len(words) > 2 and re.search(r"\d", words[-1]):
        words = words[:-1]
    return value.model_copy(update={"value": " ".join(words)})


__all__ = ["UnitRegion", "extract_police_report", "find_unit_regions"]
