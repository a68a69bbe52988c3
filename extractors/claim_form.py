"""Claim forms (first notice of loss): ACORD-style grids, label-left and label-above notices.

Every field is read from beside or beneath one of its printed labels (`vocab/claim_form.json`);
the kind of loss comes from a marked checkbox, else the form's title, else (less sure) from
what only one kind of notice prints (a VIN, a claimant).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from extractors import geometry
from extractors.checkboxes import KindChoice, Mark, choose_marked_kind, mark_before, option_groups
from extractors.confidence import Absence, Grammar, RuleStrength, absent_confidence, fuse_confidence
from extractors.label_values import LabelReader, Reading, value_of
from extractors.value_grammar import (
    Finder,
    Found,
    find_date,
    find_email,
    find_identifier,
    find_money,
    find_naic,
    find_name,
    find_phone,
    find_text,
    find_time,
    find_vin,
    find_year,
    is_blank,
    strip_leading_junk,
)
from extractors.word_doc import (
    build_word_doc,
    fuzzy_labels,
    load_vocabulary_file,
    make_nlp,
    norm_word,
)
from pipeline.contract import FieldMap, FieldValue
from pipeline.page_model import PageWords

VOCABULARY = "claim_form"
# Sections whose labels describe someone else (the other driver, a witness, the claimant).
OTHER_SECTIONS = ("other",)
ELIMINATION_STRENGTH = 0.6


@dataclass(frozen=True)
class FieldRule:
    finder: Finder
    max_lines: int = 1
    joiner: str = " "
    wrap_under_label: bool = False
    excluded_sections: tuple[str, ...] = OTHER_SECTIONS
    # The value's grammar is unmistakable (an e-mail address, a VIN whose check digit holds):
    # a label OCR read one letter off ("Emai") may point at it.
    fuzzy_label: bool = False


def _find_company_name(tokens: Sequence[Token]) -> Found | None:
    found = find_name(tokens)
    if found and re.fullmatch(r"[\d\s\-#]+", found.value):
        return None  # a code, not a name
    return found


RULES: dict[str, FieldRule] = {
    # Names may wrap inside a narrow cell ("... Insurance / Company").
    "carrier_name": FieldRule(_find_company_name, max_lines=2),
    "naic_code": FieldRule(find_naic),
    "policy_number": FieldRule(find_identifier),
    "date_of_loss": FieldRule(find_date),
    "time_of_loss": FieldRule(find_time),
    "loss_location": FieldRule(find_text, max_lines=2, joiner=", "),
    "insured_name": FieldRule(find_name, max_lines=2),
    "insured_address": FieldRule(find_text, max_lines=3, joiner=", "),
    "insured_phone": FieldRule(find_phone),
    "insured_email": FieldRule(find_email, fuzzy_label=True),
    "loss_description": FieldRule(find_text, max_lines=40, wrap_under_label=True),
    "police_report_number": FieldRule(find_identifier),
    "estimated_loss_amount": FieldRule(find_money),
    "date_reported": FieldRule(find_date),
    "vehicle_vin": FieldRule(find_vin, fuzzy_label=True),
    "vehicle_year": FieldRule(find_year),
    "vehicle_make": FieldRule(find_name),
    "vehicle_model": FieldRule(find_name),
    "vehicle_plate": FieldRule(find_identifier),
    "driver_name": FieldRule(find_name),
}


def extract_claim_form(pages: list[PageWords]) -> FieldMap:
    """The claim-form catalogue fields found on `pages` (absent ones as null)."""
    doc = build_word_doc(pages, (VOCABULARY,))
    vocab = load_vocabulary_file(VOCABULARY)
    reader = LabelReader(
        doc,
        scoped=vocab.get("scoped"),
        weak_phrases=vocab.get("weak", ()),
        nlp=make_nlp((VOCABULARY,)),
    )
    readings: dict[str, Reading] = {}
    for field, rule in RULES.items():
        readings[field] = reader.read(
            field,
            rule.finder,
            max_lines=rule.max_lines,
            joiner=rule.joiner,
            wrap_under_label=rule.wrap_under_label,
            excluded_sections=rule.excluded_sections,
        )
        if rule.fuzzy_label and readings[field].value.value is None:
            readings[field] = _read_by_fuzzy_label(reader, field, rule) or readings[field]
    fields: FieldMap = {field: reading.value for field, reading in readings.items()}
    _fill_from_composites(reader, readings, fields)
    _fill_time_from_date_cell(readings, fields)
    if fields["vehicle_vin"].value is None:  # type: ignore[union-attr]
        fields["vehicle_vin"] = _unlabelled_vin(doc, reader) or fields["vehicle_vin"]
    if fields["carrier_name"].value is None:  # type: ignore[union-attr]
        fields["carrier_name"] = _letterhead_carrier(doc, vocab) or fields["carrier_name"]
    fields["form_kind"] = _form_kind(doc, vocab, fields, reader)
    return fields


def _read_by_fuzzy_label(reader: LabelReader, field: str, rule: FieldRule) -> Reading | None:
    """`field` read beside or under a label OCR garbled by one letter ("Emai"), kept only when
    the value's grammar confirms it, and then only as sure as a loose label."""
    taken = {t.i for span in reader.labels + reader.sections for t in span}
    spans = [
        span
        for span in fuzzy_labels(reader.doc, VOCABULARY, reader.label_keys_for(field), taken)
        if reader.field_of(span) == field and reader.section_of(span) not in rule.excluded_sections
    ]
    if not spans:
        return None
    reading = reader.read(
        field,
        rule.finder,
        max_lines=rule.max_lines,
        joiner=rule.joiner,
        wrap_under_label=rule.wrap_under_label,
        spans=spans,
    )
    if reading.found is None or reading.found.grammar is not Grammar.VALID:
        return None
    rule_id = reading.value.rule or ""
    strength = min(
        reader.strength(reading.located.label, reading.located), RuleStrength.LABEL_LOOSE
    )
    return Reading(value_of(reading.found, rule_id, strength), reading.found, reading.located)


