"""`Store`: the store's functions, each run as one transaction (a unit of work) on an engine.

The functions in `ingest`, `decisions`, `review`, `reports` and `users` take a Session and never
commit, so a caller can also compose several of them in one transaction with `unit_of_work()`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from pipeline.contract import FileResult
from storage import decisions, ingest, reports, review, users
from storage.outcomes import (
    ApprovalOutcome,
    ClaimedTask,
    CorrectionOutcome,
    DocumentView,
    EventRecord,
    QueueItem,
    ReceivedOutcome,
    RecordOutcome,
    StatusSummary,
    UserRecord,
)
from storage.states import ApprovalKind, Role

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

# PostgreSQL aborts one side of a deadlock / serialisation conflict; running it again is safe
# because the whole unit of work was rolled back.
_RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})


def _retryable(error: DBAPIError) -> bool:
    return getattr(error.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES


class Store:
    def __init__(self, engine: Engine, *, retries: int = 3) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._retries = retries

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session in a transaction: committed if the block ends normally, else rolled back."""
        with self._sessions.begin() as session:
            yield session

    def _run(
        self, function: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        for attempt in range(self._retries + 1):
            try:
                with self.unit_of_work() as session:
                    return function(session, *args, **kwargs)
            except DBAPIError as error:
                if attempt < self._retries and _retryable(error):
                    log.info("retrying %s after %s", function.__name__, type(error.orig).__name__)
                    continue
                raise
        raise AssertionError("unreachable")

    # --- ingest ---------------------------------------------------------------------------

    def record_received(
        self, sha256: str, source_key: str, *, original_name: str | None = None
    ) -> ReceivedOutcome:
        return self._run(ingest.record_received, sha256, source_key, original_name=original_name)

    def record_result(
        self, result: FileResult, source_key: str, *, extractor_version: str | None = None
    ) -> RecordOutcome:
        return self._run(
            ingest.record_result, result, source_key, extractor_version=extractor_version
        )

    # --- decisions ------------------------------------------------------------------------

    def approve_document(
        self,
        document_id: int,
        *,
        approved_by: str,
        kind: ApprovalKind = ApprovalKind.REVIEWER,
        corrected_fields: Mapping[str, str | None] | None = None,
        expected_version: int | None = None,
    ) -> ApprovalOutcome:
        return self._run(
            decisions.approve_document,
            document_id,
            approved_by=approved_by,
            kind=kind,
            corrected_fields=corrected_fields,
            expected_version=expected_version,
        )

    def reject_document(
        self,
        document_id: int,
        *,
        rejected_by: str,
        reason: str,
        expected_version: int | None = None,
    ) -> None:
        self._run(
            decisions.reject_document,
            document_id,
            rejected_by=rejected_by,
            reason=reason,
            expected_version=expected_version,
        )

    # --- review ---------------------------------------------------------------------------

    def apply_correction(
        self,
        document_id: int,
        field_path: str,
        new_value: str | None,
        *,
        corrected_by: str,
        expected_version: int,
    ) -> CorrectionOutcome:
        return self._run(
            review.apply_correction,
            document_id,
            field_path,
            new_value,
            corrected_by=corrected_by,
            expected_version=expected_version,
        )

    def claim_task(
        self,
        reviewer: str,
        *,
        document_id: int | None = None,
        lease: timedelta = review.DEFAULT_LEASE,
        now: datetime | None = None,
    ) -> ClaimedTask | None:
        return self._run(review.claim_task, reviewer, document_id=document_id, lease=lease, now=now)

    def release_task(self, document_id: int, reviewer: str) -> bool:
        return self._run(review.release_task, document_id, reviewer)

    def queue(
        self, *, doc_type: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[QueueItem]:
        return self._run(review.queue, doc_type=doc_type, limit=limit, offset=offset)

    # --- reports --------------------------------------------------------------------------

    def status_summary(self) -> StatusSummary:
        return self._run(reports.status_summary)

    def document_history(self, document_id: int) -> list[EventRecord]:
        return self._run(reports.document_history, document_id)

    def file_history(self, sha256: str) -> list[EventRecord]:
        return self._run(reports.file_history, sha256)

    def load_document(self, document_id: int) -> DocumentView:
        return self._run(reports.load_document, document_id)

    # --- users ----------------------------------------------------------------------------

    def create_user(self, username: str, password_hash: str, role: Role) -> UserRecord:
        return self._run(users.create_user, username, password_hash, role)

    def find_user(self, username: str) -> UserRecord | None:
        return self._run(users.find_user, username)
