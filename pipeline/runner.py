"""The runner: chains the core stages for one file and turns every failure into an outcome.

load -> page words -> classify/split -> extract -> validate -> route. Pure: no database, S3 or
Dagster; callers pass options in and persist the `FileResult` themselves.
"""

from __future__ import annotations

import hashlib
import logging
import resource
import time
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from extractors import EXTRACTOR_VERSION, extract_fields
from pipeline.classify import classify_page, split_classified
from pipeline.contract import (
    DocType,
    ExtractedDocument,
    FileError,
    FileResult,
    FileStatus,
)
from pipeline.load import LoadedPdf, LoadLimits, QuarantineError, QuarantineReason, load_pdf
from pipeline.page_model import PageWords
from pipeline.page_store import PageStore
from pipeline.page_words import OcrOptions, PageWordsJob, start_page_words
from pipeline.route import RoutingPolicy, route_document
from pipeline.worker_pool import WorkerPool, shared_worker_pool
from validators import validate_fields

log = logging.getLogger(__name__)

# Code for a failure inside our own stages: the file is quarantined (the batch goes on) and the
# exception type is logged so the bug can be found; its message is not, as it may hold PII.
INTERNAL_ERROR = "internal_error"
# Files a batch loads and starts OCRing ahead of the one it extracts (bounds what they hold).
MAX_FILES_AHEAD = 4


class PipelineOptions(BaseModel):
    model_config = ConfigDict(frozen=True)

    limits: LoadLimits = Field(default_factory=LoadLimits)
    ocr: OcrOptions = Field(default_factory=OcrOptions)
    routing: RoutingPolicy = Field(default_factory=RoutingPolicy)


