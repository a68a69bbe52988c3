"""One file's page words held with bounded memory, however many pages the file has.

A page's words as live pydantic models weigh about half a megabyte, and the line layout the
extractors build over them as much again; a 300-page loss run held that way needs hundreds of
megabytes. The store keeps the pages of a short file live (the extractors read each page several
times and reuse its layout) and, once a file passes `live_limit` pages, packs every page into a
compact pickle of plain tuples (~30 KB a page) that is unpacked again one page at a time on
access. Long documents are then extracted from `PackedPages`, a sequence that never holds more
than the page in hand.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from pipeline.page_model import PageWords, Word, WordSource

# Pages a file may keep live before the store packs them: more than any claim form, police
# report or ordinary loss run has, and few enough that their layouts stay small.
LIVE_PAGE_LIMIT = 24

_WordTuple = tuple[str, float, float, float, float, float, int, int]


@dataclass(frozen=True)
class PageHead:
    """What is known of a packed page without unpacking it."""

    page_number: int
    source: WordSource


def pack_page(page: PageWords) -> bytes:
    words: list[_WordTuple] = [
        (w.text, *w.bbox, w.confidence, w.line_id, w.block_id) for w in page.words
    ]
    head = (
        page.page_number, page.width, page.height, page.source.value, page.rotation,
        page.ocr_cpu_seconds,
    )  # fmt: skip
    return zlib.compress(pickle.dumps((head, words), protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack_page(packed: bytes) -> PageWords:
    """The page as it was packed. The values were validated when the page was made, so the
    models are built without validating them again."""
    head, words = pickle.loads(zlib.decompress(packed))  # noqa: S301 (bytes we packed ourselves)
    number, width, height, source, rotation, ocr_cpu_seconds = head
    return PageWords.model_construct(
        page_number=number,
        width=width,
        height=height,
        source=WordSource(source),
        rotation=rotation,
        words=[
            Word.model_construct(
                text=text,
                bbox=(x0, y0, x1, y1),
                confidence=confidence,
                line_id=line_id,
                block_id=block_id,
            )  # fmt: skip
            for text, x0, y0, x1, y1, confidence, line_id, block_id in words
        ],
        ocr_cpu_seconds=ocr_cpu_seconds,
    )


class PackedPages(Sequence[PageWords]):
    """Pages unpacked on access: each item is a fresh `PageWords`, dropped when its reader is
    done with it. Iterate once where you can; every access unpacks again."""

    def __init__(self, packed: Sequence[bytes], heads: Sequence[PageHead]) -> None:
        self._packed = packed
        self.heads = list(heads)

    def __len__(self) -> int:
        return len(self._packed)

    @overload
    def __getitem__(self, index: int) -> PageWords: ...
    @overload
    def __getitem__(self, index: slice) -> PackedPages: ...
    def __getitem__(self, index: int | slice) -> PageWords | PackedPages:
        if isinstance(index, slice):
            return PackedPages(self._packed[index], self.heads[index])
        return unpack_page(self._packed[index])

    def __iter__(self) -> Iterator[PageWords]:
        for packed in self._packed:
            yield unpack_page(packed)


class PageStore:
    """A file's pages in page order: live while the file is short, packed once it is long."""

    def __init__(self, live_limit: int = LIVE_PAGE_LIMIT) -> None:
        self._live_limit = live_limit
        self._live: list[PageWords] | None = []
        self._packed: list[bytes] = []
        self._heads: list[PageHead] = []

    def add(self, page: PageWords) -> None:
        self._heads.append(PageHead(page.page_number, page.source))
        if self._live is not None and len(self._live) < self._live_limit:
            self._live.append(page)
            return
        if self._live is not None:
            self._packed = [pack_page(live) for live in self._live]
            self._live = None
        self._packed.append(pack_page(page))

    @property
    def packed(self) -> bool:
        return self._live is None

    def __len__(self) -> int:
        return len(self._heads)

    def pages(self, start: int, end: int) -> Sequence[PageWords]:
        """Pages `start`..`end` (1-based, inclusive), in order."""
        if self._live is not None:
            return self._live[start - 1 : end]
        return PackedPages(self._packed[start - 1 : end], self._heads[start - 1 : end])


def page_heads(pages: Sequence[PageWords]) -> list[PageHead]:
    """Number and source of each page, without unpacking packed ones."""
    if isinstance(pages, PackedPages):
        return pages.heads
    return [PageHead(page.page_number, page.source) for page in pages]
