"""Scoring extractions against ground truth, as `shared/spec/extraction-contract.md` "Scoring" says.

`score_file` pairs one file's predicted documents with its true ones and turns every compared
value into a `FieldOutcome` (counts, confidence, route, variant, layout; never the value itself, so
a report holds no PII). `aggregate` folds outcomes of many files into an `EvalReport`;
`render_report` prints it.
"""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field

from extractors.calibration import CalibrationSample, ConfidenceCalibration, source_of
from extractors.confidence import calibrate_field_map
from pipeline.contract import (
    LIST_FIELDS,
    SCALAR_FIELDS,
    DocType,
    ExtractedDocument,
    FieldKind,
    FieldValue,
    FileResult,
    FileStatus,
    ListFieldSpec,
    Route,
)
from pipeline.route import RoutingPolicy, route_document

LONG_TEXT_MIN_F1 = 0.8
CALIBRATION_THRESHOLD = 0.95
# Reliability buckets: [lower, upper) except the last, which includes 1.0.
RELIABILITY_EDGES = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0)
UNKNOWN = "unknown"

DEFINITIONS: dict[str, str] = {
    "doc_type_accuracy": "share of true documents for which a predicted document has the same "
    "page range and the same doc_type",
    "split_accuracy": "share of true documents whose page range some predicted document matches "
    "exactly; file_split_accuracy: share of files whose predicted page ranges equal the true ones",
    "quarantine_accuracy": "share of files whose predicted status (processed/quarantined) is the "
    "true one",
    "fields": "TP: predicted value right; FP: predicted value wrong or should be null; FN: true "
    "value missed or wrong (a wrong value is both FP and FN). Rows paired by claim_number / unit; "
    "long text right at token F1 >= 0.8",
    "straight_through_rate": "share of true loss_run / claim_form / police_report documents "
    "(in files that should be processed) whose paired prediction was auto_approved",
    "auto_approved_field_error_rate": "wrong predicted values / all predicted (non-null) values, "
    "over predicted documents routed auto_approved",
    "calibration": "share right among predicted non-null values with confidence >= 0.95",
}


# ---------------------------------------------------------------------------------------------
# Comparing values


def _collapse(text: str) -> str:
    return " ".join(text.split())


def comparable(kind: FieldKind, value: object) -> str | Decimal | int | None:
    """A value in normal form made comparable: light, forgiving only where the contract is.

    Names and text are case-folded with single spaces, identifiers upper-case, money a Decimal
    (so `12345.6` equals `12345.60`), integers an int. Blank is None.
    """
    if value is None:
        return None
    text = _collapse(str(value))
    if not text:
        return None
    if kind in (FieldKind.NAME, FieldKind.TEXT, FieldKind.LONG_TEXT, FieldKind.ENUM):
        return text.casefold()
    if kind is FieldKind.EMAIL:
        return text.replace(" ", "").casefold()
    if kind in (FieldKind.IDENTIFIER, FieldKind.STATE):
        return text.upper()
    if kind is FieldKind.MONEY:
        try:
            amount = Decimal(text.replace("$", "").replace(",", "").replace(" ", ""))
        except InvalidOperation:
            return text
        return amount if amount.is_finite() else text
    if kind is FieldKind.INTEGER:
        return int(text) if re.fullmatch(r"-?\d+", text) else text
    if kind is FieldKind.PHONE:
        digits = re.sub(r"\D", "", text)
        return digits or text
    return text


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def token_f1(predicted: str, true: str) -> float:
    """Token-level F1 (bag of case-folded word tokens), as used for long free text."""
    predicted_tokens, true_tokens = _tokens(predicted), _tokens(true)
    if not predicted_tokens and not true_tokens:
        return 1.0
    common = sum((Counter(predicted_tokens) & Counter(true_tokens)).values())
    # 2PR/(P+R) written over counts, so a boundary case (8 of 10) is exactly 0.8.
    return 2 * common / (len(predicted_tokens) + len(true_tokens))


def values_match(kind: FieldKind, predicted: object, true: object) -> bool:
    if kind is FieldKind.LONG_TEXT:
        return token_f1(str(predicted), str(true)) >= LONG_TEXT_MIN_F1
    return comparable(kind, predicted) == comparable(kind, true)


