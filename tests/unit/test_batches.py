"""Batches: every object in exactly one batch, and a batch's id (its run key) names its content."""

from datetime import UTC, datetime

import pytest

from dagster_project.batches import batch_id_of, batch_run_config, plan_batches
from dagster_project.s3_objects import SourceObject


def _objects(count: int) -> list[SourceObject]:
    stamp = datetime(2026, 11, 1, tzinfo=UTC)
    return [SourceObject(key=f"incoming/{i}.pdf", etag=f"e{i}", size=i, last_modified=stamp) for i in range(count)]


def test_every_object_lands_in_exactly_one_batch() -> None:
    objects = _objects(61)
    plans = plan_batches(objects, 25)
    assert [len(p.objects) for p in plans] == [25, 25, 11]
    assert [o for p in plans for o in p.objects] == objects


def test_batch_id_depends_on_content_not_order() -> None:
    objects = _objects(5)
    assert batch_id_of(objects) == batch_id_of(list(reversed(objects)))
    changed = [objects[0].model_copy(update={"etag": "other"}), *objects[1:]]
    assert batch_id_of(changed) != batch_id_of(objects)


def test_run_config_round_trips_the_objects() -> None:
    plan = plan_batches(_objects(2), 10)[0]
    config = batch_run_config(plan, "document_batch")["ops"]["document_batch"]["config"]
    assert config["batch_id"] == plan.batch_id
    restored = [
        SourceObject(**{**o, "last_modified": datetime.fromisoformat(o["last_modified"])}) for o in config["objects"]
    ]
    assert restored == list(plan.objects)


def test_batch_size_must_be_positive() -> None:
    with pytest.raises(ValueError):
        plan_batches(_objects(1), 0)
