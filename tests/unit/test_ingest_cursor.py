"""The sensor's cursor hands out every object exactly once, whatever order uploads finish in."""

import math
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dagster_project.ingest_cursor import IngestCursor, scan_for_new_objects
from dagster_project.s3_objects import ListedPage, SourceObject

EPOCH = datetime(2026, 11, 1, tzinfo=UTC)


def _obj(key: str, started: int, etag: str = "e") -> SourceObject:
    return SourceObject(key=key, etag=etag, size=1, last_modified=EPOCH + timedelta(seconds=started))


def _pages(objects: list[SourceObject], page_size: int, start_after: str | None) -> list[ListedPage]:
    """What ListObjectsV2 returns: key order, after `start_after`, `page_size` keys a page."""
    listed = sorted((o for o in objects if start_after is None or o.key > start_after), key=lambda o: o.key)
    chunks = [listed[i : i + page_size] for i in range(0, len(listed), page_size)] or [[]]
    return [
        ListedPage(objects=chunk, last_key=chunk[-1].key if chunk else start_after, truncated=i < len(chunks) - 1)
        for i, chunk in enumerate(chunks)
    ]


def _tick(cursor: IngestCursor, visible: list[SourceObject], page_size: int, max_pages: int, lookback: timedelta):
    return scan_for_new_objects(cursor, _pages(visible, page_size, cursor.resume_after), lookback, max_pages)


uploads = st.lists(
    st.tuples(st.integers(0, 100), st.integers(0, 8)),  # (LastModified = upload start, duration)
    min_size=1,
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(
    uploads=uploads,
    tick_gap=st.integers(1, 6),
    page_size=st.integers(1, 5),
    max_pages=st.integers(1, 3),
)
def test_every_object_is_handed_out_exactly_once(uploads, tick_gap, page_size, max_pages) -> None:
    """GIVEN uploads that start at random times and become visible up to 8 s later (so a later
    LastModified can be listed before an earlier one), listed a few keys per page
    WHEN the sensor ticks every `tick_gap` seconds, reading at most `max_pages` pages per tick
    THEN every object is handed out exactly once."""
    objects = [(_obj(f"incoming/{i:03d}.pdf", start), start + duration) for i, (start, duration) in enumerate(uploads)]
    # The documented rule: lookback >= longest upload + longest listing pass.
    ticks_per_pass = math.ceil(len(objects) / page_size / max_pages) + 1
    lookback = timedelta(seconds=8 + ticks_per_pass * tick_gap)
    cursor = IngestCursor()
    handed_out: list[str] = []
    now = 0
    while now <= 120 + 10 * ticks_per_pass * tick_gap:
        visible = [obj for obj, visible_at in objects if visible_at <= now]
        scan = _tick(cursor, visible, page_size, max_pages, lookback)
        handed_out.extend(o.key for o in scan.new_objects)
        cursor = IngestCursor.parse(scan.cursor.serialise())  # through storage, as Dagster keeps it
        now += tick_gap
    assert sorted(handed_out) == sorted(obj.key for obj, _ in objects)


def test_same_bytes_again_is_not_new_other_bytes_are() -> None:
    lookback = timedelta(minutes=60)
    first = _tick(IngestCursor(), [_obj("incoming/a.pdf", 0, "etag1")], 1000, 10, lookback)
    assert [o.key for o in first.new_objects] == ["incoming/a.pdf"]
    # Uploaded again with the same bytes: new LastModified, same ETag.
    again = _tick(first.cursor, [_obj("incoming/a.pdf", 30, "etag1")], 1000, 10, lookback)
    assert again.new_objects == []
    changed = _tick(again.cursor, [_obj("incoming/a.pdf", 60, "etag2")], 1000, 10, lookback)
    assert [o.etag for o in changed.new_objects] == ["etag2"]


def test_old_entries_leave_the_cursor_so_it_stays_small() -> None:
    lookback = timedelta(minutes=10)
    objects = [_obj(f"incoming/{i:05d}.pdf", i * 60) for i in range(500)]  # one a minute
    scan = _tick(IngestCursor(), objects, 1000, 10, lookback)
    assert len(scan.new_objects) == 500
    assert len(scan.cursor.recent) <= 11  # only the last ten minutes are remembered


def test_large_cursor_is_stored_compressed_and_reads_back() -> None:
    objects = [_obj(f"incoming/{i:05d}.pdf", 0) for i in range(3000)]
    scan = _tick(IngestCursor(), objects, 1000, 10, timedelta(minutes=60))
    text = scan.cursor.serialise()
    assert text.startswith("z1:")
    assert IngestCursor.parse(text) == scan.cursor


def test_a_long_listing_continues_on_the_next_tick() -> None:
    objects = [_obj(f"incoming/{i:03d}.pdf", 0) for i in range(10)]
    first = _tick(IngestCursor(), objects, 3, 2, timedelta(minutes=60))
    assert not first.pass_finished and first.cursor.resume_after == "incoming/005.pdf"
    second = _tick(first.cursor, objects, 3, 2, timedelta(minutes=60))
    assert second.pass_finished and second.cursor.resume_after is None
    assert [o.key for o in first.new_objects + second.new_objects] == [o.key for o in objects]