# ---------------------------------------------------------------------------------------------
# Per-file scoring


class Counts(BaseModel):
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def f1(self) -> float | None:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    def add(self, outcome: FieldOutcome) -> None:
        self.tp += outcome.tp
        self.fp += outcome.fp
        self.fn += outcome.fn


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


class FieldOutcome(BaseModel):
    """One compared value: what it counted as, and the context needed to group it."""

    model_config = ConfigDict(frozen=True)

    source: str
    doc_type: DocType
    field: str  # "policy_number" or "claims.paid"
    kind: FieldKind
    tp: int = 0
    fp: int = 0
    fn: int = 0
    predicted: bool  # a non-null value was predicted
    confidence: float | None = None  # of the predicted value
    word_source: str | None = None  # text_layer / ocr: where the predicted words came from
    auto_approved: bool | None = None  # route of the predicted document; None if none
    variant: str | None = None
    layout: str | None = None

    @property
    def key(self) -> str:
        return f"{self.doc_type.value}.{self.field}"

    @property
    def right(self) -> bool:
        """A predicted value that matched the truth."""
        return self.predicted and self.tp == 1


class DocumentPairing(BaseModel):
    """A true document, a predicted one, or both paired by page range."""

    true_index: int | None = None
    predicted_index: int | None = None
    true_pages: tuple[int, int] | None = None
    predicted_pages: tuple[int, int] | None = None
    true_doc_type: DocType | None = None
    predicted_doc_type: DocType | None = None
    predicted_route: Route | None = None
    layout: str | None = None

    @property
    def exact_split(self) -> bool:
        return self.true_pages is not None and self.true_pages == self.predicted_pages

    @property
    def doc_type_right(self) -> bool:
        return self.exact_split and self.true_doc_type == self.predicted_doc_type


class FileScore(BaseModel):
    source: str
    variant: str | None = None
    true_status: FileStatus
    predicted_status: FileStatus
    pairings: list[DocumentPairing] = Field(default_factory=list)
    fields: list[FieldOutcome] = Field(default_factory=list)

    @property
    def quarantine_right(self) -> bool:
        return self.true_status == self.predicted_status

    @property
    def split_exact(self) -> bool:
        """Every true document matched exactly and no predicted document left over."""
        return all(pairing.exact_split for pairing in self.pairings)


def _pages(document: Mapping[str, Any] | ExtractedDocument) -> tuple[int, int]:
    if isinstance(document, ExtractedDocument):
        return (document.page_start, document.page_end)
    return (int(document["page_start"]), int(document["page_end"]))


def _shared_pages(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]) + 1)


def pair_documents(
    true_pages: list[tuple[int, int]], predicted_pages: list[tuple[int, int]]
) -> list[tuple[int | None, int | None]]:
    """Pair documents one-to-one: identical page ranges first, then the largest overlap.

    Returns (true index, predicted index) pairs, with None on the side that has no partner.
    """
    pairs: list[tuple[int | None, int | None]] = []
    free_true = list(range(len(true_pages)))
    free_predicted = list(range(len(predicted_pages)))
    for true_index in list(free_true):
        for predicted_index in free_predicted:
            if predicted_pages[predicted_index] == true_pages[true_index]:
                pairs.append((true_index, predicted_index))
                free_true.remove(true_index)
                free_predicted.remove(predicted_index)
                break
    candidates = []
    for true_index in free_true:
        for predicted_index in free_predicted:
            shared = _shared_pages(true_pages[true_index], predicted_pages[predicted_index])
            if shared:
                span_a, span_b = true_pages[true_index], predicted_pages[predicted_index]
                union = max(span_a[1], span_b[1]) - min(span_a[0], span_b[0]) + 1
                candidates.append((-shared, -shared / union, true_index, predicted_index))
    for _, _, true_index, predicted_index in sorted(candidates):
        if true_index in free_true and predicted_index in free_predicted:
            pairs.append((true_index, predicted_index))
            free_true.remove(true_index)
            free_predicted.remove(predicted_index)
    pairs += [(true_index, None) for true_index in free_true]
    pairs += [(None, predicted_index) for predicted_index in free_predicted]
    return pairs


