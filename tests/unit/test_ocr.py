"""OCR of scanned pages: orientation, skew, boxes in points of the upright page, and the cache.

Scans are made by rendering a digital page whose word positions we drew ourselves, then turning
it as a scanner would; each result is checked against where the words must be.
"""

from __future__ import annotations

import math
import os
import signal
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageOps

import pipeline.ocr as ocr_module
from pipeline.load import QuarantineError, QuarantineReason, load_pdf
from pipeline.ocr import (
    OcrOptions,
    OcrPageResult,
    OcrPageTask,
    estimate_skew,
    ink_pixels,
    ocr_pages,
    page_image_key,
)
from pipeline.worker_pool import WorkerPool, shared_worker_pool
from tests.unit.pdf_factory import (
    FORM_LINES,
    HALF_LETTER,
    DrawnWord,
    image_pdf_page,
    make_digital_pdf,
    rasterise_page,
    scanner_turned,
    word_recall,
    write_pdf_of_pages,
)

SCAN_DPI = 300
# Scans in the shared fixture, in page order: (name, counter-clockwise degrees the scanner turned).
SCANS = [("straight", 0.0), ("sideways", 90.0), ("skewed", 2.0)]


def tasks_for(path: Path, options: OcrOptions) -> list[OcrPageTask]:
    loaded = load_pdf(path)
    return [
        OcrPageTask(
            pdf_path=loaded.path,
            page_number=number,
            displayed_width=width,
            displayed_height=height,
            options=options,
        )
        for number, (width, height) in enumerate(loaded.page_sizes, start=1)
    ]


