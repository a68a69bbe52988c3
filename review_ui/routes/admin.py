"""The admin dashboard: queue size and age, throughput, straight-through rate, and the fields
reviewers correct most (the rules to improve next). Admins only (403 for reviewers)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from review_ui.auth import AdminUser, require_admin
from review_ui.charts import bar_chart, stacked_day_chart
from review_ui.database import DbSession
from review_ui.queries import dashboard
from review_ui.rendering import render
from storage.column_types import utc_now

router = APIRouter(prefix="/admin", dependencies=[Depends(require_admin)])


@router.get("")
def admin_dashboard(request: Request, user: AdminUser, db: DbSession):
    figures = dashboard(db, utc_now())
    context = {
        "nav": "admin",
        "d": figures,
        "throughput_chart": stacked_day_chart(figures.days),
        "corrections_chart": bar_chart(
            [(f"{c.doc_type} · {c.field}", c.count) for c in figures.most_corrected]
        ),
    }
    return render(request, "admin.html", context, user=user)
