"""What a PDF's object graph holds, read without rendering anything: its page tree, the pixel size
of its images, how much its content decompresses to, and any scripts or launch actions.

Poppler decodes a 35000 x 35000 image or a gigabyte of deflated page content without complaint,
just slowly; here such files are refused from their dictionaries and a streamed, capped inflate,
before any tool touches them. Runs inside the parser sandbox (`pipeline.parser_sandbox`).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PyPdfError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
)

from pipeline.reasons import QuarantineError, QuarantineReason

# Actions that do something besides showing the document, by the code we report them under.
ACTION_CODES = {
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/SubmitForm": "submit_form",
    "/ImportData": "import_data",
    "/GoToR": "remote_goto",
    "/GoToE": "remote_goto",
}
# What `LoadLimits.refuse_active_content` refuses: code that could run in a viewer.
EXECUTABLE_CONTENT = frozenset({"javascript", "launch"})
FLATE_FILTERS = frozenset({"/FlateDecode", "/Fl"})
INFLATE_CHUNK_BYTES = 64 * 1024
# Real page trees are a few levels deep; deeper is a crafted file (or a loop pypdf missed).
MAX_PAGE_TREE_DEPTH = 64
# Exceptions pypdf lets out on malformed structure, besides its own.
MALFORMED = (
    PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
    OSError, zlib.error, AssertionError,
)


class PdfStructure(BaseModel):
    model_config = ConfigDict(frozen=True)

    page_count: int
    largest_image_megapixels: float = 0.0
    decoded_stream_bytes: int = 0  # page content, forms, fonts: what renderers inflate
    # Sorted codes from ACTION_CODES plus "embedded_file" and "xfa"; never executed, only noted.
    active_content: list[str] = []


def inspect_pdf(
    path: Path, max_pages: int, max_image_megapixels: float, max_decoded_bytes: int
) -> PdfStructure:
    """Open with pypdf and walk every object reachable from the pages and the catalog once.

    Raises `QuarantineError`: encrypted (a user password), too_many_pages, corrupt (including a
    page tree with a loop or a page listed twice), bomb (an image over the pixel cap, or content
    inflating past the byte cap), unsupported (a feature pypdf cannot read).
    """
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            # Owner-password-only files open with the empty user password and are fine.
            raise QuarantineError(QuarantineReason.ENCRYPTED)
        tree_pages = _count_page_tree(reader)
        if tree_pages > max_pages:
            raise QuarantineError(QuarantineReason.TOO_MANY_PAGES, pages=tree_pages, limit=max_pages)
        page_count = len(reader.pages)
        if page_count == 0 or page_count != tree_pages:
            raise QuarantineError(QuarantineReason.CORRUPT)
        scan = _ObjectScan(max_image_megapixels, max_decoded_bytes)
        scan.run(reader)
    except QuarantineError:
        raise
    except FileNotDecryptedError as error:
        raise QuarantineError(QuarantineReason.ENCRYPTED) from error
    except LimitReachedError as error:  # one of pypdf's own decompression caps
        raise QuarantineError(
            QuarantineReason.BOMB, variant="stream", limit_mb=max_decoded_bytes / 1024 / 1024
        ) from error
    except (DependencyError, NotImplementedError) as error:
        raise QuarantineError(QuarantineReason.UNSUPPORTED, feature=type(error).__name__) from error
    except MALFORMED as error:
        raise QuarantineError(QuarantineReason.CORRUPT) from error
    return PdfStructure(
        page_count=page_count,
        largest_image_megapixels=round(scan.largest_image_megapixels, 3),
        decoded_stream_bytes=scan.decoded_bytes,
        active_content=sorted(scan.active_content),
    )


def _object_key(obj: PdfObject) -> tuple[int, int] | int:
    if isinstance(obj, IndirectObject):
        return (obj.idnum, obj.generation)
    reference = getattr(obj, "indirect_reference", None)
    if reference is not None:
        return (reference.idnum, reference.generation)
    return id(obj)


def _count_page_tree(reader: PdfReader) -> int:
    """Leaves of the page tree, walked by hand: a node reached twice (a loop, or one branch
    listed under two parents) makes the file corrupt, whatever a lenient reader would make of it."""
    catalog = reader.trailer["/Root"].get_object()
    root = catalog.get("/Pages")
    if root is None:
        raise QuarantineError(QuarantineReason.CORRUPT)
    seen: set[tuple[int, int] | int] = set()
    stack: list[tuple[PdfObject, int]] = [(root, 0)]
    leaves = 0
    while stack:
        reference, depth = stack.pop()
        key = _object_key(reference)
        if key in seen or depth > MAX_PAGE_TREE_DEPTH:
            raise QuarantineError(QuarantineReason.CORRUPT, variant="page_tree")
        seen.add(key)
        node = reference.get_object()
        if not isinstance(node, DictionaryObject):
            raise QuarantineError(QuarantineReason.CORRUPT, variant="page_tree")
        node_type = node.get("/Type")
        kids = node.get("/Kids")
        if node_type == "/Page" or (node_type is None and kids is None):
            leaves += 1
            continue
        kids = kids.get_object() if kids is not None else None
        if not isinstance(kids, ArrayObject):
            raise QuarantineError(QuarantineReason.CORRUPT, variant="page_tree")
        stack.extend((kid, depth + 1) for kid in reversed(kids))
    return leaves


class _ObjectScan:
    """One pass over the objects reachable from the pages (their /Parent links aside) and the
    catalog; every indirect object is looked at once, however often it is referred to."""

    def __init__(self, max_image_megapixels: float, max_decoded_bytes: int) -> None:
        self.max_image_megapixels = max_image_megapixels
        self.max_decoded_bytes = max_decoded_bytes
        self.largest_image_megapixels = 0.0
        self.decoded_bytes = 0
        self.active_content: set[str] = set()
        self._visited: set[tuple[int, int] | int] = set()

    def run(self, reader: PdfReader) -> None:
        stack: list[PdfObject] = []
        for page in reader.pages:
            self._visited.add(_object_key(page))
            stack.append(page)
        catalog = reader.trailer["/Root"].get_object()
        self._visited.add(_object_key(catalog))
        stack.extend(value for key, value in catalog.items() if key != "/Pages")
        while stack:
            obj = stack.pop()
            if isinstance(obj, IndirectObject):
                key = _object_key(obj)
                if key in self._visited:
                    continue
                self._visited.add(key)
                obj = obj.get_object()
            if isinstance(obj, DictionaryObject):
                self._look_at(obj)
                stack.extend(value for key, value in obj.items() if key != "/Parent")
            elif isinstance(obj, ArrayObject):
                stack.extend(obj)

    def _look_at(self, node: DictionaryObject) -> None:
        action = node.get("/S")
        if isinstance(action, NameObject) and action in ACTION_CODES:
            self.active_content.add(ACTION_CODES[action])
        if "/JS" in node:
            self.active_content.add("javascript")
        if "/EmbeddedFiles" in node or node.get("/Subtype") == "/FileAttachment":
            self.active_content.add("embedded_file")
        if "/XFA" in node:
            self.active_content.add("xfa")
        if not isinstance(node, StreamObject):
            return
        if node.get("/Subtype") == "/Image":
            self._check_image(node)
        elif node.get("/Type") == "/EmbeddedFile":
            self.active_content.add("embedded_file")  # attachments are never opened
        else:
            self._inflate_within_budget(node)

    def _check_image(self, image: StreamObject) -> None:
        """Pixels are counted from the image's dictionary; its data is never decoded here."""
        try:
            width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
        except (TypeError, ValueError):
            raise QuarantineError(QuarantineReason.CORRUPT) from None
        if width < 0 or height < 0:
            raise QuarantineError(QuarantineReason.CORRUPT)
        megapixels = width * height / 1e6
        self.largest_image_megapixels = max(self.largest_image_megapixels, megapixels)
        if megapixels > self.max_image_megapixels:
            raise QuarantineError(
                QuarantineReason.BOMB,
                variant="image",
                megapixels=megapixels,
                limit=self.max_image_megapixels,
            )

    def _inflate_within_budget(self, stream: StreamObject) -> None:
        """Add the stream's decoded size to the file's total, inflating in small chunks and
        stopping as soon as the total passes the cap (so a bomb never sits in memory)."""
        filters = stream.get("/Filter")
        filters = filters.get_object() if filters is not None else None
        names = list(filters) if isinstance(filters, ArrayObject) else [filters] if filters else []
        raw: bytes = stream._data  # the encoded bytes (decrypted), as stored in the file
        flate_layers = 0
        for name in names:
            if name not in FLATE_FILTERS:
                break
            flate_layers += 1
        if names and flate_layers == 0:
            # A rarer first filter (LZW, RunLength, ASCII85 ...): pypdf decodes it under its own
            # output caps (LimitReachedError); the decoded copy is dropped straight away.
            decoded = len(stream.get_data())
            stream.decoded_self = None
            self._add(decoded)
            return
        chunks: Iterable[bytes] = (
            raw[start : start + INFLATE_CHUNK_BYTES]
            for start in range(0, len(raw), INFLATE_CHUNK_BYTES)
        )
        for _ in range(flate_layers):
            chunks = _inflate(chunks)
        for chunk in chunks:
            self._add(len(chunk))

    def _add(self, size: int) -> None:
        self.decoded_bytes += size
        if self.decoded_bytes > self.max_decoded_bytes:
            raise QuarantineError(
                QuarantineReason.BOMB,
                variant="stream",
                limit_mb=self.max_decoded_bytes / 1024 / 1024,
            )


def _inflate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Inflate a deflate stream chunk by chunk, never producing more than one chunk at a time.

    Damaged data ends the stream where it breaks, as lenient readers do (what they could decode
    is what counts).
    """
    inflater = zlib.decompressobj()
    try:
        for chunk in chunks:
            data = chunk
            while data and not inflater.eof:
                out = inflater.decompress(data, INFLATE_CHUNK_BYTES)
                if out:
                    yield out
                data = inflater.unconsumed_tail
            if inflater.eof:
                return
        rest = inflater.flush()
        if rest:
            yield rest
    except zlib.error:
        return
