"""Events as the history page lists them: one line per changed value."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storage.outcomes import EventRecord

# Detail keys shown as plain "key: value" lines (ids and codes only).
_PLAIN_DETAIL_KEYS = ("pas_table", "pas_row_id", "supersedes", "error_codes", "lease_expires_at",
                      "superseded_by_document_id", "split_page", "new_document_id", "old_doc_type",
                      "new_doc_type", "source_key")


@dataclass
class DetailLine:
    path: str | None = None
    text: str | None = None


@dataclass
class ChangeLine(DetailLine):
    old: Any = None
    new: Any = None


@dataclass
class HistoryRow:
    occurred_at: datetime
    kind: str
    actor: str
    from_state: str | None
    to_state: str | None
    reason: str | None
    detail_lines: list[DetailLine] = field(default_factory=list)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items() if v is not None) or None
    return str(value)


def history_rows(events: list[EventRecord]) -> list[HistoryRow]:
    rows = []
    for event in events:
        detail = event.detail or {}
        lines: list[DetailLine] = []
        reason = event.reason
        if "old_value" in detail or "new_value" in detail:
            lines.append(
                ChangeLine(
                    path=detail.get("field"),
                    old=_text(detail.get("old_value")),
                    new=_text(detail.get("new_value")),
                )
            )
            if reason == detail.get("field"):
                reason = None  # the path is already on the line
            if detail.get("row_removed"):
                lines.append(DetailLine(text="row removed"))
        for key in _PLAIN_DETAIL_KEYS:
            if detail.get(key) not in (None, [], ""):
                value = detail[key]
                text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
                lines.append(DetailLine(text=f"{key.replace('_', ' ')}: {text}"))
        rows.append(
            HistoryRow(
                occurred_at=event.occurred_at,
                kind=event.kind,
                actor=event.actor,
                from_state=event.from_state,
                to_state=event.to_state,
                reason=reason,
                detail_lines=lines,
            )
        )
    return rows
