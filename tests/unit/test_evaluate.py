"""Scoring: value comparison, document pairing, field counts, rows, and every report metric."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from pipeline.contract import (
    DocType,
    ExtractedDocument,
    FieldKind,
    FieldMap,
    FieldValue,
    FileError,
    FileResult,
    FileStatus,
    Route,
)
from pipeline.evaluate import (
    EvalReport,
    FieldOutcome,
    aggregate,
    comparable,
    pair_documents,
    render_report,
    score_file,
    token_f1,
    values_match,
)


def fv(value: str | None, confidence: float = 0.99) -> FieldValue:
    return FieldValue(value=value, confidence=confidence)


def predicted(
    pages: tuple[int, int],
    doc_type: DocType,
    fields: FieldMap,
    route: Route = Route.NEEDS_REVIEW,
) -> ExtractedDocument:
    return ExtractedDocument(
        page_start=pages[0],
        page_end=pages[1],
        doc_type=doc_type,
        doc_type_confidence=0.95,
        route=route,
        fields=fields,
        extractor_version="test",
    )


def result(*documents: ExtractedDocument, pages: int = 3) -> FileResult:
    return FileResult(
        source="packet.pdf",
        sha256="0" * 64,
        pages=pages,
        status=FileStatus.PROCESSED,
        documents=list(documents),
    )


def truth_doc(
    pages: tuple[int, int], doc_type: str, fields: dict[str, Any], layout: str | None = None
) -> dict[str, Any]:
    document = {"page_start": pages[0], "page_end": pages[1], "doc_type": doc_type}
    document["fields"] = fields
    if layout is not None:
        document["layout"] = layout
    return document


def outcomes_by_field(score_fields: list[FieldOutcome]) -> dict[str, tuple[int, int, int]]:
    counts: dict[str, tuple[int, int, int]] = {}
    for outcome in score_fields:
        tp, fp, fn = counts.get(outcome.key, (0, 0, 0))
        counts[outcome.key] = (tp + outcome.tp, fp + outcome.fp, fn + outcome.fn)
    return counts


# --- comparing values -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "a", "b"),
    [
        (FieldKind.MONEY, "12345.6", "12345.60"),
        (FieldKind.MONEY, "-5.00", "-5"),
        (FieldKind.NAME, "ACME  Bakery LLC", "acme bakery llc"),
        (FieldKind.TEXT, " 12 Main St,\nSpringfield ", "12 main st, springfield"),
        (FieldKind.IDENTIFIER, "pa-2254257", "PA-2254257"),
        (FieldKind.INTEGER, "07", "7"),
        (FieldKind.ENUM, "Closed", "closed"),
        (FieldKind.STATE, "ca", "CA"),
    ],
)
def test_values_that_match(kind: FieldKind, a: str, b: str) -> None:
    assert values_match(kind, a, b)


@pytest.mark.parametrize(
    ("kind", "a", "b"),
    [
        (FieldKind.MONEY, "12345.67", "12345.60"),
        (FieldKind.NAME, "Acme Bakery, LLC", "Acme Bakery LLC"),
        (FieldKind.DATE, "2026-03-14", "2026-03-15"),
        (FieldKind.IDENTIFIER, "PA-1", "PA-10"),
    ],
)
def test_values_that_differ(kind: FieldKind, a: str, b: str) -> None:
    assert not values_match(kind, a, b)


def test_comparable_blank_is_none_and_money_is_decimal() -> None:
    assert comparable(FieldKind.NAME, "   ") is None
    assert comparable(FieldKind.MONEY, "1200.5") == Decimal("1200.50")
    assert comparable(FieldKind.MONEY, "n/a") == "n/a"


def test_token_f1_boundary() -> None:
    truth = "vehicle one struck vehicle two in the rear at the light"
    assert token_f1(truth, truth) == 1.0
    # 8 of 10 tokens shared on both sides: F1 exactly 0.8 counts as right.
    assert token_f1("a b c d e f g h x y", "a b c d e f g h i j") == 0.8
    assert values_match(FieldKind.LONG_TEXT, "a b c d e f g h x y", "A B C D E F G H I J")
    assert not values_match(FieldKind.LONG_TEXT, "a b c d e f g x y z", "a b c d e f g h i j")
    assert token_f1("", "") == 1.0 and token_f1("a", "") == 0.0


# --- pairing documents ----------------------------------------------------------------------


def test_pairing_exact_first_then_best_overlap() -> None:
    true_pages = [(1, 2), (3, 5), (6, 6)]
    predicted_pages = [(3, 4), (1, 2), (5, 6), (7, 7)]
    pairs = pair_documents(true_pages, predicted_pages)
    assert sorted(pairs, key=str) == sorted([(0, 1), (1, 0), (2, 2), (None, 3)], key=str)


def test_pairing_prefers_exact_over_a_bigger_overlap() -> None:
    assert pair_documents([(1, 3)], [(1, 4), (1, 3)]) == [(0, 1), (None, 0)]


# --- scalar fields --------------------------------------------------------------------------


def test_scalar_exact_wrong_missing_extra_and_both_null() -> None:
    prediction = result(
        predicted(
            (1, 1),
            DocType.CLAIM_FORM,
            {
                "policy_number": fv("pa-2254257"),  # right (case)
                "date_of_loss": fv("2026-03-15"),  # wrong
                "insured_name": fv(None, 0.0),  # missed
                "insured_email": fv("x@example.com"),  # should be null
                "time_of_loss": fv(None, 0.0),  # both null: not counted
                "estimated_loss_amount": fv("1500.5"),  # right (money tolerance)
            },
        )
    )
    truth = {
        "documents": [
            truth_doc(
                (1, 1),
                "claim_form",
                {
                    "policy_number": "PA-2254257",
                    "date_of_loss": "2026-03-14",
                    "insured_name": "Jane Q Public",
                    "insured_email": None,
                    "time_of_loss": None,
                    "estimated_loss_amount": "1500.50",
                },
            )
        ]
    }
    counts = outcomes_by_field(score_file(prediction, truth).fields)
    assert counts == {
        "claim_form.policy_number": (1, 0, 0),
        "claim_form.date_of_loss": (0, 1, 1),
        "claim_form.insured_name": (0, 0, 1),
        "claim_form.insured_email": (0, 1, 0),
        "claim_form.estimated_loss_amount": (1, 0, 0),
    }


def test_long_text_scored_by_token_overlap() -> None:
    narrative = "unit one failed to stop and struck unit two in the rear"
    prediction = result(
        predicted(
            (1, 1),
            DocType.POLICE_REPORT,
            {"narrative": fv("Unit one failed to stop and struck unit two in the rear.")},
        )
    )
    truth = {"documents": [truth_doc((1, 1), "police_report", {"narrative": narrative})]}
    assert outcomes_by_field(score_file(prediction, truth).fields) == {
        "police_report.narrative": (1, 0, 0)
    }


# --- list fields ----------------------------------------------------------------------------


def test_claim_rows_paired_by_claim_number_then_cell_by_cell() -> None:
    prediction = result(
        predicted(
            (1, 1),
            DocType.LOSS_RUN,
            {
                "claims": [
                    # Out of order on purpose: pairing is by claim number, not position.
                    {"claim_number": fv("cl-2"), "paid": fv("20.00"), "status": fv("open")},
                    {"claim_number": fv("CL-1"), "paid": fv("11.00")},
                    {"claim_number": fv("CL-9"), "paid": fv("5.00")},  # not in truth
                ]
            },
        )
    )
    truth = {
        "documents": [
            truth_doc(
                (1, 1),
                "loss_run",
                {
                    "claims": [
                        {"claim_number": "CL-1", "paid": "10.00"},
                        {"claim_number": "CL-2", "paid": "20.00", "status": "closed"},
                        {"claim_number": "CL-3", "paid": "30.00", "reserve": None},  # missed
                    ]
                },
            )
        ]
    }
    counts = outcomes_by_field(score_file(prediction, truth).fields)
    assert counts == {
        # CL-1, CL-2 right; CL-9 extra; CL-3 missed
        "loss_run.claims.claim_number": (2, 1, 1),
        # CL-2 right; CL-1 wrong; CL-9 extra; CL-3 missed
        "loss_run.claims.paid": (1, 2, 2),
        "loss_run.claims.status": (0, 1, 1),
    }


def test_parties_paired_by_unit() -> None:
    prediction = result(
        predicted(
            (1, 2),
            DocType.POLICE_REPORT,
            {
                "parties": [
                    {"unit": fv("2"), "driver_name": fv("John Roe")},
                    {"unit": fv("1"), "driver_name": fv("Jane Doe")},
                ]
            },
        )
    )
    truth = {
        "documents": [
            truth_doc(
                (1, 2),
                "police_report",
                {
                    "parties": [
                        {"unit": "1", "driver_name": "Jane Doe"},
                        {"unit": "2", "driver_name": "John Roe"},
                    ]
                },
            )
        ]
    }
    counts = outcomes_by_field(score_file(prediction, truth).fields)
    assert counts == {
        "police_report.parties.unit": (2, 0, 0),
        "police_report.parties.driver_name": (2, 0, 0),
    }


def test_predicted_row_without_key_is_unpaired() -> None:
    prediction = result(predicted((1, 1), DocType.LOSS_RUN, {"claims": [{"paid": fv("10.00")}]}))
    truth = {
        "documents": [
            truth_doc((1, 1), "loss_run", {"claims": [{"claim_number": "CL-1", "paid": "10.00"}]})
        ]
    }
    counts = outcomes_by_field(score_file(prediction, truth).fields)
    assert counts == {"loss_run.claims.paid": (0, 1, 1), "loss_run.claims.claim_number": (0, 0, 1)}


# --- documents ------------------------------------------------------------------------------


def packet_truth() -> dict[str, Any]:
    return {
        "variant": "digital",
        "documents": [
            truth_doc((1, 1), "claim_form", {"policy_number": "PA-1"}, layout="acord_auto"),
            truth_doc(
                (2, 3), "loss_run", {"insured_name": "Acme", "claims": []}, layout="carrier_a"
            ),
        ],
    }


def test_true_document_without_prediction_is_all_false_negatives() -> None:
    prediction = result(predicted((1, 1), DocType.CLAIM_FORM, {"policy_number": fv("PA-1")}))
    score = score_file(prediction, packet_truth())
    assert outcomes_by_field(score.fields) == {
        "claim_form.policy_number": (1, 0, 0),
        "loss_run.insured_name": (0, 0, 1),
    }
    report = aggregate([score], elapsed_seconds=60.0, pages=3)
    assert report.doc_type_accuracy == 0.5
    assert report.split_accuracy == 0.5
    assert report.file_split_accuracy == 0.0
    assert report.doc_type_confusion == {
        "claim_form": {"claim_form": 1},
        "loss_run": {"none": 1},
    }


def test_wrong_doc_type_counts_every_value_wrong() -> None:
    prediction = result(
        predicted((1, 1), DocType.CLAIM_FORM, {"policy_number": fv("PA-1")}),
        predicted((2, 3), DocType.POLICE_REPORT, {"report_number": fv("R-1")}),
    )
    score = score_file(prediction, packet_truth())
    counts = outcomes_by_field(score.fields)
    assert counts["loss_run.insured_name"] == (0, 0, 1)
    assert counts["police_report.report_number"] == (0, 1, 0)
    report = aggregate([score], elapsed_seconds=1.0, pages=3)
    assert report.split_accuracy == 1.0
    assert report.doc_type_accuracy == 0.5


def test_overlap_pairing_scores_fields_but_not_doc_type_accuracy() -> None:
    prediction = result(
        predicted((1, 1), DocType.CLAIM_FORM, {"policy_number": fv("PA-1")}),
        predicted((2, 2), DocType.LOSS_RUN, {"insured_name": fv("ACME")}),
        predicted((3, 3), DocType.LOSS_RUN, {"insured_name": fv("Acme")}),  # split too far
    )
    score = score_file(prediction, packet_truth())
    counts = outcomes_by_field(score.fields)
    assert counts["loss_run.insured_name"] == (1, 1, 0)  # paired one right, stray one extra
    report = aggregate([score], elapsed_seconds=1.0, pages=3)
    assert report.doc_type_accuracy == 0.5 and report.split_accuracy == 0.5
    assert report.documents_predicted == 3 and report.documents_true == 2
    # The stray prediction borrows the layout of the true document it overlaps.
    assert report.per_layout["carrier_a"].fp == 1


# --- quarantine -----------------------------------------------------------------------------


def quarantined_result() -> FileResult:
    return FileResult(
        source="locked.pdf",
        sha256="1" * 64,
        pages=0,
        status=FileStatus.QUARANTINED,
        error=FileError(code="encrypted", message="The PDF is encrypted."),
    )


def test_quarantine_accuracy() -> None:
    bad_truth = {"status": "quarantined", "documents": [], "variant": "bad"}
    right = score_file(quarantined_result(), bad_truth)
    wrongly_processed = score_file(result(predicted((1, 1), DocType.OTHER, {})), bad_truth)
    wrongly_quarantined = score_file(quarantined_result(), packet_truth())
    assert right.quarantine_right and right.fields == []
    assert not wrongly_processed.quarantine_right
    assert not wrongly_quarantined.quarantine_right
    assert outcomes_by_field(wrongly_quarantined.fields) == {
        "claim_form.policy_number": (0, 0, 1),
        "loss_run.insured_name": (0, 0, 1),
    }
    report = aggregate([right, wrongly_processed, wrongly_quarantined], 1.0, 1)
    assert report.quarantine_accuracy == pytest.approx(1 / 3)


# --- report metrics -------------------------------------------------------------------------


def test_straight_through_and_auto_approved_error_rate() -> None:
    prediction = result(
        predicted(
            (1, 1),
            DocType.CLAIM_FORM,
            {
                "policy_number": fv("PA-1"),
                "insured_name": fv("Wrong Name"),
                "date_of_loss": fv(None),
            },
            route=Route.AUTO_APPROVED,
        ),
        predicted((2, 3), DocType.LOSS_RUN, {"insured_name": fv("Acme")}),
    )
    truth = packet_truth()
    truth["documents"][0]["fields"].update(insured_name="Jane Doe", date_of_loss="2026-01-01")
    truth["documents"].append(truth_doc((4, 4), "other", {}))
    report = aggregate([score_file(prediction, truth)], elapsed_seconds=30.0, pages=4)
    # claim_form auto-approved, loss_run reviewed; the `other` page is not in the denominator.
    assert report.straight_through_documents == 2
    assert report.straight_through_rate == 0.5
    assert report.auto_approved_values == 2
    assert report.auto_approved_wrong_values == 1
    assert report.auto_approved_field_error_rate == 0.5
    assert report.auto_approved_missed_values == 1
    assert report.pages_per_minute == 8.0


def test_calibration_and_reliability_buckets() -> None:
    fields: FieldMap = {
        "policy_number": fv("PA-1", 0.95),  # right, at the threshold
        "insured_name": fv("Jane", 1.0),  # right, top edge
        "carrier_name": fv("Wrong Co", 0.97),  # wrong
        "naic_code": fv("12345", 0.5),  # right, low bucket
        "date_of_loss": fv("2026-01-01", 0.2),  # wrong
    }
    truth = {
        "documents": [
            truth_doc(
                (1, 1),
                "claim_form",
                {
                    "policy_number": "PA-1",
                    "insured_name": "Jane",
                    "carrier_name": "Acme Mutual",
                    "naic_code": "12345",
                    "date_of_loss": "2026-02-02",
                },
            )
        ]
    }
    report = aggregate(
        [score_file(result(predicted((1, 1), DocType.CLAIM_FORM, fields)), truth)], 1, 1
    )
    assert report.calibration_values == 3
    assert report.calibration_share_right == pytest.approx(2 / 3)
    buckets = {(bucket.lower, bucket.upper): bucket for bucket in report.reliability}
    assert (buckets[(0.95, 0.99)].values, buckets[(0.95, 0.99)].right) == (2, 1)
    assert (buckets[(0.99, 1.0)].values, buckets[(0.99, 1.0)].right) == (1, 1)
    assert (buckets[(0.5, 0.7)].values, buckets[(0.5, 0.7)].right) == (1, 1)
    assert (buckets[(0.0, 0.5)].values, buckets[(0.0, 0.5)].right) == (1, 0)
    assert buckets[(0.95, 0.99)].mean_confidence == pytest.approx(0.96)
    assert sum(bucket.values for bucket in report.reliability) == 5


def test_groupings_per_variant_layout_and_filter() -> None:
    digital = score_file(
        result(
            predicted((1, 1), DocType.CLAIM_FORM, {"policy_number": fv("PA-1")}),
            predicted((2, 3), DocType.LOSS_RUN, {"insured_name": fv("Other")}),
        ),
        packet_truth(),
    )
    scanned = score_file(
        result(predicted((1, 1), DocType.CLAIM_FORM, {"policy_number": fv("PA-1")})),
        packet_truth(),
        variant="scanned",
    )
    report = aggregate([digital, scanned], 1.0, 6)
    assert set(report.per_variant) == {"digital", "scanned"}
    assert report.per_variant["digital"].f1 == pytest.approx(0.5)
    assert report.per_layout["acord_auto"].f1 == 1.0
    assert report.per_field["loss_run.insured_name"].fn == 2
    assert report.per_doc_type["claim_form"].tp == 2

    held_out = aggregate(
        [digital, scanned],
        1.0,
        6,
        field_filter=lambda outcome: outcome.layout == "carrier_a",
        groupings={"held_out": lambda outcome: f"{outcome.layout}/{outcome.variant}"},
    )
    assert held_out.fields_overall.tp == 0 and held_out.fields_overall.fn == 2
    assert set(held_out.groups["held_out"]) == {"carrier_a/digital", "carrier_a/scanned"}


def test_empty_inputs_give_no_rates_not_errors() -> None:
    report = aggregate([], elapsed_seconds=0.0, pages=0)
    assert report.doc_type_accuracy is None and report.fields_overall.f1 is None
    assert report.pages_per_minute is None
    assert "Summary" in render_report(report)


def test_report_renders_and_serialises() -> None:
    report = aggregate([score_file(quarantined_result(), packet_truth())], 12.0, 3)
    text = render_report(report)
    for heading in ("Summary", "Fields by document type", "Reliability", "straight_through_rate"):
        assert heading in text
    assert "loss_run.insured_name" in text
    data = json.loads(report.model_dump_json())
    assert data["fields_overall"] == {
        "tp": 0,
        "fp": 0,
        "fn": 2,
        "precision": None,
        "recall": 0.0,
        "f1": 0.0,
    }
    assert "definitions" in data and "share_right" in data["reliability"][0]
    assert EvalReport.model_validate(data).fields_overall.fn == 2


def test_report_holds_no_values() -> None:
    prediction = result(predicted((1, 1), DocType.CLAIM_FORM, {"insured_name": fv("Canary Zqx")}))
    truth = {"documents": [truth_doc((1, 1), "claim_form", {"insured_name": "Canary Wqy"})]}
    report = aggregate([score_file(prediction, truth)], 1.0, 1)
    assert "canary" not in report.model_dump_json().lower()
    assert "canary" not in render_report(report).lower()


def prediction_from_truth(truth: dict[str, Any], confidence: float = 1.0) -> FileResult:
    """What a perfect extractor would write for this truth."""

    def cell(value: object) -> FieldValue:
        return fv(None if value is None else str(value), confidence)

    documents = []
    for document in truth["documents"]:
        fields: FieldMap = {}
        for name, value in document["fields"].items():
            if isinstance(value, list):
                fields[name] = [{key: cell(v) for key, v in row.items()} for row in value]
            else:
                fields[name] = cell(value)
        documents.append(
            predicted(
                (document["page_start"], document["page_end"]),
                DocType(document["doc_type"]),
                fields,
                route=Route.AUTO_APPROVED,
            )
        )
    return result(*documents, pages=max(d["page_end"] for d in truth["documents"]))


def test_truth_scored_against_itself_is_perfect() -> None:
    truth = {
        "variant": "digital",
        "documents": [
            truth_doc(
                (1, 1),
                "claim_form",
                {
                    "form_kind": "auto",
                    "policy_number": "PA-2254257",
                    "date_of_loss": "2026-03-14",
                    "time_of_loss": "14:05",
                    "insured_phone": "12175550134",
                    "estimated_loss_amount": "2500.00",
                    "loss_description": "Rear-ended at a stop light on Main St.",
                    "vehicle_year": "2019",
                    "insured_email": None,
                },
            ),
            truth_doc(
                (2, 2),
                "police_report",
                {
                    "report_number": "2026-000123",
                    "narrative": "Unit 1 struck unit 2.",
                    "parties": [
                        {"unit": "1", "driver_name": "Jane Doe", "plate_state": "CA"},
                        {"unit": "2", "driver_name": "John Roe", "driver_dob": None},
                    ],
                },
            ),
            truth_doc(
                (3, 4),
                "loss_run",
                {
                    "valuation_date": "2026-06-30",
                    "claim_count": "2",
                    "claims": [
                        {"claim_number": "CL-1", "paid": "10.00", "status": "closed"},
                        {"claim_number": "CL-2", "paid": "0.00", "reserve": "5.00"},
                    ],
                },
            ),
            truth_doc((5, 5), "other", {}),
        ],
    }
    report = aggregate([score_file(prediction_from_truth(truth), truth)], 10.0, 5)
    assert report.fields_overall.fp == 0 and report.fields_overall.fn == 0
    assert report.fields_overall.tp == 23  # every non-null true value
    assert report.doc_type_accuracy == 1.0 and report.file_split_accuracy == 1.0
    assert report.straight_through_rate == 1.0
    assert report.auto_approved_field_error_rate == 0.0
    assert report.calibration_share_right == 1.0
