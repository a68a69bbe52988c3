"""Chaos: the worker running an S3 batch is SIGKILLed at each named point (five repetitions each,
at a different object each time), and PostgreSQL is restarted under a running batch; every time a
plain re-run converges and `claimdocs reconcile` finds 0 orphans and 0 duplicates."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from claimdocs.cli import app
from claimdocs.kill_points import KillPoint, write_kill_plan
from claimdocs.reconcile import InputState, reconcile, s3_inputs
from dagster_project.batch_ingest import SCRATCH_PREFIX
from dagster_project.s3_objects import BucketClient
from storage import make_engine
from storage.state_tables import StoredDocument, StoredFile
from tests.corpus import corpus_files
from tests.dagster.conftest import INPUT_PREFIX, Bucket, has_text_layer, sha256_of
from tests.hostile.chaos_worker import LAYOUT, run_batch
from tests.postgres_server import postgres_bin_dir, start_throwaway_postgres

pytestmark = [pytest.mark.integration, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
REPETITIONS = 5
CHILD_TIMEOUT_S = 120


def _inputs() -> list[Path]:
    """Three digital files with a text layer (no OCR: fast) and one the pipeline quarantines."""
    good = [p for p in corpus_files(variant="digital", quarantined=False) if has_text_layer(p)][:3]
    bad = corpus_files(quarantined=True)[:1]
    if len(good) < 3 or not bad:
        pytest.skip("sample corpus not generated")
    return [*good, *bad]


def _upload(bucket: Bucket, files: list[Path]) -> list[str]:
    """Each file under its name, plus the first one again under a later key (same bytes)."""
    keys = [bucket.upload(path, INPUT_PREFIX + path.name) for path in files]
    keys.append(bucket.upload(files[0], INPUT_PREFIX + "zz_second_copy.pdf"))
    return keys


def _empty(bucket: Bucket) -> None:
    for key in bucket.keys(""):
        bucket.client.delete_object(Bucket=bucket.name, Key=key)


class Zygote:
    """The forking helper of `tests.hostile.chaos_worker`."""

    def __init__(self, log: Path) -> None:
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.hostile.chaos_worker"],
            cwd=REPO,
            # Fake credentials for the local S3 server (the zygote outlives per-test fixtures).
            env={**os.environ, "OMP_THREAD_LIMIT": "1", "AWS_ACCESS_KEY_ID": "testing",
                 "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
        )

    def start(self, bucket: Bucket, database_url: str, plan: Path | None) -> None:
        arguments = {"endpoint": bucket.endpoint_url, "bucket": bucket.name, "database_url": database_url}
        if plan is not None:
            arguments["plan"] = str(plan)
        self.process.stdin.write((json.dumps(arguments) + "\n").encode())
        self.process.stdin.flush()

    def result(self) -> dict:
        line = self.process.stdout.readline()
        assert line, "the zygote died"
        return json.loads(line)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=CHILD_TIMEOUT_S)
        self._log.close()


@pytest.fixture(scope="module")
def zygote(tmp_path_factory: pytest.TempPathFactory):
    helper = Zygote(tmp_path_factory.mktemp("zygote") / "stderr.log")
    yield helper
    helper.close()


def _assert_converged(bucket: Bucket, database_url: str, files: list[Path], keys: list[str]) -> None:
    """Reconcile finds every input in one final state; one row per distinct file; as many
    documents as the extraction outputs hold (none twice)."""
    engine = make_engine(database_url)
    try:
        report = reconcile(s3_inputs(BucketClient(bucket.client, bucket.name), LAYOUT), engine,
                           processing_bound=timedelta(0))
        with engine.connect() as connection:
            shas = sorted(connection.execute(select(StoredFile.sha256)).scalars())
            documents = connection.execute(
                select(func.count()).select_from(StoredDocument)
            ).scalar_one()
    finally:
        engine.dispose()
    assert report.orphans == [] and report.duplicated == [], report
    assert report.inputs == len(keys)
    assert report.by_state[InputState.DUPLICATE] == 1
    assert report.by_state[InputState.QUARANTINED] == 1
    assert report.by_state[InputState.PROCESSING] == 0
    assert shas == sorted({sha256_of(path) for path in files})
    in_outputs = 0
    for key in keys[:-1]:  # the second copy's output repeats the first one's documents
        extraction_key = LAYOUT.extraction_key(key)
        if bucket.keys(extraction_key):
            body = bucket.client.get_object(Bucket=bucket.name, Key=extraction_key)["Body"].read()
            in_outputs += len(json.loads(body)["documents"])
    assert documents == in_outputs


def _kill_at(point: KillPoint, repetition: int) -> int:
    # One object per repetition; the commit point alternates received / result transactions,
    # so even counts are the result writes (documents, approvals) of successive objects.
    return 2 * repetition if point is KillPoint.BEFORE_COMMIT else repetition


@pytest.mark.parametrize("point", list(KillPoint))
def test_sigkill_at_each_point_then_rerun_converges(
    point: KillPoint,
    bucket: Bucket,
    fresh_pg_database,
    tmp_path: Path,
    zygote: Zygote,
    claimdocs_env_for_reconcile,
) -> None:
    """GIVEN four files and a byte-identical copy under another key in S3
    WHEN the worker is SIGKILLed at `point` (at the 1st..5th object in five repetitions), then
    the batch simply runs again
    THEN reconcile: 0 orphans, 0 duplicates, one row per file, documents = outputs."""
    files = _inputs()
    for repetition in range(1, REPETITIONS + 1):
        _empty(bucket)
        keys = _upload(bucket, files)
        database_url = fresh_pg_database()
        plan = write_kill_plan(tmp_path / f"plan-{repetition}.json", point, _kill_at(point, repetition))

        zygote.start(bucket, database_url, plan)
        killed = zygote.result()
        assert killed["signal"] == signal.SIGKILL  # it really died at the point
        left_behind = f"{SCRATCH_PREFIX}{killed['pid']}-*"
        assert list(Path(tempfile.gettempdir()).glob(left_behind))  # downloads of the dead batch

        report = run_batch(bucket.endpoint_url, bucket.name, database_url)
        assert len(report.outcomes) == len(keys)
        _assert_converged(bucket, database_url, files, keys)
        assert not list(Path(tempfile.gettempdir()).glob(left_behind))  # removed by the re-run

    # The command as an operator runs it agrees (last repetition).
    result = CliRunner().invoke(
        app, ["reconcile", "--s3", bucket.name, "--s3-endpoint-url", bucket.endpoint_url,
              "--database-url", database_url, "--processing-minutes", "0"]
    )
    assert result.exit_code == 0, result.output
    assert "orphans            0" in result.output


@pytest.fixture
def claimdocs_env_for_reconcile(monkeypatch: pytest.MonkeyPatch, aws_credentials) -> None:
    monkeypatch.delenv("CLAIMDOCS_S3_BUCKET", raising=False)


@pytest.fixture(scope="module")
def throwaway_postgres():
    """A cluster of our own: restarting it cannot disturb anything else on the machine."""
    if postgres_bin_dir() is None:
        pytest.skip("no initdb/pg_ctl installed")
    server = start_throwaway_postgres()
    yield server
    server.stop()


def _restart(server) -> None:
    data = server.cluster_dir / "data"
    # -l: the restarted server must not inherit our pipes (we would wait for it to exit).
    command = [str(postgres_bin_dir() / "pg_ctl"), "-D", str(data), "-l",
               str(server.cluster_dir / "server.log"), "-m", "immediate", "-w", "-t", "60", "restart"]
    if os.geteuid() == 0:
        owner = data.owner()
        command = ["runuser", "-u", owner, "--", *command]
    subprocess.run(command, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=120)


def test_postgresql_restart_during_a_run_then_rerun_converges(
    bucket: Bucket, throwaway_postgres, zygote: Zygote, aws_credentials, record_property
) -> None:
    """GIVEN a batch of 12 objects running against a throwaway PostgreSQL
    WHEN the server is restarted (immediate mode: connections cut, no clean shutdown) after the
    first outputs appear
    THEN a re-run converges: 0 orphans, 0 duplicates (five repetitions)."""
    from storage import migrate

    files = _inputs()
    restarts_survived = 0
    for _ in range(REPETITIONS):
        _empty(bucket)
        keys = _upload(bucket, files)
        for copy in range(2):  # more of the same bytes: a longer batch to restart under
            for path in files:
                keys.append(bucket.upload(path, f"{INPUT_PREFIX}zz_more_{copy}_{path.name}"))
        name = throwaway_postgres.create_database()
        database_url = throwaway_postgres.url_for(name)
        migrate.upgrade(database_url)

        zygote.start(bucket, database_url, None)
        deadline = time.monotonic() + CHILD_TIMEOUT_S
        while len(bucket.keys("processed/")) < 2:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        finished_before = len(bucket.keys("processed/")) + len(bucket.keys("quarantine/"))
        assert finished_before < len(keys), "the batch finished before the restart"
        _restart(throwaway_postgres)
        ended = zygote.result()
        # The batch either rode out the restart (pre-ping reconnects between transactions) or
        # stopped on the transient error to be resumed; it must not have finished beforehand.
        assert ended["exit_code"] in (0, 1) and ended["signal"] is None
        restarts_survived += ended["exit_code"] == 0

        run_batch(bucket.endpoint_url, bucket.name, database_url)
        _assert_converged_many(bucket, database_url, files, keys)
    record_property("restarts_survived_without_interruption", restarts_survived)


def _assert_converged_many(bucket: Bucket, database_url: str, files: list[Path], keys: list[str]) -> None:
    engine = make_engine(database_url)
    try:
        report = reconcile(s3_inputs(BucketClient(bucket.client, bucket.name), LAYOUT), engine,
                           processing_bound=timedelta(0))
        with engine.connect() as connection:
            shas = sorted(connection.execute(select(StoredFile.sha256)).scalars())
    finally:
        engine.dispose()
    assert report.orphans == [] and report.duplicated == [], report
    assert report.inputs == len(keys)
    assert report.by_state[InputState.DUPLICATE] == len(keys) - len(files)
    assert shas == sorted({sha256_of(path) for path in files})
