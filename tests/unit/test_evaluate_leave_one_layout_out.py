"""Evaluation with calibration: nulls as calibration data, re-routing a raw extraction under a
calibration, and the leave-one-layout-out report."""

from __future__ import annotations

from typing import Any

from extractors.calibration import ConfidenceCalibration, StepMap, fit_calibration, value_key
from pipeline.contract import (
    DocType,
    ExtractedDocument,
    FieldValue,
    FileResult,
    FileStatus,
    Route,
    ValidationIssue,
)
from pipeline.evaluate import (
    EvalReport,
    aggregate,
    calibration_samples,
    leave_one_layout_out,
    recalibrated,
    render_report,
    score_file,
)
from pipeline.route import RoutingPolicy

POLICY = RoutingPolicy(
    required_fields={DocType.POLICE_REPORT: ("report_number",)}, min_doc_type_confidence=0.5
)


def police(report_number: str | None, agency: str | None, confidence: float) -> ExtractedDocument:
    return ExtractedDocument(
        page_start=1,
        page_end=1,
        doc_type=DocType.POLICE_REPORT,
        doc_type_confidence=0.99,
        fields={
            "report_number": FieldValue(value=report_number, confidence=confidence),
            "agency_name": FieldValue(value=agency, confidence=confidence),
            "officer_name": FieldValue(value=None, confidence=0.9),
        },
        extractor_version="test",
    )


def file_result(name: str, document: ExtractedDocument) -> FileResult:
    return FileResult(
        source=name, sha256="0" * 64, pages=1, status=FileStatus.PROCESSED, documents=[document]
    )


def truth(layout: str, report_number: str, agency: str) -> dict[str, Any]:
    return {
        "documents": [
            {
                "page_start": 1,
                "page_end": 1,
                "doc_type": "police_report",
                "layout": layout,
                "fields": {
                    "report_number": report_number,
                    "agency_name": agency,
                    "officer_name": None,
                },
            }
        ]
    }


def test_nulls_are_calibration_data_only_when_asked() -> None:
    raw = file_result("a.pdf", police("R-1", "Wrong Agency", 0.8))
    known = truth("police_report/x", "R-1", "Hale Police")
    assert all(o.field != "officer_name" for o in score_file(raw, known).fields)
    with_nulls = score_file(raw, known, include_absent=True)
    officer = next(o for o in with_nulls.fields if o.field == "officer_name")
    assert (officer.tp, officer.fp, officer.fn, officer.confidence) == (0, 0, 0, 0.9)
    samples = {s.field: s for s in calibration_samples([with_nulls])}
    assert samples["police_report.report_number"].right
    assert not samples["police_report.agency_name"].right
    assert (
        samples["police_report.officer_name"].right
        and not samples["police_report.officer_name"].present
    )
    # The counts do not change when nulls are recorded.
    plain = aggregate([score_file(raw, known)], 1.0, 1)
    recorded = aggregate([with_nulls], 1.0, 1)
    assert plain.fields_overall == recorded.fields_overall


def test_recalibrated_result_is_routed_again() -> None:
    raw = file_result("a.pdf", police("R-1", "Hale Police", 0.6))
    lifting = ConfidenceCalibration(
        prior_weight=1,
        min_field_samples=1,
        maps={
            value_key(source, "*"): StepMap(lower=[0.5], value=[0.99], weight=[100])
            for source in ("ocr", "text_layer")
        },
    )
    assert recalibrated(raw, None, POLICY).documents[0].route is Route.NEEDS_REVIEW
    lifted = recalibrated(raw, lifting, POLICY).documents[0]
    assert lifted.route is Route.AUTO_APPROVED and lifted.fields["report_number"].confidence == 0.99
    blocked = raw.model_copy(
        update={
            "documents": [
                raw.documents[0].model_copy(
                    update={"validation": [ValidationIssue(code="bad_thing", message="bad")]}
                )
            ]
        }
    )
    assert recalibrated(blocked, lifting, POLICY).documents[0].route_reasons == [
        "invalid:bad_thing"
    ]


def test_each_layout_is_calibrated_without_its_own_values() -> None:
    # Layout "good" is always right at 0.8, layout "bad" always wrong at 0.8: a calibration
    # fitted without "bad" trusts 0.8 and routes "bad" straight through, wrongly.
    raw_results = []
    for i in range(40):
        raw_results.append(
            (
                file_result(f"g{i}.pdf", police(f"R-{i}", "Hale Police", 0.8)),
                truth("police_report/good", f"R-{i}", "Hale Police"),
            )
        )
    for i in range(10):
        raw_results.append(
            (
                file_result(f"b{i}.pdf", police(f"X-{i}", "Cole Sheriff", 0.8)),
                truth("police_report/bad", f"B-{i}", "Hale Police"),
            )
        )
    holdouts = {
        h.layout: h for h in leave_one_layout_out(raw_results, lambda s: fit_calibration(s), POLICY)
    }
    assert set(holdouts) == {"police_report/bad", "police_report/good"}
    bad, good = holdouts["police_report/bad"], holdouts["police_report/good"]
    assert bad.documents == 10 and bad.fields.f1 == 0.0
    assert bad.straight_through_rate == 1.0 and bad.auto_approved_field_error_rate == 1.0
    assert good.documents == 40 and good.fields.f1 == 1.0
    # Fitted on "bad" alone, 0.8 means wrong: "good" goes to review.
    assert good.straight_through_rate == 0.0

    report = aggregate([score_file(r, t) for r, t in raw_results], 1.0, 50)
    report = report.model_copy(
        update={"leave_one_layout_out": list(holdouts.values()), "notes": ["rules hand-written"]}
    )
    text = render_report(report)
    assert "Leave one layout out" in text and "police_report/bad" in text
    assert "rules hand-written" in text
    assert EvalReport.model_validate_json(report.model_dump_json()) == report


def test_document_filter_limits_document_metrics() -> None:
    scores = [
        score_file(
            file_result("a.pdf", police("R-1", "Hale Police", 0.99)),
            truth("police_report/a", "R-1", "Hale Police"),
        ),
        score_file(
            file_result("b.pdf", police("R-2", "Hale Police", 0.99)),
            truth("police_report/b", "R-9", "Hale Police"),
        ),
    ]
    only_b = aggregate(scores, 1.0, 2, document_filter=lambda p: p.layout == "police_report/b")
    assert only_b.documents_true == 1
