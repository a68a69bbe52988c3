"""A run's processes killed with SIGKILL mid-batch: the nightly sweep finishes the batch with no
document lost or duplicated."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dagster_project.assets import BATCH_OP_NAME
from dagster_project.output_layout import OutputLayout
from storage import make_engine
from storage.state_tables import Event, StoredDocument, StoredFile
from tests.corpus import truth_of
from tests.dagster.conftest import INPUT_PREFIX, Bucket, sha256_of, small_corpus, snapshot
from tests.dagster.harness import execute_requests, sensor_tick, status_of, sweep_tick

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
LAYOUT = OutputLayout()
REPO = Path(__file__).resolve().parents[2]

RUN_IN_CHILD = """
import json, sys
import dagster as dg
from tests.dagster.run_targets import ingest_job
dg.execute_job(dg.reconstructable(ingest_job), instance=dg.DagsterInstance.get(),
               run_config=json.loads(sys.argv[1]))
"""


def _markers(bucket: Bucket) -> set[str]:
    found = set()
    for key in bucket.keys(LAYOUT.processed_prefix) + bucket.keys(LAYOUT.quarantine_prefix):
        source = LAYOUT.source_key_of_marker(key)
        if source is not None and key in LAYOUT.marker_keys(source):
            found.add(source)
    return found


def test_sigkill_mid_batch_then_sweep_finishes_with_nothing_lost_or_duplicated(
    claimdocs_env, bucket: Bucket, dagster_instance, pg_url: str, tmp_path: Path
) -> None:
    """GIVEN a batch running in its own processes (run worker + step process, as launched)
    WHEN the whole process group is killed with SIGKILL after some objects finished
    THEN the nightly sweep asks for exactly the unfinished objects, and after its run every
    object has one output, every file one row and one outcome event, and the documents equal
    those in the outputs (none twice)."""
    good = [p for p in small_corpus(scanned=0) if truth_of(p).get("status") != "quarantined"]
    files = snapshot(good, tmp_path / "corpus")
    keys = [bucket.upload(path, INPUT_PREFIX + path.name) for path in files]
    [request] = sensor_tick(dagster_instance, cursor=None).run_requests

    child = subprocess.Popen(
        [sys.executable, "-c", RUN_IN_CHILD, json.dumps(request.run_config)],
        cwd=REPO,
        env=os.environ.copy(),
        start_new_session=True,  # its own process group: the step process is in it too
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 180
    try:
        while len(_markers(bucket)) < 2:
            assert child.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "the run never got going"
            time.sleep(0.02)
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    finished_before = _markers(bucket)
    assert 2 <= len(finished_before) < len(keys), "killed too late to prove anything"

    # The sweep (run as the schedule would, at a later night) asks for the rest, nothing else.
    requests = sweep_tick(dagster_instance, at=datetime.now(UTC) + timedelta(hours=2))
    swept = [o["key"] for r in requests for o in r.run_config["ops"][BATCH_OP_NAME]["config"]["objects"]]
    assert sorted(swept) == sorted(set(keys) - finished_before)
    results = execute_requests(dagster_instance, requests, in_process=True)
    assert all(result.success for result in results)

    assert _markers(bucket) == set(keys)
    engine = make_engine(pg_url)
    with engine.connect() as connection:
        shas = sorted(connection.execute(select(StoredFile.sha256)).scalars())
        outcome_events = connection.execute(
            select(Event.file_id, func.count())
            .where(Event.kind.in_(["file_processed", "file_quarantined"]))
            .group_by(Event.file_id)
        ).all()
        documents = connection.execute(select(func.count()).select_from(StoredDocument)).scalar_one()
    engine.dispose()
    assert shas == sorted({sha256_of(p) for p in files})
    assert len(outcome_events) == len(shas) and all(n == 1 for _, n in outcome_events)
    in_outputs = 0
    for key in keys:
        extraction_key = LAYOUT.extraction_key(key)
        if extraction_key in bucket.keys(extraction_key):
            body = bucket.client.get_object(Bucket=bucket.name, Key=extraction_key)["Body"].read()
            in_outputs += len(json.loads(body)["documents"])
    assert documents == in_outputs
    summary = status_of(pg_url)
    assert summary.documents["processed"] == 0  # none stuck between recorded and routed
