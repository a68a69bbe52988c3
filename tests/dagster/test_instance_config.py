"""The code location loads the way `dagster dev` loads it, and the production instance settings
in docs/dagster.yaml are valid against a real PostgreSQL."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy.engine import make_url

from dagster_project.definitions import build_definitions

REPO = Path(__file__).resolve().parents[2]


def test_definitions_hold_the_pipeline_assets_checks_sensor_and_schedule() -> None:
    defs = build_definitions({})
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert keys == {
        "s3_input_objects",
        "ingested_files",
        "page_words",
        "classified_documents",
        "extractions",
        "routed_documents",
        "pas_records",
    }
    assert {key.name for key in graph.asset_check_keys} == {
        "quarantine_share",
        "validation_failures",
        "straight_through_rate",
    }
    job = defs.resolve_job_def("ingest_documents")
    assert job.executor_def.name == "multiprocess"
    assert defs.resolve_sensor_def("s3_new_objects").job_name == "ingest_documents"
    assert defs.resolve_schedule_def("nightly_sweep").cron_schedule == "0 2 * * *"


def test_dagster_cli_loads_the_code_location_with_no_arguments(tmp_path: Path) -> None:
    """`dagster dev` finds the code location through [tool.dagster] in pyproject.toml; the same
    resolution is used by `dagster definitions validate` run in the repository root."""
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    completed = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "claimdocs" in completed.stdout + completed.stderr


@pytest.mark.integration
def test_production_instance_settings_load_against_postgresql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pg_server
) -> None:
    """GIVEN docs/dagster.yaml as DAGSTER_HOME's settings and a PostgreSQL database for Dagster
    THEN the instance starts on it with a queued run coordinator and the documented limits."""
    database = pg_server.create_database()
    try:
        url = make_url(pg_server.url_for(database))
        for name, value in {
            "DAGSTER_PG_HOST": url.host,
            "DAGSTER_PG_PORT": str(url.port),
            "DAGSTER_PG_DB": database,
            "DAGSTER_PG_USERNAME": url.username or "postgres",
            "DAGSTER_PG_PASSWORD": url.password or "",
        }.items():
            monkeypatch.setenv(name, value)
        shutil.copyfile(REPO / "docs" / "dagster.yaml", tmp_path / "dagster.yaml")
        instance = dg.DagsterInstance.from_config(str(tmp_path))
        try:
            assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
            assert type(instance.run_storage).__name__ == "PostgresRunStorage"
            queue = instance.get_concurrency_config().run_queue_config
            assert queue.max_concurrent_runs == 2
            assert {"key": "claimdocs/trigger", "value": "nightly", "limit": 1} in queue.tag_concurrency_limits
            assert instance.get_concurrency_config().pool_config.default_pool_limit == 2
            assert instance.run_monitoring_enabled and instance.run_retries_enabled
            assert not instance.run_retries_retry_on_asset_or_op_failure
            assert instance.get_runs() == []  # storage reachable and migrated
        finally:
            instance.dispose()
    finally:
        pg_server.drop_database(database)
