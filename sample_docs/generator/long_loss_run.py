"""A loss run of a chosen number of pages, digital or scanned, for memory and throughput checks.

Not part of the committed corpus: it reuses the grid loss-run layout (with as many claims as fill
the pages) and the scanner effects, and makes the scanned copy page by page, so a 300-page file
is never held as 300 images.
"""

from __future__ import annotations

import io
import random
import tempfile
from pathlib import Path

from pdf2image import convert_from_path
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from sample_docs.generator.drawing import PdfBuilder, binary_streams
from sample_docs.generator.layouts import LAYOUTS, RenderContext
from sample_docs.generator.scan import SCAN_DPI, ScanPlan, _age_page

LAYOUT = "loss_run/grid"
POLICIES = 3
# Claim rows a grid page holds, for the first guess (measured: 25-30 with wrapped descriptions).
CLAIMS_PER_PAGE_GUESS = 27
# Pages scanned per pdftoppm call: few processes, a bounded number of images in memory.
SCAN_CHUNK_PAGES = 8
MAX_VARIANTS = 8
RENDERS_PER_VARIANT = 10


def make_long_loss_run(pages: int, seed: int, scanned: bool) -> bytes:
    """A loss run of exactly `pages` pages; `scanned` gives the 200 dpi image-only copy of it."""
    if pages < 1:
        raise ValueError("a loss run has at least one page")
    with binary_streams():
        digital = _digital_loss_run(pages, seed)
        if not scanned:
            return digital
        return _scanned_copy(digital, pages, random.Random(f"{seed}:long_loss_run:{pages}:scan"))


def _render(claims: int, seed: int, variant: int) -> tuple[bytes, int]:
    pdf = PdfBuilder(title="")
    context = RenderContext(
        random.Random(f"{seed}:long_loss_run:{variant}"), {"claims": claims, "policies": POLICIES}
    )
    LAYOUTS[LAYOUT]().render(pdf, context)
    return pdf.to_bytes(), pdf.pages_done


def _digital_loss_run(pages: int, seed: int) -> bytes:
    """Render the grid loss run with the claim count that fills exactly `pages` pages.

    Pages grow with claims almost monotonically, but not quite: the claims are drawn afresh for
    each count and wrap differently, so a count may jump from one page short to one too many.
    Then the next variant of the seed is searched, starting from the rows per page seen so far.
    """
    claims_per_page = float(CLAIMS_PER_PAGE_GUESS)
    for variant in range(MAX_VARIANTS):
        data, claims_per_page = _search_claim_count(pages, seed, variant, claims_per_page)
        if data is not None:
            return data
    raise ValueError(f"no claim count fills exactly {pages} pages with seed {seed}")


def _search_claim_count(
    pages: int, seed: int, variant: int, claims_per_page: float
) -> tuple[bytes | None, float]:
    too_few, too_many = 0, None  # claim counts known to give fewer / more pages
    claims = max(1, round(pages * claims_per_page - claims_per_page / 2))
    for attempt in range(RENDERS_PER_VARIANT):
        data, got = _render(claims, seed, variant)
        if got == pages:
            return data, claims_per_page
        claims_per_page = claims / got
        if got < pages:
            too_few = max(too_few, claims)
        else:
            too_many = claims if too_many is None else min(too_many, claims)
        guess = round(claims * pages / got)
        if too_many is None:
            claims = max(guess, too_few + 1)
        elif too_few + 1 >= too_many:
            break  # no count in between fills exactly `pages`
        elif attempt < RENDERS_PER_VARIANT // 2:
            claims = min(max(guess, too_few + 1), too_many - 1)
        else:
            claims = (too_few + too_many) // 2
    return None, claims_per_page


def _scanned_copy(digital: bytes, pages: int, rng: random.Random) -> bytes:
    """Every page rendered at the scanner's resolution, aged as `scan.py` ages it, as JPEG."""
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1, pageCompression=1)
    canvas.setCreator("claimdocs sample generator (scan)")
    canvas.setProducer("claimdocs sample generator (scan)")
    plan = ScanPlan()
    with tempfile.TemporaryDirectory(prefix="long-loss-run-") as folder:
        source = Path(folder) / "digital.pdf"
        source.write_bytes(digital)
        for first in range(1, pages + 1, SCAN_CHUNK_PAGES):
            last = min(pages, first + SCAN_CHUNK_PAGES - 1)
            chunk = convert_from_path(
                source, dpi=SCAN_DPI, grayscale=True, first_page=first, last_page=last
            )
            for page in chunk:
                image, _ = _age_page(page.convert("L"), rng, rotate=False)
                jpeg = io.BytesIO()
                image.save(jpeg, format="JPEG", quality=plan.jpeg_quality)
                width_pt, height_pt = image.width * 72 / SCAN_DPI, image.height * 72 / SCAN_DPI
                canvas.setPageSize((width_pt, height_pt))
                canvas.drawImage(ImageReader(io.BytesIO(jpeg.getvalue())), 0, 0, width_pt, height_pt)
                canvas.showPage()
            del chunk
    canvas.save()
    return out.getvalue()
