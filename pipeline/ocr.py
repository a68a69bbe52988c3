"""OCR of page images: render, turn upright, deskew, Tesseract, boxes back to PDF points.

Each page is one picklable task run in the process's worker pool (`worker_pool.py`: one Tesseract
thread each, kept from file to file), and only the pages in flight are held as images. Results are kept on disk keyed by the rendered image and the OCR
settings: in the cache folder, so re-processing a file does not OCR it again, or in a scratch folder
for one call when the cache is off. A page whose image is being read by another task waits for
that reading instead of repeating it.
"""

from __future__ import annotations

import concurrent.futures
import fcntl
import hashlib
import json
import logging
import math
import os
import resource
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytesseract
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from pipeline.contract import BBox
from pipeline.load import QuarantineError, QuarantineReason
from pipeline.ocr_tools import (
    RenderedImageTooLarge,
    ToolFailed,
    ToolTimedOut,
    render_pdf_page,
    tesseract_osd,
    tesseract_tsv,
)
from pipeline.page_model import Word
from pipeline.worker_pool import WorkerPool, shared_worker_pool, shutdown_shared_worker_pools

logger = logging.getLogger(__name__)

# Bump when the cached JSON or the way words are derived changes.
CACHE_SCHEMA_VERSION = 1
# Skew is estimated on an image downscaled to this longest side: cheap and enough for line angles.
SKEW_ESTIMATE_MAX_SIDE_PX = 800
# Orientation needs letter shapes: below ~200 dpi Tesseract OSD misreads small print as upside
# down with some confidence, and above it only gets slower.
OSD_MAX_DPI = 200
SKEW_COARSE_STEP_DEG = 0.5
SKEW_FINE_STEP_DEG = 0.1
# Below this a rotation costs more in resampling blur than it gains.
MIN_SKEW_CORRECTION_DEG = 0.2
# A reading of at least this many longer words, scoring below this, triggers orientation detection.
MIN_WORDS_TO_JUDGE_ORIENTATION = 5
UPRIGHT_READING_SCORE = 0.6
WHITE = 255
# Grey level below which a reduced pixel counts as ink (see `ink_pixels`).
INK_LEVEL = 170


class OcrOptions(BaseModel):
    """How pages get their words: when to trust the text layer, and how to OCR the rest."""

    model_config = ConfigDict(frozen=True)

    dpi: int = Field(default=300, ge=72, le=600)
    language: str = "eng"
    # 3: fully automatic layout, which gives blocks and lines for the geometry rules.
    psm: int = Field(default=3, ge=0, le=13)
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    cache_dir: Path | None = None
    page_timeout_s: float = Field(default=180.0, gt=0)
    # Whole-file poppler calls (pdftotext, pdfimages).
    tool_timeout_s: float = Field(default=120.0, gt=0)
    detect_orientation: bool = True
    # Tesseract OSD confidence below which we leave the page as rendered (measured: wrong calls
    # came with <= 3.8, right ones at 200 dpi with >= 7.9).
    min_orientation_confidence: float = Field(default=5.0, ge=0)
    max_skew_degrees: float = Field(default=5.0, ge=0, le=15)
    # A text layer is used when it has this many real words and this share of its words are real.
    min_text_layer_words: int = Field(default=3, ge=1)
    min_real_word_ratio: float = Field(default=0.6, ge=0, le=1)
    # A page this covered by images whose text layer has fewer words than the second number is
    # OCRed (the text layer is only a stamp or the filled values over a pictured form); its
    # text-layer words replace the OCR words they overlap.
    ocr_image_coverage: float = Field(default=0.5, ge=0, le=1)
    min_text_layer_words_over_image: int = Field(default=30, ge=0)
    # A rendered page with at most this much ink (see `ink_pixels`) is blank and skips Tesseract:
    # separator sheets and empty backs of duplex scans otherwise cost several OCR passes, since a
    # reading with no words also triggers orientation detection. 0 turns the check off.
    blank_page_max_ink: int = Field(default=40, ge=0)
    # A page that is a photograph (damage photos in a claim packet) skips Tesseract, which
    # finds no text there but spends a full pass looking: see `looks_like_photo`. 0 turns the
    # check off.
    photo_max_line_contrast: float = Field(default=0.03, ge=0, le=1)

    def cache_settings(self) -> dict[str, object]:
        """Everything besides the image that changes what OCR returns."""
        return {
            "schema": CACHE_SCHEMA_VERSION,
            "tesseract": str(pytesseract.get_tesseract_version()),
            "dpi": self.dpi,
            "language": self.language,
            "psm": self.psm,
            "detect_orientation": self.detect_orientation,
            "min_orientation_confidence": self.min_orientation_confidence,
            "max_skew_degrees": self.max_skew_degrees,
        }


