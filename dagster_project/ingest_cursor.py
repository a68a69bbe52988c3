"""The sensor's memory of what it has already handed out, and the scan that finds new objects.

A LastModified high-water mark alone loses objects (dagster issue #22892): S3 stamps an object
with the time its upload *started*, but lists it only once the upload *finished*, so a slow upload
can appear below a mark that a quicker one already pushed past. So the cursor keeps

- `watermark`: the newest LastModified seen in a finished listing pass;
- `recent`: a digest of (key, ETag) for every object handed out whose LastModified is within
  `lookback` of the watermark. Objects in that window are compared against it, objects older than
  the window are taken as handled. A late upload is caught as long as it becomes visible within
  `lookback` of its start time; the nightly sweep catches anything later still.
- `resume_after`: when a listing pass is longer than one tick may read, where it continues.

(key, ETag) rather than key: the same key uploaded again with other bytes is a new object; with
the same bytes it is the same object and nothing new happens.
"""

import base64
import hashlib
import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, Field

from dagster_project.s3_objects import ListedPage, SourceObject

# Cursors above this size are stored compressed (Dagster keeps them as text in its database).
COMPRESS_ABOVE_CHARS = 32_000
COMPRESSED_PREFIX = "z1:"


def object_digest(obj: SourceObject) -> str:
    return hashlib.sha256(f"{obj.key}\0{obj.etag}".encode()).hexdigest()[:20]


class IngestCursor(BaseModel):
    watermark: datetime | None = None
    # digest -> LastModified (epoch seconds) of objects handed out inside the lookback window
    recent: dict[str, float] = Field(default_factory=dict)
    resume_after: str | None = None
    pass_newest: datetime | None = None  # newest LastModified seen in the unfinished pass

    def serialise(self) -> str:
        text = self.model_dump_json()
        if len(text) <= COMPRESS_ABOVE_CHARS:
            return text
        return COMPRESSED_PREFIX + base64.b64encode(zlib.compress(text.encode(), 9)).decode()

    @classmethod
    def parse(cls, text: str | None) -> "IngestCursor":
        if not text:
            return cls()
        if text.startswith(COMPRESSED_PREFIX):
            text = zlib.decompress(base64.b64decode(text[len(COMPRESSED_PREFIX) :])).decode()
        return cls.model_validate(json.loads(text))


@dataclass(frozen=True)
class ScanResult:
    new_objects: list[SourceObject]  # ordered by (LastModified, key)
    cursor: IngestCursor
    pages_read: int
    pass_finished: bool


def scan_for_new_objects(
    cursor: IngestCursor,
    pages: Iterable[ListedPage],
    lookback: timedelta,
    max_pages: int,
) -> ScanResult:
    """Read up to `max_pages` listing pages (which must start after `cursor.resume_after`) and
    return the objects not handed out before, with the cursor to store after handing them out."""
    floor = cursor.watermark - lookback if cursor.watermark else None
    recent = dict(cursor.recent)
    newest = cursor.pass_newest
    found: list[SourceObject] = []
    pages_read = 0
    resume_after: str | None = None
    for page in pages:
        pages_read += 1
        for obj in page.objects:
            if floor is not None and obj.last_modified < floor:
                continue
            newest = obj.last_modified if newest is None else max(newest, obj.last_modified)
            digest = object_digest(obj)
            if digest in recent:
                continue
            recent[digest] = obj.last_modified.timestamp()
            found.append(obj)
        if page.truncated and pages_read >= max_pages:
            resume_after = page.last_key
            break

    found.sort(key=lambda o: (o.last_modified, o.key))
    if resume_after is not None:
        next_cursor = IngestCursor(
            watermark=cursor.watermark, recent=recent, resume_after=resume_after, pass_newest=newest
        )
        return ScanResult(found, next_cursor, pages_read, pass_finished=False)

    watermark = cursor.watermark
    if newest is not None:
        watermark = newest if watermark is None else max(watermark, newest)
    if watermark is not None:
        cutoff = (watermark - lookback).timestamp()
        recent = {digest: stamp for digest, stamp in recent.items() if stamp >= cutoff}
    next_cursor = IngestCursor(watermark=watermark, recent=recent)
    return ScanResult(found, next_cursor, pages_read, pass_finished=True)


def utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
