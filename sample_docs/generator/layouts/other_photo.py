"""Distractor: a photo-like page (a damage photo pasted into a PDF), drawn from seeded shapes."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from pipeline.contract import DocType
from sample_docs.generator.drawing import PdfBuilder
from sample_docs.generator.layouts.base import Fields, Layout, RenderContext, register


@register
class PhotoPage(Layout):
    name = "other/photo"
    doc_type = DocType.OTHER
    description = "a page holding one photo-like image (vehicle damage) and a short caption"

    def render(self, pdf: PdfBuilder, ctx: RenderContext) -> Fields:
        r = ctx.rng
        w, h = 900, 640
        gen = np.random.default_rng(r.getrandbits(64))
        # Sky-to-asphalt gradient, a car body, wheels, a dent, and sensor noise.
        gradient = np.linspace(0, 1, h)[:, None]
        sky = np.array([170, 190, 215])
        ground = np.array([85, 85, 90])
        base = (sky * (1 - gradient[..., None]) + ground * gradient[..., None]).repeat(w, axis=1)
        image = Image.fromarray(base.astype(np.uint8), "RGB")
        draw = ImageDraw.Draw(image)
        body = tuple(int(c) for c in gen.integers(30, 200, 3))
        x0 = r.randint(80, 160)
        draw.rounded_rectangle((x0, 300, x0 + 620, 470), radius=40, fill=body)
        draw.polygon(
            [(x0 + 140, 300), (x0 + 220, 210), (x0 + 450, 210), (x0 + 540, 300)],
            fill=tuple(max(0, c - 30) for c in body),
        )
        draw.polygon(
            [(x0 + 175, 298), (x0 + 235, 228), (x0 + 330, 228), (x0 + 330, 298)], fill=(60, 80, 100)
        )
        draw.polygon(
            [(x0 + 345, 298), (x0 + 345, 228), (x0 + 440, 228), (x0 + 505, 298)], fill=(60, 80, 100)
        )
        for cx in (x0 + 130, x0 + 500):
            draw.ellipse((cx - 55, 420, cx + 55, 530), fill=(25, 25, 25))
            draw.ellipse((cx - 25, 450, cx + 25, 500), fill=(150, 150, 150))
        dent = r.randint(x0 + 200, x0 + 500)
        draw.ellipse((dent - 60, 330, dent + 60, 420), fill=tuple(max(0, c - 60) for c in body))
        for _ in range(6):
            draw.line(
                (
                    dent + r.randint(-50, 50),
                    r.randint(330, 420),
                    dent + r.randint(-50, 50),
                    r.randint(330, 420),
                ),
                fill=(230, 230, 230),
                width=2,
            )
        pixels = np.asarray(image.filter(ImageFilter.GaussianBlur(1.2)), dtype=np.float32)
        pixels += gen.normal(0, 6, pixels.shape)
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
        jpeg = io.BytesIO()
        image.save(jpeg, format="JPEG", quality=70)
        margin = 54.0
        img_w = pdf.width - 2 * margin
        pdf.image(jpeg.getvalue(), margin, 90, img_w, img_w * h / w)
        pdf.text(
            margin,
            90 + img_w * h / w + 20,
            f"IMG_{r.randint(1000, 9999)}.JPG",
            "Helvetica",
            9,
            gray=0.3,
        )
        pdf.end_page()
        return {}
