"""The ingestion job and its retry policy for transient errors."""

import dagster as dg

from dagster_project.assets import document_batch

INGEST_JOB_NAME = "ingest_documents"

# For what outlasts botocore's own retries and the database pool's pre-ping: S3 throttling
# storms, a database restart. Finished objects are skipped on a retry (their marker exists), so
# a retry only redoes the object that was interrupted. Non-transient failures are raised as
# `dg.Failure(allow_retries=False)` and are not retried.
INGEST_RETRY_POLICY = dg.RetryPolicy(
    max_retries=4, delay=5, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


def build_ingest_job(retry_policy: dg.RetryPolicy = INGEST_RETRY_POLICY):
    """The job the sensor and the schedule launch: one batch of objects per run."""
    return dg.define_asset_job(
        INGEST_JOB_NAME,
        selection=dg.AssetSelection.assets(document_batch),
        op_retry_policy=retry_policy,
        description="Ingest one batch of S3 objects: core pipeline, claims database, outputs to S3.",
    )
