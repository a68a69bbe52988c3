"""Small PDFs made on the spot for the loading, text-layer and OCR tests.

Digital pages are drawn with reportlab at known positions; scanned pages are those pages rendered
by poppler to pixels (optionally turned or skewed, as a scanner would) and wrapped as image-only
PDF pages, so they carry no text layer.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from pdf2image import convert_from_path
from PIL import Image
from pypdf import PdfWriter
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.pdfgen import canvas

PAGE_WIDTH, PAGE_HEIGHT = letter
FONT = "Helvetica"
FONT_SIZE = 12.0

# A half-letter page: big enough for a form's worth of words, small enough to OCR in a second.
HALF_LETTER = (PAGE_WIDTH, PAGE_HEIGHT / 2)

# A first-notice-of-loss style page: labels, identifiers, dates, money, free text.
FORM_LINES = [
    "NOTICE OF LOSS",
    "Policy Number PA-2254257 Carrier Northwind Mutual Insurance",
    "Date of Loss 03/14/2026 Time 14:35",
    "Insured Name Acme Bakery LLC Phone (555) 010-4477",
    "Address 1200 Harbor Street Springfield IL 62704",
    "Description rear bumper damaged when backing out of the loading dock",
    "Estimated Loss Amount $12,450.00 Police Report 2026-004417",
    "Driver Jordan Ellis License D1234-5678-9012",
    "Vehicle 2019 Toyota Camry VIN 4T1B11HK5KU123456",
    "The insured reports that the vehicle was parked overnight and the",
    "damage was discovered the next morning by the store manager.",
]


@dataclass(frozen=True)
class DrawnWord:
    """A word as drawn: box in points, origin top-left, from the font metrics."""

    text: str
    bbox: tuple[float, float, float, float]


def draw_lines(
    pdf: canvas.Canvas, lines: list[str], left: float = 72.0, top_baseline: float = 90.0,
    leading: float = 22.0, font_size: float = FONT_SIZE, page_height: float = PAGE_HEIGHT,
) -> list[DrawnWord]:
    """Draw `lines` word by word at known positions; return each word's box (top-left origin)."""
    ascent, descent = getAscentDescent(FONT, font_size)
    space = stringWidth(" ", FONT, font_size)
    pdf.setFont(FONT, font_size)
    drawn: list[DrawnWord] = []
    for index, line in enumerate(lines):
        baseline = top_baseline + index * leading
        x = left
        for text in line.split():
            width = stringWidth(text, FONT, font_size)
            pdf.drawString(x, page_height - baseline, text)
            drawn.append(DrawnWord(text, (x, baseline - ascent, x + width, baseline - descent)))
            x += width + space
    return drawn


def make_digital_pdf(
    path: Path, pages: list[list[str]], pagesize: tuple[float, float] = letter
) -> list[list[DrawnWord]]:
    """Pages of `lines` from the top-left margin; a small `pagesize` keeps OCR tests quick."""
    pdf = canvas.Canvas(str(path), pagesize=pagesize)
    drawn_pages = []
    for lines in pages:
        drawn_pages.append(draw_lines(pdf, lines, left=36.0, top_baseline=48.0, page_height=pagesize[1]))
        pdf.showPage()
    pdf.save()
    return drawn_pages


def rasterise_page(digital_pdf: Path, page_number: int = 1, dpi: int = 300) -> Image.Image:
    """A page as a scanner would see it: grayscale pixels, no text."""
    return convert_from_path(
        digital_pdf, dpi=dpi, first_page=page_number, last_page=page_number, grayscale=True
    )[0]


def scanner_turned(image: Image.Image, counter_clockwise_degrees: float) -> Image.Image:
    """The page fed in crooked or sideways; the paper around it stays white."""
    return image.rotate(
        counter_clockwise_degrees, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC
    )


def image_pdf_page(image: Image.Image, dpi: int = 300) -> PdfWriter:
    """One image-only PDF page showing `image` at `dpi`."""
    width_pt, height_pt = image.width * 72 / dpi, image.height * 72 / dpi
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(width_pt, height_pt))
    png = io.BytesIO()
    image.save(png, format="PNG")
    png.seek(0)
    pdf.drawImage(ImageReader(png), 0, 0, width=width_pt, height=height_pt)
    pdf.showPage()
    pdf.save()
    buffer.seek(0)
    return PdfWriter(clone_from=buffer)


def write_pdf_of_pages(path: Path, page_sources: list[PdfWriter | tuple[Path, int]]) -> None:
    """Concatenate pages: each source is a one-page writer or (pdf path, 1-based page)."""
    writer = PdfWriter()
    for source in page_sources:
        if isinstance(source, PdfWriter):
            writer.add_page(source.pages[0])
        else:
            source_path, page_number = source
            writer.append(str(source_path), pages=[page_number - 1])
    with path.open("wb") as handle:
        writer.write(handle)


def word_recall(expected: list[str], found: list[str]) -> float:
    """Share of expected words found (as a multiset), ignoring case and edge punctuation."""

    def normal(word: str) -> str:
        return word.strip(".,:;()").casefold()

    pool: dict[str, int] = {}
    for word in found:
        pool[normal(word)] = pool.get(normal(word), 0) + 1
    hits = 0
    for word in expected:
        key = normal(word)
        if pool.get(key, 0) > 0:
            pool[key] -= 1
            hits += 1
    return hits / len(expected) if expected else 1.0
