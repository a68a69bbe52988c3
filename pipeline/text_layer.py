"""Words of a PDF's own text layer, from one `pdftotext -bbox-layout` call for the whole file.

poppler reports boxes in points of the page as displayed (/Rotate applied), origin top-left, and
words in reading order within lines. When the text itself runs sideways or upside down on the
displayed page we turn the boxes so that lines read left to right, and record that rotation.
"""

from __future__ import annotations

import logging
import re
import subprocess
import unicodedata
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from pipeline.contract import BBox
from pipeline.load import PageSize, QuarantineError, QuarantineReason
from pipeline.page_model import Word

logger = logging.getLogger(__name__)

_XHTML = "{http://www.w3.org/1999/xhtml}"
# Characters XML 1.0 forbids; broken font encodings make pdftotext emit them.
_XML_INVALID = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_PARSE_CHUNK_BYTES = 256 * 1024
# Unicode categories that mark a glyph without a real character behind it.
_GARBAGE_CATEGORIES = {"Cc", "Co", "Cn", "Cs"}
_REPLACEMENT_CHAR = "\ufffd"


class TextLayerPage(BaseModel):
    """One page's text-layer words, already turned upright."""

    model_config = ConfigDict(frozen=True)

    page_number: int
    width: float  # points, upright
    height: float
    rotation: int  # degrees clockwise we turned the displayed page so its text reads upright
    words: list[Word]


class TextLayerQuality(BaseModel):
    model_config = ConfigDict(frozen=True)

    word_count: int
    real_word_count: int  # words that look like text, not glyph garbage

    @property
    def real_word_ratio(self) -> float:
        return self.real_word_count / self.word_count if self.word_count else 0.0


def read_text_layer(path: Path, page_sizes: list[PageSize], timeout_s: float) -> list[TextLayerPage]:
    """Text-layer words of every page; `page_sizes` are the displayed sizes from `load_pdf`."""
    command = ["pdftotext", "-bbox-layout", "-enc", "UTF-8", str(path), "-"]
    try:
        completed = subprocess.run(command, capture_output=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired as error:
        raise QuarantineError(QuarantineReason.TIMEOUT, seconds=timeout_s) from error
    if completed.returncode != 0:
        logger.info("pdftotext exit code %d", completed.returncode)
        raise QuarantineError(QuarantineReason.CORRUPT)
    displayed_pages = parse_bbox_layout(completed.stdout)
    if len(displayed_pages) != len(page_sizes):
        logger.info("pdftotext pages=%d expected=%d", len(displayed_pages), len(page_sizes))
        raise QuarantineError(QuarantineReason.CORRUPT)

    pages = []
    for page_number, (words, (width, height)) in enumerate(
        zip(displayed_pages, page_sizes, strict=True), start=1
    ):
        rotation = text_rotation(words)
        upright_words = (
            [
                word.model_copy(update={"bbox": rotate_bbox(word.bbox, width, height, rotation)})
                for word in words
            ]
            if rotation
            else words
        )
        upright_width, upright_height = (height, width) if rotation in (90, 270) else (width, height)
        pages.append(
            TextLayerPage(
                page_number=page_number,
                width=upright_width,
                height=upright_height,
                rotation=rotation,
                words=upright_words,
            )
        )
    return pages


def parse_bbox_layout(xhtml: bytes) -> list[list[Word]]:
    """Words per page from pdftotext's `-bbox-layout` XHTML; ids follow its blocks and lines.

    Parsed incrementally, each page's elements dropped once read: a tree of the whole XHTML of a
    300-page file would take several hundred MB for a moment, many times its words.
    """
    pages: list[list[Word]] = []
    parser = ElementTree.XMLPullParser(events=("end",))
    cleaned = _XML_INVALID.sub(b" ", xhtml)
    offsets = range(0, len(cleaned), _PARSE_CHUNK_BYTES)
    for offset in [*offsets, None]:
        if offset is None:
            parser.close()
        else:
            parser.feed(cleaned[offset : offset + _PARSE_CHUNK_BYTES])
        for _event, element in parser.read_events():
            if element.tag == f"{_XHTML}page":
                pages.append(_page_words(element))
                element.clear()
    return pages


def _page_words(page: ElementTree.Element) -> list[Word]:
    words: list[Word] = []
    block_id = 0
    line_id = 0
    for block in page.iter(f"{_XHTML}block"):
        block_id += 1
        for line in block.iter(f"{_XHTML}line"):
            line_id += 1
            for word in line.iter(f"{_XHTML}word"):
                text = " ".join((word.text or "").split())
                if not text:
                    continue
                bbox = (
                    float(word.get("xMin", 0)),
                    float(word.get("yMin", 0)),
                    float(word.get("xMax", 0)),
                    float(word.get("yMax", 0)),
                )
                words.append(
                    Word(text=text, bbox=bbox, confidence=1.0, line_id=line_id, block_id=block_id)
                )
    return words


def text_rotation(words: list[Word]) -> int:
    """Clockwise turn (0/90/180/270) that makes most lines run left to right.

    Votes with the direction from the first to the last word of each multi-word line, weighted by
    its word count; single-word lines carry no direction.
    """
    votes = {0: 0, 90: 0, 180: 0, 270: 0}
    lines: dict[int, list[Word]] = {}
    for word in words:
        lines.setdefault(word.line_id, []).append(word)
    for line_words in lines.values():
        if len(line_words) < 2:
            continue
        first, last = line_words[0].bbox, line_words[-1].bbox
        dx = (last[0] + last[2]) / 2 - (first[0] + first[2]) / 2
        dy = (last[1] + last[3]) / 2 - (first[1] + first[3]) / 2
        if abs(dx) >= abs(dy):
            votes[0 if dx > 0 else 180] += len(line_words)
        else:
            # Text running down the page was turned 90 degrees clockwise: undo with 270.
            votes[270 if dy > 0 else 90] += len(line_words)
    best = max(votes, key=lambda rotation: votes[rotation])
    # Stay put unless a clear majority of line words disagree with the page as displayed.
    if best != 0 and votes[best] > 2 * votes[0]:
        return best
    return 0


def rotate_bbox(bbox: BBox, width: float, height: float, rotation: int) -> BBox:
    """Box on a `width` x `height` page after turning the page `rotation` degrees clockwise."""
    x0, y0, x1, y1 = bbox
    if rotation == 90:
        turned = (height - y1, x0, height - y0, x1)
    elif rotation == 180:
        turned = (width - x1, height - y1, width - x0, height - y0)
    elif rotation == 270:
        turned = (y0, width - x1, y1, width - x0)
    else:
        return bbox
    return (round(turned[0], 3), round(turned[1], 3), round(turned[2], 3), round(turned[3], 3))


def is_real_word(text: str) -> bool:
    """A token that reads as text: has a letter or digit and no glyph-garbage characters."""
    if _REPLACEMENT_CHAR in text:
        return False
    alphanumeric = 0
    for char in text:
        if unicodedata.category(char) in _GARBAGE_CATEGORIES:
            return False
        if char.isalnum():
            alphanumeric += 1
    return alphanumeric > 0 and alphanumeric / len(text) >= 0.5


def text_layer_quality(words: list[Word]) -> TextLayerQuality:
    return TextLayerQuality(
        word_count=len(words), real_word_count=sum(is_real_word(word.text) for word in words)
    )
