"""Claiming the next task: the oldest one nobody else holds that matches the reviewer's queue
filters, skipping the one they just left. The store's conditional claim settles races."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from review_ui.queries import QueueFilters, claimable_document_ids
from storage import review
from storage.errors import LeaseHeld, NotFound


def claim_next(
    db: Session,
    reviewer: str,
    *,
    lease: timedelta,
    now: datetime,
    filters: QueueFilters | None = None,
    skip: int | None = None,
) -> int | None:
    """The claimed document's id, or None when nothing is left."""
    exclude = {skip} if skip is not None else set()
    for candidate in claimable_document_ids(db, filters or QueueFilters(), reviewer, now, exclude=exclude):
        try:
            return review.claim_task(db, reviewer, document_id=candidate, lease=lease, now=now).document_id
        except (LeaseHeld, NotFound):
            continue  # someone was quicker
    return None
