"""Routing: every reason code, thresholds from policy files, and what never gets auto-approved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.contract import DocType, FieldMap, FieldValue, Route, ValidationIssue
from pipeline.route import RoutingPolicy, route_document

POLICY = RoutingPolicy()


def fv(value: str | None, confidence: float = 0.99) -> FieldValue:
    return FieldValue(value=value, confidence=confidence)


def good_claim_form() -> FieldMap:
    return {
        "form_kind": fv("auto"),
        "policy_number": fv("PA-1"),
        "date_of_loss": fv("2026-03-14"),
        "insured_name": fv("Jane Q Public"),
        "insured_email": fv(None, 0.0),
    }


def good_loss_run() -> FieldMap:
    return {
        "insured_name": fv("Acme Bakery LLC"),
        "valuation_date": fv("2026-06-30"),
        "claims": [
            {"claim_number": fv("CL-1"), "paid": fv("10.00")},
            {"claim_number": fv("CL-2"), "paid": fv("20.00")},
        ],
    }


def test_confident_complete_valid_document_is_auto_approved() -> None:
    decision = route_document(DocType.CLAIM_FORM, 0.97, good_claim_form(), [], POLICY)
    assert decision.route is Route.AUTO_APPROVED
    assert decision.reasons == []


def test_other_is_never_auto_approved() -> None:
    decision = route_document(DocType.OTHER, 0.99, {"x": fv("y")}, [], POLICY)
    assert decision.route is Route.NEEDS_REVIEW
    assert decision.reasons == ["doc_type_other"]


def test_low_doc_type_confidence() -> None:
    decision = route_document(DocType.CLAIM_FORM, 0.5, good_claim_form(), [], POLICY)
    assert decision.reasons == ["low_confidence:doc_type"]


def test_low_field_confidence_only_counts_present_values() -> None:
    fields = good_claim_form()
    fields["policy_number"] = fv("PA-1", 0.89)
    fields["insured_email"] = fv(None, 0.1)  # absent: its confidence does not matter
    decision = route_document(DocType.CLAIM_FORM, 0.97, fields, [], POLICY)
    assert decision.reasons == ["low_confidence:policy_number"]


def test_list_cells_give_one_reason_per_column_without_row_index() -> None:
    fields = good_loss_run()
    fields["claims"][0]["paid"] = fv("10.00", 0.5)  # type: ignore[index]
    fields["claims"][1]["paid"] = fv("20.00", 0.6)  # type: ignore[index]
    fields["claims"][1]["reserve"] = fv("0.00", 0.6)  # type: ignore[index]
    decision = route_document(DocType.LOSS_RUN, 0.97, fields, [], POLICY)
    assert decision.reasons == ["low_confidence:claims.paid", "low_confidence:claims.reserve"]


def test_per_field_overrides_and_doc_type_qualified_keys() -> None:
    policy = RoutingPolicy(
        field_min_confidence={"claims.paid": 0.4, "loss_run.claims.paid": 0.55, "narrative": 0.5}
    )
    fields = good_loss_run()
    fields["claims"][0]["paid"] = fv("10.00", 0.5)  # type: ignore[index]
    decision = route_document(DocType.LOSS_RUN, 0.97, fields, [], policy)
    assert decision.reasons == ["low_confidence:claims.paid"]
    assert policy.min_confidence(DocType.POLICE_REPORT, "claims.paid") == 0.4
    assert policy.min_confidence(DocType.POLICE_REPORT, "report_number") == 0.90


def test_required_fields_missing_or_blank() -> None:
    fields = good_claim_form()
    fields["policy_number"] = fv(None, 0.0)
    fields["insured_name"] = fv("   ")
    del fields["form_kind"]
    decision = route_document(DocType.CLAIM_FORM, 0.97, fields, [], POLICY)
    assert decision.reasons == [
        "missing:form_kind",
        "missing:insured_name",
        "missing:policy_number",
    ]


def test_required_list_field_means_at_least_one_row() -> None:
    policy = RoutingPolicy(required_fields={DocType.LOSS_RUN: ("claims",)})
    fields = good_loss_run()
    fields["claims"] = []
    decision = route_document(DocType.LOSS_RUN, 0.97, fields, [], policy)
    assert decision.reasons == ["missing:claims"]


def test_errors_block_and_warnings_only_when_asked() -> None:
    issues = [
        ValidationIssue(code="incurred_mismatch", message="m", field="claims[0].incurred"),
        ValidationIssue(code="incurred_mismatch", message="m", field="claims[1].incurred"),
        ValidationIssue(code="closed_with_reserve", message="m", severity="warning"),
        ValidationIssue(code="missing:policy_number", message="m", field="policy_number"),
    ]
    fields = good_claim_form()
    decision = route_document(DocType.CLAIM_FORM, 0.97, fields, issues, POLICY)
    assert decision.reasons == ["invalid:incurred_mismatch", "missing:policy_number"]
    strict = RoutingPolicy(warnings_block=True)
    decision = route_document(DocType.CLAIM_FORM, 0.97, fields, issues, strict)
    assert decision.reasons == [
        "invalid:incurred_mismatch",
        "missing:policy_number",
        "warning:closed_with_reserve",
    ]


def test_warnings_alone_do_not_block_by_default() -> None:
    issues = [ValidationIssue(code="auto_without_vehicle", message="m", severity="warning")]
    decision = route_document(DocType.CLAIM_FORM, 0.97, good_claim_form(), issues, POLICY)
    assert decision.route is Route.AUTO_APPROVED


def test_empty_document_is_not_auto_approved_even_without_requirements() -> None:
    policy = RoutingPolicy(required_fields={})
    fields: FieldMap = {"insured_name": fv(None, 0.0), "claims": []}
    decision = route_document(DocType.LOSS_RUN, 0.99, fields, [], policy)
    assert decision.route is Route.NEEDS_REVIEW
    assert decision.reasons == ["empty_document"]
    assert route_document(DocType.LOSS_RUN, 0.99, {}, [], policy).reasons == ["empty_document"]


def test_reasons_sorted_and_unique() -> None:
    fields = good_loss_run()
    fields["insured_name"] = fv("Acme", 0.2)
    fields["claims"][0]["paid"] = fv("1.00", 0.2)  # type: ignore[index]
    issues = [ValidationIssue(code="total_mismatch:paid", message="m")] * 2
    decision = route_document(DocType.LOSS_RUN, 0.3, fields, issues, POLICY)
    assert decision.reasons == sorted(set(decision.reasons))
    assert decision.reasons == [
        "invalid:total_mismatch:paid",
        "low_confidence:claims.paid",
        "low_confidence:doc_type",
        "low_confidence:insured_name",
    ]


# --- policy files ---------------------------------------------------------------------------


def test_shipped_policy_file_equals_the_code_default() -> None:
    assert RoutingPolicy.default() == RoutingPolicy()


POLICY_TEXTS = {
    "policy.json": json.dumps(
        {
            "default_min_confidence": 0.8,
            "field_min_confidence": {"claims.paid": 0.95},
            "required_fields": {"loss_run": ["valuation_date"]},
            "warnings_block": True,
        }
    ),
    "policy.toml": """
