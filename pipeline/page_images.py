"""How much of each page raster images cover, from one `pdfimages -list` call for the whole file.

A page that is mostly a picture (a scan, or a form whose printed labels are a background image)
keeps its real content in pixels even when it also has a few words of text layer.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

from pipeline.load import PageSize, QuarantineError, QuarantineReason

logger = logging.getLogger(__name__)

_COLUMNS = ("page", "num", "type", "width", "height", "color", "comp", "bpc", "enc", "interp",
            "object", "id", "x-ppi", "y-ppi")


def image_coverage(path: Path, page_sizes: list[PageSize], timeout_s: float) -> list[float]:
    """Per page, the drawn area of its raster images over the page area, capped at 1.0.

    Each image's drawn size is its pixel size over the resolution poppler reports for where it is
    placed; overlapping images are summed, hence the cap.
    """
    command = ["pdfimages", "-list", str(path)]
    try:
        completed = subprocess.run(command, capture_output=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired as error:
        raise QuarantineError(QuarantineReason.TIMEOUT, seconds=timeout_s) from error
    covered = [0.0] * len(page_sizes)
    if completed.returncode != 0:
        # Image listing is advisory: without it, pages are judged on their text layer alone.
        logger.info("pdfimages exit code %d", completed.returncode)
        return covered
    for line in completed.stdout.decode("utf-8", errors="replace").splitlines()[2:]:
        fields = line.split()
        if len(fields) < len(_COLUMNS):
            continue
        row = dict(zip(_COLUMNS, fields, strict=False))
        if row["type"] != "image":
            continue  # masks and stencils ride on an image or are line art
        try:
            page_index = int(row["page"]) - 1
            x_ppi, y_ppi = float(row["x-ppi"]), float(row["y-ppi"])
            width_px, height_px = int(row["width"]), int(row["height"])
        except ValueError:
            continue
        if not 0 <= page_index < len(page_sizes) or x_ppi <= 0 or y_ppi <= 0:
            continue
        drawn_area_pt = (width_px / x_ppi * 72) * (height_px / y_ppi * 72)
        page_width, page_height = page_sizes[page_index]
        covered[page_index] += drawn_area_pt / (page_width * page_height)
    return [min(fraction, 1.0) for fraction in covered]
