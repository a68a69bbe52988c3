"""Calibrated confidence: isotonic maps from a raw fused score to the share of values that are right.

The rules score every value with `confidence.fuse_confidence` (rule strength x grammar x OCR);
that raw score orders values well but does not say how often they are right. A map fitted on
generated corpora with known truth (`claimdocs calibrate`) turns it into that share. Values read
from a text layer and values read by OCR get separate maps (the same rule is right less often on
a scan, even where Tesseract is sure of every word). Within each, maps are fitted per field where
the field has enough data, else per field kind, else over everything, each level shrunk toward
the one above (pseudo-counts), so a field seen 40 times borrows strength from its kind instead
of trusting 40 values. Values predicted null get their own maps (the share of nulls that really
are absent). The fitted maps are data (`calibration.json`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from pipeline.contract import FieldKind

DEFAULT_CALIBRATION_PATH = Path(__file__).parent / "calibration.json"
CALIBRATION_FORMAT = 2
# Raw scores are grouped to this many decimals before pooling (OCR makes them continuous).
RAW_DECIMALS = 3
# Calibrated confidences never claim certainty: the corpora are finite.
MAX_CONFIDENCE = 0.999
ALL = "*"
TEXT_LAYER, OCR = "text_layer", "ocr"
SOURCES = (TEXT_LAYER, OCR)


class CalibrationSample(BaseModel):
    """One scored value: where it belongs, its raw confidence and whether it was right."""

    model_config = ConfigDict(frozen=True)

    field: str  # "<doc_type>.<field path>", e.g. "claim_form.policy_number", "loss_run.claims.paid"
    kind: FieldKind
    present: bool  # a value was predicted; False: predicted null
    source: str = OCR  # "text_layer" or "ocr": where the words came from
    raw: float
    right: bool  # present: matches the truth; null: the truth is null too
    layout: str | None = None


class StepMap(BaseModel):
    """A non-decreasing step function: a raw score at or above `lower[i]` (and below
    `lower[i + 1]`) maps to `value[i]`. `weight[i]` is how much evidence (values plus
    pseudo-counts) block i rests on."""

    model_config = ConfigDict(frozen=True)

    lower: list[float]
    value: list[float]
    weight: list[float]
    samples: int = 0  # real values the map was fitted on

    def __call__(self, raw: float) -> float:
        if not self.lower:
            return raw
        raw = round(raw, RAW_DECIMALS)  # the same grid the map was fitted on
        if raw < self.lower[0]:
            # Below anything seen: no evidence that it is as good as the weakest block.
            return min(self.value[0], raw)
        index = _last_at_or_below(self.lower, raw)
        return self.value[index]


def _last_at_or_below(edges: Sequence[float], raw: float) -> int:
    low, high = 0, len(edges) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if edges[middle] <= raw:
            low = middle
        else:
            high = middle - 1
    return low


class Block(BaseModel):
    model_config = ConfigDict(frozen=True)

    low: float
    high: float
    mean: float
    weight: float


def pool_adjacent_violators(points: Sequence[tuple[float, float, float]]) -> list[Block]:
    """Isotonic (non-decreasing) least-squares fit of weighted points (x, y, weight).

    The classic pool-adjacent-violators pass: walk the points by x, and whenever a block's mean
    falls below the previous block's, merge the two into their weighted mean; repeat backwards
    until the means rise again. Returns the blocks with their x range, mean and weight.
    """
    stack: list[list[float]] = []  # [low, high, weighted sum, weight]
    for x, y, weight in sorted(points):
        if weight <= 0:
            continue
        stack.append([x, x, y * weight, weight])
        while len(stack) > 1 and stack[-2][2] / stack[-2][3] >= stack[-1][2] / stack[-1][3]:
            low, _, total, mass = stack[-2]
            _, high, total2, mass2 = stack.pop()
            stack[-1] = [low, high, total + total2, mass + mass2]
    return [
        Block(low=low, high=high, mean=total / mass, weight=mass)
        for low, high, total, mass in stack
    ]


def fit_step_map(
    observations: Iterable[tuple[float, bool]],
    prior: Callable[[float], float],
    prior_weight: float,
) -> StepMap:
    """Isotonic map of (raw score, right) observations, each distinct score shrunk toward
    `prior(score)` with `prior_weight` pseudo-values."""
    counts: dict[float, list[int]] = defaultdict(lambda: [0, 0])
    total = 0
    for raw, right in observations:
        key = round(raw, RAW_DECIMALS)
        counts[key][0] += 1
        counts[key][1] += int(right)
        total += 1
    points = [
        (raw, (right + prior_weight * prior(raw)) / (n + prior_weight), n + prior_weight)
        for raw, (n, right) in counts.items()
    ]
    blocks = pool_adjacent_violators(points)
    return StepMap(
        lower=[block.low for block in blocks],
        value=[round(min(MAX_CONFIDENCE, block.mean), 4) for block in blocks],
        weight=[round(block.weight, 2) for block in blocks],
        samples=total,
    )


def value_key(source: str, field: str) -> str:
    return f"value:{source}:{field}"


def value_kind_key(source: str, kind: FieldKind | str) -> str:
    return f"value_kind:{source}:{FieldKind(kind).value}"


def absent_key(source: str, field: str) -> str:
    return f"absent:{source}:{field}"


def absent_doc_type_key(source: str, doc_type: str) -> str:
    return f"absent_doc_type:{source}:{doc_type}"


def source_of(source: str | None) -> str:
    """Values of unknown origin are calibrated as OCR values: the more careful choice."""
    return source if source in SOURCES else OCR


class ConfidenceCalibration(BaseModel):
    """Fitted maps, looked up from the most specific (one field) to the most general."""

    model_config = ConfigDict(frozen=True)

    format: int = CALIBRATION_FORMAT
    description: str = ""
    fitted_on: list[str] = Field(default_factory=list)  # e.g. "seed 101 profile large: 180 files"
    prior_weight: float
    min_field_samples: int
    maps: dict[str, StepMap] = Field(default_factory=dict)

    def calibrated(
        self, field: str, kind: FieldKind, raw: float, present: bool, source: str | None = None
    ) -> float:
        """The share of values like this one that were right: `field` is "<doc_type>.<path>",
        `source` "text_layer" or "ocr"."""
        where = source_of(source)
        if present:
            keys = (value_key(where, field), value_kind_key(where, kind), value_key(where, ALL))
        else:
            doc_type = field.split(".", 1)[0]
            keys = (
                absent_key(where, field),
                absent_doc_type_key(where, doc_type),
                absent_key(where, ALL),
            )
        for key in keys:
            found = self.maps.get(key)
            if found is not None:
                return found(raw)
        return raw

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=1, sort_keys=True) + "\n"


def fit_calibration(
    samples: Sequence[CalibrationSample],
    *,
    prior_weight: float = 20.0,
    min_field_samples: int = 60,
    description: str = "",
    fitted_on: Sequence[str] = (),
) -> ConfidenceCalibration:
    """Fit every map level on `samples`, for text-layer and OCR values apart.

    Values: over all fields (shrunk toward the raw score itself, so with no data the map is the
    identity), per field kind (toward the all-fields map), per field when it has at least
    `min_field_samples` values (toward its kind's map). Nulls: over all fields, per document
    type, per field, the same way.
    """
    maps: dict[str, StepMap] = {}
    for source in SOURCES:
        chosen = [sample for sample in samples if source_of(sample.source) == source]
        maps |= _fit_values(
            source, [s for s in chosen if s.present], prior_weight, min_field_samples
        )
        maps |= _fit_nulls(
            source, [s for s in chosen if not s.present], prior_weight, min_field_samples
        )

    return ConfidenceCalibration(
        description=description,
        fitted_on=list(fitted_on),
        prior_weight=prior_weight,
        min_field_samples=min_field_samples,
        maps=maps,
    )


def _identity(raw: float) -> float:
    return raw


def _points(chosen: Iterable[CalibrationSample]) -> list[tuple[float, bool]]:
    return [(sample.raw, sample.right) for sample in chosen]


def _fit_values(
    source: str, present: list[CalibrationSample], prior_weight: float, min_field_samples: int
) -> dict[str, StepMap]:
    maps: dict[str, StepMap] = {}
    top = fit_step_map(_points(present), _identity, prior_weight)
    maps[value_key(source, ALL)] = top
    by_kind: dict[FieldKind, list[CalibrationSample]] = defaultdict(list)
    by_field: dict[str, list[CalibrationSample]] = defaultdict(list)
    for sample in present:
        by_kind[sample.kind].append(sample)
        by_field[sample.field].append(sample)
    for kind, chosen in sorted(by_kind.items()):
        maps[value_kind_key(source, kind)] = fit_step_map(_points(chosen), top, prior_weight)
    for field, chosen in sorted(by_field.items()):
        if len(chosen) >= min_field_samples:
            parent = maps[value_kind_key(source, chosen[0].kind)]
            maps[value_key(source, field)] = fit_step_map(_points(chosen), parent, prior_weight)
    return maps


def _fit_nulls(
    source: str, absent: list[CalibrationSample], prior_weight: float, min_field_samples: int
) -> dict[str, StepMap]:
    maps: dict[str, StepMap] = {}
    top = fit_step_map(_points(absent), _identity, prior_weight)
    maps[absent_key(source, ALL)] = top
    by_type: dict[str, list[CalibrationSample]] = defaultdict(list)
    by_field: dict[str, list[CalibrationSample]] = defaultdict(list)
    for sample in absent:
        by_type[sample.field.split(".", 1)[0]].append(sample)
        by_field[sample.field].append(sample)
    for doc_type, chosen in sorted(by_type.items()):
        maps[absent_doc_type_key(source, doc_type)] = fit_step_map(
            _points(chosen), top, prior_weight
        )
    for field, chosen in sorted(by_field.items()):
        if len(chosen) >= min_field_samples:
            parent = maps[absent_doc_type_key(source, field.split(".", 1)[0])]
            maps[absent_key(source, field)] = fit_step_map(_points(chosen), parent, prior_weight)
    return maps


def read_calibration(path: Path) -> ConfidenceCalibration:
    return ConfidenceCalibration.model_validate_json(path.read_text(encoding="utf-8"))


@cache
def shipped_calibration() -> ConfidenceCalibration | None:
    """The calibration shipped with the package (`extractors/calibration.json`); None if absent,
    in which case confidences stay raw."""
    if not DEFAULT_CALIBRATION_PATH.exists():
        return None
    return read_calibration(DEFAULT_CALIBRATION_PATH)