class OcrPageTask(BaseModel):
    """One page to OCR: everything a worker process needs, and nothing else."""

    model_config = ConfigDict(frozen=True)

    pdf_path: Path
    page_number: int
    displayed_width: float  # points, as pdftoppm renders it (/Rotate applied)
    displayed_height: float
    options: OcrOptions
    # Where readings are shared between tasks: the cache folder, or a scratch folder that
    # `ocr_pages` makes for one call when the cache is off. None: no sharing.
    results_dir: Path | None = None


class OcrPageResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    page_number: int
    width: float  # points, upright
    height: float
    rotation: int  # degrees clockwise we turned the rendered page to make it upright
    skew_degrees: float  # counter-clockwise correction applied before Tesseract
    words: list[Word]
    cache_hit: bool = False
    # CPU seconds of the worker and its pdftoppm/tesseract children for this page; 0 on a
    # cache hit (only the render that finds the key was spent). Not stored in the cache.
    cpu_seconds: float = 0.0
    worker_pid: int = 0  # the process that answered: shows that workers outlive a file


# The name callers knew before the pool also ran extraction (dagster_project stops it with this).
shutdown_shared_ocr_pools = shutdown_shared_worker_pools

# Fields that describe one answer, not the reading: never written to the cache.
_PER_ANSWER_FIELDS = {"cache_hit", "cpu_seconds", "worker_pid"}


class OcrPageStream:
    """The OCR of one file's pages, under way from the moment it is made.

    The first pages are submitted at once, so a caller can start the next file's OCR before it
    extracts the current one; iterating yields results in task order and keeps at most two pages
    per worker in flight, so a long file never holds all its pages. Close it (or iterate to the
    end) to drop the pages nobody will read.
    """

    def __init__(self, tasks: list[OcrPageTask], pool: WorkerPool) -> None:
        self._pool = pool
        self._window = 2 * pool.workers
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        options = tasks[0].options if tasks else None
        results_dir: Path | None = None
        if options is not None and options.cache_dir is not None:
            options.cache_dir.mkdir(parents=True, exist_ok=True)
            results_dir = options.cache_dir
        elif options is not None:
            # Workers still reading a cancelled page may write into it while it is removed.
            self._scratch = tempfile.TemporaryDirectory(
                prefix="claimdocs-ocr-", ignore_cleanup_errors=True
            )
            results_dir = Path(self._scratch.name)
        self._pending = deque(
            task.model_copy(update={"results_dir": results_dir}) for task in tasks
        )
        self._in_flight: deque[concurrent.futures.Future[OcrPageResult]] = deque()
        try:
            self._top_up()
        except BaseException:
            self.close()
            raise

    def _top_up(self) -> None:
        while self._pending and len(self._in_flight) < self._window:
            self._in_flight.append(self._pool.submit(ocr_page, self._pending.popleft()))

    def __iter__(self) -> OcrPageStream:
        return self

    def __next__(self) -> OcrPageResult:
        if not self._in_flight:
            self.close()
            raise StopIteration
        try:
            result = self._in_flight.popleft().result()
            self._top_up()
        except BrokenProcessPool as error:
            self.close()
            self._pool.discard_broken()
            raise QuarantineError(QuarantineReason.WORKER_CRASHED) from error
        except BaseException:
            self.close()
            raise
        return result

    def close(self) -> None:
        """Cancel the pages not yet started; the ones being read finish and are dropped."""
        self._pending.clear()
        while self._in_flight:
            self._in_flight.popleft().cancel()
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    def __enter__(self) -> OcrPageStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def ocr_pages(
    tasks: list[OcrPageTask], workers: int, pool: WorkerPool | None = None
) -> OcrPageStream:
    """Start the OCR of `tasks` in a process pool (default: this process's shared one).

    Pages with the same image are read once: the cache, or a scratch folder for this stream
    when the cache is off, hands one reading to the others.
    """
    return OcrPageStream(tasks, pool or shared_worker_pool(workers))


