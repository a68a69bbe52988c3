"""Build `PageWords` in code for extractor tests: text placed at (x, y) like a PDF would."""

from __future__ import annotations

from pipeline.page_model import PageWords, Word, WordSource

CHAR_WIDTH = 0.5  # of the font size
SPACE_WIDTH = 0.28


def place(text: str, x: float, y: float, size: float = 10.0, confidence: float = 1.0) -> list[Word]:
    """The words of `text` written left to right from (x, y) (top of the line) at `size` points."""
    words: list[Word] = []
    cursor = x
    for part in text.split(" "):
        if not part:
            cursor += SPACE_WIDTH * size
            continue
        width = CHAR_WIDTH * size * len(part)
        words.append(
            Word(text=part, bbox=(cursor, y, cursor + width, y + size), confidence=confidence)
        )
        cursor += width + SPACE_WIDTH * size
    return words


def page(
    *placed: tuple[float, float, str] | tuple[float, float, str, float],
    number: int = 1,
    source: WordSource = WordSource.TEXT_LAYER,
    confidence: float = 1.0,
) -> PageWords:
    """A US-letter page holding each (x, y, text[, size]) in the order given."""
    words: list[Word] = []
    for item in placed:
        x, y, text = item[0], item[1], item[2]
        size = item[3] if len(item) > 3 else 10.0
        words.extend(place(text, x, y, size, confidence))
    return PageWords(page_number=number, width=612, height=792, source=source, words=words)
