"""Find input objects that have no output marker for their current version.

The safety net under the sensor: anything it missed, any batch whose run died, any object
uploaded again with new bytes. Listing-only (no per-object requests): an input counts as finished
when one of its markers was written after its LastModified.
"""

from datetime import datetime

from dagster_project.output_layout import OutputLayout
from dagster_project.s3_objects import BucketClient, SourceObject


def find_unfinished(
    bucket: BucketClient, layout: OutputLayout, modified_before: datetime | None = None
) -> list[SourceObject]:
    """Inputs without a marker newer than themselves, oldest first; only those last modified
    before `modified_before` when given (younger ones are the sensor's to pick up)."""
    newest_marker: dict[str, datetime] = {}
    for prefix in (layout.processed_prefix, layout.quarantine_prefix):
        for marker in bucket.list_objects(prefix):
            source_key = layout.source_key_of_marker(marker.key)
            if source_key is None:
                continue
            seen = newest_marker.get(source_key)
            if seen is None or marker.last_modified > seen:
                newest_marker[source_key] = marker.last_modified
    unfinished = []
    for obj in bucket.list_objects(layout.input_prefix):
        if modified_before is not None and obj.last_modified >= modified_before:
            continue
        marker_time = newest_marker.get(obj.key)
        if marker_time is None or marker_time < obj.last_modified:
            unfinished.append(obj)
    unfinished.sort(key=lambda o: (o.last_modified, o.key))
    return unfinished