class _DocumentScorer:
    """Turns one (true, predicted) document pair into field outcomes.

    With `include_absent`, a null predicted where the truth is null too is an outcome as well
    (all counts 0), and nulls keep their confidence: what calibrating absent values needs.
    """

    def __init__(
        self,
        source: str,
        variant: str | None,
        layout: str | None,
        auto: bool | None,
        include_absent: bool = False,
    ):
        self.context = {"source": source, "variant": variant, "layout": layout}
        self.auto_approved = auto
        self.include_absent = include_absent
        self.outcomes: list[FieldOutcome] = []

    def _emit(
        self,
        doc_type: DocType,
        field: str,
        kind: FieldKind,
        predicted: FieldValue | None,
        true_value: object,
    ) -> None:
        has_prediction = predicted is not None and comparable(kind, predicted.value) is not None
        has_truth = comparable(kind, true_value) is not None
        if (
            not has_prediction
            and not has_truth
            and not (self.include_absent and predicted is not None)
        ):
            return
        right = has_prediction and has_truth and values_match(kind, predicted.value, true_value)
        if has_prediction or self.include_absent:
            confidence = predicted.confidence if predicted is not None else None
        else:
            confidence = None
        self.outcomes.append(
            FieldOutcome(
                doc_type=doc_type,
                field=field,
                kind=kind,
                tp=int(right),
                fp=int(has_prediction and not right),
                fn=int(has_truth and not right),
                predicted=has_prediction,
                confidence=confidence,
                word_source=predicted.source if predicted is not None else None,
                auto_approved=self.auto_approved,
                **self.context,
            )
        )

    def compare(
        self,
        doc_type: DocType,
        predicted_fields: Mapping[str, Any],
        true_fields: Mapping[str, Any],
    ) -> None:
        """Score a document whose predicted and true doc_type agree; either side may be empty."""
        list_specs = {spec.name: spec for spec in LIST_FIELDS[doc_type]}
        scalar_kinds = dict(SCALAR_FIELDS[doc_type])
        for name in [*predicted_fields, *true_fields]:
            if name not in list_specs and name not in scalar_kinds:
                scalar_kinds[name] = FieldKind.TEXT  # outside the catalogue: compare as text
        for name, kind in scalar_kinds.items():
            predicted = predicted_fields.get(name)
            true_value = true_fields.get(name)
            self._emit(
                doc_type,
                name,
                kind,
                predicted if isinstance(predicted, FieldValue) else None,
                None if isinstance(true_value, list | dict) else true_value,
            )
        for spec in list_specs.values():
            predicted_rows = predicted_fields.get(spec.name) or []
            true_rows = true_fields.get(spec.name) or []
            self._compare_rows(
                doc_type,
                spec,
                [row for row in predicted_rows if isinstance(row, Mapping)],
                [row for row in true_rows if isinstance(row, Mapping)],
            )

    def _compare_rows(
        self,
        doc_type: DocType,
        spec: ListFieldSpec,
        predicted_rows: list[Mapping[str, FieldValue]],
        true_rows: list[Mapping[str, Any]],
    ) -> None:
        key_kind = spec.cells[spec.key]
        true_by_key: dict[object, list[int]] = defaultdict(list)
        for index, row in enumerate(true_rows):
            key = comparable(key_kind, row.get(spec.key))
            if key is not None:
                true_by_key[key].append(index)
        paired_true: set[int] = set()
        for predicted_row in predicted_rows:
            cell = predicted_row.get(spec.key)
            key = comparable(key_kind, cell.value) if isinstance(cell, FieldValue) else None
            candidates = true_by_key.get(key) if key is not None else None
            true_row: Mapping[str, Any] = {}
            if candidates:
                true_index = candidates.pop(0)
                paired_true.add(true_index)
                true_row = true_rows[true_index]
            self._compare_cells(doc_type, spec, predicted_row, true_row)
        for index, true_row in enumerate(true_rows):
            if index not in paired_true:
                self._compare_cells(doc_type, spec, {}, true_row)

    def _compare_cells(
        self,
        doc_type: DocType,
        spec: ListFieldSpec,
        predicted_row: Mapping[str, Any],
        true_row: Mapping[str, Any],
    ) -> None:
        cells = dict(spec.cells)
        for name in [*predicted_row, *true_row]:
            cells.setdefault(name, FieldKind.TEXT)
        for name, kind in cells.items():
            predicted = predicted_row.get(name)
            self._emit(
                doc_type,
                f"{spec.name}.{name}",
                kind,
                predicted if isinstance(predicted, FieldValue) else None,
                true_row.get(name),
            )


