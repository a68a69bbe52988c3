"""The nightly batch: every input object without an output for its current version."""

from datetime import timedelta

import dagster as dg

from dagster_project.assets import BATCH_OP_NAME
from dagster_project.batches import batch_run_config, batch_tags, plan_batches
from dagster_project.jobs import INGEST_JOB_NAME
from dagster_project.resources import IngestionPolicy, S3BucketResource
from dagster_project.sweep import find_unfinished


@dg.schedule(
    name="nightly_sweep",
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    job_name=INGEST_JOB_NAME,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description=(
        "Nightly batch and safety net: requests runs for every input object without an output "
        "marker (missed by the sensor, left by a dead run, or uploaded while the sensor was off)."
    ),
)
def nightly_sweep(
    context: dg.ScheduleEvaluationContext, s3: S3BucketResource, ingestion: IngestionPolicy
):
    scheduled = context.scheduled_execution_time
    # Objects younger than this are the sensor's (it may be processing them right now).
    modified_before = scheduled - timedelta(minutes=ingestion.sweep_min_age_minutes)
    unfinished = find_unfinished(s3.client(), s3.layout(), modified_before=modified_before)
    plans = plan_batches(unfinished, ingestion.batch_size)
    if not plans:
        return dg.SkipReason("every input object has its output")
    night = scheduled.strftime("%Y-%m-%d")
    return [
        dg.RunRequest(
            # One run per batch per night: a batch still unfinished tomorrow is asked for again.
            run_key=f"nightly-{night}-{plan.batch_id}",
            run_config=batch_run_config(plan, BATCH_OP_NAME),
            tags=batch_tags(plan, "nightly"),
        )
        for plan in plans
    ]
