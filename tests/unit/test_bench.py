"""`claimdocs bench`: the JSON it writes, on a corpus of one digital and one scanned page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimdocs.cli import app
from tests.unit.pdf_factory import (
    FORM_LINES,
    HALF_LETTER,
    image_pdf_page,
    make_digital_pdf,
    rasterise_page,
    write_pdf_of_pages,
)

CORPUS_KEYS = {"pages", "naive_pages_per_min", "pipeline_pages_per_min", "ratio", "ocr_cpu_share"}


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    """One digital and one scanned half-letter page, told apart by their truth `variant`."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    make_digital_pdf(corpus / "form.pdf", [FORM_LINES], pagesize=HALF_LETTER)
    write_pdf_of_pages(
        corpus / "form_scan.pdf", [image_pdf_page(rasterise_page(corpus / "form.pdf", dpi=200), 200)]
    )
    for name, variant in (("form", "digital"), ("form_scan", "scanned")):
        truth = {"variant": variant, "documents": []}
        (corpus / f"{name}.truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return corpus


def test_bench_json_has_every_corpus_with_its_figures(tiny_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "bench.json"

    result = CliRunner().invoke(
        app, ["bench", "--corpus", str(tiny_corpus), "--pages", "2", "--json", str(out)]
    )

    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report["corpora"]) == {"mixed", "digital", "scanned"}
    for kind, pages in (("mixed", 2), ("digital", 1), ("scanned", 1)):
        figures = report["corpora"][kind]
        assert CORPUS_KEYS <= set(figures)
        assert figures["pages"] == pages
        assert figures["naive_pages_per_min"] > 0 and figures["pipeline_pages_per_min"] > 0
        assert figures["ratio"] == pytest.approx(
            figures["pipeline_pages_per_min"] / figures["naive_pages_per_min"], rel=0.01
        )
    assert report["corpora"]["digital"]["ocr_cpu_share"] == 0.0
    assert 0.0 < report["corpora"]["scanned"]["ocr_cpu_share"] < 1.0
    assert report["peak_rss_mb"] > 0
    assert "pipeline p/min" in result.output


def test_memory_pages_must_be_counts(tiny_corpus: Path) -> None:
    result = CliRunner().invoke(app, ["bench", "--corpus", str(tiny_corpus), "--memory-pages", "x"])

    assert result.exit_code == 2


@pytest.mark.slow  # generates and OCRs two scanned loss runs in fresh processes
def test_memory_check_runs_each_length_in_its_own_process(tmp_path: Path) -> None:
    out = tmp_path / "memory.json"

    result = CliRunner().invoke(app, ["bench", "--memory-pages", "1,2", "--json", str(out)])

    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["corpora"] == {}
    assert set(report["memory"]) == {"1", "2"}
    assert all(figures["peak_rss_mb"] > 50 for figures in report["memory"].values())
    assert report["memory_growth"] > 0
