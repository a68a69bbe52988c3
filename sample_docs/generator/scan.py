"""Turn a digital PDF into a "scanned" one: 200 dpi grayscale JPEG pages, no text layer.

Effects are what office scanners do to paper: a small skew, speckle, softening, a grey paper
tone, and now and then a page fed sideways (rotated 90 degrees). Every random choice comes from
the caller's seeded RNG (numpy's generator is seeded from it), so the bytes are reproducible.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

import numpy as np
from pdf2image import convert_from_bytes
from PIL import Image, ImageFilter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

SCAN_DPI = 200


@dataclass(frozen=True)
class ScanPlan:
    """Which effects a file gets; `rotate_pages` are 1-based page numbers turned 90 degrees."""

    rotate_pages: frozenset[int] = frozenset()
    jpeg_quality: int = 55


def scan_pdf(pdf_bytes: bytes, rng: random.Random, plan: ScanPlan) -> tuple[bytes, list[list[str]]]:
    """Return the scanned PDF and, per page, the effects applied (e.g. ["skew:-2.1", "noise"])."""
    pages = convert_from_bytes(pdf_bytes, dpi=SCAN_DPI, grayscale=True)
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1, pageCompression=1)
    canvas.setCreator("claimdocs sample generator (scan)")
    canvas.setProducer("claimdocs sample generator (scan)")
    effects_per_page: list[list[str]] = []
    for number, page in enumerate(pages, start=1):
        image, effects = _age_page(page.convert("L"), rng, rotate=number in plan.rotate_pages)
        jpeg = io.BytesIO()
        image.save(jpeg, format="JPEG", quality=plan.jpeg_quality)
        w_pt, h_pt = image.width * 72 / SCAN_DPI, image.height * 72 / SCAN_DPI
        canvas.setPageSize((w_pt, h_pt))
        canvas.drawImage(ImageReader(io.BytesIO(jpeg.getvalue())), 0, 0, w_pt, h_pt)
        canvas.showPage()
        effects_per_page.append(effects)
    canvas.save()
    return out.getvalue(), effects_per_page


def _age_page(
    image: Image.Image, rng: random.Random, rotate: bool
) -> tuple[Image.Image, list[str]]:
    effects: list[str] = []
    noise = np.random.default_rng(rng.getrandbits(64))
    # Paper tone: scanners rarely give pure white.
    tone = rng.randint(232, 246)
    pixels = np.asarray(image, dtype=np.float32)
    pixels = pixels * (tone / 255.0)
    # Speckle: dark dust specks and a faint grain.
    h, w = pixels.shape
    count = rng.randint(400, 1100)
    ys = noise.integers(0, h, count)
    xs = noise.integers(0, w, count)
    pixels[ys, xs] = noise.integers(0, 90, count)
    big = count // 6
    for y, x in zip(noise.integers(1, h - 2, big), noise.integers(1, w - 2, big), strict=True):
        pixels[y - 1 : y + 1, x - 1 : x + 1] = rng.randint(20, 110)
    pixels += noise.normal(0, 3.0, pixels.shape)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")
    effects.append("noise")
    # Skew: the sheet went in slightly crooked.
    angle = round(rng.uniform(1.0, 3.0) * rng.choice((-1, 1)), 1)
    image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=tone, expand=False)
    effects.append(f"skew:{angle}")
    # Softening: optics and JPEG smear edges a little.
    radius = round(rng.uniform(0.4, 0.75), 2)
    image = image.filter(ImageFilter.GaussianBlur(radius))
    effects.append(f"blur:{radius}")
    if rotate:
        # Fed sideways: content turned 90 degrees counter-clockwise, the page is landscape.
        image = image.rotate(90, expand=True)
        effects.append("rotate:90")
    return image, effects
