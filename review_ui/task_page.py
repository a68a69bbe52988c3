"""Everything the task page shows, assembled from the store: fields, boxes, pages, lease."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pipeline.contract import DocType, ValidationIssue
from review_ui.config import ReviewConfig
from review_ui.field_view import (
    CellView,
    FieldsView,
    StoredCell,
    SubmittedFields,
    build_fields_view,
    issues_on_stored_rows,
    merged_field_map,
)
from review_ui.page_image_cache import PageImageCache, PageImageError
from review_ui.source_files import resolve_source
from storage.outcomes import DocumentView
from storage.state_tables import StoredFieldValue
from storage.states import DocumentState
from validators import validate_fields


@dataclass
class PageView:
    number: int
    width: float  # points
    height: float
    pixel_width: int
    pixel_height: int
    image_url: str
    boxes: list[CellView] = field(default_factory=list)


@dataclass(frozen=True)
class Conflict:
    expected: int
    current: int


@dataclass
class TaskState:
    id: int  # the document id: one review task per document
    version: int | None
    claimed_by: str | None
    lease_expires_at: datetime | None
    lease_text: str | None


def stored_cells(rows: list[StoredFieldValue]) -> list[StoredCell]:
    """The document's stored values under their real field paths. (The store's FieldMap closes
    gaps left by removed rows, so its list positions are not the stored row indexes.)"""
    cells = []
    for row in rows:
        bbox = None
        if row.bbox_x0 is not None:
            bbox = (row.bbox_x0, row.bbox_y0, row.bbox_x1, row.bbox_y1)
        cells.append(
            StoredCell(
                path=row.field_path,
                value=row.value,
                confidence=row.confidence,
                page=row.page,
                bbox=bbox,
                corrected=row.corrected,
                extracted_value=row.extracted_value,
            )
        )
    return cells


def live_issues(
    doc_type: DocType,
    cells: list[StoredCell],
    edits: dict[str, str | None] | None = None,
    removed_rows: set[str] | None = None,
) -> list[ValidationIssue]:
    """Validation of the values as they are now (after corrections, plus any unsaved edits),
    with row paths naming stored rows."""
    if doc_type is DocType.OTHER:
        return []
    fields, positions = merged_field_map(doc_type, cells, edits or {}, removed_rows or set())
    return issues_on_stored_rows(validate_fields(doc_type, fields), positions)


def is_editable_by(view: DocumentView, username: str, now: datetime) -> bool:
    return (
        view.state is DocumentState.IN_REVIEW
        and view.claimed_by == username
        and view.lease_expires_at is not None
        and view.lease_expires_at > now
    )


def lease_text(view: DocumentView, username: str, now: datetime) -> str | None:
    if view.state is not DocumentState.IN_REVIEW:
        return f"This document is {view.state.value.replace('_', ' ')}; it can no longer be edited."
    leased = view.lease_expires_at is not None and view.lease_expires_at > now
    if not leased or view.claimed_by is None:
        return "Not claimed: claim it from the queue to edit."
    until = view.lease_expires_at.strftime("%H:%M UTC")
    if view.claimed_by == username:
        return f"Claimed by you until {until} (renewed while this page is open)."
    return f"Claimed by {view.claimed_by} until {until}: read only."


def page_views(
    view: DocumentView, fields_view: FieldsView, cache: PageImageCache, config: ReviewConfig
) -> tuple[list[PageView], str | None]:
    """One PageView per page of the document, or an explanation why images cannot be shown."""
    source = resolve_source(view.source_keys, config.source_root)
    if source is None:
        return [], "the source file is not on this machine"
    try:
        geometry = cache.geometry(view.file_sha256, source)
    except PageImageError as error:
        return [], _image_error_text(error.code)
    scale = cache.dpi / 72.0
    pages = []
    for number in range(view.page_start, view.page_end + 1):
        if number > len(geometry.page_sizes):
            break
        width, height = geometry.page_sizes[number - 1]
        pages.append(
            PageView(
                number=number,
                width=round(width, 2),
                height=round(height, 2),
                pixel_width=round(width * scale),
                pixel_height=round(height * scale),
                image_url=f"/documents/{view.id}/pages/{number}.png",
                boxes=fields_view.boxes_on_page(number),
            )
        )
    return pages, None


def _image_error_text(code: str) -> str:
    if code == "source_changed":
        return "the file on disk no longer matches the one that was extracted"
    if code.startswith("source_unreadable"):
        return "the source file cannot be read safely"
    return "the page could not be rendered"


def fields_view_for(
    view: DocumentView,
    cells: list[StoredCell],
    issues: list[ValidationIssue],
    submitted: SubmittedFields | None,
) -> FieldsView:
    return build_fields_view(DocType(view.doc_type), cells, issues, submitted)
