"""The pipeline's stages as assets over a batch of S3 objects.

One step materialises the whole chain (ingested files -> page words -> classified documents ->
extractions -> routed documents -> PAS records) for its batch: a document's pages never leave the
process that read them, and Dagster's per-step cost (a process, an event stream) is paid once per
batch rather than once per stage per document. Each stage still appears as its own asset with its
own metadata, and every object of the batch is listed with its fate.
"""

from datetime import datetime

import dagster as dg

from claimdocs.kill_points import KillSwitch
from dagster_project.batch_ingest import (
    BatchIngester,
    BatchInterrupted,
    BatchReport,
    ObjectFate,
    ObjectOutcome,
    error_label,
)
from dagster_project.checks import (
    BATCH_CHECK_SPECS,
    INGESTED_FILES,
    PAS_RECORDS,
    ROUTED_DOCUMENTS,
    batch_check_results,
)
from dagster_project.resources import ClaimStoreResource, PipelineOptionsResource, S3BucketResource
from dagster_project.s3_objects import SourceObject

BATCH_OP_NAME = "document_batch"
OCR_POOL = "claimdocs_ocr"
SOURCE_OBJECTS = dg.AssetKey("s3_input_objects")
PAGE_WORDS = dg.AssetKey("page_words")
CLASSIFIED_DOCUMENTS = dg.AssetKey("classified_documents")
EXTRACTIONS = dg.AssetKey("extractions")

source_objects = dg.AssetSpec(
    SOURCE_OBJECTS,
    description="PDFs dropped under the input prefix of the bucket. Read only: never modified.",
    kinds={"s3"},
    group_name="ingestion",
)

STAGE_SPECS = [
    dg.AssetSpec(
        INGESTED_FILES,
        deps=[SOURCE_OBJECTS],
        description="Each input object downloaded at its listed version, verified and recorded as received (by sha256).",
        kinds={"s3", "postgres"},
    ),
    dg.AssetSpec(
        PAGE_WORDS,
        deps=[INGESTED_FILES],
        description="Words with boxes for every page, from the text layer or OCR.",
        kinds={"python"},
    ),
    dg.AssetSpec(
        CLASSIFIED_DOCUMENTS,
        deps=[PAGE_WORDS],
        description="Pages classified and split into logical documents (claim packets split apart).",
        kinds={"python"},
    ),
    dg.AssetSpec(
        EXTRACTIONS,
        deps=[CLASSIFIED_DOCUMENTS],
        description="Fields per document; the extraction JSON of each file under the processed/ prefix.",
        kinds={"s3"},
    ),
    dg.AssetSpec(
        ROUTED_DOCUMENTS,
        deps=[EXTRACTIONS],
        description="Documents validated and routed (auto-approved or needs review); bad files quarantined with their reason.",
        kinds={"postgres"},
    ),
    dg.AssetSpec(
        PAS_RECORDS,
        deps=[ROUTED_DOCUMENTS],
        description="Approved records in the PAS tables (auto-approved here; reviewed ones in the review UI).",
        kinds={"postgres"},
    ),
]


class SourceObjectConfig(dg.Config):
    key: str
    etag: str
    size: int
    last_modified: str  # ISO 8601, UTC

    def to_source_object(self) -> SourceObject:
        return SourceObject(
            key=self.key,
            etag=self.etag,
            size=self.size,
            last_modified=datetime.fromisoformat(self.last_modified),
        )


class BatchConfig(dg.Config):
    """The objects of one batch, as the sensor or the nightly sweep listed them."""

    batch_id: str
    objects: list[SourceObjectConfig]
    # Chaos tests only: a claimdocs.kill_points plan file (SIGKILL at a named point).
    kill_plan_file: str | None = None


def _object_row(outcome: ObjectOutcome) -> dg.TableRecord:
    return dg.TableRecord(
        {
            "key": outcome.key,
            "fate": outcome.fate.value,
            "sha256": (outcome.sha256 or "")[:16],
            "pages": outcome.pages,
            "documents": outcome.documents,
            "auto_approved": outcome.auto_approved,
            "needs_review": outcome.needs_review,
            "reason": outcome.reason or "",
            "output": outcome.output_key or "",
        }
    )


OBJECTS_TABLE_SCHEMA = dg.TableSchema(
    columns=[
        dg.TableColumn("key", "string"),
        dg.TableColumn("fate", "string"),
        dg.TableColumn("sha256", "string"),
        dg.TableColumn("pages", "int"),
        dg.TableColumn("documents", "int"),
        dg.TableColumn("auto_approved", "int"),
        dg.TableColumn("needs_review", "int"),
        dg.TableColumn("reason", "string"),
        dg.TableColumn("output", "string"),
    ]
)


