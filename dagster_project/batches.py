"""Cutting a list of new objects into batch runs, each named by what it holds.

A batch's id is a digest of its objects' (key, ETag) pairs, and it is the run key: asking for the
same batch twice (a repeated tick, a sensor restarted from an old cursor) gives the same run key,
and Dagster launches at most one run per run key.
"""

import hashlib
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from dagster_project.s3_objects import SourceObject

BATCH_TAG = "claimdocs/batch"
TRIGGER_TAG = "claimdocs/trigger"
OBJECTS_TAG = "claimdocs/objects"


class BatchPlan(BaseModel):
    model_config = ConfigDict(frozen=True)

    batch_id: str
    objects: tuple[SourceObject, ...]


def batch_id_of(objects: Sequence[SourceObject]) -> str:
    digest = hashlib.sha256()
    for obj in sorted(objects, key=lambda o: (o.key, o.etag)):
        digest.update(f"{obj.key}\0{obj.etag}\n".encode())
    return "batch-" + digest.hexdigest()[:20]


def plan_batches(objects: Sequence[SourceObject], batch_size: int) -> list[BatchPlan]:
    """Consecutive slices of `objects` (in the order given) of at most `batch_size` each."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    plans = []
    for start in range(0, len(objects), batch_size):
        chunk = tuple(objects[start : start + batch_size])
        plans.append(BatchPlan(batch_id=batch_id_of(chunk), objects=chunk))
    return plans


def batch_run_config(plan: BatchPlan, asset_op_name: str) -> dict[str, Any]:
    """Run config naming the batch's objects for the batch asset's op."""
    return {
        "ops": {
            asset_op_name: {
                "config": {
                    "batch_id": plan.batch_id,
                    "objects": [
                        {
                            "key": o.key,
                            "etag": o.etag,
                            "size": o.size,
                            "last_modified": o.last_modified.isoformat(),
                        }
                        for o in plan.objects
                    ],
                }
            }
        }
    }


def batch_tags(plan: BatchPlan, trigger: str) -> dict[str, str]:
    return {BATCH_TAG: plan.batch_id, TRIGGER_TAG: trigger, OBJECTS_TAG: str(len(plan.objects))}
