"""The batch's view of the claims database: `storage.Store` calls, each its own transaction.

A crash between two calls leaves the first committed and the second not done; running the batch
again handles both, because the store is idempotent by sha256 and extractor version.
"""

from sqlalchemy import event

from claimdocs.kill_points import KillPoint, KillSwitch
from dagster_project.batch_ingest import RecordedFile
from pipeline.contract import FileResult
from storage import DocumentState, Store, make_engine
from storage.outcomes import StatusSummary


class ClaimStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    @classmethod
    def connect(cls, database_url: str) -> "ClaimStore":
        engine = make_engine(database_url)
        # Errors must not quote statement parameters: they hold document values (PII) and would
        # end up in Dagster's event log.
        engine.hide_parameters = True
        return cls(Store(engine))

    def arm(self, kill_switch: KillSwitch) -> None:
        """Chaos tests only: let `kill_switch` stop the process between a transaction's writes
        and its commit (SQLAlchemy's `commit` event fires before the database commits)."""
        if kill_switch.plan is not None:
            event.listen(
                self.store.engine, "commit", lambda _: kill_switch.reached(KillPoint.BEFORE_COMMIT)
            )

    def close(self) -> None:
        self.store.engine.dispose()

    def record_received(self, sha256: str, source_key: str, original_name: str) -> None:
        self.store.record_received(sha256, source_key, original_name=original_name)

    def record_result(self, result: FileResult, source_key: str) -> RecordedFile:
        """Record the result; auto-approved documents are approved in the same transaction."""
        outcome = self.store.record_result(result, source_key)
        states = list(outcome.documents.values())
        return RecordedFile(
            newly_recorded=outcome.recorded,
            approved=sum(1 for s in states if s == DocumentState.APPROVED),
            in_review=sum(1 for s in states if s == DocumentState.IN_REVIEW),
        )

    def status(self) -> StatusSummary:
        return self.store.status_summary()

    def review_queue_size(self) -> int:
        return self.status().open_review_tasks
