"""The states a file and a document can be in, and the other closed vocabularies of the store.

A *file* (one input PDF, identified by its sha256) moves `received -> processed`, or
`received -> quarantined` (with a reason code and message). A *document* (one logical document
found in a processed file) is born `processed` and ends in exactly one of `approved` /
`rejected`, passing through `in_review` when a person must look at it; a newer extraction of
the same file moves a document still under review (or an approved one, once its successor is
approved) to `superseded`, so its history stays readable.
"""

from __future__ import annotations

from enum import StrEnum


class FileState(StrEnum):
    RECEIVED = "received"
    PROCESSED = "processed"
    QUARANTINED = "quarantined"


class DocumentState(StrEnum):
    PROCESSED = "processed"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


# Document states a decision (approve / reject) may start from.
UNDECIDED_DOCUMENT_STATES = frozenset({DocumentState.PROCESSED, DocumentState.IN_REVIEW})


class ExtractionStatus(StrEnum):
    PROCESSED = "processed"
    QUARANTINED = "quarantined"


class ApprovalKind(StrEnum):
    AUTO = "auto"  # routed auto_approved by the pipeline; approved_by is "system"
    REVIEWER = "reviewer"


class Role(StrEnum):
    REVIEWER = "reviewer"
    ADMIN = "admin"


class EventKind(StrEnum):
    FILE_RECEIVED = "file_received"
    SOURCE_KEY_ADDED = "source_key_added"  # the same bytes arrived under another key
    FILE_PROCESSED = "file_processed"
    FILE_QUARANTINED = "file_quarantined"
    DOCUMENT_RECORDED = "document_recorded"
    SENT_TO_REVIEW = "sent_to_review"
    FIELD_CORRECTED = "field_corrected"
    TASK_CLAIMED = "task_claimed"
    TASK_RELEASED = "task_released"
    DOCUMENT_APPROVED = "document_approved"
    DOCUMENT_REJECTED = "document_rejected"
    DOCUMENT_SUPERSEDED = "document_superseded"


SYSTEM_ACTOR = "system"


def sql_in(column: str, values: type[StrEnum] | frozenset[str] | set[str]) -> str:
    """A CHECK constraint body `column IN ('a', 'b')` over a closed vocabulary of plain words."""
    words = sorted(str(v) for v in values)
    return f"{column} IN ({', '.join(repr(w) for w in words)})"
