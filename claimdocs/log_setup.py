"""Structured logging (one JSON object per line) that lets through only what cannot be PII.

Structural, not a filter for known PII: every value a log record carries (its `%` arguments and
its `extra` fields) passes an allow-list (ints, floats, booleans, hex ids, UUIDs, exception type
names, and words from the project's own closed vocabularies: states, reason codes, document
types, field names) or is replaced by `<redacted>`. Extra fields outside `ALLOWED_FIELDS` are
dropped. An exception is logged as its type names and its stack frames (file, line, function),
never its message, which could quote a value. The message template itself is code, not data.

The CLI (`claimdocs.cli`), the review UI (through the CLI) and the Dagster code location
(`dagster_project.definitions`) install it; `Presidio` itself says PII detection is never
complete, hence the allow-list.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from datetime import UTC, datetime
from enum import Enum
from functools import lru_cache
from typing import IO, Any

REDACTED = "<redacted>"

# `extra=` fields that may appear in a log line (values are checked too).
ALLOWED_FIELDS = frozenset({
    "sha256", "file_id", "document_id", "extraction_id", "task_id", "user_id", "batch_id",
    "run_id", "etag", "code", "reason", "state", "from_state", "to_state", "route", "doc_type",
    "error_type", "count", "pages", "page", "documents", "objects", "seconds", "elapsed_seconds",
    "duration_ms", "status_code", "exit_code", "attempt", "version", "field_path",
})

_HEX_ID = re.compile(r"^[0-9a-f]{8,64}$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_PREFIXED_ID = re.compile(r"^(batch|run|task|obj)-[0-9a-f]{6,64}$")
_TYPE_NAME = re.compile(
    r"^([a-z_][a-z0-9_]*\.)*[A-Z][A-Za-z0-9]*"
    r"(Error|Exception|Warning|Timeout|Exit|Interrupted|Crashed|Failure|Expired|Refused|Changed)$"
)
_CAMEL_NAME = re.compile(r"^([a-z_][a-z0-9_]*\.)*[A-Z][A-Za-z0-9]+$")
_FIELD_PATH = re.compile(r"^(?P<name>[a-z_]+)(\[\d+\]\.(?P<cell>[a-z_]+))?$")


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    """Every word of the project's closed vocabularies: they name things, never hold values."""
    from claimdocs.kill_points import KillPoint
    from claimdocs.reconcile import InputState, OrphanCause
    from extractors import EXTRACTOR_VERSION
    from pipeline.contract import (
        LIST_FIELDS,
        SCALAR_FIELDS,
        DocType,
        FieldKind,
        FileStatus,
        Route,
    )
    from pipeline.reasons import QuarantineReason
    from storage.states import (
        ApprovalKind,
        DocumentState,
        EventKind,
        ExtractionStatus,
        FileState,
        Role,
    )

    words: set[str] = {EXTRACTOR_VERSION, "system", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}
    for vocabulary in (KillPoint, InputState, OrphanCause, DocType, FieldKind, FileStatus, Route,
                       QuarantineReason, ApprovalKind, DocumentState, EventKind,
                       ExtractionStatus, FileState, Role):
        words.update(member.value for member in vocabulary)
    for fields in SCALAR_FIELDS.values():
        words.update(fields)
    for specs in LIST_FIELDS.values():
        for spec in specs:
            words.add(spec.name)
            words.update(spec.cells)
    return frozenset(words)


def _exception_type_names() -> set[str]:
    """Names (bare and module-qualified) of every exception class loaded right now."""
    names: set[str] = set()
    stack = [BaseException]
    while stack:
        cls = stack.pop()
        names.update((cls.__qualname__, f"{cls.__module__}.{cls.__qualname__}"))
        stack.extend(cls.__subclasses__())
    return names


