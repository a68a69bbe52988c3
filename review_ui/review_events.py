"""Audit events the review UI adds beside the store's own: an admin's override of errors.

The store's `append_event` takes any StrEnum; these kinds are the UI's, recorded in the same
append-only `events` table (see the report: the store's EventKind may adopt them).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from storage.column_types import utc_now
from storage.events import append_event
from storage.outcomes import DocumentView


class ReviewEventKind(StrEnum):
    APPROVAL_OVERRIDDEN = "approval_overridden"  # approved although validation errors remained
    DOCUMENT_RETYPED = "document_retyped"  # a reviewer changed the document type
    DOCUMENT_SPLIT = "document_split"  # a reviewer split a packet at a page


def record_override(
    db: Session,
    view: DocumentView,
    actor: str,
    reason: str,
    error_codes: list[str],
    now: datetime | None = None,
) -> None:
    append_event(
        db,
        file_id=view.file_id,
        document_id=view.id,
        kind=ReviewEventKind.APPROVAL_OVERRIDDEN,  # type: ignore[arg-type]
        actor=actor,
        now=now or utc_now(),
        reason=reason,
        detail={"error_codes": sorted(set(error_codes))},
    )
