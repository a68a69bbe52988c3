"""claimdocs extractors: spaCy rules over words with geometry, one module per document type.

`extract_fields` is the stage entry point; it always returns every catalogue field of the type
(absent scalars as null with a confidence that they are absent, lists as []), with every
confidence calibrated (`extractors.confidence.calibrate_field_map`).
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module

from extractors.confidence import active_calibration, calibrate_field_map
from pipeline.contract import (
    LIST_FIELDS,
    SCALAR_FIELDS,
    DocType,
    FieldMap,
    FieldValue,
)
from pipeline.page_model import PageWords, WordSource
from pipeline.page_store import page_heads

# Bump whenever a rule or vocabulary changes what is extracted.
EXTRACTOR_VERSION = "0.4.2"

# Imported lazily: a module still being written (or broken) must not break the other types.
_EXTRACTORS: dict[DocType, tuple[str, str]] = {
    DocType.CLAIM_FORM: ("extractors.claim_form", "extract_claim_form"),
    DocType.POLICE_REPORT: ("extractors.police_report", "extract_police_report"),
    DocType.LOSS_RUN: ("extractors.loss_run", "extract_loss_run"),
}

_ABSENT_DEFAULT = 0.5  # a field the extractor did not report at all: we do not know


def complete_field_map(doc_type: DocType, fields: FieldMap) -> FieldMap:
    """`fields` plus every catalogue field it lacks (null / []), in catalogue order."""
    complete: FieldMap = {}
    for name in SCALAR_FIELDS[doc_type]:
        value = fields.get(name)
        complete[name] = (
            value
            if isinstance(value, FieldValue)
            else FieldValue(value=None, confidence=_ABSENT_DEFAULT)
        )
    for spec in LIST_FIELDS[doc_type]:
        rows = fields.get(spec.name)
        complete[spec.name] = rows if isinstance(rows, list) else []
    return complete


def extract_fields(doc_type: DocType, pages: Sequence[PageWords]) -> FieldMap:
    """Every catalogue field of `doc_type` read from the document's pages, confidences calibrated
    (see `extractors.confidence.confidence_calibration` for raw scores)."""
    target = _EXTRACTORS.get(doc_type)
    if target is None:
        return complete_field_map(doc_type, {})
    module_name, function_name = target
    extract = getattr(import_module(module_name), function_name)
    fields = with_sources(complete_field_map(doc_type, extract(pages)), pages)
    return calibrate_field_map(doc_type, fields, active_calibration())


def with_sources(fields: FieldMap, pages: Sequence[PageWords]) -> FieldMap:
    """Every value marked with where its words came from (its page's text layer or OCR); a
    null with "ocr" if any page was OCRed (a value may have been missed there)."""
    heads = page_heads(pages)  # packed pages stay packed
    by_page = {head.page_number: head.source.value for head in heads}
    document = (
        WordSource.OCR.value
        if any(head.source is WordSource.OCR for head in heads)
        else WordSource.TEXT_LAYER.value
    )

    def marked(value: FieldValue) -> FieldValue:
        source = by_page.get(value.page, document) if value.value is not None else document
        return value.model_copy(update={"source": source})

    marked_fields: FieldMap = {}
    for name, entry in fields.items():
        if isinstance(entry, FieldValue):
            marked_fields[name] = marked(entry)
        else:
            marked_fields[name] = [
                {cell: marked(value) for cell, value in row.items()} for row in entry
            ]
    return marked_fields
