"""The batch ingester against the real S3 server and PostgreSQL, without Dagster around it."""

import json
from pathlib import Path

import boto3
import pytest

from dagster_project.batch_ingest import BatchIngester, ObjectFate
from dagster_project.claim_store import ClaimStore
from dagster_project.output_layout import OutputLayout
from dagster_project.s3_objects import BucketClient
from pipeline.load import LoadLimits
from pipeline.runner import PipelineOptions
from tests.corpus import truth_of
from tests.dagster.conftest import INPUT_PREFIX, Bucket, sha256_of, small_corpus, snapshot

pytestmark = pytest.mark.integration
LAYOUT = OutputLayout()


def _ingester(bucket: Bucket, pg_url: str, options: PipelineOptions) -> tuple[BatchIngester, ClaimStore]:
    client = BucketClient(boto3.client("s3", endpoint_url=bucket.endpoint_url), bucket.name)
    store = ClaimStore.connect(pg_url)
    return BatchIngester(client, LAYOUT, store, options), store


def test_object_over_the_size_limit_is_quarantined_without_touching_disk(
    aws_credentials, bucket: Bucket, pg_url: str, tmp_path: Path
) -> None:
    """GIVEN an object larger than the load limit
    THEN it is quarantined as too_large (hashed while streamed, never written), with its copy and
    reason in quarantine/, and recorded in the store under its real sha256."""
    [path] = snapshot([p for p in small_corpus(scanned=0) if truth_of(p).get("status") != "quarantined"][:1], tmp_path)
    key = bucket.upload(path, INPUT_PREFIX + "big.pdf")
    options = PipelineOptions(limits=LoadLimits(max_bytes=path.stat().st_size - 1))
    ingester, store = _ingester(bucket, pg_url, options)
    try:
        [obj] = list(ingester.bucket.list_objects(INPUT_PREFIX))
        report = ingester.ingest_batch("b", [obj])
        [outcome] = report.outcomes
        assert outcome.fate == ObjectFate.QUARANTINED and outcome.reason == "too_large"
        assert outcome.sha256 == sha256_of(path)
        reason = json.loads(bucket.client.get_object(Bucket=bucket.name, Key=LAYOUT.reason_key(key))["Body"].read())
        assert reason["code"] == "too_large" and "MB" in reason["message"]
        assert store.status().files["quarantined"] == 1
    finally:
        store.close()


def test_keys_with_spaces_and_non_ascii_names_round_trip(
    aws_credentials, bucket: Bucket, pg_url: str, tmp_path: Path
) -> None:
    """GIVEN objects whose keys hold spaces, non-ASCII letters and a folder marker
    THEN each file gets its output under the same relative key, the marker is skipped, and the
    output's metadata (ASCII only in S3) still names its source."""
    [path] = snapshot([p for p in small_corpus(scanned=0) if truth_of(p).get("status") != "quarantined"][:1], tmp_path)
    bucket.client.put_object(Bucket=bucket.name, Key=INPUT_PREFIX + "Schäden 2026/", Body=b"")
    key = bucket.upload(path, INPUT_PREFIX + "Schäden 2026/Brief an Müller (1).pdf")
    ingester, store = _ingester(bucket, pg_url, PipelineOptions())
    try:
        objects = list(ingester.bucket.list_objects(INPUT_PREFIX))
        assert [o.key for o in objects] == [key]
        [outcome] = ingester.ingest_batch("b", objects).outcomes
        assert outcome.fate in (ObjectFate.PROCESSED, ObjectFate.QUARANTINED)
        marker = outcome.output_key
        assert marker in LAYOUT.marker_keys(key)
        head = bucket.client.head_object(Bucket=bucket.name, Key=marker)
        assert head["Metadata"]["claimdocs-source-etag"] == objects[0].etag
        # The second time round the marker is recognised: nothing is done again.
        [again] = ingester.ingest_batch("b", objects).outcomes
        assert again.fate == ObjectFate.ALREADY_DONE and again.output_key == marker
    finally:
        store.close()
