"""The reduced hostile sweep: every generated file ends processed or quarantined with the reason it
deserves, nothing crashes or goes missing, memory and time stay bounded."""

from __future__ import annotations

import json
from pathlib import Path

from claimdocs.hostile import PROCESSED, HostileCase, build_hostile_corpus, run_sweep
from pipeline.reasons import QuarantineReason
from pipeline.runner import PipelineOptions

PEAK_MEMORY_LIMIT_MB = 2048
# Far below the command's default, and still ~50x what any file needs here.
FILE_TIMEOUT_S = 30.0


def test_reduced_sweep_has_no_crash_no_loss_and_the_right_reasons(
    hostile_corpus: tuple[Path, list[HostileCase]], pipeline_options: PipelineOptions
) -> None:
    """GIVEN the hostile corpus of seed 8 (truncations of two corpus files and a generated one,
    wrong types, five encryption algorithms, bombs, broken page trees, scripts)
    WHEN each file runs through the whole pipeline
    THEN 0 crashes, 0 lost, each outcome is the expected one, peak < 2 GB, none past 30 s."""
    folder, cases = hostile_corpus
    report = run_sweep(folder, cases, pipeline_options, FILE_TIMEOUT_S)

    wrong = [(o.name, o.outcome, o.expected) for o in report.files if not o.right]
    assert wrong == []
    assert report.crashes == 0 and report.lost == 0
    assert report.tried == len(cases) == report.processed + report.quarantined
    assert report.peak_rss_mb < PEAK_MEMORY_LIMIT_MB
    assert report.over_timeout == 0 and report.max_seconds < FILE_TIMEOUT_S
    # Every family is present and every refusal reason the corpus aims at was reached.
    families = {case.family for case in cases}
    assert {"truncated", "wrong_type", "encrypted", "bomb", "structure", "active_content",
            "too_large"} <= families
    assert set(report.by_reason) == {
        "bomb", "corrupt", "empty", "encrypted", "not_pdf", "too_large", "too_many_pages"
    }
    assert report.processed >= 8  # owner-only encryption x5, scripts x3, cuts inside %%EOF


def test_same_seed_builds_the_same_files(tmp_path: Path, hostile_corpus) -> None:
    folder, cases = hostile_corpus
    again = build_hostile_corpus(tmp_path, seed=8, samples_folder=None, samples=0, cuts_per_sample=6)
    by_name = {case.name: case for case in cases}
    compared = 0
    for case in again:
        if case.name in by_name and case.family != "encrypted":  # encryption salts are random
            assert (tmp_path / case.name).read_bytes() == (folder / case.name).read_bytes(), case.name
            compared += 1
    assert compared > 20


def test_manifest_lists_every_case_with_expected_codes_from_the_enum(hostile_corpus) -> None:
    folder, cases = hostile_corpus
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["seed"] == 8 and len(manifest["cases"]) == len(cases)
    codes = {reason.value for reason in QuarantineReason} | {PROCESSED}
    assert all(set(case["expected"]) <= codes for case in manifest["cases"])
