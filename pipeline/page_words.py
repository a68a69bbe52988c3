"""Page words for every page of a loaded PDF: from its text layer where that is usable, else OCR.

Text-layer pages are never rendered. Pages are yielded in order while OCR runs in worker processes,
so a long file is never held in memory as images. `start_page_words` begins a file's OCR and
returns at once, so a batch can have the workers read the next file while it extracts this one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

from pydantic import BaseModel, ConfigDict

from pipeline.load import LoadedPdf
from pipeline.ocr import OcrOptions, OcrPageResult, OcrPageStream, OcrPageTask, ocr_pages
from pipeline.page_images import image_coverage
from pipeline.page_model import PageWords, Word, WordSource
from pipeline.text_layer import (
    TextLayerPage,
    is_real_word,
    read_text_layer,
    rotate_bbox,
    text_layer_quality,
)

__all__ = [
    "OcrOptions",
    "PageSourcePlan",
    "PageWordsJob",
    "iter_page_words",
    "plan_page_sources",
    "read_page_words",
    "start_page_words",
]

logger = logging.getLogger(__name__)

# Share of a text-layer word's box that an OCR word must cover for the two to be the same word.
SAME_WORD_OVERLAP = 0.5


class PageSourcePlan(BaseModel):
    """Where one page's words come from, and why (codes and counts only: safe to log)."""

    model_config = ConfigDict(frozen=True)

    page_number: int
    source: WordSource
    reason: str  # text_layer | no_text_layer | garbage_text_layer | image_page
    text_layer_words: int
    real_word_ratio: float
    image_coverage: float | None  # None: not measured, the decision did not depend on it


def read_page_words(pdf: LoadedPdf, options: OcrOptions) -> list[PageWords]:
    return list(iter_page_words(pdf, options))


def iter_page_words(pdf: LoadedPdf, options: OcrOptions) -> Iterator[PageWords]:
    """Yield every page's words in page order; raises `QuarantineError` if the file fails."""
    yield from start_page_words(pdf, options).pages()


def start_page_words(pdf: LoadedPdf, options: OcrOptions) -> PageWordsJob:
    """Read the text layer, decide each page's source and submit the first OCR pages; returns
    at once. Raises `QuarantineError` if the file fails here."""
    return PageWordsJob(pdf, options)


class PageWordsJob:
    """One file's page words, under way: `pages()` yields them in order as OCR delivers."""

    def __init__(self, pdf: LoadedPdf, options: OcrOptions) -> None:
        self._text_pages = read_text_layer(pdf.path, pdf.page_sizes, options.tool_timeout_s)
        coverage: list[float | None] = [None] * len(self._text_pages)
        if any(_depends_on_image_coverage(page, options) for page in self._text_pages):
            # One more poppler run; most digital files have words enough on every page.
            coverage = list(image_coverage(pdf.path, pdf.page_sizes, options.tool_timeout_s))
        self.plans = plan_page_sources(self._text_pages, coverage, options)
        ocr_tasks = [
            OcrPageTask(
                pdf_path=pdf.path,
                page_number=plan.page_number,
                displayed_width=pdf.page_sizes[plan.page_number - 1][0],
                displayed_height=pdf.page_sizes[plan.page_number - 1][1],
                options=options,
            )
            for plan in self.plans
            if plan.source is WordSource.OCR
        ]
        self.ocr_page_count = len(ocr_tasks)
        logger.info(
            "page words plan: pages=%d text_layer=%d ocr=%d",
            len(self.plans), len(self.plans) - len(ocr_tasks), len(ocr_tasks),
        )
        self._ocr_results: OcrPageStream | None = (
            ocr_pages(ocr_tasks, options.workers) if ocr_tasks else None
        )

    def pages(self) -> Iterator[PageWords]:
        """Every page's words in page order; raises `QuarantineError` if a page fails."""
        cache_hits = 0
        try:
            for plan, text_page in zip(self.plans, self._text_pages, strict=True):
                if plan.source is WordSource.TEXT_LAYER:
                    yield _text_layer_page_words(text_page)
                    continue
                assert self._ocr_results is not None
                result = next(self._ocr_results)
                cache_hits += result.cache_hit
                # Real text-layer words on an OCR page (a stamp, typed values over a pictured
                # form) are exact; a garbage layer is not worth keeping.
                overlay = text_page if plan.reason != "garbage_text_layer" else None
                yield _ocr_page_words(result, overlay)
        finally:
            self.close()  # a caller that stops early also stops this file's OCR
        logger.info("ocr done: pages=%d cache_hits=%d", self.ocr_page_count, cache_hits)

    def close(self) -> None:
        if self._ocr_results is not None:
            self._ocr_results.close()