# ---------------------------------------------------------------------------------------------
# Values that share one printed cell


def _fill_from_composites(
    reader: LabelReader, readings: dict[str, Reading], fields: FieldMap
) -> None:
    """Year / make / model printed as one value; an address printed as street + city line."""
    for span in reader.spans_for("composite:year_make_model", OTHER_SECTIONS):
        located = reader.locate(span)
        if located is None:
            continue
        parts = _split_year_make_model(located.tokens, load_vocabulary_file(VOCABULARY))
        if parts is None:
            continue
        strength = (
            RuleStrength.LABEL_RIGHT if not reader.is_weak(span) else RuleStrength.LABEL_LOOSE
        )
        for field, found in parts.items():
            current = fields[field]
            if isinstance(current, FieldValue) and current.value is None:
                fields[field] = value_of(found, f"{span.id_}:{located.layout.value}", strength)
        break
    _compose_address(reader, fields)


def _split_year_make_model(tokens: Sequence[Token], vocab: dict) -> dict[str, Found] | None:
    tokens = [t for t in strip_leading_junk(tokens) if t.text not in {"/", "-", ","}]
    year = find_year(tokens[:1])
    if year is None or len(tokens) < 3:
        return None
    rest = tokens[1:]
    make_len = 1
    pair = " ".join(norm_word(t.text) for t in rest[:2]).replace("-", " ")
    if pair in set(vocab.get("multiword_makes", ())) and len(rest) > 2:
        make_len = 2
    make, model = rest[:make_len], rest[make_len:]
    return {
        "vehicle_year": year,
        "vehicle_make": Found(" ".join(t.text.strip(",") for t in make), tuple(make), Grammar.NONE),
        "vehicle_model": Found(" ".join(t.text for t in model), tuple(model), Grammar.NONE),
    }


