"""The one vocabulary of quarantine reasons, each with a plain message that holds no PII.

The same codes go everywhere a quarantined file shows up: `FileResult.error.code` in the JSON
output, `files.quarantine_code` / `extractions.error_code` in the database, Dagster metadata and
the review UI. Messages name limits and counts only, never anything read from a document.
"""

from __future__ import annotations

from enum import StrEnum


class QuarantineReason(StrEnum):
    NOT_PDF = "not_pdf"
    EMPTY = "empty"
    CORRUPT = "corrupt"
    ENCRYPTED = "encrypted"
    TOO_LARGE = "too_large"
    TOO_MANY_PAGES = "too_many_pages"
    BOMB = "bomb"
    TIMEOUT = "timeout"
    WORKER_CRASHED = "worker_crashed"
    UNSUPPORTED = "unsupported"
    # Scripts or launch actions, refused only when LoadLimits.refuse_active_content is set.
    ACTIVE_CONTENT = "active_content"
    # The same bytes already arrived under another name; the first arrival holds the result.
    DUPLICATE = "duplicate"
    # A bug in one of our stages (pipeline.runner) or in storing a result (the Dagster shell).
    INTERNAL_ERROR = "internal_error"
    INGEST_ERROR = "ingest_error"


# Plain-words messages. Placeholders are limits and counts only, never document content.
QUARANTINE_MESSAGES: dict[QuarantineReason, str] = {
    QuarantineReason.NOT_PDF: "The file is not a PDF; send the document as a PDF.",
    QuarantineReason.EMPTY: "The file is empty (0 bytes); send the file again.",
    QuarantineReason.CORRUPT: (
        "The PDF is damaged or incomplete and cannot be read; send a fresh copy of the file."
    ),
    QuarantineReason.ENCRYPTED: (
        "The file is encrypted with a password; send an unencrypted copy."
    ),
    QuarantineReason.TOO_LARGE: (
        "The file is {size_mb:.0f} MB, over the {limit_mb:.0f} MB limit; split it into smaller files."
    ),
    QuarantineReason.TOO_MANY_PAGES: (
        "The PDF has {pages} pages, over the {limit} page limit; split it into smaller files."
    ),
    QuarantineReason.BOMB: (
        "Page {page} would render to {megapixels:.0f} megapixels, over the {limit:.0f} megapixel "
        "limit; the page size is implausible for a document."
    ),
    QuarantineReason.TIMEOUT: (
        "Reading the file took longer than {seconds:.0f} seconds and was stopped; "
        "the file may be damaged or unusually complex."
    ),
    QuarantineReason.WORKER_CRASHED: (
        "The process reading the file stopped unexpectedly; the file may be damaged."
    ),
    QuarantineReason.UNSUPPORTED: (
        "The PDF uses a feature we cannot read ({feature}); send a copy printed to a plain PDF."
    ),
    QuarantineReason.ACTIVE_CONTENT: (
        "The PDF contains scripts or actions that start programs, which are not accepted; "
        "send a copy printed to a plain PDF."
    ),
    QuarantineReason.DUPLICATE: (
        "The same file (identical bytes) was already received under another name; "
        "it is processed once, under the first name."
    ),
    QuarantineReason.INTERNAL_ERROR: (
        "The pipeline failed on this file; it needs an engineer's look."
    ),
    QuarantineReason.INGEST_ERROR: (
        "Storing the result of this file failed; it needs an engineer's look."
    ),
}

# One reason, another cause: the same code with a message that names what was over its limit.
QUARANTINE_MESSAGE_VARIANTS: dict[tuple[QuarantineReason, str], str] = {
    (QuarantineReason.BOMB, "image"): (
        "An image in the file holds {megapixels:.0f} megapixels, over the {limit:.0f} "
        "megapixel limit; the file is implausibly large once decompressed."
    ),
    (QuarantineReason.BOMB, "stream"): (
        "The file decompresses to more than {limit_mb:.0f} MB of page content, over the limit; "
        "the file is implausibly large once decompressed."
    ),
    (QuarantineReason.BOMB, "memory"): (
        "Reading the file needed more than {limit_mb:.0f} MB of memory and was stopped; "
        "the file is implausibly large once decompressed."
    ),
    (QuarantineReason.CORRUPT, "page_tree"): (
        "The PDF's list of pages is damaged (a page or branch appears more than once); "
        "send a fresh copy of the file."
    ),
}


def quarantine_message(reason: QuarantineReason, variant: str | None = None, **details: object) -> str:
    """The plain message for `reason` (and `variant`), filled with limits and counts."""
    template = QUARANTINE_MESSAGE_VARIANTS.get((reason, variant or ""), QUARANTINE_MESSAGES[reason])
    return template.format(**details)


# One line per code without details, for screens and reports listing many files.
QUARANTINE_SUMMARIES: dict[QuarantineReason, str] = {
    QuarantineReason.NOT_PDF: "Not a PDF.",
    QuarantineReason.EMPTY: "Empty file.",
    QuarantineReason.CORRUPT: "Damaged or incomplete PDF.",
    QuarantineReason.ENCRYPTED: "Encrypted with a password.",
    QuarantineReason.TOO_LARGE: "File over the size limit.",
    QuarantineReason.TOO_MANY_PAGES: "Too many pages.",
    QuarantineReason.BOMB: "Implausibly large once decompressed (bomb).",
    QuarantineReason.TIMEOUT: "Reading took too long and was stopped.",
    QuarantineReason.WORKER_CRASHED: "The reading process stopped unexpectedly.",
    QuarantineReason.UNSUPPORTED: "Uses a PDF feature we cannot read.",
    QuarantineReason.ACTIVE_CONTENT: "Contains scripts or launch actions.",
    QuarantineReason.DUPLICATE: "Same bytes already received under another name.",
    QuarantineReason.INTERNAL_ERROR: "Pipeline failure; needs an engineer.",
    QuarantineReason.INGEST_ERROR: "Storing the result failed; needs an engineer.",
}


def summary_of(code: str) -> str:
    """The one-line summary of a stored code (codes outside the enum say so)."""
    try:
        return QUARANTINE_SUMMARIES[QuarantineReason(code)]
    except ValueError:
        return "Unknown reason code."


class QuarantineError(Exception):
    """A file that cannot be processed; `reason` is the code, `message` says why in plain words."""

    def __init__(
        self, reason: QuarantineReason, *, variant: str | None = None, **details: object
    ) -> None:
        self.reason = reason
        self.message = quarantine_message(reason, variant, **details)
        super().__init__(f"{reason.value}: {self.message}")

    def __reduce__(self) -> tuple[object, ...]:
        # Raised inside worker processes: must survive pickling with its reason and message.
        return (_rebuild_quarantine_error, (self.reason, self.message))


def _rebuild_quarantine_error(reason: QuarantineReason, message: str) -> QuarantineError:
    error = QuarantineError.__new__(QuarantineError)
    error.reason = reason
    error.message = message
    Exception.__init__(error, f"{reason.value}: {message}")
    return error