default_min_confidence = 0.8
warnings_block = true
[field_min_confidence]
"claims.paid" = 0.95
[required_fields]
loss_run = ["valuation_date"]
""",
    "policy.yaml": """
default_min_confidence: 0.8
warnings_block: true
field_min_confidence:
  claims.paid: 0.95
required_fields:
  loss_run: [valuation_date]
""",
}


@pytest.mark.parametrize("name", sorted(POLICY_TEXTS))
def test_policy_from_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(POLICY_TEXTS[name], encoding="utf-8")
    policy = RoutingPolicy.from_file(path)
    assert policy.default_min_confidence == 0.8
    assert policy.min_confidence(DocType.LOSS_RUN, "claims.paid") == 0.95
    assert policy.required_fields == {DocType.LOSS_RUN: ("valuation_date",)}
    assert policy.warnings_block is True


def test_policy_file_rejects_unknown_keys_and_suffixes(tmp_path: Path) -> None:
    typo = tmp_path / "typo.json"
    typo.write_text(json.dumps({"default_min_confidense": 0.5}), encoding="utf-8")
    with pytest.raises(ValueError):
        RoutingPolicy.from_file(typo)
    with pytest.raises(ValueError):
        RoutingPolicy.from_file(tmp_path / "policy.ini")


def test_policy_is_frozen() -> None:
    with pytest.raises(ValueError):
        POLICY.default_min_confidence = 0.1  # type: ignore[misc]
