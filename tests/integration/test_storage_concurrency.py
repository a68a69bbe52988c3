"""Re-sent batches, racing workers and a worker killed mid-approval leave one clean result."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from pipeline.contract import DocType, Route
from storage import DocumentState, Store, make_engine
from storage.state_tables import ReviewTask
from tests.db_counts import pas_rows, row_counts
from tests.file_results import batch, document, loss_run_fields, processed_result

REPO = Path(__file__).resolve().parents[2]

# Records a batch, starting only when told to, so two of these race on every file.
RECORD_BATCH = r"""
import json, sys, time
from pathlib import Path
from pipeline.contract import FileResult
from storage import Store, make_engine

url, batch_path, ready, go = sys.argv[1:5]
results = [FileResult.model_validate(item) for item in json.loads(Path(batch_path).read_text())]
engine = make_engine(url)
with engine.connect():
    pass
Path(ready).touch()
deadline = time.monotonic() + 60
while not Path(go).exists():
    if time.monotonic() > deadline:
        sys.exit("never told to start")
    time.sleep(0.002)
store = Store(engine)
won = sum(store.record_result(result, "inbox/" + result.source).recorded for result in results)
engine.dispose()
print(won)
"""

# Approves one document but stops dead after the first claim row is written, waiting to be killed.
APPROVE_AND_HANG = r"""
import sys, time
from pathlib import Path
from sqlalchemy import event
from storage import Store, make_engine

url, document_id, paused = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
engine = make_engine(url)

@event.listens_for(engine, "after_cursor_execute")
def hang_between_writes(conn, cursor, statement, parameters, context, executemany):
    if statement.lstrip().upper().startswith("INSERT") and "loss_run_claims" in statement:
        paused.touch()
        time.sleep(120)

Store(engine).approve_document(document_id, approved_by="alice")
"""


def _python(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(path: Path, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(f"worker exited early: {process.stderr.read()[-2000:]}")
        assert time.monotonic() < deadline, "worker never got there"
        time.sleep(0.01)


def test_same_batch_twice_and_in_two_racing_processes_gives_one_result(
    database_url, empty_database, tmp_path
):
    """GIVEN one batch WHEN it is recorded once, then again, and (in the emptied database) by two
    processes at the same moment THEN every table holds exactly the rows of one run."""
    results = batch(8)

    engine = make_engine(database_url)
    store = Store(engine)
    for result in results:
        store.record_result(result, f"inbox/{result.source}")
    once = row_counts(engine)
    once_states = store.status_summary()
    for result in results:
        assert not store.record_result(result, f"inbox/{result.source}").recorded
    assert row_counts(engine) == once
    engine.dispose()

    empty_database(database_url)
    batch_file = tmp_path / "batch.json"
    batch_file.write_text(json.dumps([result.model_dump(mode="json") for result in results]))
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{i}" for i in range(2)]
    workers = [_python(RECORD_BATCH, database_url, str(batch_file), str(r), str(go)) for r in ready]
    won = []
    try:
        for flag, worker in zip(ready, workers, strict=True):
            _wait_for(flag, worker)
        go.touch()
        for worker in workers:
            stdout, stderr = worker.communicate(timeout=120)
            assert worker.returncode == 0, stderr[-2000:]
            won.append(int(stdout.strip()))
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.communicate(timeout=30)
    assert sum(won) == len(results)  # each file recorded by exactly one of the two
    engine = make_engine(database_url)
    assert row_counts(engine) == once
    raced_states = Store(engine).status_summary()
    assert (
        raced_states.files == once_states.files and raced_states.documents == once_states.documents
    )
    engine.dispose()


def test_killed_mid_approval_leaves_no_partial_rows_and_a_retry_completes(database_url, tmp_path):
    """GIVEN a loss run in review WHEN the approving process is SIGKILLed after its record row and
    first claim row were written THEN no PAS row, outbox entry or state change remains, and
    approving again writes the whole thing once."""
    engine = make_engine(database_url)
    store = Store(engine)
    result = processed_result(
        "killed",
        [
            document(
                DocType.LOSS_RUN, loss_run_fields(claims=3), page_end=2, route=Route.NEEDS_REVIEW
            )
        ],
    )
    (document_id,) = store.record_result(result, "inbox/killed.pdf").documents
    before = row_counts(engine)

    paused = tmp_path / "paused"
    worker = _python(APPROVE_AND_HANG, database_url, str(document_id), str(paused))
    try:
        _wait_for(paused, worker)
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.communicate(timeout=30)  # reap it and close its pipes
    assert worker.returncode == -signal.SIGKILL

    assert row_counts(engine) == before
    for logical in ("loss_runs", "loss_run_claims", "field_provenance", "outbox"):
        assert pas_rows(engine, logical) == []
    assert store.load_document(document_id).state is DocumentState.IN_REVIEW
    assert "document_approved" not in [e.kind for e in store.document_history(document_id)]

    approval = store.approve_document(document_id, approved_by="alice")
    assert len(pas_rows(engine, "loss_runs")) == 1
    assert len(pas_rows(engine, "loss_run_claims")) == 3
    assert [row["id"] for row in pas_rows(engine, "outbox")] == [approval.outbox_id]
    with store.unit_of_work() as session:
        task = session.scalar(select(ReviewTask).where(ReviewTask.document_id == document_id))
        assert task.closed_at is not None
    engine.dispose()