def _depends_on_image_coverage(text_page: TextLayerPage, options: OcrOptions) -> bool:
    """Whether the page's source turns on how much of it images cover: a readable text layer
    too thin to hold the page on its own."""
    quality = text_layer_quality(text_page.words)
    return (
        options.min_text_layer_words
        <= quality.real_word_count
        < options.min_text_layer_words_over_image
        and quality.real_word_ratio >= options.min_real_word_ratio
    )


def plan_page_sources(
    text_pages: list[TextLayerPage], coverage: Sequence[float | None], options: OcrOptions
) -> list[PageSourcePlan]:
    """Decide per page whether its text layer is usable or the page must be OCRed.

    `coverage` is the share of each page that images cover; None where it was not measured
    because the decision does not depend on it.
    """
    plans = []
    for text_page, image_share in zip(text_pages, coverage, strict=True):
        quality = text_layer_quality(text_page.words)
        if quality.real_word_count < options.min_text_layer_words:
            source, reason = WordSource.OCR, "no_text_layer"
        elif quality.real_word_ratio < options.min_real_word_ratio:
            # Broken font encodings or an invisible layer of junk: the pixels are the truth.
            source, reason = WordSource.OCR, "garbage_text_layer"
        elif (
            quality.real_word_count < options.min_text_layer_words_over_image
            and (image_share or 0.0) >= options.ocr_image_coverage
        ):
            source, reason = WordSource.OCR, "image_page"
        else:
            source, reason = WordSource.TEXT_LAYER, "text_layer"
        plans.append(
            PageSourcePlan(
                page_number=text_page.page_number,
                source=source,
                reason=reason,
                text_layer_words=quality.word_count,
                real_word_ratio=round(quality.real_word_ratio, 3),
                image_coverage=None if image_share is None else round(image_share, 3),
            )
        )
    return plans


def _text_layer_page_words(text_page: TextLayerPage) -> PageWords:
    return PageWords(
        page_number=text_page.page_number,
        width=text_page.width,
        height=text_page.height,
        source=WordSource.TEXT_LAYER,
        rotation=text_page.rotation,
        words=text_page.words,
    )


def _ocr_page_words(result: OcrPageResult, overlay: TextLayerPage | None) -> PageWords:
    words = result.words
    if overlay is not None and overlay.words:
        words = merge_text_layer_words(words, overlay, result)
    return PageWords(
        page_number=result.page_number,
        width=result.width,
        height=result.height,
        source=WordSource.OCR,
        rotation=result.rotation,
        words=words,
        ocr_cpu_seconds=result.cpu_seconds,
    )


def merge_text_layer_words(
    ocr_words: list[Word], text_page: TextLayerPage, result: OcrPageResult
) -> list[Word]:
    """OCR words, with the exact text-layer words replacing the OCR words they sit on.

    Text-layer words are put in the OCR result's frame (the OCR may have turned the page by a
    different amount than the text layer did) and appended as their own blocks and lines.
    """
    turn = (result.rotation - text_page.rotation) % 360
    layer_words = [
        word.model_copy(
            update={"bbox": rotate_bbox(word.bbox, text_page.width, text_page.height, turn)}
        )
        for word in text_page.words
        if is_real_word(word.text)
    ]
    kept = [
        ocr_word
        for ocr_word in ocr_words
        if not any(_covers(ocr_word.bbox, layer_word.bbox) for layer_word in layer_words)
    ]
    block_offset = max((word.block_id for word in ocr_words), default=0)
    line_offset = max((word.line_id for word in ocr_words), default=0)
    appended = [
        word.model_copy(
            update={"block_id": word.block_id + block_offset, "line_id": word.line_id + line_offset}
        )
        for word in layer_words
    ]
    return kept + appended


def _covers(ocr_box: tuple[float, ...], layer_box: tuple[float, ...]) -> bool:
    overlap_w = min(ocr_box[2], layer_box[2]) - max(ocr_box[0], layer_box[0])
    overlap_h = min(ocr_box[3], layer_box[3]) - max(ocr_box[1], layer_box[1])
    if overlap_w <= 0 or overlap_h <= 0:
        return False
    smaller_area = min(
        (ocr_box[2] - ocr_box[0]) * (ocr_box[3] - ocr_box[1]),
        (layer_box[2] - layer_box[0]) * (layer_box[3] - layer_box[1]),
    )
    return smaller_area > 0 and overlap_w * overlap_h / smaller_area >= SAME_WORD_OVERLAP
