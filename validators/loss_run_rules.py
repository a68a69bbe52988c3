"""Insurance rules for a loss run: row arithmetic, printed totals, counts, statuses and dates.

A blank money cell on a loss run means zero, so sums treat an absent cell as 0.00; a rule that
would compare nothing (no printed total, no incurred) stays quiet.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from pipeline.contract import ValidationIssue
from validators.options import ValidationOptions
from validators.records import ClaimRowRecord, ClaimStatus, LossRunRecord

ZERO = Decimal("0.00")


def _or_zero(amount: Decimal | None) -> Decimal:
    return ZERO if amount is None else amount


def check_incurred_equals_paid_plus_reserve(
    record: LossRunRecord, options: ValidationOptions
) -> list[ValidationIssue]:
    issues = []
    for index, row in enumerate(record.claims):
        if row.incurred is None or (row.paid is None and row.reserve is None):
            continue
        if row.incurred != _or_zero(row.paid) + _or_zero(row.reserve):
            issues.append(
                ValidationIssue(
                    code="incurred_mismatch",
                    message="Incurred does not equal paid plus reserve.",
                    field=f"claims[{index}].incurred",
                )
            )
    return issues


def check_printed_totals(
    record: LossRunRecord, options: ValidationOptions
) -> list[ValidationIssue]:
    issues = []
    if not record.claims:
        return issues
    columns: list[tuple[str, Decimal | None, Callable[[ClaimRowRecord], Decimal | None]]] = [
        ("paid", record.total_paid, lambda row: row.paid),
        ("reserve", record.total_reserve, lambda row: row.reserve),
        ("incurred", record.total_incurred, lambda row: row.incurred),
    ]
    for column, printed_total, cell in columns:
        if printed_total is None:
            continue
        if printed_total != sum((_or_zero(cell(row)) for row in record.claims), ZERO):
            issues.append(
                ValidationIssue(
                    code=f"total_mismatch:{column}",
                    message=f"Printed total {column} does not equal the sum of the claim rows.",
                    field=f"total_{column}",
                )
            )
    return issues


def check_claim_count(record: LossRunRecord, options: ValidationOptions) -> list[ValidationIssue]:
    if record.claim_count is None or record.claim_count == len(record.claims):
        return []
    return [
        ValidationIssue(
            code="claim_count_mismatch",
            message="Printed number of claims does not equal the number of claim rows.",
            field="claim_count",
        )
    ]


def check_empty_report_says_so(
    record: LossRunRecord, options: ValidationOptions
) -> list[ValidationIssue]:
    """A loss run with no claim rows is only believable when it prints that it has none (a
    claim count of 0): otherwise the table was most likely not found."""
    if record.claims or record.claim_count == 0:
        return []
    return [
        ValidationIssue(
            code="no_claim_rows",
            message="No claim rows were read and the report does not print a claim count of zero.",
            field="claims",
        )
    ]


def check_unique_claim_numbers(
    record: LossRunRecord, options: ValidationOptions
) -> list[ValidationIssue]:
    seen: set[str] = set()
    issues = []
    for index, row in enumerate(record.claims):
        if row.claim_number is None:
            continue
        key = row.claim_number.upper()
        if key in seen:
            issues.append(
                ValidationIssue(
                    code="duplicate_claim_number",
                    message="Claim number appears on an earlier row too.",
                    field=f"claims[{index}].claim_number",
                )
            )
        seen.add(key)
    return issues


def check_non_negative_reserve(
    record: LossRunRecord, options: ValidationOptions
) -> list[ValidationIssue]:
    return [
        ValidationIssue(
            code="negative_reserve",
            message="Reserve is negative.",
            field=f"claims[{index}].reserve",
        )
        for index, row in enumerate(record.claims)
        if row.reserve is not None and row.reserve < 0
    ]


def check_loss_not_after_valuation(
    record: LossRunRecord, options: ValidationOptions
) -> list[ValidationIssue]:
    if record.valuation_date is None:
        return []
    return [
        ValidationIssue(
            code="loss_after_valuation",
            message="Date of loss is after the valuation date.",
            field=f"claims[{index}].date_of_loss",
        )
        for index, row in enumerate(record.claims)
        if row.date_of_loss is not None and row.date_of_loss > record.valuation_date
    ]


def check_closed_without_reserve(
    record: LossRunRecord, options: ValidationOptions
) -> list[ValidationIssue]:
    # Some carriers keep a small reserve on closed files for late bills: worth a look, not a block.
    return [
        ValidationIssue(
            code="closed_with_reserve",
            message="Closed claim still carries a reserve.",
            field=f"claims[{index}].reserve",
            severity="warning",
        )
        for index, row in enumerate(record.claims)
        if row.status is ClaimStatus.CLOSED and row.reserve is not None and row.reserve != 0
    ]


LOSS_RUN_RULES: tuple[Callable[[LossRunRecord, ValidationOptions], list[ValidationIssue]], ...] = (
    check_incurred_equals_paid_plus_reserve,
    check_printed_totals,
    check_claim_count,
    check_empty_report_says_so,
    check_unique_claim_numbers,
    check_non_negative_reserve,
    check_loss_not_after_valuation,
    check_closed_without_reserve,
)
