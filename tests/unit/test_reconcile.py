"""Reconciliation: each input gets exactly one state from what the database holds, and every way
an input can be lost (never recorded, stuck received, documents never routed, no S3 output) or
doubled (two outcomes, two documents over the same pages) is listed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimdocs.reconcile import InputState, OrphanCause, SeenInput, reconcile
from pipeline.contract import FileResult
from pipeline.page_words import OcrOptions
from pipeline.route import RoutingPolicy
from pipeline.runner import PipelineOptions, process_file
from storage import Store, make_engine
from storage.events import append_event
from storage.states import EventKind
from tests.corpus import corpus_files

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
LONG_AGO = NOW - timedelta(days=1)
BOUND = timedelta(minutes=30)


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[Path, FileResult]]:
    """Three good files (one or more documents each) and one bad one, through the real pipeline."""
    good = corpus_files(variant="digital", quarantined=False)[:3]
    bad = corpus_files(quarantined=True)[:1]
    if len(good) < 3 or not bad:
        pytest.skip("sample corpus not generated")
    # Every document goes to review (calibrated confidences never reach 1.0), so the test
    # decides each one itself.
    review_all = RoutingPolicy(default_min_confidence=1.0, field_min_confidence={})
    options = PipelineOptions(ocr=OcrOptions(workers=1, cache_dir=None), routing=review_all)
    names = ["approved", "rejected", "in_review", "quarantined"]
    return {name: (path, process_file(path, options)) for name, path in zip(names, [*good, *bad], strict=True)}


def _seen(key: str, sha256: str | None, modified: datetime = LONG_AGO, **extra) -> SeenInput:
    return SeenInput(key=key, sha256=sha256, modified=modified, **extra)


def _record(store: Store, results) -> dict[str, list[int]]:
    documents = {}
    for name, (path, result) in results.items():
        outcome = store.record_result(result, f"in/{path.name}")
        documents[name] = list(outcome.documents)
    for document_id in documents["approved"]:
        store.approve_document(document_id, approved_by="alice")
    for document_id in documents["rejected"]:
        store.reject_document(document_id, rejected_by="alice", reason="not ours")
    return documents


def test_every_input_gets_its_one_state(database_url: str, results) -> None:
    engine = make_engine(database_url)
    store = Store(engine)
    _record(store, results)
    young_sha = "b" * 64
    store.record_received(young_sha, "in/young.pdf")  # received (in real time), no result yet
    inputs = [_seen(f"in/{path.name}", result.sha256) for path, result in results.values()]
    inputs += [
        _seen("in/copy.pdf", results["approved"][1].sha256),  # same bytes, second name
        _seen("in/young.pdf", young_sha),
        _seen("in/never.pdf", "c" * 64),
        _seen("in/just_arrived.pdf", "d" * 64, modified=NOW - timedelta(minutes=1)),
    ]
    report = reconcile(inputs, engine, processing_bound=BOUND, now=NOW)
    engine.dispose()
    states = {v.key: (v.state, v.detail) for v in report.verdicts}

    assert states[inputs[0].key][0] is InputState.APPROVED
    assert states[inputs[1].key][0] is InputState.REJECTED
    assert states[inputs[2].key][0] is InputState.IN_REVIEW
    assert states[inputs[3].key] == (InputState.QUARANTINED, results["quarantined"][1].error.code)
    assert states["in/copy.pdf"][0] is InputState.DUPLICATE
    assert states["in/never.pdf"] == (InputState.ORPHAN, OrphanCause.NOT_RECORDED)
    assert states["in/just_arrived.pdf"][0] is InputState.PROCESSING
    assert states["in/young.pdf"][0] is InputState.PROCESSING
    assert report.inputs == len(inputs) == sum(report.by_state.values())
    assert [v.key for v in report.orphans] == ["in/never.pdf"]
    assert report.duplicated == []


def test_received_long_ago_without_result_is_an_orphan(database_url: str) -> None:
    engine = make_engine(database_url)
    Store(engine).record_received("e" * 64, "in/stuck.pdf")
    later = datetime.now(UTC) + timedelta(hours=2)
    report = reconcile([_seen("in/stuck.pdf", "e" * 64)], engine, processing_bound=BOUND, now=later)
    engine.dispose()
    assert [(v.key, v.detail) for v in report.orphans] == [("in/stuck.pdf", OrphanCause.STUCK_RECEIVED)]


def test_s3_inputs_match_by_key_and_need_an_output_marker(database_url: str, results) -> None:
    engine = make_engine(database_url)
    store = Store(engine)
    _record(store, results)
    later = datetime.now(UTC) + timedelta(hours=2)
    path, result = results["in_review"]
    inputs = [
        _seen(f"in/{path.name}", None, has_output_marker=True),
        _seen(f"in/{results['approved'][0].name}", None, has_output_marker=False),
    ]
    report = reconcile(inputs, engine, processing_bound=BOUND, now=later)
    engine.dispose()
    assert report.verdicts[0].state is InputState.IN_REVIEW
    assert (report.verdicts[1].state, report.verdicts[1].detail) == (
        InputState.ORPHAN, OrphanCause.NO_OUTPUT_MARKER
    )


def test_an_outcome_recorded_twice_is_listed_as_duplicated(database_url: str, results) -> None:
    engine = make_engine(database_url)
    store = Store(engine)
    outcome = store.record_result(results["in_review"][1], "in/x.pdf")
    with store.unit_of_work() as session:  # what a double-processing bug would leave behind
        append_event(session, file_id=outcome.file_id, kind=EventKind.FILE_PROCESSED,
                     actor="system", now=datetime.now(UTC))
    report = reconcile([], engine, processing_bound=BOUND, now=NOW)
    engine.dispose()
    assert [d.file_id for d in report.duplicated] == [outcome.file_id]
    assert not report.clean


def test_folder_command_exits_non_zero_on_an_orphan(sqlite_url: str, tmp_path: Path, results) -> None:
    from claimdocs.cli import app

    folder = tmp_path / "in"
    folder.mkdir()
    path, result = results["in_review"]
    (folder / path.name).write_bytes(path.read_bytes())
    engine = make_engine(sqlite_url)
    Store(engine).record_result(result, str(folder / path.name))
    engine.dispose()
    runner = CliRunner()
    clean = runner.invoke(app, ["reconcile", str(folder), "--database-url", sqlite_url])
    assert clean.exit_code == 0, clean.output
    assert "in_review        1" in clean.output

    (folder / "unseen.pdf").write_bytes(results["approved"][0].read_bytes())
    dirty = runner.invoke(
        app, ["reconcile", str(folder), "--database-url", sqlite_url, "--processing-minutes", "0"]
    )
    assert dirty.exit_code == 1
    assert "ORPHAN" in dirty.output and "unseen.pdf" in dirty.output
