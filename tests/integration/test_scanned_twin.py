"""A scanned page and its digital twin must give the same values.

"The same" is the contract's own comparison (normal forms; names and text case-folded and
single-spaced; narrative and loss description by token F1 >= 0.8): it is what decides whether a
value is right, so it is what decides whether OCR changed it.
"""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from pipeline.contract import LIST_FIELDS, SCALAR_FIELDS, FieldValue, FileResult
from pipeline.evaluate import values_match
from pipeline.runner import process_file
from tests.corpus import twin_pairs


def _differences(digital: FileResult, scanned: FileResult) -> list[str]:
    if [(d.doc_type, d.page_start, d.page_end) for d in digital.documents] != [
        (d.doc_type, d.page_start, d.page_end) for d in scanned.documents
    ]:
        return ["documents differ"]
    differences = []
    for ours, theirs in zip(digital.documents, scanned.documents, strict=True):
        for name, kind in SCALAR_FIELDS[ours.doc_type].items():
            a, b = ours.fields[name], theirs.fields[name]
            assert isinstance(a, FieldValue) and isinstance(b, FieldValue)
            if (a.value is None) != (b.value is None) or (
                a.value is not None and not values_match(kind, b.value, a.value)
            ):
                differences.append(name)
        for spec in LIST_FIELDS[ours.doc_type]:
            rows_a, rows_b = ours.fields[spec.name], theirs.fields[spec.name]
            if len(rows_a) != len(rows_b):
                differences.append(f"{spec.name}: {len(rows_a)} rows vs {len(rows_b)}")
                continue
            for index, (row_a, row_b) in enumerate(zip(rows_a, rows_b, strict=True)):
                for cell, kind in spec.cells.items():
                    a, b = row_a[cell].value, row_b[cell].value
                    if (a is None) != (b is None) or (a is not None and not values_match(kind, b, a)):
                        differences.append(f"{spec.name}[{index}].{cell}")
    return differences


def _single_page_twins() -> list:
    return [(d, s) for d, s in twin_pairs() if len(PdfReader(d).pages) == 1]


@pytest.mark.slow
def test_scanned_page_gives_the_values_of_its_digital_twin() -> None:
    """GIVEN one-page digital PDFs and rasterised, skewed, noisy scans of the same pages
    WHEN both are extracted THEN every value is the same by the contract's comparison."""
    pairs = _single_page_twins()
    if not pairs:
        pytest.skip("sample corpus has no one-page digital/scanned twins")
    failures = {}
    for digital, scanned in pairs:
        differences = _differences(process_file(digital), process_file(scanned))
        if differences:
            failures[scanned.name] = differences
    assert not failures
