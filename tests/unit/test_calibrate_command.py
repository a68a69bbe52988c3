"""`claimdocs calibrate` on a tiny generated corpus: raw extraction, samples, a written fit."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from claimdocs.calibrate import calibrate_command, run_calibration
from extractors.calibration import read_calibration, value_key
from sample_docs.generator.corpus import render_documents
from sample_docs.generator.drawing import binary_streams
from sample_docs.generator.plan import DocSpec, FileSpec


def tiny_corpus(folder: Path) -> Path:
    """Two digital documents with their truth files (no OCR: quick)."""
    folder.mkdir(parents=True, exist_ok=True)
    specs = [
        FileSpec("claim", "claim form", docs=(DocSpec("claim_form/label_left", {"kind": "auto"}),)),
        FileSpec(
            "police", "police report", docs=(DocSpec("police_report/typed_memo", {"units": 2}),)
        ),
    ]
    with binary_streams():
        for spec in specs:
            pdf, documents = render_documents(spec, seed=3)
            (folder / f"{spec.name}.pdf").write_bytes(pdf)
            truth = {"variant": "digital", "documents": documents}
            (folder / f"{spec.name}.truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return folder


def test_run_calibration_writes_a_fit_of_text_layer_values(tmp_path: Path) -> None:
    corpus = tiny_corpus(tmp_path / "corpus")
    out = tmp_path / "calibration.json"
    report = run_calibration([corpus], out)
    assert report.files == 2 and report.values > 20 and out.exists()
    calibration = read_calibration(out)
    assert calibration.fitted_on == ["corpus: 2 files"]
    assert calibration.maps[value_key("text_layer", "*")].samples == report.values
    # Right values at the rules' usual scores come out no lower than they went in.
    assert report.confident_values > 0 and report.confident_share_right is not None


def test_command_refuses_missing_folders(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command()(calibrate_command)
    result = CliRunner().invoke(app, [str(tmp_path / "nowhere"), "--out", str(tmp_path / "c.json")])
    assert result.exit_code == 2 and "no such folder" in result.output
