"""End to end: objects in a real S3 server -> sensor -> runs -> PostgreSQL and outputs in S3."""

import json
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import func, select

from claimdocs.settings import load_settings
from dagster_project.assets import BATCH_OP_NAME
from dagster_project.output_layout import OutputLayout
from pipeline.contract import FileStatus
from pipeline.runner import process_batch
from storage import Store, make_engine
from storage.state_tables import Event
from tests.corpus import truth_of
from tests.dagster.conftest import INPUT_PREFIX, Bucket, sha256_of, small_corpus, snapshot
from tests.dagster.harness import execute_requests, sensor_tick, status_of

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
LAYOUT = OutputLayout()


def _requested_keys(result: dg.SensorResult) -> list[str]:
    return [
        obj["key"]
        for request in result.run_requests or []
        for obj in request.run_config["ops"][BATCH_OP_NAME]["config"]["objects"]
    ]


def _upload(bucket: Bucket, files: list[Path]) -> dict[str, Path]:
    keys = {}
    for index, path in enumerate(files):
        folder = "claims/2026-11/" if index % 2 else ""
        keys[bucket.upload(path, f"{INPUT_PREFIX}{folder}{path.name}")] = path
    return keys


def _reference_database(paths: list[Path], database_url: str, keys: dict[Path, str]) -> None:
    """What `claimdocs run` does with the same files: the core over each, recorded in a store."""
    engine = make_engine(database_url)
    store = Store(engine)
    for result, path in zip(process_batch(paths, load_settings().pipeline_options()), paths, strict=True):
        store.record_received(result.sha256, keys[path], original_name=path.name)
        store.record_result(result, keys[path])
    engine.dispose()


def _event_count(database_url: str) -> int:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(Event)).scalar_one()
    engine.dispose()
    return count


def test_sensor_runs_land_every_file_once_in_store_and_bucket(
    claimdocs_env, bucket: Bucket, dagster_instance, pg_url: str, pg_server, tmp_path: Path
) -> None:
    """GIVEN a slice of the corpus (good, scanned and every bad file) uploaded under incoming/
    WHEN the sensor ticks and the runs it asks for execute (multiprocess executor)
    THEN every good document is approved or waiting in the review queue, every bad file is
    quarantined with its copy and reason beside it, the store's counts equal a `claimdocs run`
    of the same files, the source objects are untouched, and a second tick, an upload of the
    same bytes, or the same batch run again adds nothing."""
    files = snapshot(small_corpus(scanned=1), tmp_path / "corpus")
    keys = _upload(bucket, files)
    sources_before = bucket.heads(INPUT_PREFIX)

    first = sensor_tick(dagster_instance, cursor=None)
    assert sorted(_requested_keys(first)) == sorted(keys)  # each object exactly once
    runs = execute_requests(dagster_instance, list(first.run_requests))
    assert runs and all(run.success for run in runs)

    # The store holds what a `claimdocs run` of the same files holds.
    reference_url = pg_server.url_for(pg_server.create_database())
    from storage import migrate

    migrate.upgrade(reference_url)
    _reference_database(list(keys.values()), reference_url, {p: k for k, p in keys.items()})
    ours, reference = status_of(pg_url), status_of(reference_url)
    assert ours.files == reference.files
    assert ours.documents == reference.documents
    assert ours.open_review_tasks == reference.open_review_tasks
    # every document ended approved (PAS rows) or in review; none is left half-way
    assert sum(ours.documents.values()) == ours.documents["approved"] + ours.documents["in_review"]

    # Every input has exactly one marker; bad files are quarantined with copy + reason.
    outputs = set(bucket.keys(LAYOUT.processed_prefix)) | set(bucket.keys(LAYOUT.quarantine_prefix))
    for key, path in keys.items():
        extraction_key, reason_key = LAYOUT.marker_keys(key)
        assert (extraction_key in outputs) != (reason_key in outputs), key
        if truth_of(path).get("status") == "quarantined":
            assert reason_key in outputs, key
        if reason_key in outputs:
            copy = bucket.client.get_object(Bucket=bucket.name, Key=LAYOUT.quarantine_copy_key(key))
            assert copy["Body"].read() == path.read_bytes()
            reason = bucket.client.get_object(Bucket=bucket.name, Key=reason_key)
            reason_json = json.loads(reason["Body"].read())
            assert reason_json["code"] and reason_json["message"]
            assert reason_json["result"]["status"] == FileStatus.QUARANTINED
        else:
            extraction = bucket.client.get_object(Bucket=bucket.name, Key=extraction_key)
            payload = json.loads(extraction["Body"].read())
            assert payload["sha256"] == sha256_of(path)
            assert payload["status"] == FileStatus.PROCESSED
    # The sources are never modified or deleted.
    assert bucket.heads(INPUT_PREFIX) == sources_before

    # Run metadata and checks are on the runs.
    run = runs[0].dagster_run
    tags = dagster_instance.get_run_by_id(run.run_id).tags
    for tag in ("claimdocs/files", "claimdocs/pages_per_minute", "claimdocs/review_queue"):
        assert tag in tags
    checks = runs[0].get_asset_check_evaluations()
    assert {c.check_name for c in checks} == {
        "quarantine_share",
        "validation_failures",
        "straight_through_rate",
    }

    # Nothing new: a second tick, the same bytes uploaded again, the same batch run again.
    events_before = _event_count(pg_url)
    second = sensor_tick(dagster_instance, cursor=first.cursor)
    assert not second.run_requests
    _upload(bucket, files)
    third = sensor_tick(dagster_instance, cursor=second.cursor)
    assert not third.run_requests
    again = dg.RunRequest(run_config=first.run_requests[0].run_config, tags={"claimdocs/trigger": "test"})
    rerun = execute_requests(dagster_instance, [again], in_process=True)
    assert rerun[0].success
    assert status_of(pg_url) == ours
    assert _event_count(pg_url) == events_before
