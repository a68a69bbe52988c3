"""The sensor that turns new objects under the input prefix into batch runs."""

from datetime import timedelta

import dagster as dg

from dagster_project.assets import BATCH_OP_NAME
from dagster_project.batches import batch_run_config, batch_tags, plan_batches
from dagster_project.ingest_cursor import IngestCursor, scan_for_new_objects
from dagster_project.jobs import INGEST_JOB_NAME
from dagster_project.resources import IngestionPolicy, S3BucketResource


@dg.sensor(
    name="s3_new_objects",
    job_name=INGEST_JOB_NAME,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Lists the input prefix and requests one run per batch of new objects.",
)
def s3_new_objects(
    context: dg.SensorEvaluationContext, s3: S3BucketResource, ingestion: IngestionPolicy
) -> dg.SensorResult:
    cursor = IngestCursor.parse(context.cursor)
    pages = s3.client().list_pages(s3.layout().input_prefix, start_after=cursor.resume_after)
    scan = scan_for_new_objects(
        cursor,
        pages,
        lookback=timedelta(minutes=ingestion.lookback_minutes),
        max_pages=ingestion.max_list_pages_per_tick,
    )
    plans = plan_batches(scan.new_objects, ingestion.batch_size)
    context.log.info(
        f"{len(scan.new_objects)} new objects in {len(plans)} batches;"
        f" {scan.pages_read} listing pages read; pass finished: {scan.pass_finished}"
    )
    run_requests = [
        dg.RunRequest(
            run_key=plan.batch_id,
            run_config=batch_run_config(plan, BATCH_OP_NAME),
            tags=batch_tags(plan, "sensor"),
        )
        for plan in plans
    ]
    # The cursor moves together with the run requests: if this tick fails, neither happens.
    return dg.SensorResult(
        run_requests=run_requests,
        cursor=scan.cursor.serialise(),
        skip_reason=None if run_requests else "no new objects",
    )
