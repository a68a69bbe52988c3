"""The task page and what a reviewer does there: save, approve, reject, claim, release, renew,
and each document's history.

A save carries the task version the page was loaded at and only the inputs the reviewer
changed; a stale version, a lost lease or a failed check re-renders the page with the
reviewer's edits still in the inputs (status 409 / 422), never discarding them.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy.orm import Session

from pipeline.contract import DocType
from review_ui.auth import CurrentUser
from review_ui.claiming import claim_next
from review_ui.database import DbSession
from review_ui.document_edits import remove_rows, retype_document, split_document
from review_ui.field_view import (
    FormError,
    SubmittedFields,
    normalise_submitted,
    read_submitted_fields,
)
from review_ui.history_view import history_rows
from review_ui.reextract import ReextractError, read_file_pages, reextract
from review_ui.rendering import flash, render
from review_ui.review_events import record_override
from review_ui.source_files import resolve_source
from review_ui.task_page import (
    Conflict,
    TaskState,
    fields_view_for,
    is_editable_by,
    lease_text,
    live_issues,
    page_views,
    stored_cells,
)
from storage import decisions, reports, review
from storage.column_types import utc_now
from storage.errors import (
    InvalidTransition,
    LeaseHeld,
    NotFound,
    StaleVersion,
    UnknownField,
    UnstorableValue,
)
from storage.field_store import load_field_rows
from storage.outcomes import DocumentView
from storage.state_tables import User
from storage.states import Role

log = logging.getLogger(__name__)

router = APIRouter()

MAX_REASON = 500


async def form_fields(request: Request) -> dict[str, str]:
    """The posted form as plain strings (a 100-row loss run has ~2,000 inputs)."""
    form = await request.form(max_fields=6000, max_files=0)
    return {key: value for key, value in form.multi_items() if isinstance(value, str)}


FormFields = Annotated[dict[str, str], Depends(form_fields)]


def load_view(db: Session, document_id: int) -> DocumentView:
    try:
        return reports.load_document(db, document_id)
    except NotFound:
        raise HTTPException(404, "No such document.") from None


def lease_for(request: Request) -> timedelta:
    return timedelta(seconds=request.app.state.config.lease_seconds)


def render_task(
    request: Request,
    db: Session,
    user: User,
    view: DocumentView,
    *,
    submitted: SubmittedFields | None = None,
    conflict: Conflict | None = None,
    problems: list[str] | None = None,
    extra_issues: list | None = None,
    status_code: int = 200,
):
    now = utc_now()
    doc_type = DocType(view.doc_type)
    cells = stored_cells(load_field_rows(db, view.id))
    edits = submitted.values if submitted else {}
    removed = submitted.removed_rows if submitted else set()
    issues = live_issues(doc_type, cells, edits, removed) + list(extra_issues or [])
    fields = fields_view_for(view, cells, issues, submitted)
    config = request.app.state.config
    pages, image_error = page_views(view, fields, request.app.state.page_images, config)
    context: dict[str, Any] = {
        "nav": "queue",
        "document": {
            "id": view.id,
            "doc_type": view.doc_type,
            "doc_type_confidence": view.doc_type_confidence,
            "page_start": view.page_start,
            "page_end": view.page_end,
            "reasons": view.route_reasons,
            "state": view.state.value,
            "source_name": view.original_name or f"file {view.file_id}",
            "file_pages": None,
        },
        "task": TaskState(
            id=view.id,
            version=view.task_version,
            claimed_by=view.claimed_by,
            lease_expires_at=view.lease_expires_at,
            lease_text=lease_text(view, user.username, now),
        ),
        "form_version": view.task_version or 0,
        "editable": is_editable_by(view, user.username, now),
        "can_override": user.role == Role.ADMIN,
        "view": fields,
        "pages": pages,
        "image_error": image_error,
        "conflict": conflict,
        "form_problems": problems or [],
        "doc_types": [t.value for t in DocType],
    }
    return render(request, "task.html", context, status_code=status_code, user=user)


@router.get("/documents/{document_id}")
def task_page(request: Request, document_id: int, user: CurrentUser, db: DbSession):
    return render_task(request, db, user, load_view(db, document_id))


@router.post("/documents/{document_id}")
def submit_task(
    request: Request, document_id: int, user: CurrentUser, db: DbSession, form: FormFields
):
    view = load_view(db, document_id)
    doc_type = DocType(view.doc_type)
    action = form.get("action", "save")
    if action not in ("save", "approve", "reject"):
        raise HTTPException(422, "Unknown action.")
    try:
        version = int(form.get("version", ""))
        submitted = read_submitted_fields(doc_type, form)
    except (ValueError, FormError):
        raise HTTPException(422, "The form does not match this document; reload the page.") from None
    kept = submitted.kept()
    edits, input_issues = normalise_submitted(doc_type, kept.values)

    def again(status_code: int, problems: list[str], conflict: Conflict | None = None):
        db.rollback()  # nothing of this attempt stays; the page shows the store as it is now
        fresh = load_view(db, document_id)
        return render_task(
            request, db, user, fresh,
            submitted=kept, conflict=conflict, problems=problems,
            extra_issues=input_issues, status_code=status_code,
        )

    if input_issues:
        return again(422, ["Some values do not read as their kind; nothing was saved."])

    try:
        if action == "reject":
            reason = " ".join(form.get("reject_reason", "").split())[:MAX_REASON]
            if not reason:
                return again(422, ["Say why the document is rejected."])
            decisions.reject_document(
                db, document_id, rejected_by=user.username, reason=reason, expected_version=version
            )
            log.info("document %s rejected by user_id=%s", document_id, user.id)
            return next_task(request, db, user, f"Rejected #{document_id}.")

        if action == "approve":
            cells = stored_cells(load_field_rows(db, document_id))
            issues = live_issues(doc_type, cells, edits, kept.removed_rows)
            errors = [issue for issue in issues if issue.severity == "error"]
            override = " ".join(form.get("override_reason", "").split())[:MAX_REASON]
            if errors and not (user.role == Role.ADMIN and override):
                hint = " An admin can approve anyway with a reason." if user.role != Role.ADMIN else (
                    " To approve anyway, give an override reason."
                )
                return again(
                    422, [f"Approval blocked: {len(errors)} error(s) remain.{hint}"]
                )
            if kept.removed_rows:
                version = remove_rows(
                    db, document_id, kept.removed_rows,
                    removed_by=user.username, expected_version=version,
                )
            if errors:
                record_override(db, view, user.username, override, [e.code for e in errors])
            decisions.approve_document(
                db,
                document_id,
                approved_by=user.username,
                corrected_fields=edits,
                expected_version=version,
            )
            log.info("document %s approved by user_id=%s", document_id, user.id)
            return next_task(request, db, user, f"Approved #{document_id}.")

        # save
        if not edits and not kept.removed_rows:
            flash(request, "Nothing changed.")
            return RedirectResponse(f"/documents/{document_id}", status_code=303)
        if kept.removed_rows:
            version = remove_rows(
                db, document_id, kept.removed_rows, removed_by=user.username, expected_version=version
            )
        for path, value in edits.items():
            version = review.apply_correction(
                db, document_id, path, value, corrected_by=user.username, expected_version=version
            ).version
        count = len(edits) + len(kept.removed_rows)
        log.info("document %s: %d changes saved by user_id=%s", document_id, count, user.id)
        flash(request, f"Saved {count} change{'s' if count != 1 else ''} to #{document_id}.")
        return RedirectResponse(f"/documents/{document_id}", status_code=303)

    except StaleVersion as error:
        log.info("document %s: stale save (version %d, now %d)", document_id, error.expected, error.current)
        return again(409, [], Conflict(expected=error.expected, current=error.current))
    except LeaseHeld:
        return again(409, ["Another reviewer has claimed this document; nothing was saved."])
    except InvalidTransition:
        return again(409, ["This document has already been decided; nothing was saved."])
    except UnstorableValue as error:
        return again(422, [f"Not in normal form: {', '.join(sorted(error.problems))}."])
    except UnknownField:
        return again(422, ["A field is not in this document type's catalogue."])


def next_task(request: Request, db: Session, user: User, message: str):
    """After a decision, straight on to the next task (claimed in the same transaction)."""
    claimed = claim_next(db, user.username, lease=lease_for(request), now=utc_now())
    if claimed is None:
        flash(request, f"{message} The queue is empty.")
        return RedirectResponse("/queue", status_code=303)
    flash(request, f"{message} Next: #{claimed}.")
    return RedirectResponse(f"/documents/{claimed}", status_code=303)


@router.post("/documents/{document_id}/claim")
def claim(request: Request, document_id: int, user: CurrentUser, db: DbSession):
    try:
        review.claim_task(db, user.username, document_id=document_id, lease=lease_for(request))
    except NotFound:
        flash(request, f"#{document_id} is no longer waiting for review.", "error")
        return RedirectResponse("/queue", status_code=303)
    except LeaseHeld:
        flash(request, f"#{document_id} is claimed by another reviewer.", "error")
        return RedirectResponse("/queue", status_code=303)
    return RedirectResponse(f"/documents/{document_id}", status_code=303)


@router.post("/documents/{document_id}/renew")
def renew(request: Request, document_id: int, user: CurrentUser, db: DbSession):
    """Keep the lease while the page is open (called by the page's script)."""
    view = load_view(db, document_id)
    if view.claimed_by != user.username:
        return JSONResponse({"renewed": False}, status_code=409)
    try:
        claimed = review.claim_task(
            db, user.username, document_id=document_id, lease=lease_for(request)
        )
    except (NotFound, LeaseHeld):
        return JSONResponse({"renewed": False}, status_code=409)
    return {"renewed": True, "lease_expires_at": claimed.lease_expires_at.isoformat(),
            "version": claimed.version}


@router.post("/documents/{document_id}/release")
def release(request: Request, document_id: int, user: CurrentUser, db: DbSession):
    review.release_task(db, document_id, user.username)
    flash(request, f"Released #{document_id}.")
    return RedirectResponse("/queue", status_code=303)


@router.get("/documents/{document_id}/history")
def history(request: Request, document_id: int, user: CurrentUser, db: DbSession):
    view = load_view(db, document_id)
    events = reports.document_history(db, document_id)
    context = {
        "nav": "queue",
        "document": {
            "id": view.id,
            "doc_type": view.doc_type,
            "page_start": view.page_start,
            "page_end": view.page_end,
            "state": view.state.value,
            "source_name": view.original_name or f"file {view.file_id}",
        },
        "task_id": view.id if view.task_version is not None else None,
        "events": history_rows(events),
    }
    return render(request, "history.html", context, user=user)


def _reread(request: Request, view: DocumentView, parts: list[tuple[DocType, int, int]]):
    """Re-extract each (type, first page, last page) part of the document's file."""
    options = request.app.state.config.pipeline
    source = resolve_source(view.source_keys, request.app.state.config.source_root)
    pages = read_file_pages(source, view.file_sha256, options)
    return [reextract(pages, doc_type, start, end, options) for doc_type, start, end in parts]


def _doc_type(value: str) -> DocType:
    try:
        return DocType(value)
    except ValueError:
        raise HTTPException(422, "Unknown document type.") from None


@router.post("/documents/{document_id}/doc-type")
def change_doc_type(
    request: Request, document_id: int, user: CurrentUser, db: DbSession, form: FormFields
):
    """The classifier was wrong: re-read the pages with the chosen type's extractor."""
    view = load_view(db, document_id)
    doc_type = _doc_type(form.get("doc_type", ""))
    try:
        version = int(form.get("version", ""))
        db.commit()  # release the connection while the pages are read (OCR can take a while)
        (extraction,) = _reread(request, view, [(doc_type, view.page_start, view.page_end)])
        retype_document(db, document_id, extraction, changed_by=user.username, expected_version=version)
    except ValueError:
        raise HTTPException(422, "The form does not match this document; reload the page.") from None
    except ReextractError:
        return _edit_refused(request, db, user, document_id, "The source file cannot be read again.")
    except StaleVersion as error:
        return _edit_refused(request, db, user, document_id, None, Conflict(error.expected, error.current))
    except (LeaseHeld, InvalidTransition):
        return _edit_refused(request, db, user, document_id, "This document cannot be changed now.")
    flash(request, f"#{document_id} is now a {doc_type.value.replace('_', ' ')}; check the values.")
    return RedirectResponse(f"/documents/{document_id}", status_code=303)


@router.post("/documents/{document_id}/split")
def split(request: Request, document_id: int, user: CurrentUser, db: DbSession, form: FormFields):
    """Several documents were read as one: the pages from `split_page` on become a new one."""
    view = load_view(db, document_id)
    second_type = _doc_type(form.get("second_doc_type", ""))
    try:
        version = int(form.get("version", ""))
        split_page = int(form.get("split_page", ""))
        if not view.page_start < split_page <= view.page_end:
            raise ValueError("split page outside the document")
        db.commit()
        first, second = _reread(
            request, view,
            [(DocType(view.doc_type), view.page_start, split_page - 1),
             (second_type, split_page, view.page_end)],
        )
        new_id = split_document(db, document_id, first, second, split_by=user.username,
                                expected_version=version)
    except ValueError:
        raise HTTPException(422, "Pick a page inside the document.") from None
    except ReextractError:
        return _edit_refused(request, db, user, document_id, "The source file cannot be read again.")
    except StaleVersion as error:
        return _edit_refused(request, db, user, document_id, None, Conflict(error.expected, error.current))
    except (LeaseHeld, InvalidTransition):
        return _edit_refused(request, db, user, document_id, "This document cannot be changed now.")
    flash(request, f"Pages {split_page}-{view.page_end} are now document #{new_id}, in the queue.")
    return RedirectResponse(f"/documents/{document_id}", status_code=303)


def _edit_refused(request, db, user, document_id, problem, conflict=None):
    db.rollback()
    return render_task(
        request, db, user, load_view(db, document_id),
        conflict=conflict, problems=[problem] if problem else [], status_code=409,
    )
