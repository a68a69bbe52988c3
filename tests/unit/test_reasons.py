"""The quarantine vocabulary: one enum, a plain message and a summary per code, no placeholders
that could carry document content, and the codes other layers write are members of it."""

from __future__ import annotations

import pickle
import string

import pytest

from pipeline import load, reasons
from pipeline.reasons import (
    QUARANTINE_MESSAGE_VARIANTS,
    QUARANTINE_MESSAGES,
    QUARANTINE_SUMMARIES,
    QuarantineError,
    QuarantineReason,
    summary_of,
)

# Every placeholder a message may use: limits, counts, sizes, and a library's error type name.
ALLOWED_PLACEHOLDERS = {"size_mb", "limit_mb", "pages", "limit", "page", "megapixels", "seconds", "feature"}
DETAILS = {
    "size_mb": 250.0, "limit_mb": 200.0, "pages": 1200, "limit": 1000, "page": 3,
    "megapixels": 400.0, "seconds": 60.0, "feature": "NotImplementedError",
}


def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def test_every_reason_has_a_message_and_a_summary() -> None:
    assert set(QUARANTINE_MESSAGES) == set(QuarantineReason)
    assert set(QUARANTINE_SUMMARIES) == set(QuarantineReason)
    for reason in QuarantineReason:
        assert QuarantineError(reason, **DETAILS).message.endswith(".")
        assert summary_of(reason.value).endswith(".")


def test_messages_only_hold_limits_and_counts() -> None:
    templates = [*QUARANTINE_MESSAGES.values(), *QUARANTINE_MESSAGE_VARIANTS.values()]
    for template in templates:
        assert _placeholders(template) <= ALLOWED_PLACEHOLDERS, template


@pytest.mark.parametrize(("reason", "variant"), list(QUARANTINE_MESSAGE_VARIANTS))
def test_variants_keep_their_code(reason: QuarantineReason, variant: str) -> None:
    error = QuarantineError(reason, variant=variant, **DETAILS)
    assert error.reason is reason
    assert error.message == QUARANTINE_MESSAGE_VARIANTS[(reason, variant)].format(**DETAILS)


def test_codes_are_plain_lowercase_words() -> None:
    for reason in QuarantineReason:
        assert reason.value.replace("_", "").isalpha() and reason.value.islower()


def test_the_issue_vocabulary_is_covered() -> None:
    required = {"not_pdf", "corrupt", "encrypted", "too_large", "bomb", "timeout",
                "worker_crashed", "unsupported", "duplicate"}
    assert required <= {reason.value for reason in QuarantineReason}


def test_unknown_code_has_a_summary_too() -> None:
    assert summary_of("no_such_code") == "Unknown reason code."


def test_error_survives_pickling_with_variant_message() -> None:
    error = QuarantineError(QuarantineReason.BOMB, variant="image", megapixels=1225.0, limit=250.0)
    copy = pickle.loads(pickle.dumps(error))
    assert copy.reason is QuarantineReason.BOMB and copy.message == error.message


def test_load_still_exports_the_names() -> None:
    assert load.QuarantineReason is reasons.QuarantineReason
    assert load.QuarantineError is reasons.QuarantineError
    assert load.QUARANTINE_MESSAGES is reasons.QUARANTINE_MESSAGES


def test_codes_written_outside_the_core_are_members() -> None:
    from dagster_project.batch_ingest import SHELL_ERROR
    from pipeline.runner import INTERNAL_ERROR

    assert QuarantineReason(INTERNAL_ERROR) is QuarantineReason.INTERNAL_ERROR
    assert QuarantineReason(SHELL_ERROR) is QuarantineReason.INGEST_ERROR
