"""Jobs that run in a separate process (`dg.reconstructable`), built from the real definitions
with the environment the test set; `*_fast_retry` only shortens the retry delays."""

import os

import dagster as dg

from dagster_project.definitions import build_definitions
from dagster_project.jobs import INGEST_JOB_NAME

FAST_RETRY = dg.RetryPolicy(max_retries=3, delay=0.2)


def ingest_job() -> dg.JobDefinition:
    return build_definitions(os.environ).resolve_job_def(INGEST_JOB_NAME)


def ingest_job_fast_retry() -> dg.JobDefinition:
    return build_definitions(os.environ, FAST_RETRY).resolve_job_def(INGEST_JOB_NAME)