def score_file(
    result: FileResult,
    truth: Mapping[str, Any],
    variant: str | None = None,
    *,
    include_absent: bool = False,
) -> FileScore:
    """Score one file's extraction against its truth (`NAME.truth.json` as a dict).

    `variant` overrides the truth's optional top-level `variant`; each true document may carry an
    optional `layout`. `include_absent` also records nulls predicted where the truth is null
    (for calibration; the counts and rates do not change).
    """
    variant = variant if variant is not None else truth.get("variant")
    true_status = FileStatus(truth.get("status", FileStatus.PROCESSED))
    true_documents: list[Mapping[str, Any]] = list(truth.get("documents", []))
    predicted_documents = result.documents
    true_pages = [_pages(document) for document in true_documents]
    predicted_pages = [_pages(document) for document in predicted_documents]

    pairings: list[DocumentPairing] = []
    outcomes: list[FieldOutcome] = []
    for true_index, predicted_index in pair_documents(true_pages, predicted_pages):
        true_doc = true_documents[true_index] if true_index is not None else None
        predicted_doc = (
            predicted_documents[predicted_index] if predicted_index is not None else None
        )
        layout = _layout_for(true_doc, predicted_doc, true_documents)
        pairing = DocumentPairing(
            true_index=true_index,
            predicted_index=predicted_index,
            true_pages=true_pages[true_index] if true_index is not None else None,
            predicted_pages=predicted_pages[predicted_index]
            if predicted_index is not None
            else None,
            true_doc_type=DocType(true_doc["doc_type"]) if true_doc is not None else None,
            predicted_doc_type=predicted_doc.doc_type if predicted_doc is not None else None,
            predicted_route=predicted_doc.route if predicted_doc is not None else None,
            layout=layout,
        )
        pairings.append(pairing)
        auto = None if predicted_doc is None else predicted_doc.route is Route.AUTO_APPROVED
        scorer = _DocumentScorer(result.source, variant, layout, auto, include_absent)
        true_fields = dict(true_doc.get("fields") or {}) if true_doc is not None else {}
        predicted_fields = dict(predicted_doc.fields) if predicted_doc is not None else {}
        if pairing.true_doc_type == pairing.predicted_doc_type:
            scorer.compare(pairing.true_doc_type, predicted_fields, true_fields)  # type: ignore[arg-type]
        else:
            # A document of the wrong type (or none): every true value missed, every
            # predicted value wrong.
            if pairing.true_doc_type is not None:
                scorer.compare(pairing.true_doc_type, {}, true_fields)
            if pairing.predicted_doc_type is not None:
                scorer.compare(pairing.predicted_doc_type, predicted_fields, {})
        outcomes += scorer.outcomes
    return FileScore(
        source=result.source,
        variant=variant,
        true_status=true_status,
        predicted_status=result.status,
        pairings=pairings,
        fields=outcomes,
    )


def _layout_for(
    true_doc: Mapping[str, Any] | None,
    predicted_doc: ExtractedDocument | None,
    true_documents: list[Mapping[str, Any]],
) -> str | None:
    """The true document's layout; a stray prediction borrows the layout it overlaps most."""
    if true_doc is not None:
        return true_doc.get("layout")
    if predicted_doc is None:
        return None
    span = _pages(predicted_doc)
    best = max(
        true_documents, key=lambda document: _shared_pages(_pages(document), span), default=None
    )
    if best is None or _shared_pages(_pages(best), span) == 0:
        return None
    return best.get("layout")


# ---------------------------------------------------------------------------------------------
# Aggregation


