"""A thin layer over a reportlab canvas: top-left coordinates, boxed cells, checkboxes, wrapping.

One `PdfBuilder` holds one output file; several documents (a packet) are drawn into it in turn.
`invariant=1` makes reportlab write fixed ids and dates, so the same drawing gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from reportlab import rl_config
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

PAGE_W, PAGE_H = letter


@contextmanager
def binary_streams() -> Iterator[None]:
    """Write streams as raw binary, not ASCII85 (a quarter smaller); restores reportlab's default."""
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


class PdfBuilder:
    """Draws pages with a y axis that runs down from the top edge, like the contract's bboxes."""

    def __init__(self, title: str = "") -> None:
        self._buffer = io.BytesIO()
        self.canvas = Canvas(self._buffer, pagesize=letter, invariant=1, pageCompression=1)
        self.canvas.setTitle(title)
        self.canvas.setCreator("claimdocs sample generator")
        self.canvas.setProducer("claimdocs sample generator")
        self.width, self.height = letter
        self.pages_done = 0
        self._page_has_content = False

    # -- pages -------------------------------------------------------------------------------

    def set_landscape(self, landscape: bool) -> None:
        size = (letter[1], letter[0]) if landscape else letter
        self.canvas.setPageSize(size)
        self.width, self.height = size

    def end_page(self) -> None:
        self.canvas.showPage()
        self.pages_done += 1
        self.set_landscape(False)

    def to_bytes(self) -> bytes:
        self.canvas.save()
        return self._buffer.getvalue()

    # -- text --------------------------------------------------------------------------------

    def text(
        self,
        x: float,
        y: float,
        s: str,
        font: str = "Helvetica",
        size: float = 10,
        align: str = "left",
        gray: float = 0.0,
    ) -> None:
        """Draw `s` with its baseline at distance `y` from the top edge."""
        c = self.canvas
        c.setFillGray(gray)
        c.setFont(font, size)
        yy = self.height - y
        if align == "right":
            c.drawRightString(x, yy, s)
        elif align == "center":
            c.drawCentredString(x, yy, s)
        else:
            c.drawString(x, yy, s)
        c.setFillGray(0)

    def paragraph(
        self,
        x: float,
        y: float,
        s: str,
        width: float,
        font: str = "Helvetica",
        size: float = 10,
        leading: float | None = None,
    ) -> float:
        """Wrap `s` into `width`; return the y below the last line."""
        leading = leading or size * 1.25
        for line in wrap(s, font, size, width):
            self.text(x, y, line, font, size)
            y += leading
        return y

    # -- shapes ------------------------------------------------------------------------------

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        line: float = 0.6,
        fill_gray: float | None = None,
        stroke: bool = True,
    ) -> None:
        c = self.canvas
        c.setLineWidth(line)
        if fill_gray is not None:
            c.setFillGray(fill_gray)
        c.rect(
            x,
            self.height - y - h,
            w,
            h,
            stroke=1 if stroke else 0,
            fill=0 if fill_gray is None else 1,
        )
        c.setFillGray(0)

    def hline(self, x0: float, x1: float, y: float, line: float = 0.6, gray: float = 0.0) -> None:
        c = self.canvas
        c.setStrokeGray(gray)
        c.setLineWidth(line)
        c.line(x0, self.height - y, x1, self.height - y)
        c.setStrokeGray(0)

    def vline(self, x: float, y0: float, y1: float, line: float = 0.6) -> None:
        c = self.canvas
        c.setLineWidth(line)
        c.line(x, self.height - y0, x, self.height - y1)

    def checkbox(self, x: float, y: float, checked: bool, mark: str = "x", size: float = 8) -> None:
        """A square with its top-left at (x, y); checked as an X or a filled square."""
        self.rect(x, y, size, size, line=0.7)
        if not checked:
            return
        c = self.canvas
        if mark == "fill":
            self.rect(x + 1.5, y + 1.5, size - 3, size - 3, line=0, fill_gray=0.0, stroke=False)
        else:
            c.setLineWidth(1.1)
            top, bottom = self.height - y - 1.2, self.height - y - size + 1.2
            c.line(x + 1.2, top, x + size - 1.2, bottom)
            c.line(x + 1.2, bottom, x + size - 1.2, top)

    def cell(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        label: str,
        value: str,
        label_size: float = 5.5,
        value_size: float = 9,
        font: str = "Helvetica",
        value_font: str | None = None,
    ) -> None:
        """An ACORD-style boxed cell: a tiny label at the top, the value below it."""
        self.rect(x, y, w, h, line=0.5)
        self.text(x + 2, y + label_size + 1.5, label.upper(), font, label_size)
        if value:
            vf = value_font or font
            lines = wrap(value, vf, value_size, w - 6)
            max_lines = max(1, int((h - label_size - 3) // (value_size * 1.15)))
            yy = y + label_size + 3 + value_size
            for line in lines[:max_lines]:
                self.text(x + 3, yy, line, vf, value_size)
                yy += value_size * 1.15

    def image(self, data: bytes, x: float, y: float, w: float, h: float) -> None:
        self.canvas.drawImage(ImageReader(io.BytesIO(data)), x, self.height - y - h, w, h)


def wrap(s: str, font: str, size: float, width: float) -> list[str]:
    return simpleSplit(s, font, size, width) or [""]


def text_width(s: str, font: str, size: float) -> float:
    return stringWidth(s, font, size)


def bold(font: str) -> str:
    return {
        "Helvetica": "Helvetica-Bold",
        "Times-Roman": "Times-Bold",
        "Courier": "Courier-Bold",
    }.get(font, font)


def joined(parts: Iterable[str | None], sep: str = ", ") -> str:
    return sep.join(p for p in parts if p)
