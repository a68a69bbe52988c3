"""The review queue: filters, sorting, and claiming the next task."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse

from pipeline.contract import DocType
from review_ui.auth import CurrentUser
from review_ui.claiming import claim_next
from review_ui.database import DbSession
from review_ui.queries import SORT_CHOICES, QueueFilters, queue_reasons, review_queue
from review_ui.rendering import flash, render
from review_ui.routes.documents import FormFields, lease_for
from storage import review
from storage.column_types import utc_now

router = APIRouter()


def filters_from(doc_type: str, reason: str, claimed: str, sort: str) -> QueueFilters:
    # Unknown values mean "no filter" rather than an error page: these come from links.
    values = {"doc_type": doc_type, "reason": reason}
    if claimed in ("unclaimed", "mine", "others"):
        values["claimed"] = claimed
    if sort in dict(SORT_CHOICES):
        values["sort"] = sort
    return QueueFilters(**values)


@router.get("/")
def home():
    return RedirectResponse("/queue", status_code=303)


@router.get("/queue")
def queue_page(
    request: Request,
    user: CurrentUser,
    db: DbSession,
    doc_type: Annotated[str, Query(max_length=32)] = "",
    reason: Annotated[str, Query(max_length=128)] = "",
    claimed: Annotated[str, Query(max_length=16)] = "",
    sort: Annotated[str, Query(max_length=16)] = "oldest",
):
    filters = filters_from(doc_type, reason, claimed, sort)
    rows, truncated = review_queue(db, filters, user.username, utc_now())
    context = {
        "nav": "queue",
        "rows": rows,
        "truncated": truncated,
        "filters": filters,
        "doc_types": [t.value for t in DocType],
        "reason_choices": queue_reasons(db),
        "sort_choices": SORT_CHOICES,
    }
    return render(request, "queue.html", context, user=user)


@router.post("/queue/next")
def next_task(request: Request, user: CurrentUser, db: DbSession, form: FormFields):
    """Claim the oldest task nobody else holds that matches the queue filters; from a task page
    (`skip`), give that task back first and pass over it."""
    filters = filters_from(form.get("doc_type", ""), form.get("reason", ""), "", "oldest")
    skip = int(form["skip"]) if form.get("skip", "").isdigit() else None
    if skip is not None:
        review.release_task(db, skip, user.username)
    claimed = claim_next(
        db, user.username, lease=lease_for(request), now=utc_now(), filters=filters, skip=skip
    )
    if claimed is None:
        flash(request, "Nothing left to claim.")
        return RedirectResponse("/queue", status_code=303)
    return RedirectResponse(f"/documents/{claimed}", status_code=303)
