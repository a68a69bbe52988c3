"""Failure semantics: transient S3 and database errors are retried, a long database outage fails
the run clearly and a re-run completes it, a changed source costs that object only."""

import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import dagster as dg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from dagster_project.assets import BATCH_OP_NAME
from dagster_project.jobs import INGEST_JOB_NAME
from dagster_project.output_layout import OutputLayout
from storage import make_engine
from storage.state_tables import Event, StoredFile
from tests.corpus import truth_of
from tests.dagster.conftest import INPUT_PREFIX, Bucket, sha256_of, small_corpus, snapshot
from tests.dagster.faults import S3FaultProxy, TcpCutProxy
from tests.dagster.harness import sensor_tick, test_definitions

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
LAYOUT = OutputLayout()


def _digital_files(tmp_path: Path, count: int) -> list[Path]:
    good = [p for p in small_corpus(scanned=0) if truth_of(p).get("status") != "quarantined"]
    return snapshot(good[:count], tmp_path / "corpus")


def _upload_all(bucket: Bucket, files: list[Path]) -> list[str]:
    return [bucket.upload(path, INPUT_PREFIX + path.name) for path in files]


def _execute(instance: dg.DagsterInstance, request: dg.RunRequest) -> dg.ExecuteInProcessResult:
    job = test_definitions().resolve_job_def(INGEST_JOB_NAME)
    return job.execute_in_process(
        run_config=request.run_config, instance=instance, tags=request.tags, raise_on_error=False
    )


def _retries(result: dg.ExecuteInProcessResult) -> int:
    return sum(1 for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY)


def _store_rows(database_url: str) -> tuple[list[str], int]:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        shas = list(connection.execute(select(StoredFile.sha256)).scalars())
        events = connection.execute(select(func.count()).select_from(Event)).scalar_one()
    engine.dispose()
    return shas, events


def _all_finished(bucket: Bucket, keys: list[str]) -> bool:
    outputs = set(bucket.keys(LAYOUT.processed_prefix)) | set(bucket.keys(LAYOUT.quarantine_prefix))
    return all(sum(m in outputs for m in LAYOUT.marker_keys(k)) == 1 for k in keys)


def test_s3_throttling_and_a_corrupted_body_are_retried(
    claimdocs_env, monkeypatch, bucket: Bucket, dagster_instance, pg_url: str, tmp_path: Path
) -> None:
    """GIVEN an S3 endpoint that answers 503 SlowDown to the next three downloads and then
    corrupts one body (same length, other bytes)
    WHEN a batch runs with botocore allowed two attempts per call
    THEN botocore's retries and the job's retry policy get it through, and only the real bytes
    reach the store."""
    files = _digital_files(tmp_path, 3)
    keys = _upload_all(bucket, files)
    server = urlsplit(bucket.endpoint_url)
    with S3FaultProxy((server.hostname, server.port)) as proxy:
        monkeypatch.setenv("CLAIMDOCS_S3_ENDPOINT_URL", proxy.endpoint_url)
        monkeypatch.setenv("CLAIMDOCS_S3_MAX_ATTEMPTS", "2")
        [request] = sensor_tick(dagster_instance, cursor=None).run_requests

        def download(method: str, path: str) -> bool:
            return method == "GET" and f"/{bucket.name}/{INPUT_PREFIX}" in path

        slow_down = proxy.plan.add("slow_down", 3, download)
        corrupt = proxy.plan.add("corrupt_body", 1, download)
        result = _execute(dagster_instance, request)

    assert result.success
    assert slow_down.hits == 3 and corrupt.hits == 1
    assert _retries(result) >= 1  # botocore alone (2 attempts) could not absorb 3 throttles
    shas, _ = _store_rows(pg_url)
    assert sorted(shas) == sorted(sha256_of(p) for p in files)
    assert _all_finished(bucket, keys)