def _cpu_now() -> float:
    """CPU seconds of this process plus its reaped children (pdfinfo, pdftotext, ...)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


@dataclass
class StageTimes:
    """Wall-clock and CPU seconds per stage, summed over the files of a batch.

    OCR runs in worker processes that are not our direct children; their CPU comes back with
    each page (`PageWords.ocr_cpu_seconds`) and is booked as the `ocr` stage.
    """

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    cpu_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), _cpu_now()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - wall
            self.cpu_seconds[name] += _cpu_now() - cpu


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def process_file(
    path: Path, options: PipelineOptions | None = None, times: StageTimes | None = None
) -> FileResult:
    """Run every stage on one PDF. Never raises for a bad input: it comes back quarantined."""
    options = options or PipelineOptions()
    times = times if times is not None else StageTimes()
    return _finish_file(_start_file(path, options, times), options, times)


@dataclass
class _StartedFile:
    """A file loaded, its pages planned and its OCR submitted; or already quarantined."""

    path: Path
    pdf: LoadedPdf | None = None
    page_words: PageWordsJob | None = None
    outcome: FileResult | None = None

    @property
    def ocr_pages(self) -> int:
        return self.page_words.ocr_page_count if self.page_words is not None else 0

    def close(self) -> None:
        if self.page_words is not None:
            self.page_words.close()


def _start_file(path: Path, options: PipelineOptions, times: StageTimes) -> _StartedFile:
    try:
        with times.stage("load"):
            pdf = load_pdf(path, options.limits)
    except QuarantineError as error:
        log.info("quarantined file: reason=%s", error.reason)
        return _StartedFile(path, outcome=_quarantined(path, error.reason, error.message))
    try:
        with times.stage("page_words"):
            return _StartedFile(path, pdf, start_page_words(pdf, options.ocr))
    except Exception as error:  # noqa: BLE001 (turned into the file's outcome)
        return _StartedFile(path, pdf, outcome=_failed(path, pdf, error))


def _finish_file(started: _StartedFile, options: PipelineOptions, times: StageTimes) -> FileResult:
    if started.outcome is not None:
        return started.outcome
    path, pdf, page_words = started.path, started.pdf, started.page_words
    assert pdf is not None and page_words is not None
    try:
        with times.stage("page_words"):
            pages = collect_pages(page_words, times)
        documents = extract_documents(pages, options, times)
    except Exception as error:  # noqa: BLE001 (turned into the file's outcome)
        return _failed(path, pdf, error)
    return FileResult(
        source=path.name,
        sha256=pdf.sha256,
        pages=pdf.page_count,
        status=FileStatus.PROCESSED,
        documents=documents,
    )


def _failed(path: Path, pdf: LoadedPdf, error: Exception) -> FileResult:
    if isinstance(error, QuarantineError):
        return _quarantined(
            path, error.reason, error.message, sha256=pdf.sha256, pages=pdf.page_count
        )
    return _internal_error(path, pdf, type(error).__name__)


def _internal_error(path: Path, pdf: LoadedPdf, error_type: str | None) -> FileResult:
    # A bug of ours must cost one file, not the batch.
    log.error("stage failed: sha256=%s error=%s", pdf.sha256[:12], error_type)
    return _quarantined(
        path,
        INTERNAL_ERROR,
        "The pipeline failed on this file; it needs an engineer's look.",
        sha256=pdf.sha256,
        pages=pdf.page_count,
    )


def collect_pages(page_words: PageWordsJob, times: StageTimes) -> Sequence[PageWords]:
    """A file's pages as OCR delivers them, held in a `PageStore`: a long file's pages are
    packed as they come, so holding them costs little whatever the page count."""
    store = PageStore()
    for page in page_words.pages():
        times.cpu_seconds["ocr"] += page.ocr_cpu_seconds
        store.add(page)
    return store.pages(1, len(store))


def extract_documents(
    pages: Sequence[PageWords], options: PipelineOptions, times: StageTimes
) -> list[ExtractedDocument]:
    """Classify and split the pages, then extract, validate and route each document.

    Every stage reads the pages in order, one at a time, so `pages` may be packed ones that are
    unpacked on access (`PackedPages`)."""
    with times.stage("classify"):
        spans = split_classified([classify_page(page) for page in pages])
    documents: list[ExtractedDocument] = []
    for span in spans:
        doc_pages = pages[span.page_start - 1 : span.page_end]
        with times.stage("extract"):
            fields = extract_fields(span.doc_type, doc_pages)
        with times.stage("validate"):
            issues = (
                validate_fields(span.doc_type, fields) if span.doc_type != DocType.OTHER else []
            )
        with times.stage("route"):
            decision = route_document(
                span.doc_type, span.confidence, fields, issues, options.routing
            )
        documents.append(
            ExtractedDocument(
                page_start=span.page_start,
                page_end=span.page_end,
                doc_type=span.doc_type,
                doc_type_confidence=round(span.confidence, 4),
                route=decision.route,
                route_reasons=decision.reasons,
                fields=fields,
                extractor_version=EXTRACTOR_VERSION,
                validation=issues,
            )
        )
    return documents


@dataclass
class _ExtractionOutcome:
    """What a worker sends back for one file's extraction: documents or the failure, and the
    time its stages took there."""

    documents: list[ExtractedDocument] | None = None
    quarantine: tuple[QuarantineReason, str] | None = None
    error_type: str | None = None  # a bug of ours: the exception's type, never its message
    seconds: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)


def _extract_in_worker(pages: Sequence[PageWords], options: PipelineOptions) -> _ExtractionOutcome:
    times = StageTimes()
    outcome = _ExtractionOutcome()
    try:
        outcome.documents = extract_documents(pages, options, times)
    except QuarantineError as error:
        outcome.quarantine = (error.reason, error.message)
    except Exception as error:  # noqa: BLE001 (reported as the file's outcome by the batch)
        outcome.error_type = type(error).__name__
    outcome.seconds, outcome.cpu_seconds = dict(times.seconds), dict(times.cpu_seconds)
    return outcome


@dataclass
class _ExtractingFile:
    """A file whose page words are in and whose extraction runs in a worker; or its outcome."""

    started: _StartedFile
    future: Future[_ExtractionOutcome] | None = None
    outcome: FileResult | None = None

    def done(self) -> bool:
        return self.future is None or self.future.done()


def _submit_extraction(
    started: _StartedFile, options: PipelineOptions, times: StageTimes, pool: WorkerPool
) -> _ExtractingFile:
    if started.outcome is not None:
        return _ExtractingFile(started, outcome=started.outcome)
    pdf, page_words = started.pdf, started.page_words
    assert pdf is not None and page_words is not None
    try:
        with times.stage("page_words"):
            pages = collect_pages(page_words, times)
        return _ExtractingFile(started, future=pool.submit(_extract_in_worker, pages, options))
    except Exception as error:  # noqa: BLE001 (turned into the file's outcome)
        return _ExtractingFile(started, outcome=_failed(started.path, pdf, error))


def _extraction_result(
    extracting: _ExtractingFile, times: StageTimes, pool: WorkerPool
) -> FileResult:
    if extracting.outcome is not None:
        return extracting.outcome
    path, pdf = extracting.started.path, extracting.started.pdf
    assert pdf is not None and extracting.future is not None
    try:
        outcome = extracting.future.result()
    except BrokenProcessPool:
        pool.discard_broken()
        return _failed(path, pdf, QuarantineError(QuarantineReason.WORKER_CRASHED))
    except Exception as error:  # noqa: BLE001 (e.g. a result that would not pickle)
        return _failed(path, pdf, error)
    for stage, seconds in outcome.seconds.items():
        times.seconds[stage] += seconds
    for stage, seconds in outcome.cpu_seconds.items():
        times.cpu_seconds[stage] += seconds
    if outcome.quarantine is not None:
        reason, message = outcome.quarantine
        return _quarantined(path, reason, message, sha256=pdf.sha256, pages=pdf.page_count)
    if outcome.error_type is not None or outcome.documents is None:
        return _internal_error(path, pdf, outcome.error_type)
    return FileResult(
        source=path.name,
        sha256=pdf.sha256,
        pages=pdf.page_count,
        status=FileStatus.PROCESSED,
        documents=outcome.documents,
    )


def process_batch(
    paths: Iterable[Path], options: PipelineOptions | None = None, times: StageTimes | None = None
) -> Iterator[FileResult]:
    """Process files in order; each yields exactly one result, good or quarantined.

    Every core works: later files are loaded and their OCR started before a file is extracted
    (until they hold OCR pages enough for every worker, at most `MAX_FILES_AHEAD` files), and
    extraction runs in the same worker processes as OCR, up to one file per worker, while this
    process reads the next files' text layers. A batch of one-page scans keeps all workers
    busy, and so does a batch of digital files, whose cost is extraction.
    """
    options = options or PipelineOptions()
    times = times if times is not None else StageTimes()
    pool = shared_worker_pool(options.ocr.workers)
    started: deque[_StartedFile] = deque()
    extracting: deque[_ExtractingFile] = deque()

    def extraction_ready() -> bool:
        return bool(extracting) and (len(extracting) > pool.workers or extracting[0].done())

    try:
        for path in paths:
            started.append(_start_file(path, options, times))
            while started and (
                len(started) > MAX_FILES_AHEAD
                or sum(item.ocr_pages for item in list(started)[1:]) >= pool.workers
            ):
                extracting.append(_submit_extraction(started.popleft(), options, times, pool))
                while extraction_ready():
                    yield _extraction_result(extracting.popleft(), times, pool)
        while started:
            extracting.append(_submit_extraction(started.popleft(), options, times, pool))
        while extracting:
            yield _extraction_result(extracting.popleft(), times, pool)
    finally:
        # The caller stopped early: drop the OCR and extraction of files not handed back.
        for item in started:
            item.close()
        for item in extracting:
            if item.future is not None:
                item.future.cancel()


def find_pdfs(inputs: Iterable[Path]) -> list[Path]:
    """Expand folders (recursively) into their `.pdf` files; keep files as given, sorted."""
    found: list[Path] = []
    for item in inputs:
        if item.is_dir():
            found.extend(p for p in item.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
        else:
            found.append(item)
    return sorted(dict.fromkeys(found))


def _quarantined(
    path: Path,
    reason: str,
    message: str,
    *,
    sha256: str | None = None,
    pages: int = 0,
) -> FileResult:
    if sha256 is None:
        try:
            sha256 = file_sha256(path)
        except OSError:
            sha256 = ""
    return FileResult(
        source=path.name,
        sha256=sha256,
        pages=pages,
        status=FileStatus.QUARANTINED,
        documents=[],
        error=FileError(code=str(reason), message=message),
    )
