"""`claimdocs calibrate`: fit the confidence calibration on generated corpora and write it as data.

The corpora come from the sample generator with development seeds (never the seed a final
figure is measured on), so the fit is reproducible from the repository:
`claimdocs calibrate --seed 101 --seed 102 --profile large` regenerates `extractors/calibration.json`.
The pipeline runs with raw confidences (`confidence_calibration(None)`), every value is scored
against the truth (nulls too), and `extractors.calibration.fit_calibration` fits the maps.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel, Field

from extractors.calibration import (
    DEFAULT_CALIBRATION_PATH,
    CalibrationSample,
    ConfidenceCalibration,
    fit_calibration,
)
from extractors.confidence import confidence_calibration
from pipeline.contract import FileResult

DEVELOPMENT_SEEDS = (101, 102)
DEVELOPMENT_PROFILE = "large"
DEFAULT_WORK_DIR = Path(".claimdocs/calibration-corpora")
PRIOR_WEIGHT = 5.0
MIN_FIELD_SAMPLES = 20
CONFIDENT = 0.95


class MapSummary(BaseModel):
    key: str
    samples: int
    blocks: int
    lowest: float
    highest: float


class CalibrationReport(BaseModel):
    """What a calibration run read, what it fitted and how the fit looks on its own data."""

    corpora: list[str]
    files: int
    values: int  # predicted (non-null) values scored
    wrong_values: int
    nulls: int  # predicted nulls scored
    wrong_nulls: int
    out_path: str
    maps: list[MapSummary]
    # In-sample: calibrated confidences of the fitting data (an unseen seed is the real test).
    confident_values: int = 0
    confident_share_right: float | None = None
    elapsed_seconds: float = 0.0
    notes: list[str] = Field(default_factory=list)


def truth_for(pdf: Path) -> dict[str, Any] | None:
    truth_path = pdf.with_name(pdf.stem + ".truth.json")
    if not truth_path.exists():
        return None
    return json.loads(truth_path.read_text(encoding="utf-8"))


def raw_extractions(
    corpus_dirs: Iterable[Path], options: Any = None
) -> Iterator[tuple[Path, FileResult, dict[str, Any]]]:
    """Run the pipeline with raw (uncalibrated) confidences over every PDF that has a truth file."""
    from pipeline.runner import find_pdfs, process_file

    for pdf in find_pdfs(list(corpus_dirs)):
        truth = truth_for(pdf)
        if truth is None:
            continue
        with confidence_calibration(None):
            result = process_file(pdf, options)
        yield pdf, result, truth


def samples_from(results: Iterable[tuple[FileResult, dict[str, Any]]]) -> list[CalibrationSample]:
    from pipeline.evaluate import calibration_samples, score_file

    return calibration_samples(
        score_file(result, truth, include_absent=True) for result, truth in results
    )


def fit(
    samples: Sequence[CalibrationSample], fitted_on: Sequence[str] = ()
) -> ConfidenceCalibration:
    """The calibration as the shipped one is fitted (same shrinkage and field threshold)."""
    return fit_calibration(
        samples,
        prior_weight=PRIOR_WEIGHT,
        min_field_samples=MIN_FIELD_SAMPLES,
        description=(
            "Isotonic maps from raw fused confidence to the share right, fitted by "
            "`claimdocs calibrate` on generated corpora (development seeds only)."
        ),
        fitted_on=fitted_on,
    )


def run_calibration(
    corpus_dirs: Sequence[Path], out_path: Path, options: Any = None
) -> CalibrationReport:
    """Extract every corpus with raw confidences, fit the calibration, write it to `out_path`."""
    started = time.perf_counter()
    scored: list[tuple[FileResult, dict[str, Any]]] = []
    fitted_on = []
    for corpus in corpus_dirs:
        before = len(scored)
        scored += [(result, truth) for _, result, truth in raw_extractions([corpus], options)]
        fitted_on.append(f"{_describe_corpus(corpus)}: {len(scored) - before} files")
    samples = samples_from(scored)
    calibration = fit(samples, fitted_on)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(calibration.to_json(), encoding="utf-8")

    values = [s for s in samples if s.present]
    nulls = [s for s in samples if not s.present]
    confident = [
        s
        for s in values
        if calibration.calibrated(s.field, s.kind, s.raw, True, s.source) >= CONFIDENT
    ]
    return CalibrationReport(
        corpora=[str(c) for c in corpus_dirs],
        files=len(scored),
        values=len(values),
        wrong_values=sum(not s.right for s in values),
        nulls=len(nulls),
        wrong_nulls=sum(not s.right for s in nulls),
        out_path=str(out_path),
        maps=[
            MapSummary(
                key=key,
                samples=step.samples,
                blocks=len(step.value),
                lowest=step.value[0] if step.value else 0.0,
                highest=step.value[-1] if step.value else 0.0,
            )
            for key, step in sorted(calibration.maps.items())
        ],
        confident_values=len(confident),
        confident_share_right=(
            sum(s.right for s in confident) / len(confident) if confident else None
        ),
        elapsed_seconds=time.perf_counter() - started,
        notes=[
            "In-sample figures: the share right at >= 0.95 that counts is the one `claimdocs eval` "
            "measures on a corpus generated with a seed not used here."
        ],
    )


def _describe_corpus(corpus: Path) -> str:
    manifest = corpus / "manifest.json"
    if manifest.exists():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        return f"seed {data.get('seed')} profile {data.get('profile')}"
    return corpus.name


def generate_development_corpora(seeds: Sequence[int], profile: str, work_dir: Path) -> list[Path]:
    """Generate (deterministically, so re-running gives the same files) one corpus per seed."""
    from sample_docs.generator import generate_corpus

    dirs = []
    for seed in seeds:
        target = work_dir / f"seed-{seed}-{profile}"
        generate_corpus(target, seed=seed, profile=profile)
        dirs.append(target)
    return dirs


def render_calibration_report(report: CalibrationReport) -> str:
    share = (
        f"{report.confident_share_right:.1%}" if report.confident_share_right is not None else "-"
    )
    lines = [
        f"calibration written to {report.out_path}",
        f"corpora: {', '.join(report.corpora)} ({report.files} files, "
        f"{report.elapsed_seconds:.0f} s)",
        f"values: {report.values} ({report.wrong_values} wrong); "
        f"nulls: {report.nulls} ({report.wrong_nulls} should have had a value)",
        f"in-sample share right at confidence >= {CONFIDENT}: {share} of {report.confident_values}",
        f"maps: {len(report.maps)} "
        f"({sum(m.key.startswith('value:') and not m.key.endswith(':*') for m in report.maps)} "
        "per field and source)",
    ]
    lines += report.notes
    return "\n".join(lines)


def calibrate_command(
    corpus_dirs: Annotated[
        list[Path] | None,
        typer.Argument(help="Corpora with truth files; default: generate them from --seed."),
    ] = None,
    seeds: Annotated[
        list[int] | None,
        typer.Option("--seed", help="Development seed to generate a corpus from (repeatable)."),
    ] = None,
    profile: Annotated[
        str, typer.Option(help="Generator profile for --seed corpora.")
    ] = DEVELOPMENT_PROFILE,
    work_dir: Annotated[
        Path, typer.Option(help="Where generated corpora are written.")
    ] = DEFAULT_WORK_DIR,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Calibration file to write.")
    ] = DEFAULT_CALIBRATION_PATH,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the report as JSON.")
    ] = None,
) -> None:
    """Fit the confidence calibration (isotonic, per field) on generated corpora and write it.

    With no CORPUS_DIRS, corpora are generated from the development seeds (101 and 102, profile
    large) into --work-dir first; never calibrate on the seed you measure on.
    """
    from claimdocs.settings import load_settings

    if corpus_dirs:
        missing = [str(p) for p in corpus_dirs if not p.is_dir()]
        if missing:
            typer.echo(f"error: no such folder: {', '.join(missing)}", err=True)
            raise typer.Exit(2)
        dirs = list(corpus_dirs)
    else:
        dirs = generate_development_corpora(seeds or list(DEVELOPMENT_SEEDS), profile, work_dir)
    report = run_calibration(dirs, out, load_settings().pipeline_options())
    typer.echo(render_calibration_report(report))
    if json_out is not None:
        json_out.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":  # `python -m claimdocs.calibrate` until the CLI mounts the command
    typer.run(calibrate_command)