def _compose_address(reader: LabelReader, fields: FieldMap) -> None:
    """Street and "City, State, ZIP" printed under two labels make one address."""
    streets = [s for s in reader.labels if s.label_ == "generic:street" and reader.field_of(s)]
    cities = [
        s for s in reader.labels if s.label_ == "generic:city_state_zip" and reader.field_of(s)
    ]
    if not streets or not cities:
        return
    street = reader.read("insured_address", find_text, spans=streets[:1])
    city = reader.read("insured_address", find_text, spans=cities[:1])
    if street.found is None or city.found is None:
        return
    current = fields["insured_address"]
    # A street alone (read through the generic "Street Address" label) is not the full address.
    if isinstance(current, FieldValue) and current.value not in (None, street.found.value):
        return
    found = Found(
        f"{street.found.value.rstrip(',')}, {city.found.value}",
        street.found.tokens + city.found.tokens,
        Grammar.NONE,
    )
    fields["insured_address"] = value_of(
        found, "insured_address/street+city", RuleStrength.SECTION_SCOPED
    )


def _fill_time_from_date_cell(readings: dict[str, Reading], fields: FieldMap) -> None:
    """ "DATE OF LOSS AND TIME" cells print both; the time is read from the same tokens."""
    current = fields["time_of_loss"]
    located = readings["date_of_loss"].located
    if not isinstance(current, FieldValue) or current.value is not None or located is None:
        return
    found = find_time(located.tokens)
    if found:
        fields["time_of_loss"] = value_of(
            found, f"{located.label.id_}:{located.layout.value}+time", RuleStrength.LABEL_LOOSE
        )


def _unlabelled_vin(doc: Doc, reader: LabelReader) -> FieldValue | None:
    """A VIN whose check digit holds is unmistakable even when its label was misread."""
    for token in doc:
        if len(token.text) < 15 or reader.section_of(token) in OTHER_SECTIONS:
            continue
        found = find_vin([token])
        if found is not None and found.grammar is Grammar.VALID:
            return value_of(found, "vehicle_vin/check_digit", RuleStrength.CHECK_DIGIT)
    return None


# ---------------------------------------------------------------------------------------------
# Carrier from the letterhead


def _letterhead_carrier(doc: Doc, vocab: dict) -> FieldValue | None:
    """The insurer's name printed at the top of the first page without a label."""
    if not len(doc):
        return None
    first_page = doc[0]._.page
    page_height = doc._.page_sizes[first_page][1]
    carrier_words = set(vocab.get("carrier_words", ()))
    not_carrier = set(vocab.get("not_carrier_words", ()))
    form_words = set(vocab.get("form_words", ()))
    best: tuple[float, list[Token]] | None = None
    for key in doc._.line_order:
        if key[0] != first_page:
            continue
        line = [doc[i] for i in doc._.lines[key]]
        if line[0]._.layout_box[1] > 0.25 * page_height:
            break
        boxes = [t._.layout_box for t in line]
        for segment in geometry.split_segments(boxes, gap_factor=2.0):
            tokens = [line[k] for k in segment]
            norms = [norm_word(t.text) for t in tokens]
            if not carrier_words.intersection(norms) or not_carrier.intersection(norms):
                continue
            if form_words.intersection(norms) and "insurance" not in norms:
                continue
            size = max(geometry.height(t._.layout_box) for t in tokens)
            if best is None or size > best[0]:
                best = (size, tokens)
    if best is None:
        return None
    found = find_name(best[1])
    if found is None:
        return None
    return value_of(found, "carrier_name/letterhead", RuleStrength.LETTERHEAD)


# ---------------------------------------------------------------------------------------------
# Kind of loss


