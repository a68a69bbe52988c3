"""`claimdocs bench`: the pipeline's throughput against a naive OCR-everything baseline.

Both run in one go on the same files. The baseline renders every page at 300 DPI with pdf2image
and reads it with pytesseract's `image_to_string` in one process, with Tesseract's default
threading; the pipeline runs every core stage (load through route) over the files as a batch with
its defaults, starting from an empty OCR cache so nothing is read from an earlier run.

The memory check (`--memory-pages 30,300`) runs the pipeline on generated scanned loss runs of
those lengths, each in a fresh process, and reports the peak resident memory of its process tree.
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytesseract
from pdf2image import convert_from_path, pdfinfo_from_path
from pydantic import BaseModel, Field

from claimdocs.process_tree import PeakTreeMemory
from pipeline.load import load_pdf
from pipeline.ocr import OcrOptions
from pipeline.page_words import read_page_words
from pipeline.runner import (
    PipelineOptions,
    StageTimes,
    extract_documents,
    process_batch,
    process_file,
)
from pipeline.worker_pool import shared_worker_pool

NAIVE_DPI = 300
CORPUS_KINDS = ("mixed", "digital", "scanned")
MEMORY_SEED = 7


class CorpusFigures(BaseModel):
    files: int
    pages: int
    naive_seconds: float
    pipeline_seconds: float
    naive_pages_per_min: float
    pipeline_pages_per_min: float
    ratio: float
    ocr_cpu_share: float  # OCR CPU seconds / all pipeline CPU seconds
    naive_cpu_seconds_per_page: float = 0.0  # the baseline's process plus pdftoppm and tesseract
    cpu_seconds_per_page_by_stage: dict[str, float] = Field(default_factory=dict)
    # 1-minute load average before the baseline and after the pipeline, and the share of the
    # machine's CPU that other processes used while each ran: a busy box skews the figures.
    load_before: float = 0.0
    load_after: float = 0.0
    others_cpu_share_naive: float = 0.0
    others_cpu_share_pipeline: float = 0.0


class MemoryFigures(BaseModel):
    pages: int
    seconds: float
    peak_rss_mb: float
    load_before: float = 0.0


class BenchReport(BaseModel):
    corpora: dict[str, CorpusFigures] = Field(default_factory=dict)
    peak_rss_mb: float = 0.0
    # Scanned loss runs by page count, each run alone in a fresh process.
    memory: dict[str, MemoryFigures] = Field(default_factory=dict)
    memory_growth: float | None = None  # peak of the longest run / peak of the shortest
    cores: int = 0
    ocr_workers: int = 0
    warm_up_seconds: float = 0.0
    notes: list[str] = Field(default_factory=list)


def page_count(pdf: Path) -> int:
    return int(pdfinfo_from_path(str(pdf))["Pages"])


def _load_average() -> float:
    return round(os.getloadavg()[0], 2)


def _machine_busy_seconds() -> float:
    """CPU seconds all processes on the machine have used since boot, from /proc/stat."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _others_share(busy_seconds: float, own_cpu_seconds: float, wall_seconds: float) -> float:
    cores = os.cpu_count() or 1
    if wall_seconds <= 0:
        return 0.0
    return round(max(0.0, busy_seconds - own_cpu_seconds) / (wall_seconds * cores), 3)