class ReliabilityBucket(BaseModel):
    lower: float
    upper: float
    values: int = 0
    right: int = 0
    confidence_sum: float = 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def share_right(self) -> float | None:
        return _ratio(self.right, self.values)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def mean_confidence(self) -> float | None:
        return _ratio(self.confidence_sum, self.values)


class LayoutHoldout(BaseModel):
    """One layout scored with a calibration fitted on every other layout's values."""

    layout: str
    documents: int
    doc_type_accuracy: float | None
    fields: Counts
    calibration_values: int
    calibration_share_right: float | None
    straight_through_rate: float | None
    auto_approved_values: int
    auto_approved_wrong_values: int
    auto_approved_field_error_rate: float | None


class EvalReport(BaseModel):
    files: int
    documents_true: int
    documents_predicted: int
    doc_type_accuracy: float | None
    split_accuracy: float | None
    file_split_accuracy: float | None
    quarantine_accuracy: float | None
    # true doc_type -> predicted doc_type (or "none" when no prediction has its page range)
    doc_type_confusion: dict[str, dict[str, int]]
    fields_overall: Counts
    per_doc_type: dict[str, Counts]
    per_field: dict[str, Counts]
    per_variant: dict[str, Counts]
    per_layout: dict[str, Counts]
    # Extra groupings asked of `aggregate` (e.g. held-out layout vs the rest).
    groups: dict[str, dict[str, Counts]] = Field(default_factory=dict)
    straight_through_documents: int
    straight_through_rate: float | None
    auto_approved_values: int
    auto_approved_wrong_values: int
    auto_approved_missed_values: int
    auto_approved_field_error_rate: float | None
    calibration_threshold: float = CALIBRATION_THRESHOLD
    calibration_values: int
    calibration_share_right: float | None
    reliability: list[ReliabilityBucket]
    elapsed_seconds: float
    pages: int
    pages_per_minute: float | None
    definitions: dict[str, str] = Field(default_factory=lambda: dict(DEFINITIONS))
    # Filled by a leave-one-layout-out run (`claimdocs eval --leave-one-layout-out`).
    leave_one_layout_out: list[LayoutHoldout] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


OutcomeGrouping = Callable[[FieldOutcome], str | None]


def _group_counts(outcomes: Iterable[FieldOutcome], key: OutcomeGrouping) -> dict[str, Counts]:
    groups: dict[str, Counts] = {}
    for outcome in outcomes:
        name = key(outcome)
        if name is None:
            continue
        groups.setdefault(name, Counts()).add(outcome)
    return dict(sorted(groups.items()))


def _reliability(outcomes: list[FieldOutcome]) -> list[ReliabilityBucket]:
    buckets = [
        ReliabilityBucket(lower=lower, upper=upper)
        for lower, upper in zip(RELIABILITY_EDGES, RELIABILITY_EDGES[1:], strict=False)
    ]
    for outcome in outcomes:
        if not outcome.predicted or outcome.confidence is None:
            continue
        for bucket in buckets:
            is_last = bucket is buckets[-1]
            if bucket.lower <= outcome.confidence < bucket.upper or (
                is_last and outcome.confidence == bucket.upper
            ):
                bucket.values += 1
                bucket.right += int(outcome.right)
                bucket.confidence_sum += outcome.confidence
                break
    return buckets


