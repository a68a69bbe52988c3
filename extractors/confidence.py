"""How sure we are of one extracted value: the single place where evidence becomes a number.

Rules fuse their evidence into a raw score (`fuse_confidence`, `absent_confidence`): monotone in
each piece of evidence, but not a probability. `calibrate_field_map` then maps every score through
the isotonic calibration fitted on generated data (`extractors.calibration`), so a value given
0.95 is right about 95 % of the time. `extract_fields` applies it to every document.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from enum import Enum
from typing import Any

from extractors.calibration import ConfidenceCalibration, shipped_calibration
from pipeline.contract import LIST_FIELDS, SCALAR_FIELDS, DocType, FieldKind, FieldMap, FieldValue


class RuleStrength(float, Enum):
    """Prior trust in the rule that found a value, before looking at the value itself."""

    LABEL_RIGHT = 0.97  # exact label phrase, value on the same line right of it
    LABEL_BELOW = 0.96  # exact label phrase, value in the box under it (label-above / grid)
    TABLE_CELL = 0.95  # a row label's cell in one unit's column of a table
    CHECKBOX = 0.95  # a marked option in a labelled group
    TITLE = 0.93  # the form's printed title names the kind
    SECTION_SCOPED = 0.94  # a generic label ("Name") read inside a known section or unit
    LETTERHEAD = 0.9  # an unlabelled name at the top that carries an insurer's/agency's words
    CHECK_DIGIT = 0.9  # a VIN found without its label, but its check digit holds
    LABEL_LOOSE = 0.85  # a weak label ("Policy") or a value far from its label
    PATTERN_ONLY = 0.75  # a value found by its grammar alone (a VIN anywhere on the page)


class Grammar(Enum):
    """Whether the value text matched the grammar its field calls for."""

    VALID = "valid"  # parsed by its grammar, including check digits where there are any
    NONE = "none"  # the field has no grammar (names, free text)
    DOUBTFUL = "doubtful"  # parsed, but only after OCR repair or with a failed check digit


_GRAMMAR_FACTOR = {Grammar.VALID: 1.0, Grammar.NONE: 0.97, Grammar.DOUBTFUL: 0.75}


def fuse_confidence(
    rule: RuleStrength | float,
    grammar: Grammar,
    ocr_confidences: Sequence[float] = (),
) -> float:
    """Rule strength x grammar x OCR quality, in [0, 1].

    OCR quality blends the weakest word with the mean: one misread character spoils an
    identifier, but one shaky word in a long narrative matters less than the average.
    """
    if ocr_confidences:
        weakest = min(ocr_confidences)
        mean = sum(ocr_confidences) / len(ocr_confidences)
        ocr = 0.5 * weakest + 0.5 * mean
    else:
        ocr = 1.0
    # Tesseract rarely says 100; scale so a clean scan (>= 0.9) costs little.
    ocr_factor = min(1.0, 0.55 + 0.5 * ocr)
    score = float(rule) * _GRAMMAR_FACTOR[grammar] * ocr_factor
    return round(max(0.0, min(1.0, score)), 4)


class Absence(float, Enum):
    """How sure we are that a field is absent from the document (value null)."""

    NO_LABEL = 0.9  # no label for the field anywhere
    EMPTY_VALUE = 0.88  # the label is printed but nothing is filled in next to or under it
    UNREADABLE = 0.4  # something is there but it did not read as this field's grammar


def absent_confidence(reason: Absence, page_ocr_confidence: float = 1.0) -> float:
    """Confidence for a null value; lower on poor scans, where we may simply have missed it."""
    return round(float(reason) * min(1.0, 0.55 + 0.5 * page_ocr_confidence), 4)


# ---------------------------------------------------------------------------------------------
# Calibration: raw fused scores -> the share of such values that are right

# Which calibration `extract_fields` applies: the shipped one unless a caller (the calibration
# fit itself, leave-one-layout-out) asks for raw scores or another fit for a while.
_SHIPPED = object()
_active_calibration: ContextVar[Any] = ContextVar("claimdocs_active_calibration", default=_SHIPPED)


def active_calibration() -> ConfidenceCalibration | None:
    """The calibration extraction applies now (None: raw scores)."""
    chosen = _active_calibration.get()
    return shipped_calibration() if chosen is _SHIPPED else chosen


@contextmanager
def confidence_calibration(calibration: ConfidenceCalibration | None) -> Iterator[None]:
    """Within the block, extraction applies `calibration` (None: leaves raw fused scores)."""
    token = _active_calibration.set(calibration)
    try:
        yield
    finally:
        _active_calibration.reset(token)


def _is_present(value: FieldValue) -> bool:
    return value.value is not None and value.value.strip() != ""


def _calibrated_value(
    calibration: ConfidenceCalibration, field: str, kind: FieldKind, value: FieldValue
) -> FieldValue:
    confidence = calibration.calibrated(
        field, kind, value.confidence, _is_present(value), value.source
    )
    return value.model_copy(update={"confidence": round(max(0.0, min(1.0, confidence)), 4)})


def calibrate_field_map(
    doc_type: DocType, fields: FieldMap, calibration: ConfidenceCalibration | None
) -> FieldMap:
    """`fields` with every confidence (values and nulls, list cells too) mapped through
    `calibration`; unchanged when it is None. Fields outside the catalogue are calibrated as
    text."""
    if calibration is None:
        return fields
    scalar_kinds = SCALAR_FIELDS[doc_type]
    list_specs = {spec.name: spec for spec in LIST_FIELDS[doc_type]}
    calibrated: FieldMap = {}
    for name, entry in fields.items():
        if isinstance(entry, FieldValue):
            kind = scalar_kinds.get(name, FieldKind.TEXT)
            calibrated[name] = _calibrated_value(
                calibration, f"{doc_type.value}.{name}", kind, entry
            )
            continue
        spec = list_specs.get(name)
        rows = []
        for row in entry:
            new_row = {}
            for cell_name, cell in row.items():
                kind = spec.cells.get(cell_name, FieldKind.TEXT) if spec else FieldKind.TEXT
                path = f"{doc_type.value}.{name}.{cell_name}"
                new_row[cell_name] = _calibrated_value(calibration, path, kind, cell)
            rows.append(new_row)
        calibrated[name] = rows
    return calibrated
