"""One batch of S3 objects through the core and into the store, one object at a time.

For each object, in this order (so that a crash at any point is repaired by running the batch
again, with nothing lost or duplicated):

1. skip it if its output marker already exists for this exact version (finished before);
2. download that version (pinned by ETag, verified by size and MD5) and hash it;
3. record it as received (idempotent by sha256);
4. run the pure core on it (`pipeline.runner.process_file`);
5. record the result and approve auto-approved documents (idempotent by sha256 + extractor
   version; approval is one transaction per document);
6. write the outputs, the marker last: the extraction JSON under `processed/`, or the copy under
   `quarantine/` and then its reason JSON.

The marker is written only after the database has committed, so "marker present" implies
"recorded". Transient infrastructure errors propagate (the step is retried); an unexpected error
caused by one object quarantines that object and the batch goes on.

No Dagster here: the asset is a thin wrapper around `ingest_batch`.
"""

import logging
import os
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from claimdocs.kill_points import KillPoint, KillSwitch
from dagster_project.output_layout import OutputLayout
from dagster_project.s3_objects import (
    SHA256_META,
    SOURCE_ETAG_META,
    SOURCE_KEY_META,
    BucketClient,
    ObjectTooLarge,
    SourceChanged,
    SourceObject,
)
from dagster_project.transient import transient_kind
from pipeline.contract import FileError, FileResult, FileStatus, Route
from pipeline.load import QuarantineError, QuarantineReason
from pipeline.runner import PipelineOptions, StageTimes, process_file

log = logging.getLogger(__name__)

# Quarantine code for a file whose processing failed in our shell (not in the core) for a reason
# that retrying will not fix; an engineer has to look.
SHELL_ERROR = "ingest_error"
SHELL_ERROR_MESSAGE = "Storing the result of this file failed; it needs an engineer's look."
UNSAFE_NAME_CHARS = re.compile(r"[^A-Za-z0-9._ -]")


class ObjectFate(StrEnum):
    PROCESSED = "processed"
    QUARANTINED = "quarantined"
    ALREADY_DONE = "already_done"  # its marker existed: finished by an earlier run
    SOURCE_CHANGED = "source_changed"  # overwritten or deleted since listed: the new version is new


class RecordedFile(BaseModel):
    """What the store did with one file's result."""

    model_config = ConfigDict(frozen=True)

    newly_recorded: bool
    approved: int = 0
    in_review: int = 0


class DocumentRecords(Protocol):
    """The part of the store a batch needs (see `dagster_project.claim_store`)."""

    def record_received(self, sha256: str, source_key: str, original_name: str) -> None: ...

    def record_result(self, result: FileResult, source_key: str) -> RecordedFile: ...

    def review_queue_size(self) -> int: ...


class ObjectOutcome(BaseModel):
    """One input's fate in this batch: ids, codes and counts only (no document values)."""

    key: str
    etag: str
    fate: ObjectFate
    sha256: str | None = None
    pages: int = 0
    documents: int = 0
    doc_types: list[str] = Field(default_factory=list)
    auto_approved: int = 0
    needs_review: int = 0
    validation_failures: int = 0  # documents with at least one error-severity issue
    reason: str | None = None  # quarantine code
    output_key: str | None = None
    newly_recorded: bool = False
    approved: int = 0
    core_seconds: float = 0.0  # inside `process_file`
    total_seconds: float = 0.0  # everything for this object


class BatchReport(BaseModel):
    batch_id: str
    outcomes: list[ObjectOutcome] = Field(default_factory=list)
    stage_seconds: dict[str, float] = Field(default_factory=dict)
    elapsed_seconds: float = 0.0
    review_queue_size: int | None = None

    def count(self, fate: ObjectFate) -> int:
        return sum(1 for o in self.outcomes if o.fate == fate)

    @property
    def finished(self) -> list[ObjectOutcome]:
        """Outcomes with a result (processed or quarantined, now or before)."""
        return [o for o in self.outcomes if o.fate != ObjectFate.SOURCE_CHANGED]

    @property
    def pages(self) -> int:
        return sum(o.pages for o in self.outcomes if o.fate != ObjectFate.ALREADY_DONE)

    @property
    def pages_per_minute(self) -> float:
        return 60.0 * self.pages / self.elapsed_seconds if self.elapsed_seconds else 0.0

    @property
    def core_seconds(self) -> float:
        return sum(o.core_seconds for o in self.outcomes)

    def quarantine_reasons(self) -> Counter:
        return Counter(o.reason for o in self.finished if o.reason)

    def documents_total(self) -> int:
        return sum(o.documents for o in self.finished)


class BatchInterrupted(Exception):
    """A transient infrastructure error stopped the batch; running it again resumes it."""

    def __init__(self, kind: str, error: BaseException, done: int, total: int) -> None:
        self.kind = kind
        self.error_type = error_label(error)
        self.done = done
        self.total = total
        super().__init__(
            f"{kind} unavailable ({self.error_type}) after {done} of {total} objects; "
            "objects finished so far are kept and skipped when the batch runs again"
        )