def aggregate(
    file_scores: Iterable[FileScore],
    elapsed_seconds: float,
    pages: int,
    *,
    field_filter: Callable[[FieldOutcome], bool] | None = None,
    groupings: Mapping[str, OutcomeGrouping] | None = None,
    document_filter: Callable[[DocumentPairing], bool] | None = None,
) -> EvalReport:
    """Fold per-file scores into one report.

    `field_filter` keeps only some field outcomes for every field metric (e.g. one held-out
    layout for a leave-one-layout-out run); `document_filter` likewise keeps only some document
    pairings for the document metrics (doc_type, split, straight-through); `groupings` adds named
    tables of field counts keyed by any function of an outcome (return None to leave an outcome
    out).
    """
    scores = list(file_scores)
    pairings = [pairing for score in scores for pairing in score.pairings]
    if document_filter is not None:
        pairings = [pairing for pairing in pairings if document_filter(pairing)]
    true_pairings = [pairing for pairing in pairings if pairing.true_doc_type is not None]
    outcomes = [outcome for score in scores for outcome in score.fields]
    if field_filter is not None:
        outcomes = [outcome for outcome in outcomes if field_filter(outcome)]

    confusion: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for pairing in true_pairings:
        predicted = pairing.predicted_doc_type.value if pairing.exact_split else "none"  # type: ignore[union-attr]
        confusion[pairing.true_doc_type.value][predicted] += 1  # type: ignore[union-attr]

    straight_through = [
        pairing for pairing in true_pairings if pairing.true_doc_type is not DocType.OTHER
    ]
    auto_outcomes = [outcome for outcome in outcomes if outcome.auto_approved]
    auto_predicted = [outcome for outcome in auto_outcomes if outcome.predicted]
    confident = [
        outcome
        for outcome in outcomes
        if outcome.predicted
        and outcome.confidence is not None
        and outcome.confidence >= CALIBRATION_THRESHOLD
    ]
    overall = Counts()
    for outcome in outcomes:
        overall.add(outcome)

    return EvalReport(
        files=len(scores),
        documents_true=len(true_pairings),
        documents_predicted=sum(pairing.predicted_index is not None for pairing in pairings),
        doc_type_accuracy=_ratio(
            sum(pairing.doc_type_right for pairing in true_pairings), len(true_pairings)
        ),
        split_accuracy=_ratio(
            sum(pairing.exact_split for pairing in true_pairings), len(true_pairings)
        ),
        file_split_accuracy=_ratio(sum(score.split_exact for score in scores), len(scores)),
        quarantine_accuracy=_ratio(sum(score.quarantine_right for score in scores), len(scores)),
        doc_type_confusion={
            true: dict(sorted(predicted.items())) for true, predicted in sorted(confusion.items())
        },
        fields_overall=overall,
        per_doc_type=_group_counts(outcomes, lambda outcome: outcome.doc_type.value),
        per_field=_group_counts(outcomes, lambda outcome: outcome.key),
        per_variant=_group_counts(outcomes, lambda outcome: outcome.variant or UNKNOWN),
        per_layout=_group_counts(outcomes, lambda outcome: outcome.layout or UNKNOWN),
        groups={name: _group_counts(outcomes, key) for name, key in (groupings or {}).items()},
        straight_through_documents=len(straight_through),
        straight_through_rate=_ratio(
            sum(pairing.predicted_route is Route.AUTO_APPROVED for pairing in straight_through),
            len(straight_through),
        ),
        auto_approved_values=len(auto_predicted),
        auto_approved_wrong_values=sum(not outcome.right for outcome in auto_predicted),
        auto_approved_missed_values=sum(
            outcome.fn for outcome in auto_outcomes if not outcome.predicted
        ),
        auto_approved_field_error_rate=_ratio(
            sum(not outcome.right for outcome in auto_predicted), len(auto_predicted)
        ),
        calibration_values=len(confident),
        calibration_share_right=_ratio(sum(outcome.right for outcome in confident), len(confident)),
        reliability=_reliability(outcomes),
        elapsed_seconds=elapsed_seconds,
        pages=pages,
        pages_per_minute=pages / (elapsed_seconds / 60) if elapsed_seconds > 0 else None,
    )


# ---------------------------------------------------------------------------------------------
# Calibration data and leave-one-layout-out


def calibration_samples(file_scores: Iterable[FileScore]) -> list[CalibrationSample]:
    """Every scored value with a confidence, as calibration data: a predicted value is right
    when it matches the truth; a predicted null when the truth is null too. Score the files with
    `include_absent=True` so that right nulls are there as well."""
    samples = []
    for score in file_scores:
        for outcome in score.fields:
            if outcome.confidence is None:
                continue
            samples.append(
                CalibrationSample(
                    field=outcome.key,
                    kind=outcome.kind,
                    present=outcome.predicted,
                    source=source_of(outcome.word_source),
                    raw=outcome.confidence,
                    right=outcome.right if outcome.predicted else outcome.fn == 0,
                    layout=outcome.layout,
                )
            )
    return samples


