"""Errors the store raises, each with a stable code; messages hold ids and field paths, no values."""

from __future__ import annotations


class StorageError(Exception):
    code = "storage_error"


class NotFound(StorageError):
    code = "not_found"


class InvalidTransition(StorageError):
    """The document is not in a state that allows this change (e.g. approving a rejected one)."""

    code = "invalid_transition"


class StaleVersion(StorageError):
    """Someone changed the review task since the caller read it; reload and try again."""

    code = "stale_version"

    def __init__(self, document_id: int, expected: int, current: int) -> None:
        super().__init__(
            f"document {document_id}: expected version {expected}, current is {current}; "
            "reload the document and apply the change again"
        )
        self.document_id = document_id
        self.expected = expected
        self.current = current


class LeaseHeld(StorageError):
    """Another reviewer holds an unexpired lease on the review task."""

    code = "lease_held"


class UnknownField(StorageError):
    """A field path that is not in the contract's catalogue for the document's type."""

    code = "unknown_field"


class UnstorableValue(StorageError):
    """Values that are not in their normal form, so they cannot become typed PAS columns."""

    code = "unstorable_value"

    def __init__(self, problems: dict[str, str]) -> None:
        # field path -> expected kind; never the value itself (PII)
        self.problems = dict(problems)
        detail = ", ".join(f"{path} (expected {kind})" for path, kind in sorted(problems.items()))
        super().__init__(f"values not in normal form: {detail}")
