"""Generated long loss runs: exactly the pages asked for, the same bytes for the same seed."""

from __future__ import annotations

import io
import subprocess

import pytest
from pypdf import PdfReader

from sample_docs.generator.long_loss_run import make_long_loss_run


@pytest.mark.parametrize("pages", [1, 4, 12])
def test_digital_loss_run_has_exactly_the_pages_asked_for(pages: int) -> None:
    data = make_long_loss_run(pages, seed=7, scanned=False)

    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == pages
    assert f"Page {pages} of {pages}" in reader.pages[-1].extract_text()
    assert data == make_long_loss_run(pages, seed=7, scanned=False)


def test_scanned_loss_run_is_images_only_and_reproducible() -> None:
    data = make_long_loss_run(2, seed=7, scanned=True)

    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    assert all(not page.extract_text().strip() for page in reader.pages)
    listing = subprocess.run(
        ["pdfimages", "-list", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert len(listing.splitlines()) - 2 == 2  # one image per page
    assert data == make_long_loss_run(2, seed=7, scanned=True)