def centre(bbox: tuple[float, float, float, float]) -> tuple[float, float]:
    return (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2


def turned_centre(
    word: DrawnWord, degrees: float, page_px: tuple[int, int], turned_px: tuple[int, int]
) -> tuple[float, float]:
    """Where a drawn word's centre lands (points) on a page PIL turned `degrees` counter-clockwise."""
    x, y = (value * SCAN_DPI / 72 for value in centre(word.bbox))
    dx, dy = x - page_px[0] / 2, y - page_px[1] / 2
    angle = math.radians(degrees)
    turned_x = dx * math.cos(angle) + dy * math.sin(angle) + turned_px[0] / 2
    turned_y = -dx * math.sin(angle) + dy * math.cos(angle) + turned_px[1] / 2
    return turned_x * 72 / SCAN_DPI, turned_y * 72 / SCAN_DPI


def unique_words(result: OcrPageResult) -> dict[str, tuple[float, float, float, float]]:
    seen: dict[str, list[tuple[float, float, float, float]]] = {}
    for word in result.words:
        seen.setdefault(word.text, []).append(word.bbox)
    return {text: boxes[0] for text, boxes in seen.items() if len(boxes) == 1}


@pytest.fixture(scope="module")
def drawn_form(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[DrawnWord]]:
    path = tmp_path_factory.mktemp("ocr") / "form.pdf"
    return path, make_digital_pdf(path, [FORM_LINES], pagesize=HALF_LETTER)[0]


@pytest.fixture(scope="module")
def scanned_results(
    drawn_form: tuple[Path, list[DrawnWord]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[OcrPageResult], tuple[int, int], list[tuple[int, int]]]:
    """One three-page scan (straight, sideways, skewed) OCRed once for all tests below."""
    digital, _ = drawn_form
    page = rasterise_page(digital, dpi=SCAN_DPI)
    turned = [scanner_turned(page, degrees) if degrees else page for _, degrees in SCANS]
    path = tmp_path_factory.mktemp("ocr") / "scans.pdf"
    write_pdf_of_pages(path, [image_pdf_page(image, SCAN_DPI) for image in turned])
    results = list(ocr_pages(tasks_for(path, OcrOptions(workers=2)), workers=2))
    return results, page.size, [image.size for image in turned]


def test_results_come_back_in_page_order(scanned_results) -> None:
    results, _, _ = scanned_results
    assert [result.page_number for result in results] == [1, 2, 3]


def test_straight_scan_reads_the_drawn_words_at_their_boxes(
    scanned_results, drawn_form: tuple[Path, list[DrawnWord]]
) -> None:
    results, _, _ = scanned_results
    _, drawn = drawn_form
    straight = results[0]
    found = unique_words(straight)

    assert straight.rotation == 0
    assert (straight.width, straight.height) == HALF_LETTER
    assert (
        word_recall([word.text for word in drawn], [word.text for word in straight.words]) >= 0.97
    )
    compared = [word for word in drawn if word.text in found]
    assert len(compared) >= 40
    for word in compared:
        assert all(abs(a - b) <= 3.0 for a, b in zip(found[word.text], word.bbox, strict=True)), (
            word
        )
    assert all(0.0 <= word.confidence <= 1.0 for word in straight.words)


def test_sideways_scan_is_turned_upright_and_read(
    scanned_results, drawn_form: tuple[Path, list[DrawnWord]]
) -> None:
    results, _, _ = scanned_results
    _, drawn = drawn_form
    sideways = results[1]
    found = unique_words(sideways)

    # The scanner turned the page 90 degrees counter-clockwise; we turn it 90 clockwise back.
    assert sideways.rotation == 90
    assert (sideways.width, sideways.height) == HALF_LETTER
    assert (
        word_recall([word.text for word in drawn], [word.text for word in sideways.words]) >= 0.97
    )
    for word in (word for word in drawn if word.text in found):
        assert all(abs(a - b) <= 3.0 for a, b in zip(found[word.text], word.bbox, strict=True)), (
            word
        )


def test_two_degree_skew_is_corrected_and_boxes_stay_on_the_scan(
    scanned_results, drawn_form: tuple[Path, list[DrawnWord]]
) -> None:
    results, page_px, turned_px = scanned_results
    _, drawn = drawn_form
    skewed = results[2]
    found = unique_words(skewed)

    assert skewed.rotation == 0
    assert skewed.skew_degrees == pytest.approx(-2.0, abs=0.3)
    assert word_recall([word.text for word in drawn], [word.text for word in skewed.words]) >= 0.97
    # Boxes are on the page as scanned (not deskewed), so a reviewer's highlight lands on the word.
    compared = [word for word in drawn if word.text in found]
    assert len(compared) >= 40
    for word in compared:
        expected_x, expected_y = turned_centre(word, 2.0, page_px, turned_px[2])
        found_x, found_y = centre(found[word.text])
        assert abs(found_x - expected_x) <= 3.0 and abs(found_y - expected_y) <= 3.0, word


@pytest.mark.slow
def test_upside_down_scan_is_turned_upright(
    drawn_form: tuple[Path, list[DrawnWord]], tmp_path: Path
) -> None:
    digital, drawn = drawn_form
    path = tmp_path / "upside_down.pdf"
    write_pdf_of_pages(path, [image_pdf_page(scanner_turned(rasterise_page(digital), 180))])

    (result,) = ocr_pages(tasks_for(path, OcrOptions(workers=1)), workers=1)

    assert result.rotation == 180
    assert word_recall([word.text for word in drawn], [word.text for word in result.words]) >= 0.97


def test_cache_answers_the_second_run_without_ocr(
    drawn_form: tuple[Path, list[DrawnWord]], tmp_path: Path
) -> None:
    digital, _ = drawn_form
    image = rasterise_page(digital, dpi=150)
    path = tmp_path / "scan.pdf"
    write_pdf_of_pages(path, [image_pdf_page(image, 150)])
    options = OcrOptions(workers=1, dpi=150, cache_dir=tmp_path / "cache")

    (first,) = ocr_pages(tasks_for(path, options), workers=1)
    (second,) = ocr_pages(tasks_for(path, options), workers=1)

    assert first.cache_hit is False
    assert second.cache_hit is True
    assert second.words == first.words
    assert len(list((tmp_path / "cache").rglob("*.json"))) == 1
    # The key covers the OCR settings, not just the image: other settings would OCR again.
    assert page_image_key(image, options) != page_image_key(
        image, options.model_copy(update={"psm": 6})
    )


def test_blank_page_gives_no_words_and_no_turn(tmp_path: Path) -> None:
    path = tmp_path / "blank.pdf"
    write_pdf_of_pages(path, [image_pdf_page(Image.new("L", (1275, 825), 255), 150)])

    (result,) = ocr_pages(tasks_for(path, OcrOptions(workers=1, dpi=150)), workers=1)

    assert result.words == []
    assert result.rotation == 0
    assert result.skew_degrees == 0.0


def speckled_blank(size: tuple[int, int], seed: int) -> Image.Image:
    """An empty page as a noisy scanner returns it: scattered dark specks of 1-2 pixels."""
    rng = np.random.default_rng(seed)
    pixels = np.full((size[1], size[0]), 245, dtype=np.uint8)
    for _ in range(600):
        y, x = rng.integers(0, size[1] - 2), rng.integers(0, size[0] - 2)
        side = int(rng.integers(1, 3))
        pixels[y : y + side, x : x + side] = rng.integers(0, 90)
    return Image.fromarray(pixels)


def test_a_speckled_blank_scan_skips_tesseract(tmp_path: Path) -> None:
    """GIVEN an empty scanned page with scanner specks
    WHEN it is OCRed
    THEN it is judged blank from its ink and Tesseract never runs (no orientation detection
    either, which an empty reading would otherwise trigger)."""
    page = speckled_blank((2550, 3300), seed=3)
    assert ink_pixels(page) <= OcrOptions().blank_page_max_ink
    path = tmp_path / "blank_scan.pdf"
    write_pdf_of_pages(path, [image_pdf_page(page, 300)])

    (skipped,) = ocr_pages(tasks_for(path, OcrOptions(workers=1)), workers=1)
    (read,) = ocr_pages(tasks_for(path, OcrOptions(workers=1, blank_page_max_ink=0)), workers=1)

    assert skipped.words == [] and skipped.rotation == 0
    # Only the render was spent: far below a Tesseract pass over the same page.
    assert skipped.cpu_seconds < read.cpu_seconds / 2


def test_a_page_with_one_short_word_is_not_blank(tmp_path: Path) -> None:
    page = speckled_blank((2550, 3300), seed=4)
    ImageDraw.Draw(page).text((1200, 1500), "VOID", fill=0, font_size=42)  # about 10 pt
    assert ink_pixels(page) > OcrOptions().blank_page_max_ink
    path = tmp_path / "one_word.pdf"
    write_pdf_of_pages(path, [image_pdf_page(page, 300)])

    (result,) = ocr_pages(tasks_for(path, OcrOptions(workers=1)), workers=1)

    assert [word.text for word in result.words] == ["VOID"]


@pytest.mark.parametrize("degrees", [-3.5, -1.0, 1.5, 4.0])
def test_estimate_skew_finds_the_angle_of_ruled_text_lines(degrees: float) -> None:
    page = Image.new("L", (1700, 2200), 255)
    draw = ImageDraw.Draw(page)
    rng = np.random.default_rng(11)
    for row in range(30):
        top = 150 + row * 62
        x = 150
        while x < 1500:  # words of varying length on each line
            length = int(rng.integers(40, 160))
            draw.rectangle((x, top, x + length, top + 22), fill=0)
            x += length + 25
    turned = page.rotate(degrees, expand=True, fillcolor=255)

    assert estimate_skew(turned, 5.0) == pytest.approx(-degrees, abs=0.2)


def count_calls(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """Calls made in this process from now on to `pipeline.ocr.<name>` (one entry each)."""
    calls: list[int] = []
    real = getattr(ocr_module, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(ocr_module, name, counted)
    return calls


@pytest.mark.parametrize(
    ("page_size", "scanner_degrees", "rotation", "detections"),
    [
        ((HALF_LETTER[1], HALF_LETTER[0]), 90, 90, 1),
        (HALF_LETTER, 90, 90, 1),
        (HALF_LETTER, 0, 0, 0),
    ],
    ids=[
        "portrait page scanned on its side",
        "landscape page scanned on its side",
        "landscape page scanned upright",
    ],
)
def test_a_page_is_read_once_whichever_way_it_lies(
    page_size: tuple[float, float],
    scanner_degrees: int,
    rotation: int,
    detections: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Text lines standing on end show in the page's ink profile, so orientation detection goes
    first and the page is read once, turned (not once as rendered, wasted, then again); an
    upright page (a wide loss run too) is read once with no orientation detection at all."""
    digital = tmp_path / "page.pdf"
    drawn = make_digital_pdf(digital, [FORM_LINES], pagesize=page_size)[0]
    page = rasterise_page(digital, dpi=SCAN_DPI)
    scan = scanner_turned(page, scanner_degrees) if scanner_degrees else page
    path = tmp_path / "scan.pdf"
    write_pdf_of_pages(path, [image_pdf_page(scan, SCAN_DPI)])
    readings = count_calls(monkeypatch, "tesseract_tsv")
    orientation_detections = count_calls(monkeypatch, "tesseract_osd")

    (task,) = tasks_for(path, OcrOptions(workers=1))
    result = ocr_module.ocr_page(task)

    assert result.rotation == rotation
    assert (len(readings), len(orientation_detections)) == (1, detections)
    assert word_recall([word.text for word in drawn], [word.text for word in result.words]) >= 0.97


def photograph(size: tuple[int, int], seed: int) -> Image.Image:
    """A stand-in for a damage photo: smooth shapes of every grey, no lines of text."""
    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, 256, (size[1] // 64, size[0] // 64), dtype=np.uint8)
    return Image.fromarray(coarse).resize(size, Image.Resampling.BICUBIC)


def test_a_photograph_skips_tesseract_and_text_pages_do_not(
    drawn_form: tuple[Path, list[DrawnWord]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A photo page (damage photos in a claim packet) has no text to find: it skips Tesseract.
    Pages of text, dark ones and white-on-black ones too, are still read."""
    digital, _ = drawn_form
    text_page = rasterise_page(digital, dpi=SCAN_DPI)
    photo = photograph(text_page.size, seed=5)
    assert ocr_module.looks_like_photo(
        ocr_module.ink_mask(photo), OcrOptions().photo_max_line_contrast
    )
    for page in (text_page, ImageOps.invert(text_page), text_page.point(lambda v: v * 0.55)):
        assert not ocr_module.looks_like_photo(
            ocr_module.ink_mask(page), OcrOptions().photo_max_line_contrast
        )

    path = tmp_path / "photo.pdf"
    write_pdf_of_pages(path, [image_pdf_page(photo, SCAN_DPI)])
    readings = count_calls(monkeypatch, "tesseract_tsv")
    (task,) = tasks_for(path, OcrOptions(workers=1))
    assert ocr_module.ocr_page(task).words == [] and readings == []
    (task,) = tasks_for(path, OcrOptions(workers=1, photo_max_line_contrast=0))
    ocr_module.ocr_page(task)
    assert len(readings) == 1  # the check turned off: read as any page


@pytest.mark.slow  # orientation detection plus three readings of the page
def test_page_on_its_side_is_turned_by_reading_when_orientation_detection_cannot_tell(
    drawn_form: tuple[Path, list[DrawnWord]], tmp_path: Path
) -> None:
    # Turned 90 degrees clockwise, Tesseract still reads the words, but every box stands on end.
    # An orientation confidence no page reaches stands in for OSD giving up.
    digital, drawn = drawn_form
    path = tmp_path / "on_its_side.pdf"
    write_pdf_of_pages(path, [image_pdf_page(scanner_turned(rasterise_page(digital), 270))])
    options = OcrOptions(workers=1, min_orientation_confidence=1000.0)

    (result,) = ocr_pages(tasks_for(path, options), workers=1)

    assert result.rotation == 270
    assert (result.width, result.height) == HALF_LETTER
    assert word_recall([word.text for word in drawn], [word.text for word in result.words]) >= 0.97


def test_tesseract_failing_on_a_page_quarantines_the_file(
    drawn_form: tuple[Path, list[DrawnWord]], tmp_path: Path
) -> None:
    # A language with no trained data makes the real Tesseract exit with an error.
    digital, _ = drawn_form
    path = tmp_path / "scan.pdf"
    write_pdf_of_pages(path, [image_pdf_page(rasterise_page(digital, dpi=100), 100)])
    options = OcrOptions(workers=1, dpi=100, language="no_such_language")

    with pytest.raises(QuarantineError) as caught:
        list(ocr_pages(tasks_for(path, options), workers=1))

    assert caught.value.reason is QuarantineReason.WORKER_CRASHED


def test_page_that_cannot_be_read_in_time_quarantines_the_file(
    drawn_form: tuple[Path, list[DrawnWord]],
) -> None:
    digital, _ = drawn_form
    options = OcrOptions(workers=1, page_timeout_s=1e-6)  # no real page renders that fast

    with pytest.raises(QuarantineError) as caught:
        list(ocr_pages(tasks_for(digital, options), workers=1))

    assert caught.value.reason is QuarantineReason.TIMEOUT


@pytest.fixture(scope="module")
def small_scan(drawn_form: tuple[Path, list[DrawnWord]], tmp_path_factory: pytest.TempPathFactory):
    """A one-page 150 dpi scan: quick to OCR, and its image."""
    digital, _ = drawn_form
    image = rasterise_page(digital, dpi=150)
    path = tmp_path_factory.mktemp("ocr") / "small_scan.pdf"
    write_pdf_of_pages(path, [image_pdf_page(image, 150)])
    return path, image


def test_each_page_reports_the_cpu_its_worker_spent_and_a_cache_hit_spends_none(
    small_scan, tmp_path: Path
) -> None:
    path, _ = small_scan
    options = OcrOptions(workers=1, dpi=150, cache_dir=tmp_path / "cache")

    (first,) = ocr_pages(tasks_for(path, options), workers=1)
    (again,) = ocr_pages(tasks_for(path, options), workers=1)

    # Render plus Tesseract on a half page: well over the few milliseconds of bookkeeping.
    assert first.cache_hit is False and first.cpu_seconds > 0.05
    assert again.cache_hit is True and again.cpu_seconds == 0.0
    # The cache holds the reading, not who made it or what it cost.
    (entry,) = (tmp_path / "cache").rglob("*.json")
    assert set(OcrPageResult.model_validate_json(entry.read_bytes()).model_fields_set) == {
        "page_number",
        "width",
        "height",
        "rotation",
        "skew_degrees",
        "words",
    }


def test_the_shared_pool_outlives_a_file(small_scan, tmp_path: Path) -> None:
    # A pool per file would start new worker processes for every file; the evidence is the
    # worker's process id, which stays the same from one file to the next.
    path, _ = small_scan
    second = tmp_path / "second.pdf"
    second.write_bytes(path.read_bytes())
    options = OcrOptions(workers=1, dpi=150)

    (first_result,) = ocr_pages(tasks_for(path, options), workers=1)
    (second_result,) = ocr_pages(tasks_for(second, options), workers=1)

    assert first_result.worker_pid == second_result.worker_pid != os.getpid()
    assert first_result.worker_pid in shared_worker_pool(1).warm_up()


def test_a_pool_whose_worker_died_is_replaced_for_the_next_file(small_scan) -> None:
    path, _ = small_scan
    options = OcrOptions(workers=1, dpi=150)
    with WorkerPool(workers=1) as pool:
        (before,) = pool.warm_up()
        os.kill(before, signal.SIGKILL)  # e.g. the kernel's OOM killer
        try:
            # Whether the file right after the death fails depends on when the pool notices;
            # if it fails, it fails as a crashed worker, never as a hang.
            list(ocr_pages(tasks_for(path, options), workers=1, pool=pool))
        except QuarantineError as error:
            assert error.reason is QuarantineReason.WORKER_CRASHED

        (result,) = ocr_pages(tasks_for(path, options), workers=1, pool=pool)

    assert result.words and result.worker_pid != before


def test_identical_page_images_in_one_file_are_read_once(small_scan, tmp_path: Path) -> None:
    # The cache is off: the pages still share one reading through the call's scratch folder,
    # including the two that two workers render at the same moment.
    _, image = small_scan
    path = tmp_path / "same_page_three_times.pdf"
    write_pdf_of_pages(path, [image_pdf_page(image, 150) for _ in range(3)])
    options = OcrOptions(workers=2, dpi=150, cache_dir=None)

    results = list(ocr_pages(tasks_for(path, options), workers=2))

    assert [result.page_number for result in results] == [1, 2, 3]
    assert sum(not result.cache_hit for result in results) == 1
    assert sum(result.cpu_seconds > 0 for result in results) == 1
    assert results[0].words and all(result.words == results[0].words for result in results)