def error_label(error: BaseException) -> str:
    """Type and service code of an error, never its message: database errors can quote the
    statement's parameters, which hold document values."""
    label = type(error).__name__
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        if code:
            label += f" {code}"
    orig = getattr(error, "orig", None)
    if orig is not None:
        label += f" ({type(orig).__module__}.{type(orig).__name__}"
        sqlstate = getattr(orig, "sqlstate", None)
        label += f" sqlstate {sqlstate})" if sqlstate else ")"
    return label


def _local_name(key: str) -> str:
    """A safe file name for the object (the core reports it as `source`)."""
    name = key.rsplit("/", 1)[-1]
    name = UNSAFE_NAME_CHARS.sub("_", name).strip(". ")
    return name or "object"


def _marker_metadata(obj: SourceObject, sha256: str | None) -> dict[str, str]:
    # S3 user metadata must be ASCII; keys can hold any Unicode, so the key is written escaped.
    metadata = {
        SOURCE_KEY_META: obj.key.encode("ascii", "backslashreplace").decode("ascii"),
        SOURCE_ETAG_META: obj.etag,
    }
    if sha256:
        metadata[SHA256_META] = sha256
    return metadata


def _outcome_from_result(obj: SourceObject, result: FileResult, fate: ObjectFate) -> ObjectOutcome:
    return ObjectOutcome(
        key=obj.key,
        etag=obj.etag,
        fate=fate,
        sha256=result.sha256 or None,
        pages=result.pages,
        documents=len(result.documents),
        doc_types=[str(d.doc_type) for d in result.documents],
        auto_approved=sum(1 for d in result.documents if d.route == Route.AUTO_APPROVED),
        needs_review=sum(1 for d in result.documents if d.route == Route.NEEDS_REVIEW),
        validation_failures=sum(
            1 for d in result.documents if any(i.severity == "error" for i in d.validation)
        ),
        reason=result.error.code if result.error else None,
    )


def _too_large_result(name: str, too_large: ObjectTooLarge, options: PipelineOptions) -> FileResult:
    """Refused before touching the disk; the message comes from the core's catalogue."""
    refusal = QuarantineError(
        QuarantineReason.TOO_LARGE,
        size_mb=too_large.size / 1024 / 1024,
        limit_mb=options.limits.max_bytes / 1024 / 1024,
    )
    return FileResult(
        source=name,
        sha256=too_large.sha256,
        pages=0,
        status=FileStatus.QUARANTINED,
        error=FileError(code=refusal.reason.value, message=refusal.message),
    )