def recalibrated(
    result: FileResult, calibration: ConfidenceCalibration | None, policy: RoutingPolicy
) -> FileResult:
    """A result extracted with raw confidences, as the pipeline would have returned it under
    `calibration`: every confidence mapped, every document routed again (validation issues
    do not depend on confidence, so the recorded ones stand)."""
    documents = []
    for document in result.documents:
        fields = calibrate_field_map(document.doc_type, document.fields, calibration)
        decision = route_document(
            document.doc_type, document.doc_type_confidence, fields, document.validation, policy
        )
        documents.append(
            document.model_copy(
                update={
                    "fields": fields,
                    "route": decision.route,
                    "route_reasons": decision.reasons,
                }
            )
        )
    return result.model_copy(update={"documents": documents})


CalibrationFit = Callable[[list[CalibrationSample]], ConfidenceCalibration]

LEAVE_ONE_LAYOUT_OUT_NOTE = (
    "Leave one layout out: for each layout, the confidence calibration is fitted on the values "
    "of every other layout in this corpus and applied to this layout's documents, which are then "
    "routed again and scored. Field F1 does not depend on the calibration: the extraction rules "
    "and vocabularies are hand-written and were developed looking at the generated layouts, so "
    "F1 here measures the rules on this corpus's documents, not rules learned without the layout."
)


def leave_one_layout_out(
    raw_results: Sequence[tuple[FileResult, Mapping[str, Any]]],
    fit: CalibrationFit,
    policy: RoutingPolicy,
) -> list[LayoutHoldout]:
    """Score each layout under a calibration fitted without it.

    `raw_results` are extractions made with raw confidences (`confidence_calibration(None)`)
    with their truth; `fit` turns calibration samples into a calibration.
    """
    raw_scores = [score_file(result, truth, include_absent=True) for result, truth in raw_results]
    samples = calibration_samples(raw_scores)
    layouts = sorted(
        {
            str(document["layout"])
            for _, truth in raw_results
            for document in truth.get("documents", [])
            if document.get("layout") and document.get("doc_type") != DocType.OTHER.value
        }
    )
    holdouts = []
    for layout in layouts:
        calibration = fit([sample for sample in samples if sample.layout != layout])
        scores = [
            score_file(recalibrated(result, calibration, policy), truth)
            for result, truth in raw_results
            if any(document.get("layout") == layout for document in truth.get("documents", []))
        ]
        report = aggregate(
            scores,
            elapsed_seconds=0.0,
            pages=0,
            field_filter=lambda outcome, held=layout: outcome.layout == held,
            document_filter=lambda pairing, held=layout: pairing.layout == held,
        )
        holdouts.append(
            LayoutHoldout(
                layout=layout,
                documents=report.documents_true,
                doc_type_accuracy=report.doc_type_accuracy,
                fields=report.fields_overall,
                calibration_values=report.calibration_values,
                calibration_share_right=report.calibration_share_right,
                straight_through_rate=report.straight_through_rate,
                auto_approved_values=report.auto_approved_values,
                auto_approved_wrong_values=report.auto_approved_wrong_values,
                auto_approved_field_error_rate=report.auto_approved_field_error_rate,
            )
        )
    return holdouts


# ---------------------------------------------------------------------------------------------
# Rendering


def _fmt(value: float | None, percent: bool = True) -> str:
    if value is None:
        return "-"
    return f"{value:.1%}" if percent else f"{value:.2f}"


def _counts_table(title: str, groups: Mapping[str, Counts]) -> Any:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column in ("", "TP", "FP", "FN", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if not column else "right")
    for name, counts in groups.items():
        table.add_row(
            escape(name),
            str(counts.tp),
            str(counts.fp),
            str(counts.fn),
            _fmt(counts.precision),
            _fmt(counts.recall),
            _fmt(counts.f1),
        )
    return table