def stage_results(report: BatchReport) -> list[dg.MaterializeResult]:
    """Each stage's metadata, computed from the batch report."""
    finished = report.finished
    fresh = [o for o in finished if o.fate != ObjectFate.ALREADY_DONE]
    stage = report.stage_seconds
    doc_types: dict[str, int] = {}
    for outcome in finished:
        for doc_type in outcome.doc_types:
            doc_types[doc_type] = doc_types.get(doc_type, 0) + 1
    documents = report.documents_total()
    common = {"batch_id": report.batch_id}
    return [
        dg.MaterializeResult(
            asset_key=INGESTED_FILES,
            metadata={
                **common,
                "objects": len(report.outcomes),
                "processed_now": report.count(ObjectFate.PROCESSED),
                "quarantined_now": report.count(ObjectFate.QUARANTINED),
                "already_done": report.count(ObjectFate.ALREADY_DONE),
                "source_changed": report.count(ObjectFate.SOURCE_CHANGED),
                "objects_table": dg.MetadataValue.table(
                    [_object_row(o) for o in report.outcomes], schema=OBJECTS_TABLE_SCHEMA
                ),
            },
        ),
        dg.MaterializeResult(
            asset_key=PAGE_WORDS,
            metadata={
                **common,
                "pages": report.pages,
                "seconds": round(stage.get("load", 0.0) + stage.get("page_words", 0.0), 2),
            },
        ),
        dg.MaterializeResult(
            asset_key=CLASSIFIED_DOCUMENTS,
            metadata={
                **common,
                "documents": documents,
                "documents_by_type": doc_types,
                "seconds": round(stage.get("classify", 0.0), 2),
            },
        ),
        dg.MaterializeResult(
            asset_key=EXTRACTIONS,
            metadata={
                **common,
                "extraction_files": sum(1 for o in finished if not o.reason),
                "seconds": round(stage.get("extract", 0.0), 2),
            },
        ),
        dg.MaterializeResult(
            asset_key=ROUTED_DOCUMENTS,
            metadata={
                **common,
                "auto_approved": sum(o.auto_approved for o in finished),
                "needs_review": sum(o.needs_review for o in finished),
                "validation_failures": sum(o.validation_failures for o in finished),
                "quarantined_files": sum(1 for o in finished if o.reason),
                "quarantine_reasons": dict(report.quarantine_reasons()),
                "seconds": round(stage.get("validate", 0.0), 2),
            },
        ),
        dg.MaterializeResult(
            asset_key=PAS_RECORDS,
            metadata={
                **common,
                "approved_now": sum(o.approved for o in fresh),
                "review_queue_size": report.review_queue_size or 0,
                "pages_per_minute": round(report.pages_per_minute, 1),
                "core_seconds": round(report.core_seconds, 2),
                "elapsed_seconds": round(report.elapsed_seconds, 2),
            },
        ),
    ]


def run_tags(report: BatchReport) -> dict[str, str]:
    """A summary of the batch on the run itself, visible in the runs list."""
    finished = report.finished
    return {
        "claimdocs/files": str(len(finished)),
        "claimdocs/quarantined": str(sum(1 for o in finished if o.reason)),
        "claimdocs/documents": str(report.documents_total()),
        "claimdocs/auto_approved": str(sum(o.auto_approved for o in finished)),
        "claimdocs/pages_per_minute": f"{report.pages_per_minute:.1f}",
        "claimdocs/review_queue": str(report.review_queue_size or 0),
    }


@dg.multi_asset(
    name=BATCH_OP_NAME,
    specs=STAGE_SPECS,
    check_specs=BATCH_CHECK_SPECS,
    group_name="ingestion",
    pool=OCR_POOL,
    can_subset=False,
)
def document_batch(
    context: dg.AssetExecutionContext,
    config: BatchConfig,
    s3: S3BucketResource,
    claim_store: ClaimStoreResource,
    pipeline: PipelineOptionsResource,
):
    """Ingest one batch of objects: download, core pipeline, store, outputs back to S3."""
    objects = [o.to_source_object() for o in config.objects]
    kill_switch = KillSwitch.from_file(config.kill_plan_file)
    records = claim_store.store()
    records.arm(kill_switch)
    ingester = BatchIngester(
        bucket=s3.client(),
        layout=s3.layout(),
        records=records,
        options=pipeline.options(),
        kill_switch=kill_switch,
    )

    def progress(index: int, outcome: ObjectOutcome) -> None:
        # ids and counts only: keys can carry names, documents carry PII
        context.log.info(
            f"object {index + 1}/{len(objects)}: {outcome.fate.value}"
            f" sha256={(outcome.sha256 or '-')[:12]} pages={outcome.pages}"
            f" documents={outcome.documents} reason={outcome.reason or '-'}"
        )

    try:
        report = ingester.ingest_batch(config.batch_id, objects, on_outcome=progress)
    except BatchInterrupted as interrupted:
        context.log.error(f"batch {config.batch_id} interrupted: {interrupted}")
        raise  # the job's retry policy runs the step again
    except Exception as error:
        raise dg.Failure(
            description=(
                f"batch {config.batch_id} failed with {error_label(error)}; this is not a "
                "transient error, so it is not retried: fix the cause and re-execute the run"
            ),
            allow_retries=False,
        ) from error
    context.instance.add_run_tags(context.run.run_id, run_tags(report))
    yield from stage_results(report)
    yield from batch_check_results(report)
