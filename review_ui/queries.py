"""Read queries the review UI needs beyond the store's API: the filtered, sorted queue and the
admin dashboard's figures. Built on storage's ORM models; parameterised SQL only.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator
from sqlalchemy import Text, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session

from pipeline.contract import DocType
from storage.state_tables import Event, ReviewTask, StoredDocument, StoredFieldValue, StoredFile
from storage.states import ApprovalKind, DocumentState, EventKind

QUEUE_LIMIT = 300
SortKey = Literal["oldest", "newest", "confidence", "type"]
SORT_CHOICES: list[tuple[str, str]] = [
    ("oldest", "oldest first"),
    ("newest", "newest first"),
    ("confidence", "least confident first"),
    ("type", "by type"),
]


class QueueFilters(BaseModel):
    """The queue page's query string, validated: unknown values fall back to 'no filter'."""

    model_config = ConfigDict(frozen=True)

    doc_type: str = ""
    reason: str = ""
    claimed: Literal["", "unclaimed", "mine", "others"] = ""
    sort: SortKey = "oldest"

    @field_validator("doc_type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        return value if value in {t.value for t in DocType} else ""

    @field_validator("reason")
    @classmethod
    def _short_reason(cls, value: str) -> str:
        return value if re.fullmatch(r"[a-z_]{1,40}(:[a-z_.]{1,80})?", value) else ""

    def is_filtered(self) -> bool:
        return bool(self.doc_type or self.reason or self.claimed)

    def as_query_items(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.model_dump().items() if v and k != "sort"]


@dataclass(frozen=True)
class QueueRow:
    document_id: int
    doc_type: str
    doc_type_confidence: float
    min_confidence: float
    reasons: list[str]
    page_start: int
    page_end: int
    source_name: str
    created_at: datetime
    claimed_by: str | None
    lease_expires_at: datetime | None
    now: datetime

    @property
    def is_leased(self) -> bool:
        return self.claimed_by is not None and (
            self.lease_expires_at is not None and self.lease_expires_at > self.now
        )

    @property
    def age_text(self) -> str:
        return age_text(self.now - self.created_at)

    @property
    def confidence_band(self) -> str:
        if self.min_confidence >= 0.95:
            return "high"
        return "medium" if self.min_confidence >= 0.80 else "low"


def age_text(age: timedelta) -> str:
    minutes = int(age.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} d"


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _open_tasks():
    return and_(
        StoredDocument.state == DocumentState.IN_REVIEW.value, ReviewTask.closed_at.is_(None)
    )


def review_queue(
    db: Session, filters: QueueFilters, reviewer: str, now: datetime, limit: int = QUEUE_LIMIT
) -> tuple[list[QueueRow], bool]:
    """Open review tasks matching `filters`, in the chosen order; True when cut at `limit`."""
    least_field = (
        select(
            StoredFieldValue.document_id.label("document_id"),
            func.min(StoredFieldValue.confidence).label("confidence"),
        )
        .where(StoredFieldValue.value.is_not(None), StoredFieldValue.corrected.is_(False))
        .group_by(StoredFieldValue.document_id)
        .subquery()
    )
    field_confidence = func.coalesce(least_field.c.confidence, 1.0)
    least = case(
        (field_confidence < StoredDocument.doc_type_confidence, field_confidence),
        else_=StoredDocument.doc_type_confidence,
    )
    query = (
        select(StoredDocument, ReviewTask, StoredFile.original_name, least.label("least"))
        .join(ReviewTask, ReviewTask.document_id == StoredDocument.id)
        .join(StoredFile, StoredFile.id == StoredDocument.file_id)
        .outerjoin(least_field, least_field.c.document_id == StoredDocument.id)
        .where(_open_tasks())
    )
    if filters.doc_type:
        query = query.where(StoredDocument.doc_type == filters.doc_type)
    if filters.reason:
        pattern = f'%"{_like_escaped(filters.reason)}"%'
        query = query.where(cast(StoredDocument.route_reasons, Text).like(pattern, escape="\\"))
    leased = and_(ReviewTask.claimed_by.is_not(None), ReviewTask.lease_expires_at > now)
    if filters.claimed == "unclaimed":
        query = query.where(or_(ReviewTask.claimed_by.is_(None), ReviewTask.lease_expires_at <= now))
    elif filters.claimed == "mine":
        query = query.where(leased, ReviewTask.claimed_by == reviewer)
    elif filters.claimed == "others":
        query = query.where(leased, ReviewTask.claimed_by != reviewer)
    order = {
        "oldest": [ReviewTask.created_at, ReviewTask.id],
        "newest": [ReviewTask.created_at.desc(), ReviewTask.id.desc()],
        "confidence": [least, ReviewTask.created_at],
        "type": [StoredDocument.doc_type, ReviewTask.created_at],
    }[filters.sort]
    query = query.order_by(*order).limit(limit + 1)
    rows = [
        QueueRow(
            document_id=document.id,
            doc_type=document.doc_type,
            doc_type_confidence=document.doc_type_confidence,
            min_confidence=float(least_value),
            reasons=list(document.route_reasons or []),
            page_start=document.page_start,
            page_end=document.page_end,
            source_name=original_name or f"file {document.file_id}",
            created_at=task.created_at,
            claimed_by=task.claimed_by,
            lease_expires_at=task.lease_expires_at,
            now=now,
        )
        for document, task, original_name, least_value in db.execute(query)
    ]
    return rows[:limit], len(rows) > limit


def claimable_document_ids(
    db: Session,
    filters: QueueFilters,
    reviewer: str,
    now: datetime,
    *,
    exclude: set[int] = frozenset(),  # type: ignore[assignment]
    limit: int = 20,
) -> list[int]:
    """Oldest open tasks nobody else holds, matching the queue filters, without `exclude`
    (the task being skipped). The store's claim decides who gets each one."""
    query = (
        select(StoredDocument.id)
        .join(ReviewTask, ReviewTask.document_id == StoredDocument.id)
        .where(
            _open_tasks(),
            or_(
                ReviewTask.claimed_by.is_(None),
                ReviewTask.claimed_by == reviewer,
                ReviewTask.lease_expires_at <= now,
            ),
        )
        .order_by(ReviewTask.created_at, ReviewTask.id)
        .limit(limit)
    )
    if filters.doc_type:
        query = query.where(StoredDocument.doc_type == filters.doc_type)
    if filters.reason:
        pattern = f'%"{_like_escaped(filters.reason)}"%'
        query = query.where(cast(StoredDocument.route_reasons, Text).like(pattern, escape="\\"))
    if exclude:
        query = query.where(StoredDocument.id.not_in(exclude))
    return list(db.scalars(query))


def queue_reasons(db: Session) -> list[str]:
    """Distinct route reasons among open tasks, for the reason filter."""
    reasons: set[str] = set()
    query = (
        select(StoredDocument.route_reasons)
        .join(ReviewTask, ReviewTask.document_id == StoredDocument.id)
        .where(_open_tasks())
    )
    for (listed,) in db.execute(query):
        reasons.update(listed or [])
    return sorted(reasons)


# --- admin dashboard ---------------------------------------------------------------------


@dataclass(frozen=True)
class DayCount:
    day: str  # YYYY-MM-DD (UTC)
    reviewer: int
    auto: int
    rejected: int


@dataclass(frozen=True)
class FieldCorrections:
    doc_type: str
    field: str  # list cells without the row index: "claims.paid"
    count: int


@dataclass(frozen=True)
class Dashboard:
    queue_size: int
    claimed_now: int
    oldest_age: str | None
    median_age: str | None
    by_type: dict[str, int]
    days: list[DayCount]
    decided: int
    auto_approved: int
    straight_through_rate: float | None
    most_corrected: list[FieldCorrections]
    corrections_total: int


_ROW_INDEX = re.compile(r"\[\d+\]")


def dashboard(db: Session, now: datetime, *, days: int = 14, window_days: int = 30) -> Dashboard:
    open_tasks = db.execute(
        select(ReviewTask.created_at, ReviewTask.claimed_by, ReviewTask.lease_expires_at,
               StoredDocument.doc_type)
        .join(StoredDocument, StoredDocument.id == ReviewTask.document_id)
        .where(_open_tasks())
    ).all()
    ages = sorted(now - created for created, _, _, _ in open_tasks)
    claimed_now = sum(1 for _, by, until, _ in open_tasks if by and until and until > now)
    by_type = Counter(doc_type for *_, doc_type in open_tasks)

    since = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    per_day: dict[str, Counter] = {
        (since + timedelta(days=i)).date().isoformat(): Counter() for i in range(days)
    }
    approvals = db.execute(
        select(StoredDocument.approved_at, StoredDocument.approval_kind).where(
            StoredDocument.approved_at >= since
        )
    )
    for approved_at, kind in approvals:
        day = approved_at.date().isoformat()
        if day in per_day:
            per_day[day]["auto" if kind == ApprovalKind.AUTO.value else "reviewer"] += 1
    rejections = db.scalars(
        select(Event.occurred_at).where(
            Event.kind == EventKind.DOCUMENT_REJECTED.value, Event.occurred_at >= since
        )
    )
    for occurred_at in rejections:
        day = occurred_at.date().isoformat()
        if day in per_day:
            per_day[day]["rejected"] += 1

    # Straight-through: of the documents recorded in the window and decided, the share that
    # no person had to touch. Superseded documents were decided once; count them as decided.
    window_start = now - timedelta(days=window_days)
    decided_states = [
        DocumentState.APPROVED.value, DocumentState.REJECTED.value, DocumentState.SUPERSEDED.value
    ]
    decided, auto = db.execute(
        select(
            func.count(),
            func.coalesce(
                func.sum(case((StoredDocument.approval_kind == ApprovalKind.AUTO.value, 1), else_=0)),
                0,
            ),
        ).where(StoredDocument.created_at >= window_start, StoredDocument.state.in_(decided_states))
    ).one()

    corrections = Counter()
    rows = db.execute(
        select(StoredDocument.doc_type, Event.reason, func.count())
        .join(StoredDocument, StoredDocument.id == Event.document_id)
        .where(Event.kind == EventKind.FIELD_CORRECTED.value, Event.occurred_at >= window_start)
        .group_by(StoredDocument.doc_type, Event.reason)
    )
    for doc_type, path, count in rows:
        corrections[(doc_type, _ROW_INDEX.sub("", path or "?"))] += count
    most = [
        FieldCorrections(doc_type=doc_type, field=field, count=count)
        for (doc_type, field), count in corrections.most_common(15)
    ]
    return Dashboard(
        queue_size=len(open_tasks),
        claimed_now=claimed_now,
        oldest_age=age_text(ages[-1]) if ages else None,
        median_age=age_text(statistics.median_low(ages)) if ages else None,
        by_type=dict(sorted(by_type.items())),
        days=[
            DayCount(day=day, reviewer=c["reviewer"], auto=c["auto"], rejected=c["rejected"])
            for day, c in per_day.items()
        ],
        decided=int(decided or 0),
        auto_approved=int(auto or 0),
        straight_through_rate=(int(auto) / int(decided)) if decided else None,
        most_corrected=most,
        corrections_total=sum(corrections.values()),
    )
