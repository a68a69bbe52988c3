"""`process_batch` starts later files' OCR before it extracts the current file."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pipeline.contract import FileStatus
from pipeline.ocr import OcrOptions
from pipeline.runner import PipelineOptions, StageTimes, process_batch, process_file
from tests.unit.pdf_factory import (
    FORM_LINES,
    HALF_LETTER,
    image_pdf_page,
    make_digital_pdf,
    rasterise_page,
    write_pdf_of_pages,
)


@pytest.fixture
def one_page_scans(tmp_path: Path) -> list[Path]:
    scans = []
    for index, lines in enumerate((FORM_LINES[:4], FORM_LINES[4:8], FORM_LINES[8:])):
        source = tmp_path / f"part{index}.pdf"
        make_digital_pdf(source, [lines], pagesize=HALF_LETTER)
        scan = tmp_path / f"scan{index}.pdf"
        write_pdf_of_pages(scan, [image_pdf_page(rasterise_page(source, dpi=100), 100)])
        scans.append(scan)
    return scans


def test_the_next_files_are_being_read_when_the_first_result_comes_back(
    one_page_scans: list[Path], caplog: pytest.LogCaptureFixture
) -> None:
    """GIVEN three one-page scans and two OCR workers
    WHEN the batch hands back its first result
    THEN the other two files were already planned and their pages sent to the workers, so the
    second worker was not idle while the first file was read and extracted."""
    options = PipelineOptions(ocr=OcrOptions(workers=2, dpi=100))
    batch = process_batch(one_page_scans, options)

    with caplog.at_level(logging.INFO, logger="pipeline.page_words"):
        first = next(batch)
    plans_before_first_result = [r for r in caplog.records if "page words plan" in r.getMessage()]
    rest = list(batch)

    assert len(plans_before_first_result) == 3
    assert [result.source for result in [first, *rest]] == [path.name for path in one_page_scans]
    assert all(result.status is FileStatus.PROCESSED for result in [first, *rest])


def test_a_caller_that_stops_early_leaves_nothing_running(one_page_scans: list[Path]) -> None:
    options = PipelineOptions(ocr=OcrOptions(workers=2, dpi=100))
    batch = process_batch(one_page_scans, options)

    first = next(batch)
    batch.close()  # the files started ahead have their OCR cancelled, no error

    assert first.source == one_page_scans[0].name


def test_a_batch_gives_each_file_what_processing_it_alone_gives(
    one_page_scans: list[Path], tmp_path: Path
) -> None:
    """GIVEN a digital file, a scan and a file that is not a PDF
    WHEN they run as a batch (extraction in the worker processes) and one by one (here)
    THEN every result is the same, including the quarantined one."""
    digital = tmp_path / "digital.pdf"
    make_digital_pdf(digital, [FORM_LINES])
    not_pdf = tmp_path / "letter.pdf"
    not_pdf.write_text("Dear claims team,\n", encoding="utf-8")
    files = [digital, one_page_scans[0], not_pdf]
    options = PipelineOptions(ocr=OcrOptions(workers=2, dpi=100))
    times = StageTimes()

    batch = [result.model_dump() for result in process_batch(files, options, times)]
    alone = [process_file(path, options).model_dump() for path in files]

    assert batch == alone
    assert [result["status"] for result in batch] == ["processed", "processed", "quarantined"]
    # Stage times measured in the workers are booked in the batch's times.
    assert times.cpu_seconds["classify"] > 0 and times.cpu_seconds["ocr"] > 0
