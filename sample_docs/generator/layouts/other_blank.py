"""Distractor: a blank page (a separator sheet or the back of a one-sided scan)."""

from __future__ import annotations

from pipeline.contract import DocType
from sample_docs.generator.drawing import PdfBuilder
from sample_docs.generator.layouts.base import Fields, Layout, RenderContext, register


@register
class BlankPage(Layout):
    name = "other/blank"
    doc_type = DocType.OTHER
    description = "a blank page"

    def render(self, pdf: PdfBuilder, ctx: RenderContext) -> Fields:
        pdf.end_page()
        return {}
