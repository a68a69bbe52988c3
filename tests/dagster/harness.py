"""Driving the code location the way the daemon does: evaluate a tick, execute the runs it asks
for on the instance (each run key at most once), read back what happened."""

import os
from collections.abc import Callable
from datetime import datetime

import dagster as dg

from dagster_project.definitions import build_definitions
from storage import Store, make_engine
from storage.outcomes import StatusSummary
from tests.dagster.run_targets import FAST_RETRY, ingest_job_fast_retry

RUN_KEY_TAG = "dagster/run_key"


def test_definitions() -> dg.Definitions:
    return build_definitions(os.environ, FAST_RETRY)


test_definitions.__test__ = False  # not a test: a builder


def sensor_tick(
    instance: dg.DagsterInstance, cursor: str | None
) -> dg.SensorResult:
    defs = test_definitions()
    sensor = defs.resolve_sensor_def("s3_new_objects")
    with dg.build_sensor_context(
        instance=instance, cursor=cursor, resources=defs.resources
    ) as context:
        return sensor(context)


def sweep_tick(instance: dg.DagsterInstance, at: datetime) -> list[dg.RunRequest]:
    defs = test_definitions()
    schedule = defs.resolve_schedule_def("nightly_sweep")
    resources = defs.resources
    with dg.build_schedule_context(
        instance=instance, scheduled_execution_time=at, resources=resources
    ) as context:
        result = schedule.evaluate_tick(context)
    return list(result.run_requests or [])


def already_launched(instance: dg.DagsterInstance, run_key: str) -> bool:
    return bool(instance.get_runs(filters=dg.RunsFilter(tags={RUN_KEY_TAG: run_key})))


def execute_requests(
    instance: dg.DagsterInstance,
    requests: list[dg.RunRequest],
    job_fn: Callable[[], dg.JobDefinition] = ingest_job_fast_retry,
    *,
    in_process: bool = False,
) -> list:
    """Each request as a real run (multiprocess executor: the step in its own process; or in
    this process when `in_process`), skipping run keys already launched, as the daemon does."""
    results = []
    for request in requests:
        if request.run_key and already_launched(instance, request.run_key):
            continue
        tags = {**request.tags, **({RUN_KEY_TAG: request.run_key} if request.run_key else {})}
        if in_process:
            results.append(
                job_fn().execute_in_process(
                    run_config=request.run_config, instance=instance, tags=tags, raise_on_error=False
                )
            )
            continue
        results.append(
            dg.execute_job(
                dg.reconstructable(job_fn), instance=instance, run_config=request.run_config, tags=tags
            )
        )
    return results


def status_of(database_url: str) -> StatusSummary:
    engine = make_engine(database_url)
    try:
        return Store(engine).status_summary()
    finally:
        engine.dispose()
