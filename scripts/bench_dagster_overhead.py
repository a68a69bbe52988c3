"""Dagster's overhead per document against the core pipeline's own time on the same files.

    .venv/bin/python scripts/bench_dagster_overhead.py [--variant scanned] [--limit 6]
        [--batch-sizes 0,1]

1. core: `pipeline.runner.process_file` over the files, one after another, OCR cache off;
2. dagster: the same files uploaded to a local S3 server (moto), one sensor tick, and the runs it
   asks for executed as real runs (multiprocess executor, the step in its own process) on a
   temporary instance, writing to PostgreSQL (found or started as in the tests);
overhead = (dagster wall time - core wall time) / files; it holds everything that is not the
core: run start, step process start and imports, download, database writes, outputs to S3,
Dagster's event log. `--batch-sizes 0` means one run for all files; 1 means a run per file.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variant", default="scanned", help="corpus variant: scanned | digital")
    parser.add_argument("--limit", type=int, default=6, help="how many files")
    parser.add_argument("--batch-sizes", default="0,1", help="comma list; 0 = all files in one run")
    args = parser.parse_args()

    os.environ.update(
        AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1"
    )
    os.environ["CLAIMDOCS_OCR_CACHE"] = "off"

    import boto3
    import dagster as dg
    from moto.server import ThreadedMotoServer

    from claimdocs.settings import load_settings
    from pipeline.runner import process_file
    from storage import migrate
    from tests.corpus import corpus_files
    from tests.dagster.harness import RUN_KEY_TAG
    from tests.postgres_server import discover_postgres_server

    files = corpus_files(variant=args.variant, quarantined=False)[: args.limit]
    if not files:
        sys.exit("no corpus files of that variant")

    options = load_settings().pipeline_options()
    process_file(files[0], options)  # warm-up: imports, OCR worker pool, tesseract data
    started = time.perf_counter()
    pages = 0
    for path in files:
        pages += process_file(path, options).pages
    core_seconds = time.perf_counter() - started
    print(f"files={len(files)} pages={pages} variant={args.variant}")
    print(f"core: {core_seconds:.1f} s  ({core_seconds / len(files):.2f} s/file, "
          f"{60 * pages / core_seconds:.1f} pages/min)")

    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    postgres = discover_postgres_server(os.environ)
    splits: list[tuple[int, float]] = []  # (runs, seconds outside the core)
    try:
        for batch_size in [int(b) for b in args.batch_sizes.split(",")]:
            size = batch_size or len(files)
            database = postgres.create_database()
            url = postgres.url_for(database)
            migrate.upgrade(url)
            bucket = f"bench-{size}-{int(time.time())}"
            s3 = boto3.client("s3", endpoint_url=endpoint)
            s3.create_bucket(Bucket=bucket)
            for path in files:
                s3.put_object(Bucket=bucket, Key=f"incoming/{path.name}", Body=path.read_bytes())
            os.environ.update(
                CLAIMDOCS_S3_BUCKET=bucket,
                CLAIMDOCS_S3_ENDPOINT_URL=endpoint,
                DATABASE_URL=url,
                CLAIMDOCS_BATCH_SIZE=str(size),
            )
            with tempfile.TemporaryDirectory() as home, dg.instance_for_test(temp_dir=home) as instance:
                from dagster_project.definitions import build_definitions
                from tests.dagster.run_targets import ingest_job

                defs = build_definitions(os.environ)
                sensor = defs.resolve_sensor_def("s3_new_objects")
                started = time.perf_counter()
                with dg.build_sensor_context(instance=instance, resources=defs.resources) as context:
                    result = sensor(context)
                in_run_core = 0.0
                for request in result.run_requests:
                    execution = dg.execute_job(
                        dg.reconstructable(ingest_job),
                        instance=instance,
                        run_config=request.run_config,
                        tags={**request.tags, RUN_KEY_TAG: request.run_key},
                    )
                    assert execution.success
                    for event in execution.get_asset_materialization_events():
                        if event.asset_key.to_user_string() == "pas_records":
                            in_run_core += event.materialization.metadata["core_seconds"].value
                dagster_seconds = time.perf_counter() - started
            rest = dagster_seconds - in_run_core
            splits.append((len(result.run_requests), rest))
            print(
                f"dagster batch_size={size}: runs={len(result.run_requests)} wall={dagster_seconds:.1f} s"
                f" | core inside the runs {in_run_core:.1f} s, everything else {rest:.1f} s"
                f" = {rest / len(files):.2f} s/file = {100 * rest / in_run_core:.1f} % of the core's time"
                f" | wall vs core alone: {100 * (dagster_seconds - core_seconds) / core_seconds:+.1f} %"
            )
            postgres.drop_database(database)
        # The machine may be shared: time the core alone again, after the runs, to show the noise.
        started = time.perf_counter()
        for path in files:
            process_file(path, options)
        print(f"core again (after the runs): {time.perf_counter() - started:.1f} s")
        if len(splits) >= 2 and splits[0][0] != splits[1][0]:
            # rest = runs x per_run + files x per_file: solve from two batch sizes
            (r1, t1), (r2, t2) = splits[:2]
            per_run = (t1 - t2) / (r1 - r2)
            per_file = (t1 - r1 * per_run) / len(files)
            print(f"fixed cost per run {per_run:.1f} s, cost per file outside the core {per_file:.2f} s")
    finally:
        server.stop()
        postgres.stop()


if __name__ == "__main__":
    main()
