"""Shared by the loss-run layouts: header vocabularies, status spellings, pagination and truth."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.contract import DocType
from sample_docs.generator.content import ClaimRow, LossRunContent
from sample_docs.generator.layouts.base import Fields, RenderContext, blank_fields
from sample_docs.generator.printed import money_truth, single_spaced

CLAIM_NO_LABELS = ("Claim Number", "Claim #", "Claim No.")
POLICY_LABELS = ("Policy Number", "Policy #", "Policy No.")
LOSS_DATE_LABELS = ("Date of Loss", "Loss Date", "DOL", "Accident Date")
CLAIMANT_LABELS = ("Claimant", "Claimant Name", "Injured / Claimant")
DESCRIPTION_LABELS = ("Description", "Loss Description", "Cause / Description")
STATUS_LABELS = ("Status", "Claim Status", "Sts")
PAID_LABELS = ("Paid", "Total Paid", "Paid to Date")
RESERVE_LABELS = ("Reserve", "Outstanding Reserve", "O/S Reserve")
INCURRED_LABELS = ("Incurred", "Total Incurred")
VALUATION_LABELS = ("Valued as of", "Valuation Date", "Evaluation Date")
COUNT_LABELS = ("Total Claims", "Number of Claims", "Claim Count", "Total Number of Claims")
TITLES = (
    "Loss Run Report",
    "Loss History Report",
    "Claims Experience Report",
    "Loss Detail Report",
)

STATUS_SPELLINGS = {
    "full": {"open": "Open", "closed": "Closed", "reopened": "Reopened"},
    "upper": {"open": "OPEN", "closed": "CLOSED", "reopened": "RE-OPENED"},
    "letter": {"open": "O", "closed": "C", "reopened": "R"},
}


class HeaderWords:
    """One loss run's choice of label wording, drawn once so every page uses the same words."""

    def __init__(self, ctx: RenderContext) -> None:
        self.claim_no = ctx.pick(CLAIM_NO_LABELS)
        self.policy = ctx.pick(POLICY_LABELS)
        self.loss_date = ctx.pick(LOSS_DATE_LABELS)
        self.claimant = ctx.pick(CLAIMANT_LABELS)
        self.description = ctx.pick(DESCRIPTION_LABELS)
        self.status = ctx.pick(STATUS_LABELS)
        self.paid = ctx.pick(PAID_LABELS)
        self.reserve = ctx.pick(RESERVE_LABELS)
        self.incurred = ctx.pick(INCURRED_LABELS)
        self.valuation = ctx.pick(VALUATION_LABELS)
        self.count = ctx.pick(COUNT_LABELS)
        self.title = ctx.pick(TITLES)


def paginate(
    heights: Sequence[float], first_capacity: float, later_capacity: float, tail: float
) -> list[list[int]]:
    """Split row indexes into pages; the last page must also hold a `tail` block (totals)."""
    pages: list[list[int]] = [[]]
    room = first_capacity
    for i, h in enumerate(heights):
        if h > room and pages[-1]:
            pages.append([])
            room = later_capacity
        pages[-1].append(i)
        room -= h
    if room < tail:
        pages.append([])
    return pages


def claim_row_fields(
    row: ClaimRow, policy_number: str | None = None, claimant: str | None = None
) -> Fields:
    return {
        "claim_number": row.claim_number.upper(),
        "policy_number": (policy_number or row.policy_number).upper(),
        "date_of_loss": row.loss_date.isoformat(),
        "claimant_name": claimant if claimant is not None else row.claimant,
        "description": single_spaced(row.description),
        "status": row.status,
        "paid": money_truth(row.paid),
        "reserve": money_truth(row.reserve),
        "incurred": money_truth(row.incurred),
    }


def loss_run_fields(
    lr: LossRunContent,
    *,
    totals_printed: bool = True,
    count_printed: bool = True,
    insured_name: str | None = None,
) -> Fields:
    fields = blank_fields(DocType.LOSS_RUN)
    fields.update(
        carrier_name=lr.carrier.name,
        insured_name=insured_name or lr.insured,
        valuation_date=lr.valuation_date.isoformat(),
        claims=[claim_row_fields(c) for c in lr.claims],
    )
    if totals_printed:
        fields.update(
            total_paid=money_truth(lr.total_paid),
            total_reserve=money_truth(lr.total_reserve),
            total_incurred=money_truth(lr.total_incurred),
        )
    if count_printed:
        fields["claim_count"] = str(len(lr.claims))
    return fields
