"""Confidence calibration: pool-adjacent-violators, the shrunk per-field maps, applying them to
field maps (values, nulls, list cells) and the switch that leaves extraction raw."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from extractors import extract_fields
from extractors.calibration import (
    DEFAULT_CALIBRATION_PATH,
    CalibrationSample,
    ConfidenceCalibration,
    StepMap,
    fit_calibration,
    fit_step_map,
    pool_adjacent_violators,
    read_calibration,
    value_key,
    value_kind_key,
)
from extractors.confidence import active_calibration, calibrate_field_map, confidence_calibration
from pipeline.contract import DocType, FieldKind, FieldValue
from tests.unit.placed_words import page


def test_pav_pools_a_violating_pair_into_its_mean() -> None:
    blocks = pool_adjacent_violators([(0.1, 1.0, 1), (0.2, 0.0, 1), (0.3, 1.0, 1)])
    assert [(b.low, b.high, b.mean, b.weight) for b in blocks] == [
        (0.1, 0.2, 0.5, 2),
        (0.3, 0.3, 1.0, 1),
    ]


def test_pav_pools_backwards_until_means_rise() -> None:
    blocks = pool_adjacent_violators([(1, 0.9, 1), (2, 0.8, 1), (3, 0.1, 1), (4, 1.0, 1)])
    assert [round(b.mean, 4) for b in blocks] == [0.6, 1.0]
    assert (blocks[0].low, blocks[0].high) == (1, 3)


points = st.lists(
    st.tuples(st.floats(0, 1), st.floats(0, 1), st.floats(0.1, 50)), min_size=1, max_size=40
)


@given(points)
def test_pav_is_monotone_and_keeps_mass(found: list[tuple[float, float, float]]) -> None:
    blocks = pool_adjacent_violators(found)
    means = [b.mean for b in blocks]
    assert all(a < b + 1e-9 for a, b in zip(means, means[1:], strict=False))
    assert abs(sum(b.weight for b in blocks) - sum(w for _, _, w in found)) < 1e-6
    assert abs(sum(b.mean * b.weight for b in blocks) - sum(y * w for _, y, w in found)) < 1e-6


def test_step_map_is_conservative_between_and_below_blocks() -> None:
    step = StepMap(lower=[0.5, 0.9], value=[0.7, 0.99], weight=[10, 10])
    assert step(0.95) == 0.99
    assert step(0.89) == 0.7  # between blocks: the lower one
    assert step(0.3) == 0.3  # below anything seen: no better than raw
    assert StepMap(lower=[], value=[], weight=[])(0.42) == 0.42


def test_raw_scores_are_looked_up_on_the_grid_they_were_fitted_on() -> None:
    # 0.8245 was pooled as 0.824 or 0.825 when fitting; either way it is that block.
    step = fit_step_map([(0.8245, True)] * 500, prior=lambda raw: raw, prior_weight=1)
    assert step(0.8245) > 0.99


def test_few_values_are_shrunk_toward_the_prior() -> None:
    # Three right values at 0.8: not proof that such values are always right.
    step = fit_step_map([(0.8, True)] * 3, prior=lambda raw: raw, prior_weight=20)
    assert 0.8 < step(0.8) < 0.85
    many = fit_step_map([(0.8, True)] * 2000, prior=lambda raw: raw, prior_weight=20)
    assert many(0.8) > 0.99


def sample(
    field: str, kind: FieldKind, raw: float, right: bool, present: bool = True, source: str = "ocr"
):
    return CalibrationSample(
        field=field, kind=kind, raw=raw, right=right, present=present, source=source
    )


def test_fields_with_enough_data_get_their_own_map() -> None:
    samples = [sample("claim_form.policy_number", FieldKind.IDENTIFIER, 0.9, True)] * 300
    samples += [
        sample("claim_form.naic_code", FieldKind.IDENTIFIER, 0.9, i % 2 == 0) for i in range(100)
    ]
    samples += [sample("claim_form.vehicle_plate", FieldKind.IDENTIFIER, 0.9, False)] * 5
    calibration = fit_calibration(samples, min_field_samples=60)
    assert value_key("ocr", "claim_form.policy_number") in calibration.maps
    assert value_key("ocr", "claim_form.naic_code") in calibration.maps
    assert value_key("ocr", "claim_form.vehicle_plate") not in calibration.maps
    policy = calibration.calibrated("claim_form.policy_number", FieldKind.IDENTIFIER, 0.9, True)
    naic = calibration.calibrated("claim_form.naic_code", FieldKind.IDENTIFIER, 0.9, True)
    # Too few plates for a map of their own: they get their kind's share.
    plate = calibration.calibrated("claim_form.vehicle_plate", FieldKind.IDENTIFIER, 0.9, True)
    kind = calibration.maps[value_kind_key("ocr", FieldKind.IDENTIFIER)](0.9)
    assert policy > 0.95 > kind > 0.8 > naic
    assert plate == kind


def test_nulls_are_calibrated_on_their_own() -> None:
    samples = [sample("claim_form.insured_email", FieldKind.EMAIL, 0.88, True, present=False)] * 400
    samples += [sample("claim_form.time_of_loss", FieldKind.TIME, 0.88, False, present=False)] * 400
    calibration = fit_calibration(samples, min_field_samples=60)
    email = calibration.calibrated("claim_form.insured_email", FieldKind.EMAIL, 0.88, False)
    time = calibration.calibrated("claim_form.time_of_loss", FieldKind.TIME, 0.88, False)
    assert email > 0.95 and time < 0.3


def test_text_layer_and_ocr_values_are_calibrated_apart() -> None:
    samples = [
        sample("loss_run.claims.paid", FieldKind.MONEY, 0.97, True, source="text_layer")
    ] * 300
    samples += [
        sample("loss_run.claims.paid", FieldKind.MONEY, 0.97, i % 10 > 0) for i in range(300)
    ]
    calibration = fit_calibration(samples)
    digital = calibration.calibrated(
        "loss_run.claims.paid", FieldKind.MONEY, 0.97, True, "text_layer"
    )
    scanned = calibration.calibrated("loss_run.claims.paid", FieldKind.MONEY, 0.97, True, "ocr")
    unknown = calibration.calibrated("loss_run.claims.paid", FieldKind.MONEY, 0.97, True, None)
    assert digital > 0.99 and 0.85 < scanned < 0.92 and unknown == scanned


def test_extraction_marks_where_words_came_from() -> None:
    from pipeline.page_model import WordSource

    scanned = page((72, 72, "Policy Number: PA-1234567"), source=WordSource.OCR, confidence=0.95)
    with confidence_calibration(None):
        fields = extract_fields(DocType.CLAIM_FORM, [scanned])
        digital = extract_fields(DocType.CLAIM_FORM, [page((72, 72, "Policy Number: PA-1234567"))])
    assert fields["policy_number"].source == "ocr" and fields["insured_name"].source == "ocr"
    assert digital["policy_number"].source == "text_layer"
    assert digital["insured_name"].source == "text_layer"


def test_calibration_round_trips_through_json(tmp_path) -> None:
    samples = [sample("loss_run.claims.paid", FieldKind.MONEY, 0.97, True)] * 70
    calibration = fit_calibration(samples, fitted_on=["seed 1 profile small: 3 files"])
    path = tmp_path / "calibration.json"
    path.write_text(calibration.to_json(), encoding="utf-8")
    assert read_calibration(path) == calibration
    assert json.loads(path.read_text())["fitted_on"] == ["seed 1 profile small: 3 files"]


def test_field_maps_are_calibrated_cell_by_cell() -> None:
    samples = [sample("loss_run.claims.paid", FieldKind.MONEY, 0.9, True)] * 200
    samples += [sample("loss_run.insured_name", FieldKind.NAME, 0.9, False)] * 200
    calibration = fit_calibration(samples)
    fields = {
        "insured_name": FieldValue(value="Acme LLC", confidence=0.9),
        "claims": [{"paid": FieldValue(value="10.00", confidence=0.9, page=1, rule="r")}],
    }
    calibrated = calibrate_field_map(DocType.LOSS_RUN, fields, calibration)
    assert calibrated["insured_name"].confidence < 0.1
    cell = calibrated["claims"][0]["paid"]
    assert cell.confidence > 0.98 and (cell.value, cell.page, cell.rule) == ("10.00", 1, "r")
    assert calibrate_field_map(DocType.LOSS_RUN, fields, None) is fields


def test_extraction_can_be_asked_for_raw_confidences() -> None:
    doc = [page((72, 72, "Policy Number: PA-1234567"), (72, 100, "Date of Loss: 03/14/2026"))]
    everything_wrong = ConfidenceCalibration(
        prior_weight=1,
        min_field_samples=1,
        maps={
            value_key(source, "*"): StepMap(lower=[0.0], value=[0.01], weight=[1])
            for source in ("ocr", "text_layer")
        },
    )
    with confidence_calibration(None):
        assert active_calibration() is None
        raw = extract_fields(DocType.CLAIM_FORM, doc)
    with confidence_calibration(everything_wrong):
        mapped = extract_fields(DocType.CLAIM_FORM, doc)
    assert raw["policy_number"].value == mapped["policy_number"].value == "PA-1234567"
    assert raw["policy_number"].confidence > 0.9
    assert mapped["policy_number"].confidence == 0.01


def test_shipped_calibration_file_is_valid_when_present() -> None:
    if DEFAULT_CALIBRATION_PATH.exists():
        calibration = read_calibration(DEFAULT_CALIBRATION_PATH)
        assert calibration.fitted_on and value_key("text_layer", "*") in calibration.maps
        for step in calibration.maps.values():
            assert step.value == sorted(step.value) and step.lower == sorted(step.lower)
