"""Many objects at once in a real S3 server: listed page by page, handed out once each, even when
one tick may read only part of the listing."""

from concurrent.futures import ThreadPoolExecutor

import dagster as dg
import pytest

from dagster_project.assets import BATCH_OP_NAME
from dagster_project.definitions import build_definitions
from dagster_project.resources import IngestionPolicy
from tests.dagster.conftest import INPUT_PREFIX, Bucket

pytestmark = pytest.mark.integration
OBJECTS = 1_005  # more than one ListObjectsV2 page (1,000 keys)


def _tick(instance: dg.DagsterInstance, cursor: str | None, environ: dict[str, str]) -> dg.SensorResult:
    defs = build_definitions(environ)
    resources = {**defs.resources, "ingestion": IngestionPolicy(batch_size=400, max_list_pages_per_tick=1)}
    sensor = defs.resolve_sensor_def("s3_new_objects")
    with dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources) as context:
        return sensor(context)


def test_a_thousand_objects_at_once_are_each_requested_exactly_once(
    claimdocs_env, bucket: Bucket, dagster_instance
) -> None:
    """GIVEN 1,005 objects uploaded at once and a sensor allowed one listing page per tick
    WHEN it ticks until it has nothing new
    THEN every key was requested exactly once, in batches of at most 400, and the listing
    continued from where the first tick stopped."""
    keys = [f"{INPUT_PREFIX}drop/{i:05d}.pdf" for i in range(OBJECTS)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda key: bucket.client.put_object(Bucket=bucket.name, Key=key, Body=b"%PDF-"), keys))

    requested: list[str] = []
    batch_sizes: list[int] = []
    cursor = None
    for _ in range(4):
        result = _tick(dagster_instance, cursor, claimdocs_env)
        for request in result.run_requests or []:
            objects = request.run_config["ops"][BATCH_OP_NAME]["config"]["objects"]
            batch_sizes.append(len(objects))
            requested.extend(o["key"] for o in objects)
        cursor = result.cursor
    assert sorted(requested) == keys  # none skipped, none twice
    assert max(batch_sizes) <= 400
    assert len(batch_sizes) == 4  # 1,000 keys in the first tick (3 runs), 5 in the second
