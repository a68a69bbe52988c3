"""Pages as the rest of the pipeline sees them: words with boxes in PDF points and confidences.

Coordinates are PDF points of the page as displayed upright (after any rotation we detected and
undid), origin top-left, `(x0, y0, x1, y1)`. A word from a text layer has confidence 1.0; an OCR
word carries Tesseract's confidence scaled to [0, 1].
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from pipeline.contract import BBox


class WordSource(StrEnum):
    TEXT_LAYER = "text_layer"
    OCR = "ocr"


class Word(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    bbox: BBox
    confidence: float = Field(ge=0.0, le=1.0)
    # Tesseract's block/paragraph/line ids (or the text layer's line index): words sharing
    # `line_id` were read as one line. Geometry rules should still prefer boxes.
    line_id: int = 0
    block_id: int = 0


class PageWords(BaseModel):
    """All words of one page, in reading order."""

    page_number: int = Field(ge=1)  # 1-based
    width: float  # points, upright
    height: float
    source: WordSource
    rotation: int = 0  # degrees clockwise we rotated the page image to make it upright
    words: list[Word] = Field(default_factory=list)
    # CPU seconds the OCR worker spent on this page (render, orientation, deskew, Tesseract);
    # 0 for text-layer pages and cache hits. Feeds `claimdocs bench`, never the extraction.
    ocr_cpu_seconds: float = 0.0

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def mean_confidence(self) -> float:
        if not self.words:
            return 0.0
        return sum(word.confidence for word in self.words) / len(self.words)