def _holdout_table(holdouts: Sequence[LayoutHoldout]) -> Any:
    from rich.markup import escape
    from rich.table import Table

    table = Table(
        title="Leave one layout out (calibration fitted without the layout)", title_justify="left"
    )
    columns = ("layout", "docs", "doc_type", "F1", "right at >= 0.95", "straight-through",
               "auto-approved errors")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="left" if column == "layout" else "right")
    for holdout in holdouts:
        table.add_row(
            escape(holdout.layout),
            str(holdout.documents),
            _fmt(holdout.doc_type_accuracy),
            _fmt(holdout.fields.f1),
            f"{_fmt(holdout.calibration_share_right)} of {holdout.calibration_values}",
            _fmt(holdout.straight_through_rate),
            f"{_fmt(holdout.auto_approved_field_error_rate)} "
            f"({holdout.auto_approved_wrong_values}/{holdout.auto_approved_values})",
        )
    return table


def render_report(report: EvalReport, width: int = 110) -> str:
    """The report as readable plain-text tables."""
    from rich.console import Console
    from rich.table import Table

    console = Console(record=True, width=width, file=io.StringIO(), color_system=None)
    summary = Table(title="Summary", title_justify="left", show_header=False)
    summary.add_column("metric")
    summary.add_column("value", justify="right")
    rows = [
        ("files", str(report.files)),
        ("true documents / predicted", f"{report.documents_true} / {report.documents_predicted}"),
        ("doc_type accuracy", _fmt(report.doc_type_accuracy)),
        ("split accuracy (documents)", _fmt(report.split_accuracy)),
        ("split accuracy (files)", _fmt(report.file_split_accuracy)),
        ("quarantine accuracy", _fmt(report.quarantine_accuracy)),
        ("field precision", _fmt(report.fields_overall.precision)),
        ("field recall", _fmt(report.fields_overall.recall)),
        ("field F1", _fmt(report.fields_overall.f1)),
        (
            "straight-through rate",
            f"{_fmt(report.straight_through_rate)} of {report.straight_through_documents}",
        ),
        (
            "auto-approved field error rate",
            f"{_fmt(report.auto_approved_field_error_rate)} "
            f"({report.auto_approved_wrong_values}/{report.auto_approved_values}; "
            f"{report.auto_approved_missed_values} missed)",
        ),
        (
            f"share right at confidence >= {report.calibration_threshold}",
            f"{_fmt(report.calibration_share_right)} of {report.calibration_values}",
        ),
        ("pages / minute", _fmt(report.pages_per_minute, percent=False)),
    ]
    for row in rows:
        summary.add_row(*row)
    console.print(summary)

    confusion = Table(title="doc_type: true (rows) vs predicted", title_justify="left")
    predicted_types = sorted({p for row in report.doc_type_confusion.values() for p in row})
    confusion.add_column("true")
    for predicted in predicted_types:
        confusion.add_column(predicted, justify="right")
    for true, row in report.doc_type_confusion.items():
        confusion.add_row(true, *(str(row.get(predicted, 0)) for predicted in predicted_types))
    console.print(confusion)

    console.print(_counts_table("Fields by document type", report.per_doc_type))
    console.print(_counts_table("Fields by variant", report.per_variant))
    console.print(_counts_table("Fields by layout", report.per_layout))
    for name, groups in report.groups.items():
        console.print(_counts_table(f"Fields by {name}", groups))
    console.print(_counts_table("Fields", report.per_field))

    reliability = Table(title="Reliability (predicted values)", title_justify="left")
    for column in ("confidence", "values", "right", "share right", "mean confidence"):
        reliability.add_column(column, justify="right")
    for bucket in report.reliability:
        closing = "]" if bucket is report.reliability[-1] else ")"
        reliability.add_row(
            f"[{bucket.lower:.2f}, {bucket.upper:.2f}{closing}",
            str(bucket.values),
            str(bucket.right),
            _fmt(bucket.share_right),
            _fmt(bucket.mean_confidence, percent=False),
        )
    console.print(reliability)
    if report.leave_one_layout_out:
        console.print(_holdout_table(report.leave_one_layout_out))
    for note in report.notes:
        console.print(note, markup=False, highlight=False)
    for name, text in report.definitions.items():
        console.print(f"{name}: {text}", markup=False, highlight=False)
    return console.export_text()