def _cpu_seconds() -> float:
    """CPU of this process plus its finished children (pdftoppm, tesseract)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def ocr_page(task: OcrPageTask) -> OcrPageResult:
    """Render one page and read its words; runs inside a worker process.

    Blank pages and photographs are not read. Most pages are scanned upright, so the page is
    read as rendered first and orientation detection (slower than the OCR of a half-empty page)
    runs only when that reading does not look like upright text, or first when the page's ink
    profile shows its lines standing on end; a turned reading is kept only if it reads better.
    """
    started = _cpu_seconds()
    options = task.options
    image = render_page(task.pdf_path, task.page_number, options.dpi, options.page_timeout_s)
    blank = options.blank_page_max_ink and ink_pixels(image) <= options.blank_page_max_ink
    ink = None if blank else ink_mask(image)
    photo = ink is not None and looks_like_photo(ink, options.photo_max_line_contrast)
    if blank or photo:
        if photo:
            logger.info("page %d looks like a photograph: not OCRed", task.page_number)
        return _blank_page(task).model_copy(
            update={"cpu_seconds": round(_cpu_seconds() - started, 4), "worker_pid": os.getpid()}
        )
    results_dir = task.results_dir or options.cache_dir
    key = page_image_key(image, options) if results_dir is not None else ""
    with _image_claim(results_dir, key) as result_path:
        if result_path is not None and result_path.is_file():
            cached = _read_cache(result_path, task.page_number)
            if cached is not None:
                return cached
        result = _read_page(image, task, ink)
        if result_path is not None:
            _write_cache(result_path, result)
    return result.model_copy(
        update={"cpu_seconds": round(_cpu_seconds() - started, 4), "worker_pid": os.getpid()}
    )


@contextmanager
def _image_claim(results_dir: Path | None, key: str) -> Iterator[Path | None]:
    """Hold the lock of one page image while its result is looked up and, if missing, made.

    A second task with the same image (a duplicated page, the same file twice in a batch, two
    pipelines sharing a cache) blocks here until the first has written its result, then reads
    it. flock is released by the kernel if the holder dies, so a crash leaves no stale claim.
    """
    if results_dir is None:
        yield None
        return
    result_path = results_dir / key[:2] / f"{key}.json"
    lock_path = result_path.with_suffix(".lock")
    try:
        result_path.parent.mkdir(exist_ok=True)
        descriptor = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o644)
    except FileNotFoundError:
        yield None  # the call's scratch folder is gone: nobody waits for this page any more
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield result_path
        if result_path.is_file():
            lock_path.unlink(missing_ok=True)  # later readers find the result without it
    finally:
        os.close(descriptor)


def ink_pixels(image: Image.Image) -> int:
    """Dark pixels of the page at a quarter of its resolution.

    Averaging 4x4 blocks first fades the isolated specks of a noisy scan, which would otherwise
    make an empty page look inked; a printed character keeps several dark blocks. At 300 dpi a
    blank page measures 0-10, one short word a few hundred, a sparse text page thousands.
    """
    reduced = np.asarray(image.convert("L").reduce(4))
    return int((reduced < INK_LEVEL).sum())


# Share of a photograph's pixels on the dark side of its Otsu threshold is large; a page of
# text, however dense, keeps most of it paper (measured: text pages 0.002-0.12, photos ~0.37).
PHOTO_MIN_INK_SHARE = 0.2


def looks_like_photo(ink: np.ndarray, max_line_contrast: float) -> bool:
    """Whether the page is a picture with no lines of text: much of it dark, and neither its
    ink nor its paper changing from row to row or column to column as text lines make them.

    Line contrast: the summed change of a profile from one row (column) to the next, over the
    profile's sum, the highest of ink and paper (white text on black counts), rows and
    columns. Measured at 800 px: text pages 0.086 and up (115 scanned pages, ruled forms and
    dense loss runs included), photographs 0.006-0.008. 0 turns the check off.
    """
    if not max_line_contrast or ink.mean() < PHOTO_MIN_INK_SHARE:
        return False
    dark = ink.astype(np.float64)
    contrast = 0.0
    for mask in (dark, 1.0 - dark):
        for axis in (0, 1):
            profile = mask.sum(axis=axis)
            total = float(profile.sum())
            if total:
                contrast = max(contrast, float(np.abs(np.diff(profile)).sum()) / total)
    return contrast < max_line_contrast


def _blank_page(task: OcrPageTask) -> OcrPageResult:
    return OcrPageResult(
        page_number=task.page_number,
        width=task.displayed_width,
        height=task.displayed_height,
        rotation=0,
        skew_degrees=0.0,
        words=[],
    )


def _read_page(
    image: Image.Image, task: OcrPageTask, ink: np.ndarray | None = None
) -> OcrPageResult:
    options = task.options
    # A page whose text lines run up and down was scanned on its side. Reading it as rendered
    # first would cost a whole wasted Tesseract pass; orientation detection costs less, so it
    # goes first there and the page is read once, turned.
    rotation: int | None = None
    ink = ink_mask(image) if ink is None else ink
    if options.detect_orientation and text_runs_sideways(ink):
        rotation = detect_rotation(image, options)
    first = rotation if rotation in (90, 270) else 0
    reading = _read_turned(image, first, options, ink if first == 0 else None)
    if options.detect_orientation and not looks_upright(reading.words):
        if rotation is None:
            rotation = detect_rotation(image, options)
        if rotation and rotation != first:
            candidates = [rotation]
        elif _horizontal_share(reading.words) < 0.5:
            # OSD could not tell, but the words stand on end: the page lies on one side or the
            # other, and the better reading says which.
            candidates = [90, 270]
        else:
            candidates = []
        if first:
            candidates = [0, *candidates]  # OSD was wrong: the page as rendered is a candidate
        for candidate in dict.fromkeys(c for c in candidates if c != first):
            turned = _read_turned(image, candidate, options)
            if _reading_score(turned.words) > _reading_score(reading.words):
                reading = turned

    width, height = task.displayed_width, task.displayed_height
    if reading.rotation in (90, 270):
        width, height = height, width
    return OcrPageResult(
        page_number=task.page_number,
        width=width,
        height=height,
        rotation=reading.rotation,
        skew_degrees=reading.skew_degrees,
        words=[_clamp_to_page(word, width, height) for word in reading.words],
    )


@dataclass(frozen=True)
class _Reading:
    rotation: int
    skew_degrees: float
    words: list[Word]  # points of the page turned by `rotation`, before deskewing


def _read_turned(
    image: Image.Image, rotation: int, options: OcrOptions, ink: np.ndarray | None = None
) -> _Reading:
    """Turn the page `rotation` degrees clockwise, straighten it, OCR it (`ink`: the page's
    `ink_mask`, as rendered, when `rotation` is 0)."""
    upright = image.rotate(-rotation, expand=True) if rotation else image
    skew = (
        estimate_skew(upright, options.max_skew_degrees, ink if not rotation else None)
        if options.max_skew_degrees
        else 0.0
    )
    if abs(skew) < MIN_SKEW_CORRECTION_DEG:
        skew = 0.0
    ocr_image = (
        upright.rotate(skew, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=WHITE)
        if skew
        else upright
    )
    words = [
        _to_page_points(word, skew, ocr_image.size, upright.size, options.dpi)
        for word in _tesseract_words(ocr_image, options)
    ]
    return _Reading(rotation=rotation, skew_degrees=skew, words=words)


def _long_words(words: list[Word]) -> list[Word]:
    return [word for word in words if sum(char.isalnum() for char in word.text) >= 3]


def _horizontal_share(words: list[Word]) -> float:
    """Share of the longer words whose box is wider than tall."""
    long_words = _long_words(words)
    if not long_words:
        return 1.0
    horizontal = sum(
        (word.bbox[2] - word.bbox[0]) > (word.bbox[3] - word.bbox[1]) for word in long_words
    )
    return horizontal / len(long_words)


def _reading_score(words: list[Word]) -> float:
    """Mean confidence of the longer words, times the share of them lying horizontally."""
    long_words = _long_words(words)
    if not long_words:
        return 0.0
    mean_confidence = sum(word.confidence for word in long_words) / len(long_words)
    return mean_confidence * _horizontal_share(long_words)


def looks_upright(words: list[Word]) -> bool:
    """Whether an OCR reading is upright text.

    Measured: upright scans read with mean confidence ~0.95, sideways or upside-down ones ~0.3;
    Tesseract also reads pages turned 90 degrees clockwise well, but with every word box standing
    on end, hence the horizontal share. Too few words to judge counts as upright: orientation
    detection could not judge them either.
    """
    if len(_long_words(words)) < MIN_WORDS_TO_JUDGE_ORIENTATION:
        return True
    return _reading_score(words) >= UPRIGHT_READING_SCORE


def render_page(pdf_path: Path, page_number: int, dpi: int, timeout_s: float) -> Image.Image:
    """The page as pdftoppm shows it (/Rotate applied), grayscale, at `dpi`."""
    try:
        return render_pdf_page(pdf_path, page_number, dpi, timeout_s)
    except ToolTimedOut as error:
        raise QuarantineError(QuarantineReason.TIMEOUT, seconds=timeout_s) from error
    except RenderedImageTooLarge as error:
        raise QuarantineError(QuarantineReason.BOMB) from error
    except ToolFailed as error:
        logger.info("page %d did not render: exit code %d", page_number, error.returncode)
        raise QuarantineError(QuarantineReason.CORRUPT) from error


def detect_rotation(image: Image.Image, options: OcrOptions) -> int:
    """Clockwise degrees (0/90/180/270) that make the page upright, from Tesseract OSD."""
    scale = min(1.0, OSD_MAX_DPI / options.dpi)
    small = _resized(image, scale)
    small_dpi = round(options.dpi * scale)
    try:
        osd = tesseract_osd(small, small_dpi, options.page_timeout_s)
    except ToolFailed:
        return 0  # too little text to tell: leave the page as rendered
    except ToolTimedOut:
        # OCR itself will tell whether the page is hopeless.
        logger.info("orientation detection timed out")
        return 0
    try:
        rotation = int(osd.get("Rotate", "0")) % 360
        confidence = float(osd.get("Orientation confidence", "0"))
    except ValueError:
        return 0
    if rotation not in (90, 180, 270):
        return 0
    if confidence < options.min_orientation_confidence:
        return 0
    return rotation


# Row-to-column sharpness of the ink profile (see `text_runs_sideways`) below which text lines
# probably run up and down. Measured on 115 scanned pages of the corpus and seed 101: sideways
# pages 0.21-0.80, upright portrait pages 0.81 and up, upright landscape ones (wide loss runs)
# 1.19 and up. A landscape rendering is more often a portrait page on its side, hence its
# higher bar. A wrong guess costs one orientation detection or one wasted reading, never a
# wrong reading: the page is still judged by how it reads.
SIDEWAYS_PROFILE_RATIO_LANDSCAPE = 1.0
SIDEWAYS_PROFILE_RATIO_PORTRAIT = 0.75


def text_runs_sideways(ink: np.ndarray) -> bool:
    """Whether the page's ink (`ink_mask`) changes more sharply from column to column than from
    row to row, as it does when its text lines stand on end (horizontal lines give sharp row
    profiles)."""
    if ink.mean() < 0.002:
        return False  # blank: nothing to turn
    rows = float(np.sum(np.diff(ink.sum(axis=1, dtype=np.int64)).astype(np.float64) ** 2))
    columns = float(np.sum(np.diff(ink.sum(axis=0, dtype=np.int64)).astype(np.float64) ** 2))
    height, width = ink.shape
    landscape = width > height
    limit = SIDEWAYS_PROFILE_RATIO_LANDSCAPE if landscape else SIDEWAYS_PROFILE_RATIO_PORTRAIT
    return rows / width < limit * columns / height


def ink_mask(image: Image.Image) -> np.ndarray:
    """The page's ink (Otsu threshold) at no more than 800 px a side: what the page checks
    (photo, sideways text, skew) look at, made once per rendered page."""
    small = _resized(image, min(1.0, SKEW_ESTIMATE_MAX_SIDE_PX / max(image.size)))
    pixels = np.asarray(small, dtype=np.uint8)
    return pixels < _otsu_threshold(pixels)


def estimate_skew(image: Image.Image, max_degrees: float, ink: np.ndarray | None = None) -> float:
    """Counter-clockwise degrees that straighten the text lines (projection-profile search).

    Rotates a downscaled ink mask (`ink`, if already made from this image) over candidate
    angles and keeps the one whose row sums change most sharply from row to row: straight text
    lines give tall, narrow peaks.
    """
    if ink is None:
        ink = ink_mask(image)
    if ink.mean() < 0.002:
        return 0.0  # blank page
    mask = Image.fromarray(ink.astype(np.uint8) * 255)

    def sharpness(angle: float) -> float:
        rotated = np.asarray(mask.rotate(angle, resample=Image.Resampling.NEAREST))
        row_ink = rotated.sum(axis=1, dtype=np.int64)
        return float(np.sum(np.diff(row_ink).astype(np.float64) ** 2))

    def best_of(angles: np.ndarray) -> float:
        return float(max(angles, key=sharpness))

    coarse = best_of(np.arange(-max_degrees, max_degrees + 1e-9, SKEW_COARSE_STEP_DEG))
    fine = best_of(
        np.arange(
            coarse - SKEW_COARSE_STEP_DEG, coarse + SKEW_COARSE_STEP_DEG + 1e-9, SKEW_FINE_STEP_DEG
        )
    )
    return round(fine, 2)


def _resized(image: Image.Image, scale: float) -> Image.Image:
    if scale >= 1:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def _otsu_threshold(pixels: np.ndarray) -> int:
    histogram = np.bincount(pixels.ravel(), minlength=256).astype(float)
    total = histogram.sum()
    levels = np.arange(256)
    weight_dark = np.cumsum(histogram)
    weight_light = total - weight_dark
    sum_dark = np.cumsum(histogram * levels)
    mean_dark = sum_dark / np.maximum(weight_dark, 1)
    mean_light = (sum_dark[-1] - sum_dark) / np.maximum(weight_light, 1)
    between = weight_dark * weight_light * (mean_dark - mean_light) ** 2
    return int(np.argmax(between)) + 1


def _tesseract_words(image: Image.Image, options: OcrOptions) -> list[Word]:
    """Words in pixel boxes of `image`, in Tesseract's reading order."""
    try:
        rows = tesseract_tsv(
            image, options.language, options.psm, options.dpi, options.page_timeout_s
        )
    except ToolFailed as error:  # Tesseract exited with an error (e.g. no such language)
        raise QuarantineError(QuarantineReason.WORKER_CRASHED) from error
    except ToolTimedOut as error:
        raise QuarantineError(QuarantineReason.TIMEOUT, seconds=options.page_timeout_s) from error

    words: list[Word] = []
    line_ids: dict[tuple[str, str, str], int] = {}
    for row in rows:
        text = " ".join(row.get("text", "").split())
        try:
            # Whole percent, as pytesseract gave it: cached readings and the fitted confidence
            # calibration were made that way.
            confidence = float(int(float(row["conf"])))
            left, top = float(row["left"]), float(row["top"])
            right, bottom = left + float(row["width"]), top + float(row["height"])
            block_id = int(row["block_num"])
        except (KeyError, ValueError):
            continue
        if not text or confidence < 0:
            continue
        line_key = (row["block_num"], row["par_num"], row["line_num"])
        line_id = line_ids.setdefault(line_key, len(line_ids) + 1)
        words.append(
            Word(
                text=text,
                bbox=(left, top, right, bottom),
                confidence=min(confidence / 100.0, 1.0),
                line_id=line_id,
                block_id=block_id,
            )
        )
    return words