def _cpu_seconds() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _corpus_files(corpus_dir: Path) -> tuple[dict[str, list[tuple[Path, int]]], dict[Path, Path]]:
    """Usable files by truth `variant` with their page counts, and each scan's digital twin."""
    by_variant: dict[str, list[tuple[Path, int]]] = {"digital": [], "scanned": []}
    twins: dict[Path, Path] = {}
    for truth_path in sorted(corpus_dir.glob("*.truth.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        variant = truth.get("variant")
        pdf = truth_path.with_name(truth_path.name.removesuffix(".truth.json") + ".pdf")
        if variant in by_variant and truth.get("status") != "quarantined" and pdf.exists():
            by_variant[variant].append((pdf, page_count(pdf)))
            if variant == "scanned" and truth.get("twin_of"):
                twins[pdf] = corpus_dir / truth["twin_of"]
    digital = {pdf for pdf, _ in by_variant["digital"]}
    return by_variant, {scan: twin for scan, twin in twins.items() if twin in digital}


def _take(files: list[tuple[Path, int]], budget: int, chosen: list[Path]) -> int:
    """Add files that fit into `budget` pages to `chosen`; returns the pages taken. If none
    fits, the smallest file is taken, so a tiny budget still measures something."""
    taken = 0
    for pdf, pages in files:
        if pdf not in chosen and taken + pages <= budget:
            chosen.append(pdf)
            taken += pages
    spare = [(pages, pdf) for pdf, pages in files if pdf not in chosen]
    if taken == 0 and budget > 0 and spare:
        pages, pdf = min(spare)
        chosen.append(pdf)
        taken = pages
    return taken


def select_corpus(corpus_dir: Path, kind: str, max_pages: int) -> list[Path]:
    """Pick files by their truth `variant` up to `max_pages` pages.

    `mixed` takes digital and scanned pages in equal shares, as scans together with their
    digital twins where the corpus has them, so that both halves hold the same documents (a
    half of claim forms against a half of dense loss runs would weigh the halves differently).
    """
    by_variant, twins = _corpus_files(corpus_dir)
    chosen: list[Path] = []
    if kind != "mixed":
        _take(by_variant[kind], max_pages, chosen)
        return chosen
    pages = dict(by_variant["digital"] + by_variant["scanned"])
    half = max_pages // 2
    taken = 0
    for scan, twin in twins.items():
        if taken + pages[scan] > half:
            continue
        chosen += [twin, scan]
        taken += pages[scan]
    # Without (enough) twins, fill each half on its own.
    _take(by_variant["digital"], half - taken, chosen)
    _take(by_variant["scanned"], max_pages - half - taken, chosen)
    return chosen


def run_naive(files: list[Path]) -> tuple[float, int, float]:
    """Every page rendered at 300 DPI and OCRed with `image_to_string`, one process.

    Returns wall seconds, pages and CPU seconds (this process plus pdftoppm and tesseract).
    """
    started, cpu = time.perf_counter(), _cpu_seconds()
    pages = 0
    for pdf in files:
        for number in range(1, page_count(pdf) + 1):
            (image,) = convert_from_path(str(pdf), dpi=NAIVE_DPI, first_page=number, last_page=number)
            pytesseract.image_to_string(image)
            pages += 1
    return time.perf_counter() - started, pages, _cpu_seconds() - cpu


def run_pipeline(files: list[Path], options: PipelineOptions) -> tuple[float, int, StageTimes]:
    times = StageTimes()
    started = time.perf_counter()
    pages = sum(result.pages for result in process_batch(files, options, times))
    return time.perf_counter() - started, pages, times


def bench_corpus(files: list[Path], options: PipelineOptions) -> CorpusFigures:
    load_before = _load_average()
    busy = _machine_busy_seconds()
    naive_seconds, naive_pages, naive_cpu = run_naive(files)
    naive_busy, busy = _machine_busy_seconds() - busy, _machine_busy_seconds()
    pipeline_seconds, pages, times = run_pipeline(files, options)
    pipeline_busy = _machine_busy_seconds() - busy
    assert pages == naive_pages, "the two runs must see the same pages"
    naive_ppm = 60 * pages / naive_seconds if naive_seconds else 0.0
    pipeline_ppm = 60 * pages / pipeline_seconds if pipeline_seconds else 0.0
    total_cpu = sum(times.cpu_seconds.values())
    return CorpusFigures(
        files=len(files),
        pages=pages,
        naive_seconds=round(naive_seconds, 2),
        pipeline_seconds=round(pipeline_seconds, 2),
        naive_pages_per_min=round(naive_ppm, 2),
        pipeline_pages_per_min=round(pipeline_ppm, 2),
        ratio=round(pipeline_ppm / naive_ppm, 2) if naive_ppm else 0.0,
        ocr_cpu_share=round(times.cpu_seconds.get("ocr", 0.0) / total_cpu, 3) if total_cpu else 0.0,
        naive_cpu_seconds_per_page=round(naive_cpu / pages, 3) if pages else 0.0,
        cpu_seconds_per_page_by_stage={
            stage: round(seconds / pages, 4) for stage, seconds in sorted(times.cpu_seconds.items())
        },
        load_before=load_before,
        load_after=_load_average(),
        others_cpu_share_naive=_others_share(naive_busy, naive_cpu, naive_seconds),
        others_cpu_share_pipeline=_others_share(pipeline_busy, total_cpu, pipeline_seconds),
    )


def warm_up(corpus_dir: Path, options: PipelineOptions) -> float:
    """Start the workers and have each (and this process) extract a file once, as a running
    batch has them: imports, spaCy pipelines, Tesseract's model in the page cache.

    A nightly batch pays this once; in a bench of a few dozen pages it would count several
    pages' worth. The naive baseline has nothing to warm.
    """
    started = time.perf_counter()
    pool = shared_worker_pool(options.ocr.workers)
    digital = sorted(_corpus_files(corpus_dir)[0]["digital"], key=lambda item: item[1])
    if digital:
        path = digital[0][0]
        pages = read_page_words(load_pdf(path, options.limits), options.ocr)  # text layer only
        pool.warm_up(call=(extract_documents, (pages, options, StageTimes())))
        process_file(path, options)
    else:
        pool.warm_up(imports=("pipeline.runner",))
    return time.perf_counter() - started


def _tesseract_threading_note() -> str:
    version = subprocess.run(["tesseract", "--version"], capture_output=True, check=False)
    built_with_openmp = b"OpenMP" in version.stdout + version.stderr
    limit = os.environ.get("OMP_THREAD_LIMIT")
    if not built_with_openmp:
        return "tesseract is built without OpenMP: the baseline reads each page on one thread"
    return (
        "tesseract is built with OpenMP: the baseline uses up to "
        + (f"{limit} thread(s) (OMP_THREAD_LIMIT is set)" if limit else f"{os.cpu_count()} threads")
        + " per page; pipeline workers run one thread each"
    )


def run_bench(
    corpus_dir: Path,
    kinds: list[str],
    max_pages: int,
    options: PipelineOptions,
    cores: int,
    memory_pages: list[int] | None = None,
) -> BenchReport:
    report = BenchReport(cores=cores, ocr_workers=options.ocr.workers)
    if kinds:
        report.notes.append(_tesseract_threading_note())
        with tempfile.TemporaryDirectory(prefix="claimdocs-bench-cache-") as cache:
            with PeakTreeMemory() as memory:
                report.warm_up_seconds = round(warm_up(corpus_dir, options), 2)
                for kind in kinds:
                    files = select_corpus(corpus_dir, kind, max_pages)
                    if not files:
                        report.notes.append(f"{kind}: no files in {corpus_dir}")
                        continue
                    # A fresh, empty OCR cache per corpus: only pages repeated within a run hit it.
                    kind_options = options.model_copy(
                        update={"ocr": options.ocr.model_copy(update={"cache_dir": Path(cache) / kind})}
                    )
                    report.corpora[kind] = bench_corpus(files, kind_options)
            report.peak_rss_mb = round(
                max(memory.peak_mb, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), 1
            )
            report.notes.append(
                f"sampling memory cost {memory.sampler_cpu_seconds:.2f} CPU s in this process, "
                "booked to whichever stage was running"
            )
    if memory_pages:
        report.memory = run_memory_check(memory_pages, options.ocr)
        peaks = [report.memory[str(pages)].peak_rss_mb for pages in sorted(memory_pages)]
        report.memory_growth = round(peaks[-1] / peaks[0], 3) if peaks[0] else None
    return report


def run_memory_check(page_counts: list[int], ocr: OcrOptions) -> dict[str, MemoryFigures]:
    """Each count: a generated scanned loss run, processed alone in a fresh Python process.

    The file is generated here, outside the measured process tree; the child starts with an
    empty OCR cache, so every page is rendered and OCRed.
    """
    from sample_docs.generator.long_loss_run import make_long_loss_run

    figures: dict[str, MemoryFigures] = {}
    for pages in page_counts:
        with tempfile.TemporaryDirectory(prefix="claimdocs-bench-memory-") as folder:
            pdf = Path(folder) / f"loss_run_{pages}_pages_scanned.pdf"
            pdf.write_bytes(make_long_loss_run(pages, MEMORY_SEED, scanned=True))
            child_options = ocr.model_copy(update={"cache_dir": Path(folder) / "ocr-cache"})
            load_before = _load_average()
            started = time.perf_counter()
            child = subprocess.Popen(
                [sys.executable, "-m", "claimdocs.bench", "--memory-child", str(pdf)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
            with PeakTreeMemory(root_pid=child.pid) as memory:
                output, _ = child.communicate(child_options.model_dump_json().encode())
            if child.returncode != 0:
                raise RuntimeError(f"memory run of {pages} pages failed (exit {child.returncode})")
            answer = json.loads(output)
            if answer["pages"] != pages or answer["status"] != "processed":
                raise RuntimeError(f"memory run of {pages} pages did not process: {answer}")
            figures[str(pages)] = MemoryFigures(
                pages=pages,
                seconds=round(time.perf_counter() - started, 1),
                peak_rss_mb=round(memory.peak_mb, 1),
                load_before=load_before,
            )
    return figures


def _memory_child(pdf: Path) -> None:
    """Inside the measured process: the whole pipeline on one file; OCR options on stdin."""
    ocr = OcrOptions.model_validate_json(sys.stdin.read())
    result = process_file(pdf, PipelineOptions(ocr=ocr))
    print(json.dumps({"pages": result.pages, "status": str(result.status)}))


def render_bench(report: BenchReport) -> str:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=io.StringIO(), width=120, force_terminal=False, color_system=None)
    if report.corpora:
        table = Table(title=f"claimdocs bench ({report.cores} cores, {report.ocr_workers} OCR workers)")
        for column in ("corpus", "files", "pages", "naive p/min", "pipeline p/min", "ratio",
                       "OCR CPU share", "load before/after", "others' CPU naive/pipeline"):
            table.add_column(column, justify="right" if column != "corpus" else "left")
        for kind, figures in report.corpora.items():
            table.add_row(
                kind, str(figures.files), str(figures.pages), f"{figures.naive_pages_per_min:.1f}",
                f"{figures.pipeline_pages_per_min:.1f}", f"{figures.ratio:.2f}x",
                f"{100 * figures.ocr_cpu_share:.0f} %",
                f"{figures.load_before:.1f} / {figures.load_after:.1f}",
                f"{100 * figures.others_cpu_share_naive:.0f} % / "
                f"{100 * figures.others_cpu_share_pipeline:.0f} %",
            )
        console.print(table)
        stages = Table(title="CPU seconds per page by stage (naive: all its CPU)")
        stages.add_column("corpus")
        stage_names = sorted(
            {s for f in report.corpora.values() for s in f.cpu_seconds_per_page_by_stage}
        )
        for stage in [*stage_names, "naive"]:
            stages.add_column(stage, justify="right")
        for kind, figures in report.corpora.items():
            stages.add_row(
                kind,
                *(f"{figures.cpu_seconds_per_page_by_stage.get(s, 0.0):.3f}" for s in stage_names),
                f"{figures.naive_cpu_seconds_per_page:.3f}",
            )
        console.print(stages)
        console.print(f"peak memory (process tree): {report.peak_rss_mb:.0f} MB")
        console.print(f"warm-up before timing the pipeline: {report.warm_up_seconds:.1f} s")
    if report.memory:
        memory = Table(title="Scanned loss run alone in a fresh process")
        for column in ("pages", "seconds", "peak MB (process tree)", "load before"):
            memory.add_column(column, justify="right")
        for figures in report.memory.values():
            memory.add_row(str(figures.pages), f"{figures.seconds:.0f}",
                           f"{figures.peak_rss_mb:.0f}", f"{figures.load_before:.1f}")
        console.print(memory)
        if report.memory_growth is not None:
            console.print(f"peak memory growth, longest / shortest: {report.memory_growth:.2f}x")
    for note in report.notes:
        console.print(f"note: {note}")
    return console.file.getvalue()


if __name__ == "__main__":  # `python -m claimdocs.bench --memory-child FILE`: see run_memory_check
    if len(sys.argv) == 3 and sys.argv[1] == "--memory-child":
        _memory_child(Path(sys.argv[2]))
    else:
        sys.exit("usage: python -m claimdocs.bench --memory-child FILE.pdf (options on stdin)")
