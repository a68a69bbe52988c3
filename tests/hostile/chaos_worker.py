"""One batch of the S3 ingestion (the Dagster asset's body, without Dagster) over every object
under the input prefix: run in a child process that a kill plan may SIGKILL, or in-process for
the re-run that must converge.

Children come from a zygote: `python -m tests.hostile.chaos_worker` imports everything once, then
forks one child per request line (JSON arguments of `run_batch`) and answers each with how the
child ended, so a repetition does not pay an interpreter start and the imports.
"""

from __future__ import annotations

import json
import os
import sys
import traceback

import boto3

from claimdocs.kill_points import KillSwitch
from dagster_project.batch_ingest import BatchIngester, BatchReport
from dagster_project.claim_store import ClaimStore
from dagster_project.output_layout import OutputLayout
from dagster_project.s3_objects import BucketClient
from pipeline.page_words import OcrOptions
from pipeline.runner import PipelineOptions

LAYOUT = OutputLayout()


def run_batch(endpoint: str, bucket: str, database_url: str, plan: str | None = None) -> BatchReport:
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    objects_bucket = BucketClient(client, bucket)
    store = ClaimStore.connect(database_url)
    kill_switch = KillSwitch.from_file(plan)
    store.arm(kill_switch)
    try:
        ingester = BatchIngester(
            objects_bucket,
            LAYOUT,
            store,
            PipelineOptions(ocr=OcrOptions(workers=1, cache_dir=None)),
            kill_switch=kill_switch,
        )
        objects = list(objects_bucket.list_objects(LAYOUT.input_prefix))
        return ingester.ingest_batch("chaos", objects)
    finally:
        store.close()


def zygote() -> None:
    """Single-threaded on purpose: fork is safe only from a process without threads."""
    for line in sys.stdin:
        arguments = json.loads(line)
        pid = os.fork()
        if pid == 0:  # the child: run the batch, never return into the loop
            code = 1
            try:
                run_batch(**arguments)
                code = 0
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        ended = {
            "pid": pid,
            "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
            "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        }
        sys.stdout.write(json.dumps(ended) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    zygote()