def _to_page_points(
    word: Word,
    skew_degrees: float,
    ocr_size: tuple[int, int],
    upright_size: tuple[int, int],
    dpi: int,
) -> Word:
    """Pixel box on the deskewed image -> point box on the upright (not deskewed) page.

    The box centre is turned back by the skew and the box keeps its size: rotating the four
    corners instead would inflate every box by its length times the sine of the skew.
    """
    x0, y0, x1, y1 = word.bbox
    if skew_degrees:
        centre_x, centre_y = (x0 + x1) / 2, (y0 + y1) / 2
        dx, dy = centre_x - ocr_size[0] / 2, centre_y - ocr_size[1] / 2
        angle = math.radians(skew_degrees)
        # Inverse of PIL's counter-clockwise rotation, in image coordinates (y down).
        back_x = dx * math.cos(angle) - dy * math.sin(angle) + upright_size[0] / 2
        back_y = dx * math.sin(angle) + dy * math.cos(angle) + upright_size[1] / 2
        half_w, half_h = (x1 - x0) / 2, (y1 - y0) / 2
        x0, y0, x1, y1 = back_x - half_w, back_y - half_h, back_x + half_w, back_y + half_h
    scale = 72.0 / dpi
    bbox: BBox = (x0 * scale, y0 * scale, x1 * scale, y1 * scale)
    return word.model_copy(update={"bbox": bbox})