@cache
def _kind_matchers() -> tuple[PhraseMatcher, PhraseMatcher]:
    """Matchers for checkbox option labels and for evidence labels, keyed by kind."""
    vocab = load_vocabulary_file(VOCABULARY)
    nlp = make_nlp((VOCABULARY,))
    matchers: list[PhraseMatcher] = []
    for key in ("kind_options", "kind_evidence"):
        matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        for kind, phrases in vocab.get(key, {}).items():
            patterns = []
            for phrase in phrases:
                pattern = Doc(nlp.vocab, words=phrase.split())
                for token in pattern:
                    token.norm_ = norm_word(token.text)
                patterns.append(pattern)
            matcher.add(kind, patterns)
        matchers.append(matcher)
    return matchers[0], matchers[1]


def _form_kind(doc: Doc, vocab: dict, fields: FieldMap, reader: LabelReader) -> FieldValue:
    options_matcher, evidence_matcher = _kind_matchers()
    options = [
        Span(doc, start, end, label=doc.vocab.strings[key])
        for key, start, end in options_matcher(doc)
    ]
    choice = choose_marked_kind(options)
    if choice is not None:
        return _kind_value(choice)
    labelled = _kind_from_labelled_value(doc, options)
    if labelled is not None:
        return _kind_value(labelled)
    title = _kind_from_title(doc, vocab)
    if title is not None:
        return _kind_value(title)
    return _kind_from_evidence(doc, evidence_matcher, fields, reader)


@cache
def _kind_group_matcher() -> PhraseMatcher:
    vocab = load_vocabulary_file(VOCABULARY)
    nlp = make_nlp((VOCABULARY,))
    matcher = PhraseMatcher(nlp.vocab, attr="NORM")
    patterns = []
    for phrase in vocab.get("kind_groups", ()):
        pattern = Doc(nlp.vocab, words=phrase.split())
        for token in pattern:
            token.norm_ = norm_word(token.text)
        patterns.append(pattern)
    matcher.add("kind_group", patterns)
    return matcher


def _kind_from_labelled_value(doc: Doc, options: list[Span]) -> KindChoice | None:
    """ "Claim Type: Commercial Auto", "Line of Business | Property": the kind printed as the
    value of a kind-of-loss label, one option and no checkbox group."""
    for _, start, end in _kind_group_matcher()(doc):
        label = doc[start:end]
        line = geometry.line_of(label[0])
        if label[0].i != line[0].i and not doc[start - 1].text.endswith(("|", ":")):
            # A label starts a cell: at the line start or after a wide gap.
            previous = doc[start - 1]
            gap = label[0]._.layout_box[0] - previous._.layout_box[2]
            if previous._.line_key != label[0]._.line_key or gap < 1.2 * geometry.height(
                label[0]._.layout_box
            ):
                continue
        after = [t for t in line if t.i >= end]
        if not after:
            continue
        boxes = [t._.layout_box for t in after]
        first_cell = [after[k] for k in geometry.split_segments(boxes, gap_factor=2.5)[0]]
        cell = {t.i for t in first_cell}
        inside = [o for o in options if all(t.i in cell for t in o)]
        kinds = {o.label_ for o in inside}
        on_line = {o.label_ for o in options if o[0].i in {t.i for t in after}}
        # Options of other kinds on the same line: a checkbox group (marks drawn, not printed).
        if len(kinds) != 1 or on_line != kinds:
            continue
        if any(mark_before(o)[0] is not Mark.NONE for o in inside):
            continue
        option = inside[0]
        return KindChoice(
            kinds.pop(), tuple(label) + tuple(option), RuleStrength.LABEL_RIGHT,
            "form_kind/labelled_value", tuple(option),
        )  # fmt: skip
    return None


def _kind_value(choice: KindChoice) -> FieldValue:
    tokens = list(choice.tokens)
    read = choice.read_tokens or choice.tokens
    confidence = fuse_confidence(choice.strength, Grammar.VALID, [t._.ocr_conf for t in read])
    return FieldValue(
        value=choice.kind,
        confidence=confidence,
        page=tokens[0]._.page,
        bbox=tuple(round(v, 2) for v in geometry.page_box(tokens)),
        rule=choice.rule,
    )


