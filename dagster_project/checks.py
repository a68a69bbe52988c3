"""Asset checks over one batch: quarantine count, validation failures, straight-through rate.

They are evaluated in the batch step itself (no extra process per check) from the batch's
report, and attach their evidence as metadata. They warn rather than block: a bad batch still
lands its good documents; the warning tells the data team where to look.
"""

from collections.abc import Iterator

import dagster as dg
from pydantic import BaseModel, ConfigDict

from dagster_project.batch_ingest import BatchReport

INGESTED_FILES = dg.AssetKey("ingested_files")
ROUTED_DOCUMENTS = dg.AssetKey("routed_documents")
PAS_RECORDS = dg.AssetKey("pas_records")

QUARANTINE_CHECK = "quarantine_share"
VALIDATION_CHECK = "validation_failures"
STRAIGHT_THROUGH_CHECK = "straight_through_rate"


class QualityGates(BaseModel):
    """Thresholds past which a batch's check warns."""

    model_config = ConfigDict(frozen=True)

    max_quarantine_share: float = 0.10
    max_validation_failure_share: float = 0.25
    min_straight_through_rate: float = 0.50


BATCH_CHECK_SPECS = [
    dg.AssetCheckSpec(
        QUARANTINE_CHECK,
        asset=INGESTED_FILES,
        description="Files of the batch that were quarantined (count, share, reasons).",
    ),
    dg.AssetCheckSpec(
        VALIDATION_CHECK,
        asset=ROUTED_DOCUMENTS,
        description="Documents with at least one validation error.",
    ),
    dg.AssetCheckSpec(
        STRAIGHT_THROUGH_CHECK,
        asset=PAS_RECORDS,
        description="Share of documents auto-approved without a person.",
    ),
]


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def batch_check_results(
    report: BatchReport, gates: QualityGates = QualityGates()  # noqa: B008 (frozen)
) -> Iterator[dg.AssetCheckResult]:
    finished = report.finished
    quarantined = [o for o in finished if o.reason]
    quarantine_share = _share(len(quarantined), len(finished))
    yield dg.AssetCheckResult(
        asset_key=INGESTED_FILES,
        check_name=QUARANTINE_CHECK,
        passed=quarantine_share <= gates.max_quarantine_share,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "quarantined": len(quarantined),
            "files": len(finished),
            "share": quarantine_share,
            "threshold": gates.max_quarantine_share,
            "reasons": dict(report.quarantine_reasons()),
        },
    )

    documents = report.documents_total()
    failures = sum(o.validation_failures for o in finished)
    failure_share = _share(failures, documents)
    yield dg.AssetCheckResult(
        asset_key=ROUTED_DOCUMENTS,
        check_name=VALIDATION_CHECK,
        passed=failure_share <= gates.max_validation_failure_share,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "documents_with_errors": failures,
            "documents": documents,
            "share": failure_share,
            "threshold": gates.max_validation_failure_share,
        },
    )

    auto = sum(o.auto_approved for o in finished)
    rate = _share(auto, documents)
    yield dg.AssetCheckResult(
        asset_key=PAS_RECORDS,
        check_name=STRAIGHT_THROUGH_CHECK,
        # An empty batch has nothing to judge.
        passed=documents == 0 or rate >= gates.min_straight_through_rate,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "auto_approved": auto,
            "documents": documents,
            "rate": rate,
            "threshold": gates.min_straight_through_rate,
        },
    )