def _clamp_to_page(word: Word, width: float, height: float) -> Word:
    x0, y0, x1, y1 = word.bbox
    bbox: BBox = (
        round(min(max(x0, 0.0), width), 2),
        round(min(max(y0, 0.0), height), 2),
        round(min(max(x1, 0.0), width), 2),
        round(min(max(y1, 0.0), height), 2),
    )
    return word.model_copy(update={"bbox": bbox})


def page_image_key(image: Image.Image, options: OcrOptions) -> str:
    """sha256 of the rendered pixels plus every setting that changes the OCR result."""
    digest = hashlib.sha256()
    digest.update(f"{image.mode}:{image.width}x{image.height}:".encode())
    digest.update(image.tobytes())
    digest.update(json.dumps(options.cache_settings(), sort_keys=True).encode())
    return digest.hexdigest()


def _read_cache(path: Path, page_number: int) -> OcrPageResult | None:
    try:
        cached = OcrPageResult.model_validate_json(path.read_bytes())
    except (OSError, ValueError):
        return None  # unreadable or stale entry: OCR again and overwrite it
    # The same image may sit on another page of another file.
    return cached.model_copy(
        update={
            "page_number": page_number,
            "cache_hit": True,
            "cpu_seconds": 0.0,
            "worker_pid": os.getpid(),
        }
    )


def _write_cache(path: Path, result: OcrPageResult) -> None:
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        temporary.write_text(result.model_dump_json(exclude=_PER_ANSWER_FIELDS))
        os.replace(temporary, path)  # atomic: a reader never sees half a file
    except FileNotFoundError:
        pass  # the call's scratch folder was removed under us: nobody will read this