def _kind_from_title(doc: Doc, vocab: dict) -> KindChoice | None:
    """The kind named in the form's title: the biggest line near the top that names a form."""
    if not len(doc):
        return None
    first_page = doc[0]._.page
    page_height = doc._.page_sizes[first_page][1]
    title_words = {
        kind: {w for phrase in words for w in phrase.split()}
        for kind, words in vocab.get("kind_title_words", {}).items()
    }
    form_words = set(vocab.get("form_words", ()))
    carrier_words = set(vocab.get("carrier_words", ())) - {"group"}
    best: tuple[float, KindChoice] | None = None
    for key in doc._.line_order:
        if key[0] != first_page:
            continue
        line = [doc[i] for i in doc._.lines[key]]
        if line[0]._.layout_box[1] > 0.35 * page_height:
            break
        boxes = [t._.layout_box for t in line]
        for segment in geometry.split_segments(boxes, gap_factor=2.0):
            tokens = [line[k] for k in segment]
            words = [re.sub(r"[^a-z]", "", t.text.lower()) for t in tokens]
            if not form_words.intersection(words) or carrier_words.intersection(words):
                continue
            kinds = {kind for kind, names in title_words.items() if names.intersection(words)}
            if len(kinds) != 1:
                continue
            size = max(geometry.height(t._.layout_box) for t in tokens)
            choice = KindChoice(kinds.pop(), tuple(tokens), RuleStrength.TITLE, "form_kind/title")
            if best is None or size > best[0]:
                best = (size, choice)
    return best[1] if best else None


def _kind_from_evidence(
    doc: Doc, matcher: PhraseMatcher, fields: FieldMap, reader: LabelReader
) -> FieldValue:
    """Only an auto notice prints a VIN, only a liability notice a claimant: weaker evidence."""
    seen: dict[str, list[Token]] = {}
    for key, start, end in matcher(doc):
        seen.setdefault(doc.vocab.strings[key], []).extend(doc[start:end])
    for field in ("vehicle_vin", "vehicle_make", "driver_name"):
        value = fields.get(field)
        if isinstance(value, FieldValue) and value.value is not None:
            seen.setdefault("auto", [])
    kinds = set(seen)
    if (
        len(kinds) > 1
        and "auto" in kinds
        and any(
            isinstance(fields.get(f), FieldValue) and fields[f].value
            for f in ("vehicle_vin",)  # type: ignore[union-attr]
        )
    ):
        kinds = {"auto"}
    strength: float = RuleStrength.PATTERN_ONLY
    rule = "form_kind/evidence"
    if not kinds and _names_kinds(doc):
        # The form names the three kinds (an unreadable checkbox group) but prints nothing only
        # an auto or a liability notice would: by elimination a property notice. Weak on
        # purpose, so it is always reviewed.
        kinds, strength, rule = {"property"}, ELIMINATION_STRENGTH, "form_kind/elimination"
        seen["property"] = []
    if len(kinds) != 1:
        return FieldValue(
            value=None, confidence=absent_confidence(Absence.UNREADABLE, reader.page_confidence)
        )
    kind = kinds.pop()
    tokens = seen[kind] or [doc[0]]
    return FieldValue(
        value=kind,
        confidence=fuse_confidence(strength, Grammar.DOUBTFUL, [t._.ocr_conf for t in tokens]),
        page=tokens[0]._.page,
        bbox=tuple(round(v, 2) for v in geometry.page_box(tokens)),
        rule=rule,
    )


def _names_kinds(doc: Doc) -> bool:
    """True when options for all three kinds are printed together (a checkbox group)."""
    options_matcher, _ = _kind_matchers()
    options = [
        Span(doc, start, end, label=doc.vocab.strings[key])
        for key, start, end in options_matcher(doc)
    ]
    return any(len({s.label_ for s in group}) >= 3 for group in option_groups(options))


__all__ = ["extract_claim_form", "is_blank"]
