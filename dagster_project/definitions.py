"""The code location: `dagster dev` in the repository root loads this module ([tool.dagster])."""

import os
from collections.abc import Mapping

import dagster as dg

from claimdocs.log_setup import configure_logging, dagster_console_logger
from dagster_project.assets import document_batch, source_objects
from dagster_project.jobs import INGEST_RETRY_POLICY, build_ingest_job
from dagster_project.resources import resources_from_env
from dagster_project.schedules import nightly_sweep
from dagster_project.sensors import s3_new_objects


def build_definitions(
    environ: Mapping[str, str], retry_policy: dg.RetryPolicy = INGEST_RETRY_POLICY
) -> dg.Definitions:
    """Everything in one place; tests build it with their own environment and retry delays."""
    # Our modules' log records, and Dagster's console output, as allow-listed JSON lines.
    configure_logging(exclusive=False)
    return dg.Definitions(
        assets=[source_objects, document_batch],
        jobs=[build_ingest_job(retry_policy)],
        sensors=[s3_new_objects],
        schedules=[nightly_sweep],
        resources=resources_from_env(environ),
        executor=dg.multiprocess_executor,
        loggers={"console": dagster_console_logger()},
    )


defs = build_definitions(os.environ)