def safe_value(value: Any) -> Any:
    """`value` if it is allowed in a log line, else `<redacted>`."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Enum):
        value = value.value
        if not isinstance(value, str):
            return safe_value(value)
    if not isinstance(value, str):
        return REDACTED  # dates, Decimals, paths, objects: a document value could hide in any
    if value in _vocabulary():
        return value
    if _HEX_ID.match(value) and any(c in "abcdef" for c in value):
        return value  # a sha256 (prefix) or an ETag; pure digits could be an account number
    if _UUID.match(value) or _PREFIXED_ID.match(value) or _TYPE_NAME.match(value):
        return value
    if _CAMEL_NAME.match(value) and value in _exception_type_names():
        return value  # e.g. AdminShutdown, BrokenProcessPool: the name of a loaded exception class
    field_path = _FIELD_PATH.match(value)
    if field_path and field_path["name"] in _vocabulary() and (
        field_path["cell"] is None or field_path["cell"] in _vocabulary()
    ):
        return value
    return REDACTED


def _render_message(record: logging.LogRecord) -> str:
    if not isinstance(record.msg, str):
        return f"{REDACTED} ({type(record.msg).__name__})"
    if not record.args:
        return record.msg
    args = record.args if isinstance(record.args, tuple) else (record.args,)
    if len(args) == 1 and isinstance(args[0], dict):  # log.info("%(name)s", {...})
        safe_args: Any = {key: safe_value(value) for key, value in args[0].items()}
    else:
        safe_args = tuple(safe_value(arg) for arg in args)
    try:
        return record.msg % safe_args
    except (TypeError, ValueError, KeyError):  # "%d" given a redacted string, and the like
        return f"{record.msg} {json.dumps(safe_args, default=str)}"


def _exception_summary(exc_info) -> dict[str, Any]:
    """Type names of the exception and its causes, and where it was raised (no messages)."""
    _, error, _ = exc_info
    types, frames, seen = [], [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        types.append(f"{type(error).__module__}.{type(error).__qualname__}")
        if not frames:
            frames = [
                f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}:{frame.name}"
                for frame in traceback.extract_tb(error.__traceback__)
            ]
        error = error.__cause__ or error.__context__
    return {"error_types": types, "stack": frames}


_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None)))


class AllowListJsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message (arguments checked), allowed
    extra fields (values checked), exception types and frames."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": _render_message(record),
        }
        for key, value in vars(record).items():
            if key in ALLOWED_FIELDS and key not in _RECORD_ATTRIBUTES:
                line[key] = safe_value(value)
        if record.exc_info and record.exc_info[1] is not None:
            line.update(_exception_summary(record.exc_info))
        return json.dumps(line, default=lambda _: REDACTED)


class _JsonHandler(logging.StreamHandler):
    """Writes to `stream`, or to whatever `sys.stderr` is at the time (test runners swap it)."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        super().__init__(stream or sys.stderr)
        self._follow_stderr = stream is None
        self.setFormatter(AllowListJsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        if self._follow_stderr:
            self.stream = sys.stderr
        super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        # The default prints the record's raw message and arguments: document values.
        try:
            sys.__stderr__.write(f'{{"level": "error", "message": "log record from {record.name} '
                                 f'could not be written"}}\n')
        except (OSError, ValueError, AttributeError):
            pass


def json_handler(stream: IO[str] | None = None) -> logging.Handler:
    return _JsonHandler(stream)


def configure_logging(
    level: int = logging.INFO, stream: IO[str] | None = None, *, exclusive: bool = True
) -> None:
    """Install the JSON handler on the root logger and route `warnings` and uvicorn's loggers
    through it. `exclusive` (a program's entry point) replaces every other root handler and sets
    the level; otherwise (a library-like entry, e.g. a Dagster code location loaded by another
    program) it is added once, next to what is there."""
    root = logging.getLogger()
    if exclusive:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        root.setLevel(level)
    elif any(isinstance(handler, _JsonHandler) for handler in root.handlers):
        return
    root.addHandler(json_handler(stream))
    logging.captureWarnings(True)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "py.warnings"):
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        logger.propagate = True


def dagster_console_logger():
    """A Dagster logger (named `console` where it is used) writing allow-listed JSON lines.

    Dagster formats `context.log` messages itself; they are written by our code with ids and
    codes only, and the structured fields Dagster adds (run id, step key) pass the same checks.
    """
    import dagster as dg

    @dg.logger(
        config_schema={"log_level": dg.Field(str, is_required=False, default_value="INFO")},
        description="JSON lines with an allow-list of fields (claimdocs.log_setup).",
    )
    def console(init_context: dg.InitLoggerContext) -> logging.Logger:
        level = init_context.logger_config["log_level"]
        logger = logging.getLogger("claimdocs.dagster")
        logger.setLevel(level)
        logger.propagate = False
        if not logger.handlers:
            logger.addHandler(json_handler())
        return logger

    return console
