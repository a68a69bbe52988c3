"""Allow-listed JSON logs: ids, codes, counts and timings pass; names, licence numbers, dates of
birth, money, paths and exception messages never do."""

from __future__ import annotations

import io
import json
import logging
import uuid
from concurrent.futures.process import BrokenProcessPool  # noqa: F401
from datetime import date
from decimal import Decimal
from pathlib import Path

import psycopg.errors  # noqa: F401 (loads the exception classes whose names must pass)
import pytest

from claimdocs.log_setup import REDACTED, AllowListJsonFormatter, json_handler, safe_value
from pipeline.reasons import QuarantineReason
from storage.states import DocumentState

SHA = "9f2c4e1ab3d5" + "0" * 52


@pytest.mark.parametrize(
    "value",
    [3, 2.5, True, None, QuarantineReason.BOMB, "corrupt", DocumentState.IN_REVIEW, "in_review",
     SHA, SHA[:12], str(uuid.UUID(int=7)), "batch-3fa9c01d2b", "OperationalError",
     "psycopg.errors.AdminShutdown", "BrokenProcessPool", "claims[3].paid", "insured_name", "loss_run"],
)
def test_ids_codes_counts_and_names_of_things_pass(value) -> None:
    assert safe_value(value) == (value.value if hasattr(value, "value") else value)


@pytest.mark.parametrize(
    "value",
    ["Jordan Ellis", "jordan", "D1234-5678-9012", "03/14/1980", "123-45-6789", "555-010-4477",
     "123456789012", "1200 Harbor Street", "JordanEllis", "MacAllister", "$12,450.00", "12450.00", "PA-2254257",
     "in/claim of Jordan Ellis.pdf", "claims[3].jordan", Decimal("12.50"), date(1980, 3, 14),
     Path("/tmp/x.pdf"), b"bytes", ["list"], {"a": 1}],
)
def test_values_that_could_be_document_content_are_redacted(value) -> None:
    assert safe_value(value) == REDACTED


def _line(record_fn) -> dict:
    stream = io.StringIO()
    logger = logging.getLogger("test_log_setup")
    logger.propagate = False
    logger.handlers = [json_handler(stream)]
    logger.setLevel(logging.DEBUG)
    record_fn(logger)
    logger.handlers = []
    return json.loads(stream.getvalue())


def test_arguments_are_checked_and_the_template_kept() -> None:
    line = _line(lambda log: log.info("file %s quarantined: %s by %s", 12, "corrupt", "Jordan Ellis"))
    assert line["message"] == f"file 12 quarantined: corrupt by {REDACTED}"
    assert line["level"] == "info" and line["logger"] == "test_log_setup" and "ts" in line


def test_only_allowed_extra_fields_appear() -> None:
    line = _line(lambda log: log.info("stored", extra={"file_id": 4, "sha256": SHA[:12],
                                                       "insured": "Jordan Ellis",
                                                       "reason": "Jordan Ellis"}))
    assert line["file_id"] == 4 and line["sha256"] == SHA[:12]
    assert "insured" not in line and line["reason"] == REDACTED


def test_exceptions_keep_types_and_frames_not_messages() -> None:
    def fail(log: logging.Logger) -> None:
        try:
            try:
                raise KeyError("Jordan Ellis")
            except KeyError as inner:
                raise ValueError("licence D1234-5678-9012 is invalid") from inner
        except ValueError:
            log.exception("stage failed")

    line = _line(fail)
    text = json.dumps(line)
    assert "Jordan" not in text and "D1234" not in text
    assert line["error_types"] == ["builtins.ValueError", "builtins.KeyError"]
    assert any(frame.endswith(":fail") for frame in line["stack"])


def test_a_non_string_message_is_not_printed() -> None:
    line = _line(lambda log: log.error(ValueError("Jordan Ellis")))
    assert "Jordan" not in line["message"]


def test_a_record_that_cannot_be_formatted_does_not_echo_its_arguments(capfd) -> None:
    stream = io.StringIO()
    handler = json_handler(stream)
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d of %d", ("Jordan Ellis",), None)
    handler.handle(record)
    out, err = capfd.readouterr()
    assert "Jordan" not in stream.getvalue() + out + err


def test_formatter_output_is_one_json_object_per_line() -> None:
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "a\nb %s", ("corrupt",), None)
    text = AllowListJsonFormatter().format(record)
    assert "\n" not in text and json.loads(text)["message"] == "a\nb corrupt"
