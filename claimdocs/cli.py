"""The `claimdocs` command line: a thin shell over the core and its adapters.

Each command reads settings once (claimdocs.settings), builds option objects and calls the core.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Annotated

import typer

from claimdocs.calibrate import calibrate_command
from claimdocs.run_summary import BatchSummary, render_summary
from review_ui.cli import review, users_app
from storage.cli import db_app

app = typer.Typer(
    name="claimdocs",
    help="Insurance document AI: PDFs in, validated and reviewed records out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals can hold document text (PII)
)

app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.command("review")(review)
app.command("calibrate")(calibrate_command)


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress (ids only).")] = False,
) -> None:
    """claimdocs: extract, validate, review and store insurance documents."""
    from claimdocs.log_setup import configure_logging

    # JSON lines on stderr, values allow-listed (ids, codes, counts): never document content.
    configure_logging(logging.INFO if verbose else logging.WARNING)


def _pipeline_options():
    from claimdocs.settings import load_settings

    return load_settings().pipeline_options()


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="PDF files or folders (searched recursively).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for NAME.extraction.json files.")],
) -> None:
    """Extract every PDF in PATHS and write one NAME.extraction.json per file into OUT.

    Exits 0 when the batch ran, even if some files were quarantined (their JSON says why);
    non-zero only when it could not run at all (no inputs, unwritable output).
    """
    from pipeline.runner import find_pdfs, process_batch

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        typer.echo(f"error: no such file or folder: {', '.join(missing)}", err=True)
        raise typer.Exit(2)
    pdfs = find_pdfs(paths)
    if not pdfs:
        typer.echo("error: no PDF files found in the given paths", err=True)
        raise typer.Exit(2)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        typer.echo(f"error: cannot create output folder {out}: {error.strerror}", err=True)
        raise typer.Exit(2) from error
    summary = BatchSummary()
    started = time.perf_counter()
    for result in process_batch(pdfs, _pipeline_options()):
        target = out / f"{Path(result.source).stem}.extraction.json"
        target.write_text(json.dumps(result.to_json_dict(), indent=2) + "\n", encoding="utf-8")
        summary.add(result)
    summary.elapsed_seconds = time.perf_counter() - started
    typer.echo(render_summary(summary))


@app.command()
def run(
    source: Annotated[Path, typer.Argument(help="Folder (or PDF) to ingest.")] = Path("sample_docs/corpus"),
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also write NAME.extraction.json files here.")
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", help="SQLAlchemy URL; default $DATABASE_URL, else the SQLite file."),
    ] = None,
) -> None:
    """Run the main job: process SOURCE into the database and print a summary.

    Every file and document is recorded (auto-approved documents go to the PAS tables, the rest
    to the review queue); the summary shows files by status, documents by type and route, fields
    found and pages/minute.
    """
    from pipeline.runner import find_pdfs, process_file
    from storage import migrate
    from storage.engine import make_engine
    from storage.settings import resolve_database_url
    from storage.store import Store

    if not source.exists():
        typer.echo(f"error: no such file or folder: {source}", err=True)
        raise typer.Exit(2)
    url = resolve_database_url(database_url)
    migrate.upgrade(url)
    engine = make_engine(url)
    store = Store(engine)
    options = _pipeline_options()
    summary = BatchSummary()
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        for pdf in find_pdfs([source]):
            result = process_file(pdf, options)
            outcome = store.record_result(result, source_key=str(pdf))
            summary.add(result, newly_recorded=outcome.recorded)
            if out is not None:
                target = out / f"{pdf.stem}.extraction.json"
                target.write_text(json.dumps(result.to_json_dict(), indent=2) + "\n", encoding="utf-8")
        summary.elapsed_seconds = time.perf_counter() - started
        database_states = store.status_summary()
    finally:
        engine.dispose()
    typer.echo(render_summary(summary, database_states))


@app.command()
def status(
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", help="SQLAlchemy URL; default $DATABASE_URL, else the SQLite file."),
    ] = None,
) -> None:
    """Summarise the database: files and documents by state, open review tasks, last outbox id."""
    from storage.cli import status as storage_status

    storage_status(database_url)


@app.command("eval")
def evaluate(
    folder: Annotated[Path, typer.Argument(help="Folder of NAME.pdf with NAME.truth.json beside.")],
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the report as JSON.")] = None,
    predictions: Annotated[
        Path | None, typer.Option("--predictions", help="Also write each extraction JSON here.")
    ] = None,
    leave_one_layout_out: Annotated[
        bool,
        typer.Option(
            "--leave-one-layout-out",
            help="Also score each layout under a confidence calibration fitted without it.",
        ),
    ] = False,
) -> None:
    """Run the pipeline over every PDF in FOLDER that has a truth file and score it."""
    from extractors.calibration import shipped_calibration
    from extractors.confidence import confidence_calibration
    from pipeline.evaluate import aggregate, recalibrated, render_report, score_file
    from pipeline.runner import find_pdfs, process_file

    pairs = [(p, p.with_name(p.stem + ".truth.json")) for p in find_pdfs([folder])]
    pairs = [(pdf, truth) for pdf, truth in pairs if truth.exists()]
    if not pairs:
        typer.echo(f"error: no PDF with a .truth.json beside it in {folder}", err=True)
        raise typer.Exit(2)
    if predictions is not None:
        predictions.mkdir(parents=True, exist_ok=True)
    options = _pipeline_options()
    scores = []
    raw_results = []
    pages = 0
    started = time.perf_counter()
    for pdf, truth_path in pairs:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        if leave_one_layout_out:
            # Extract once with raw confidences; the shipped calibration (and, per layout, one
            # fitted without it) is applied afterwards, exactly as extraction would apply it.
            with confidence_calibration(None):
                raw = process_file(pdf, options)
            raw_results.append((raw, truth))
            result = recalibrated(raw, shipped_calibration(), options.routing)
        else:
            result = process_file(pdf, options)
        pages += result.pages
        scores.append(score_file(result, truth, truth.get("variant")))
        if predictions is not None:
            target = predictions / f"{pdf.stem}.extraction.json"
            target.write_text(json.dumps(result.to_json_dict(), indent=2) + "\n", encoding="utf-8")
    report = aggregate(scores, elapsed_seconds=time.perf_counter() - started, pages=pages)
    if leave_one_layout_out:
        from claimdocs.calibrate import fit
        from pipeline.evaluate import LEAVE_ONE_LAYOUT_OUT_NOTE
        from pipeline.evaluate import leave_one_layout_out as score_held_out_layouts

        report = report.model_copy(
            update={
                "leave_one_layout_out": score_held_out_layouts(raw_results, fit, options.routing),
                "notes": [LEAVE_ONE_LAYOUT_OUT_NOTE],
            }
        )
    typer.echo(render_report(report))
    if json_out is not None:
        json_out.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")


@app.command()
def samples(
    out: Annotated[Path, typer.Argument(help="Folder to write the generated corpus into.")],
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 7,
    profile: Annotated[str, typer.Option(help="default | small | large | holdout")] = "default",
) -> None:
    """Generate a sample corpus (PDFs with truth files) deterministically from SEED."""
    from sample_docs.generator import generate_corpus

    written = generate_corpus(out, seed=seed, profile=profile)
    typer.echo(f"wrote {len(written)} files to {out}")


@app.command()
def bench(
    corpus: Annotated[
        Path, typer.Option(help="Folder of PDFs with truth files (their `variant` picks the corpora).")
    ] = Path("sample_docs/corpus"),
    pages: Annotated[int, typer.Option(help="Pages per corpus.")] = 24,
    kinds: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            help="mixed | digital | scanned (repeatable); default all three, or none when "
            "--memory-pages is given.",
        ),
    ] = None,
    memory_pages: Annotated[
        str | None,
        typer.Option(
            "--memory-pages",
            help="Also measure peak memory on generated scanned loss runs of these page counts, "
            "each alone in a fresh process, e.g. 30,300.",
        ),
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the figures as JSON.")] = None,
) -> None:
    """Time the pipeline against a naive OCR-everything baseline on the same files.

    The baseline renders every page at 300 DPI and OCRs it in one process; the report gives
    pages/minute for both, their ratio, CPU per stage, peak memory and the load average.
    """
    import os

    from claimdocs.bench import CORPUS_KINDS, render_bench, run_bench

    try:
        page_counts = (
            sorted({int(count) for count in memory_pages.split(",") if count.strip()})
            if memory_pages
            else []
        )
    except ValueError:
        typer.echo("error: --memory-pages takes page counts like 30,300", err=True)
        raise typer.Exit(2) from None
    if any(count < 1 for count in page_counts):
        typer.echo("error: --memory-pages counts must be at least 1", err=True)
        raise typer.Exit(2)
    if kinds is None:
        kinds = [] if page_counts else list(CORPUS_KINDS)
    unknown = sorted(set(kinds) - set(CORPUS_KINDS))
    if unknown:
        typer.echo(f"error: unknown corpus kind: {', '.join(unknown)}", err=True)
        raise typer.Exit(2)
    report = run_bench(
        corpus, kinds, pages, _pipeline_options(), os.cpu_count() or 1, memory_pages=page_counts
    )
    typer.echo(render_bench(report))
    if json_out is not None:
        json_out.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")


def _mount_reliability_commands() -> None:
    """`claimdocs hostile` (the hostile-input sweep) from claimdocs.hostile."""
    from claimdocs.hostile import hostile_command

    app.command("hostile")(hostile_command)


_mount_reliability_commands()


def _mount_reconcile_command() -> None:
    """`claimdocs reconcile` (every input in exactly one state) from claimdocs.reconcile."""
    from claimdocs.reconcile import reconcile_command

    app.command("reconcile")(reconcile_command)


_mount_reconcile_command()


if __name__ == "__main__":  # pragma: no cover
    app()