def test_database_outage_fails_the_run_clearly_and_a_rerun_completes(
    claimdocs_env, monkeypatch, bucket: Bucket, dagster_instance, pg_url: str, tmp_path: Path
) -> None:
    """GIVEN the database goes away after the first object of a batch was recorded, and stays
    away through every retry
    WHEN the run executes
    THEN it fails with a message that says the database is unavailable and that finished objects
    are kept; once the database is back, running the batch again completes it with every file
    recorded once."""
    files = _digital_files(tmp_path, 4)
    keys = _upload_all(bucket, files)
    url = make_url(pg_url)
    with TcpCutProxy((url.host, url.port)) as proxy:
        monkeypatch.setenv("DATABASE_URL", url.set(port=proxy.port).render_as_string(hide_password=False))
        [request] = sensor_tick(dagster_instance, cursor=None).run_requests
        stop = threading.Event()

        def cut_after_first_marker() -> None:
            while not stop.is_set():
                if bucket.keys(LAYOUT.processed_prefix) or bucket.keys(LAYOUT.quarantine_prefix):
                    proxy.cut()
                    return
                time.sleep(0.02)

        watcher = threading.Thread(target=cut_after_first_marker)
        watcher.start()
        failed = _execute(dagster_instance, request)
        stop.set()
        watcher.join()
        assert not failed.success
        [failure] = [e for e in failed.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE]
        # Dagster reports "Exceeded max_retries" caused by our error, which says what happened.
        messages, error = [], failure.step_failure_data.error
        while error is not None:
            messages.append(error.message)
            error = error.cause
        assert any("database unavailable" in m and "kept" in m for m in messages), messages
        assert _retries(failed) == 3  # FAST_RETRY.max_retries: each retry met the outage
        assert not _all_finished(bucket, keys)

        proxy.restore()
        rerun = _execute(dagster_instance, request)
    assert rerun.success
    assert _all_finished(bucket, keys)
    shas, _ = _store_rows(pg_url)
    assert sorted(shas) == sorted(sha256_of(p) for p in files)  # each file once
    engine = make_engine(pg_url)
    with engine.connect() as connection:
        per_file = connection.execute(
            select(Event.file_id, func.count())
            .where(Event.kind.in_(["file_processed", "file_quarantined"]))
            .group_by(Event.file_id)
        ).all()
    engine.dispose()
    assert len(per_file) == len(files) and all(count == 1 for _, count in per_file)


def test_database_restart_is_absorbed_by_the_retry_policy(
    claimdocs_env, monkeypatch, bucket: Bucket, dagster_instance, pg_url: str, tmp_path: Path
) -> None:
    """GIVEN a database that resets the first connection (a restart in progress)
    WHEN a batch runs
    THEN the step is retried and the run succeeds."""
    files = _digital_files(tmp_path, 2)
    keys = _upload_all(bucket, files)
    url = make_url(pg_url)
    with TcpCutProxy((url.host, url.port)) as proxy:
        monkeypatch.setenv("DATABASE_URL", url.set(port=proxy.port).render_as_string(hide_password=False))
        [request] = sensor_tick(dagster_instance, cursor=None).run_requests
        proxy.refuse_next(1)
        result = _execute(dagster_instance, request)
    assert result.success
    assert _retries(result) == 1
    assert _all_finished(bucket, keys)


def test_an_object_overwritten_after_listing_costs_only_itself(
    claimdocs_env, bucket: Bucket, dagster_instance, pg_url: str, tmp_path: Path
) -> None:
    """GIVEN a batch listed, then one of its objects overwritten with other bytes
    WHEN the batch runs
    THEN the other objects finish, the overwritten one is reported as changed (not processed
    from the wrong bytes), and the next tick asks for its new version."""
    files = _digital_files(tmp_path, 3)
    keys = _upload_all(bucket, files)
    first = sensor_tick(dagster_instance, cursor=None)
    [request] = first.run_requests
    bucket.upload(files[0], keys[1])  # other bytes under the second key
    result = _execute(dagster_instance, request)
    assert result.success
    materialization = result.asset_materializations_for_node(BATCH_OP_NAME)[0]
    assert materialization.metadata["source_changed"].value == 1
    assert _all_finished(bucket, [keys[0], keys[2]])
    nxt = sensor_tick(dagster_instance, cursor=first.cursor)
    objects = nxt.run_requests[0].run_config["ops"][BATCH_OP_NAME]["config"]["objects"]
    assert [o["key"] for o in objects] == [keys[1]]
