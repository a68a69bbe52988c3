"""Run the pipeline's extractor again over a document's pages, for a type a reviewer chose.

Used when classification was wrong (the reviewer changes the type, or splits a packet): the
right extractor reads the same page words, so the reviewer corrects values rather than typing
them all. Page words come from the pipeline itself (text layer or OCR, with its OCR cache).
"""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from extractors import EXTRACTOR_VERSION, extract_fields
from pipeline.contract import DocType, FieldMap, ValidationIssue
from pipeline.load import QuarantineError, file_sha256, load_pdf
from pipeline.page_model import PageWords
from pipeline.page_words import read_page_words
from pipeline.route import route_document
from pipeline.runner import PipelineOptions
from validators import validate_fields

log = logging.getLogger(__name__)

# A person chose the type: as sure as the reviewer, like a typed-in value.
REVIEWER_TYPE_CONFIDENCE = 1.0


class ReextractError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Reextraction(BaseModel):
    model_config = ConfigDict(frozen=True)

    doc_type: DocType
    page_start: int
    page_end: int
    fields: FieldMap
    issues: list[ValidationIssue]
    route_reasons: list[str]
    extractor_version: str = EXTRACTOR_VERSION


def read_file_pages(source: Path | None, sha256: str, options: PipelineOptions) -> list[PageWords]:
    """Page words of the whole file, after checking it is still the file that was stored."""
    if source is None:
        raise ReextractError("source_missing")
    if file_sha256(source) != sha256:
        raise ReextractError("source_changed")
    try:
        return read_page_words(load_pdf(source, options.limits), options.ocr)
    except QuarantineError as error:
        raise ReextractError(f"source_unreadable:{error.reason.value}") from error


def reextract(
    pages: list[PageWords], doc_type: DocType, page_start: int, page_end: int,
    options: PipelineOptions,
) -> Reextraction:
    doc_pages = [p for p in pages if page_start <= p.page_number <= page_end]
    fields = extract_fields(doc_type, doc_pages)
    issues = validate_fields(doc_type, fields) if doc_type is not DocType.OTHER else []
    decision = route_document(doc_type, REVIEWER_TYPE_CONFIDENCE, fields, issues, options.routing)
    log.info("re-extracted pages %d-%d as %s", page_start, page_end, doc_type.value)
    return Reextraction(
        doc_type=doc_type,
        page_start=page_start,
        page_end=page_end,
        fields=fields,
        issues=issues,
        route_reasons=decision.reasons,
    )