class BatchIngester:
    """Runs objects through download -> core -> store -> outputs, as described above."""

    def __init__(
        self,
        bucket: BucketClient,
        layout: OutputLayout,
        records: DocumentRecords,
        options: PipelineOptions,
        workdir: Path | None = None,
        kill_switch: KillSwitch | None = None,
    ) -> None:
        self.bucket = bucket
        self.layout = layout
        self.records = records
        self.options = options
        self.workdir = workdir
        # Chaos tests only: SIGKILL at a named point (unarmed unless a plan file is given).
        self.kill_switch = kill_switch or KillSwitch()

    # -- the marker ------------------------------------------------------------------------

    def finished_outcome(self, obj: SourceObject) -> ObjectOutcome | None:
        """The outcome recorded by an earlier run for exactly this version, if any."""
        extraction_key, reason_key = self.layout.marker_keys(obj.key)
        for key in (extraction_key, reason_key):
            head = self.bucket.head(key)
            if head is None or head.get("Metadata", {}).get(SOURCE_ETAG_META) != obj.etag:
                continue
            payload = self.bucket.read_json(key)
            if key == extraction_key:
                result = FileResult.model_validate(payload)
            else:
                result = FileResult.model_validate(payload["result"])
            outcome = _outcome_from_result(obj, result, ObjectFate.ALREADY_DONE)
            return outcome.model_copy(update={"output_key": key})
        return None

    # -- one object ------------------------------------------------------------------------

    def ingest_object(self, obj: SourceObject, scratch: Path, times: StageTimes) -> ObjectOutcome:
        started = time.perf_counter()
        finished = self.finished_outcome(obj)
        if finished is not None:
            return finished.model_copy(update={"total_seconds": time.perf_counter() - started})

        path = scratch / _local_name(obj.key)
        core_seconds = 0.0
        try:
            try:
                downloaded = self.bucket.download(obj, path, self.options.limits.max_bytes)
            except SourceChanged:
                log.info("source changed since listing; skipped", extra={"etag": obj.etag})
                return ObjectOutcome(key=obj.key, etag=obj.etag, fate=ObjectFate.SOURCE_CHANGED)
            except ObjectTooLarge as too_large:
                self.records.record_received(too_large.sha256, obj.key, path.name)
                result = _too_large_result(path.name, too_large, self.options)
            else:
                self.kill_switch.reached(KillPoint.AFTER_DOWNLOAD)
                self.records.record_received(downloaded.sha256, obj.key, path.name)
                core_started = time.perf_counter()
                result = process_file(path, self.options, times)
                core_seconds = time.perf_counter() - core_started
                self.kill_switch.reached(KillPoint.AFTER_OCR)
        finally:
            path.unlink(missing_ok=True)

        try:
            recorded = self.records.record_result(result, obj.key)
        except Exception as error:
            if transient_kind(error) is not None:
                raise
            # The store refused this result for good (a constraint, a value it cannot hold):
            # the file goes to quarantine so a person sees it, and the batch goes on.
            log.error(
                "store refused result; quarantining",
                extra={"error_type": type(error).__name__, "sha256": result.sha256[:12]},
            )
            result = FileResult(
                source=result.source,
                sha256=result.sha256,
                pages=result.pages,
                status=FileStatus.QUARANTINED,
                error=FileError(code=SHELL_ERROR, message=SHELL_ERROR_MESSAGE),
            )
            recorded = self.records.record_result(result, obj.key)

        fate = ObjectFate.PROCESSED if result.status == FileStatus.PROCESSED else ObjectFate.QUARANTINED
        self.kill_switch.reached(KillPoint.BEFORE_MARKER)
        output_key = self._write_outputs(obj, result)
        outcome = _outcome_from_result(obj, result, fate)
        return outcome.model_copy(
            update={
                "output_key": output_key,
                "newly_recorded": recorded.newly_recorded,
                "approved": recorded.approved,
                "core_seconds": core_seconds,
                "total_seconds": time.perf_counter() - started,
            }
        )

    def _write_outputs(self, obj: SourceObject, result: FileResult) -> str:
        metadata = _marker_metadata(obj, result.sha256 or None)
        if result.status == FileStatus.PROCESSED:
            key = self.layout.extraction_key(obj.key)
            self.bucket.put_json(key, result.to_json_dict(), metadata)
            return key
        copied = True
        try:
            self.bucket.copy_version(obj, self.layout.quarantine_copy_key(obj.key), metadata)
        except SourceChanged:
            copied = False  # gone since we read it; the reason still says what was wrong
        key = self.layout.reason_key(obj.key)
        reason = {
            "source_key": obj.key,
            "source_etag": obj.etag,
            "sha256": result.sha256,
            "code": result.error.code if result.error else None,
            "message": result.error.message if result.error else None,
            "copy_key": self.layout.quarantine_copy_key(obj.key) if copied else None,
            "quarantined_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "result": result.to_json_dict(),
        }
        self.bucket.put_json(key, reason, metadata)
        return key

    # -- the batch -------------------------------------------------------------------------

    def ingest_batch(
        self,
        batch_id: str,
        objects: Sequence[SourceObject],
        on_outcome: Callable[[int, ObjectOutcome], None] | None = None,
    ) -> BatchReport:
        """Every object ends with an outcome, or a transient error raises `BatchInterrupted`."""
        started = time.perf_counter()
        times = StageTimes()
        report = BatchReport(batch_id=batch_id)
        remove_orphaned_scratch(Path(self.workdir or tempfile.gettempdir()))
        scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=self.workdir))
        try:
            for index, obj in enumerate(objects):
                try:
                    outcome = self.ingest_object(obj, scratch, times)
                except Exception as error:
                    kind = transient_kind(error)
                    if kind is None:
                        raise
                    raise BatchInterrupted(kind, error, index, len(objects)) from None
                report.outcomes.append(outcome)
                if on_outcome is not None:
                    on_outcome(index, outcome)
            try:
                report.review_queue_size = self.records.review_queue_size()
            except Exception as error:
                kind = transient_kind(error)
                if kind is None:
                    raise
                raise BatchInterrupted(kind, error, len(objects), len(objects)) from None
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        report.stage_seconds = {stage: round(s, 3) for stage, s in times.seconds.items()}
        report.elapsed_seconds = time.perf_counter() - started
        return report


# Downloads live in a per-batch scratch folder named after the process that made it. A process
# killed mid-batch (OOM killer, SIGKILL, power loss) cannot remove its own, and those folders
# hold source documents, PII: the next batch on the machine removes them.
SCRATCH_PREFIX = "claimdocs-batch-"
_SCRATCH_NAME = re.compile(re.escape(SCRATCH_PREFIX) + r"(\d+)-")


def remove_orphaned_scratch(parent: Path) -> list[Path]:
    """Delete scratch folders in `parent` whose process is gone; returns what was removed."""
    removed: list[Path] = []
    try:
        entries = list(parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _SCRATCH_NAME.match(entry.name)
        if match is None or not entry.is_dir() or _process_alive(int(match[1])):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    if removed:
        log.info("removed scratch of ended processes: folders=%d", len(removed))
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True
