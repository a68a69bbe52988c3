"""The two binaries an OCR page runs: pdftoppm renders it, tesseract reads it.

Called directly rather than through pdf2image and pytesseract: those write every page image to a
temporary PNG (compressing a noisy 300 dpi scan costs about half a second) and pdf2image runs
pdfinfo before every render. Here images travel over pipes as uncompressed PGM. Failures come back
as `ToolFailed` / `ToolTimedOut`; the caller decides what they mean for the file.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from pipeline.limits import ImageTooLarge, ToolTimeout, open_image, run_limited

TESSERACT = "tesseract"
PDFTOPPM = "pdftoppm"
# A rendered page past this is a bomb (load.py already refuses pages whose size at the render dpi
# is over LoadLimits.max_page_megapixels; this is the backstop on what pdftoppm really wrote).
MAX_RENDERED_PIXELS = 250_000_000


class RenderedImageTooLarge(Exception):
    def __init__(self, pixels: int, limit: int) -> None:
        super().__init__(f"rendered page of {pixels} pixels is over the {limit} pixel limit")
        self.pixels = pixels
        self.limit = limit


class ToolFailed(Exception):
    """The binary exited with an error (its stderr is not kept: it may quote document text)."""

    def __init__(self, tool: str, returncode: int) -> None:
        super().__init__(f"{tool} exited with code {returncode}")
        self.tool = tool
        self.returncode = returncode


class ToolTimedOut(Exception):
    def __init__(self, tool: str, seconds: float) -> None:
        super().__init__(f"{tool} did not finish in {seconds:.0f} s")
        self.tool = tool
        self.seconds = seconds


def _run(command: list[str], stdin: bytes | None, timeout_s: float) -> bytes:
    try:
        # Own process group, killed whole on timeout; memory is capped by the worker's
        # RLIMIT_AS, which children inherit.
        completed = run_limited(command, timeout_s=timeout_s, stdin=stdin)
    except ToolTimeout as error:
        raise ToolTimedOut(command[0], timeout_s) from error
    if completed.returncode != 0:
        raise ToolFailed(command[0], completed.returncode)
    return completed.stdout


def render_pdf_page(pdf_path: Path, page_number: int, dpi: int, timeout_s: float) -> Image.Image:
    """One page as pdftoppm shows it (/Rotate applied), 8-bit grayscale, at `dpi`."""
    command = [PDFTOPPM, "-r", str(dpi), "-f", str(page_number), "-l", str(page_number), "-gray",
               str(pdf_path)]
    output = _run(command, None, timeout_s)
    if not output:
        raise ToolFailed(PDFTOPPM, 0)  # page number past the end: nothing rendered
    try:
        # Only the format pdftoppm writes (PGM), refused before decoding past the pixel cap.
        image = open_image(output, max_pixels=MAX_RENDERED_PIXELS, formats=("PPM",))
    except ImageTooLarge as error:
        raise RenderedImageTooLarge(error.pixels, error.limit) from error
    except (OSError, ValueError) as error:
        raise ToolFailed(PDFTOPPM, 0) from error
    return image.convert("L")


def _pgm_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.convert("L").save(buffer, format="PPM")  # binary PGM: no compression to pay for
    return buffer.getvalue()


def tesseract_tsv(
    image: Image.Image, language: str, psm: int, dpi: int, timeout_s: float
) -> list[dict[str, str]]:
    """Tesseract's TSV rows (level, block_num, ..., conf, text) for `image`, one dict per row."""
    command = [TESSERACT, "stdin", "stdout", "-l", language, "--psm", str(psm), "--dpi", str(dpi),
               "-c", "tessedit_create_tsv=1"]
    output = _run(command, _pgm_bytes(image), timeout_s).decode("utf-8", errors="replace")
    lines = output.splitlines()
    if not lines:
        return []
    header = lines[0].split("\t")
    rows = []
    for line in lines[1:]:
        values = line.split("\t")
        if len(values) < len(header):
            values += [""] * (len(header) - len(values))  # an empty text column
        rows.append(dict(zip(header, values, strict=False)))
    return rows


def tesseract_osd(image: Image.Image, dpi: int, timeout_s: float) -> dict[str, str]:
    """Tesseract's orientation and script detection ("Rotate", "Orientation confidence", ...).

    Raises `ToolFailed` when Tesseract finds too little text to tell.
    """
    command = [TESSERACT, "stdin", "stdout", "-l", "osd", "--psm", "0", "--dpi", str(dpi)]
    output = _run(command, _pgm_bytes(image), timeout_s).decode("utf-8", errors="replace")
    answers = {}
    for line in output.splitlines():
        key, separator, value = line.partition(":")
        if separator:
            answers[key.strip()] = value.strip()
    return answers
