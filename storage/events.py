"""Appending to the event log: every transition and correction goes through here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from storage.state_tables import Event
from storage.states import EventKind


def append_event(
    session: Session,
    *,
    file_id: int,
    kind: EventKind,
    actor: str,
    now: datetime,
    document_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        Event(
            occurred_at=now,
            file_id=file_id,
            document_id=document_id,
            kind=kind.value,
            actor=actor,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            detail=detail,
        )
    )
