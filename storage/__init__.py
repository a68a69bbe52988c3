"""claimdocs storage: working state, PAS-facing tables, audit events and the outbox.

Shells make an engine (`make_engine(url)`), migrate (`storage.migrate.upgrade(url)`) and call a
`Store(engine)`, or the Session functions in `ingest`, `decisions`, `review`, `reports`, `users`.
"""

from storage.engine import make_engine
from storage.errors import (
    InvalidTransition,
    LeaseHeld,
    NotFound,
    StaleVersion,
    StorageError,
    UnknownField,
    UnstorableValue,
)
from storage.states import ApprovalKind, DocumentState, EventKind, FileState, Role
from storage.store import Store

__all__ = [
    "ApprovalKind",
    "DocumentState",
    "EventKind",
    "FileState",
    "InvalidTransition",
    "LeaseHeld",
    "NotFound",
    "Role",
    "StaleVersion",
    "StorageError",
    "Store",
    "UnknownField",
    "UnstorableValue",
    "make_engine",
]
