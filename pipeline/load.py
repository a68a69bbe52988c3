"""Safe loading: decide whether a file is a PDF we can process, before any page is rendered.

Every way a file can be unusable ends in one `QuarantineError` whose reason code and message say in
plain words what is wrong; the message never contains document content. Work is bounded before it
is done: bytes, then the object graph (pages, image pixels, inflated content) parsed by pypdf in a
sandboxed child, then page sizes from poppler's `pdfinfo` under a timeout and memory limit.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from pipeline.limits import ToolTimeout, run_limited
from pipeline.parser_sandbox import (
    SandboxCrashed,
    SandboxFailure,
    SandboxOutOfMemory,
    SandboxTimeout,
    sandbox_for,
)
from pipeline.pdf_structure import EXECUTABLE_CONTENT, PdfStructure, inspect_pdf
from pipeline.reasons import (  # noqa: F401 (re-exported: the historical home of these names)
    QUARANTINE_MESSAGES,
    QuarantineError,
    QuarantineReason,
)

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
# Readers accept a PDF header anywhere in the first 1024 bytes (junk before it is common).
HEADER_SEARCH_BYTES = 1024
HASH_CHUNK_BYTES = 1024 * 1024

# `pdfinfo` exit codes as documented in pdfinfo(1).
PDFINFO_OPEN_ERROR = 1
PDFINFO_PERMISSION_ERROR = 3


MB = 1024 * 1024


class LoadLimits(BaseModel):
    """What a file may cost us before we refuse it (docs/hostile-input.md lists the defaults)."""

    model_config = ConfigDict(frozen=True)

    max_bytes: int = Field(default=200 * MB, gt=0)
    max_pages: int = Field(default=1000, gt=0)
    # Pixel cap for one page rendered at `render_dpi` (keep it equal to OcrOptions.dpi).
    max_page_megapixels: float = Field(default=150.0, gt=0)
    render_dpi: int = Field(default=300, gt=0)
    # Pixel cap for one image inside the file, from its dictionary (never decoded to check).
    # OCRmyPDF's default; a 600 dpi A3 scan is 70 megapixels.
    max_image_megapixels: float = Field(default=250.0, gt=0)
    # What the page content, forms and fonts of one file may inflate to, all streams together.
    max_decoded_stream_bytes: int = Field(default=512 * MB, gt=0)
    # Address-space cap of the pypdf sandbox and of each poppler call made here.
    parser_memory_bytes: int = Field(default=1024 * MB, gt=64 * MB)
    # Wall-clock cap per step: the pypdf sandbox call, then pdfinfo.
    tool_timeout_s: float = Field(default=60.0, gt=0)
    # Scripts and launch actions are never run (nothing here executes them); by default such
    # files are processed and the fact is logged. True quarantines them as `active_content`.
    refuse_active_content: bool = False


PageSize = tuple[float, float]


class LoadedPdf(BaseModel):
    """A PDF that passed every check; `page_sizes` are points as displayed (/Rotate applied)."""

    model_config = ConfigDict(frozen=True)

    path: Path
    sha256: str
    size_bytes: int
    page_count: int
    page_sizes: list[PageSize]
    # The /Rotate of each page (0, 90, 180, 270): pdftotext and pdftoppm already apply it.
    page_rotations: list[int]
    # Codes of scripts, launch actions, attachments found (never executed; see pdf_structure).
    active_content: list[str] = []


def load_pdf(path: Path, limits: LoadLimits = LoadLimits()) -> LoadedPdf:  # noqa: B008 (frozen)
    """Check `path` is a readable, unencrypted PDF within `limits`; raise `QuarantineError` if not."""
    size_bytes = path.stat().st_size
    if size_bytes == 0:
        raise QuarantineError(QuarantineReason.EMPTY)
    if size_bytes > limits.max_bytes:
        raise QuarantineError(
            QuarantineReason.TOO_LARGE,
            size_mb=size_bytes / 1024 / 1024,
            limit_mb=limits.max_bytes / 1024 / 1024,
        )
    with path.open("rb") as handle:
        head = handle.read(HEADER_SEARCH_BYTES)
    if PDF_MAGIC not in head:
        raise QuarantineError(QuarantineReason.NOT_PDF)

    structure = _inspect_in_sandbox(path, limits)
    pypdf_page_count = structure.page_count
    if structure.active_content:
        logger.info("active content found: %s", ",".join(structure.active_content))
        if limits.refuse_active_content and EXECUTABLE_CONTENT & set(structure.active_content):
            raise QuarantineError(QuarantineReason.ACTIVE_CONTENT)
    page_sizes, page_rotations = _page_geometry_with_pdfinfo(path, pypdf_page_count, limits)
    # Two independent parsers must agree; a damaged cross-reference table is the usual reason
    # one of them "recovers" fewer pages than the file really had.
    if len(page_sizes) != pypdf_page_count:
        logger.info(
            "page count mismatch pypdf=%d pdfinfo=%d", pypdf_page_count, len(page_sizes)
        )
        raise QuarantineError(QuarantineReason.CORRUPT)

    for page_number, (width_pt, height_pt) in enumerate(page_sizes, start=1):
        megapixels = (width_pt / 72 * limits.render_dpi) * (height_pt / 72 * limits.render_dpi) / 1e6
        if megapixels > limits.max_page_megapixels:
            raise QuarantineError(
                QuarantineReason.BOMB,
                page=page_number,
                megapixels=megapixels,
                limit=limits.max_page_megapixels,
            )

    return LoadedPdf(
        path=path,
        sha256=file_sha256(path),
        size_bytes=size_bytes,
        page_count=pypdf_page_count,
        page_sizes=page_sizes,
        page_rotations=page_rotations,
        active_content=structure.active_content,
    )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _inspect_in_sandbox(path: Path, limits: LoadLimits) -> PdfStructure:
    """`pdf_structure.inspect_pdf` in the sandboxed child: a parser that loops or runs out of
    memory on this file costs the file a quarantine, not the worker."""
    sandbox = sandbox_for(limits.parser_memory_bytes)
    try:
        return sandbox.call(
            inspect_pdf,
            path,
            limits.max_pages,
            limits.max_image_megapixels,
            limits.max_decoded_stream_bytes,
            timeout_s=limits.tool_timeout_s,
        )
    except SandboxTimeout as error:
        raise QuarantineError(QuarantineReason.TIMEOUT, seconds=limits.tool_timeout_s) from error
    except SandboxOutOfMemory as error:
        raise QuarantineError(
            QuarantineReason.BOMB, variant="memory", limit_mb=limits.parser_memory_bytes / MB
        ) from error
    except SandboxCrashed as error:
        logger.warning("parser sandbox died: exit code %s", error.exitcode)
        raise QuarantineError(QuarantineReason.WORKER_CRASHED) from error
    except SandboxFailure as error:
        # An exception our inspection did not expect: a bug of ours, shown as one.
        logger.error("pdf inspection failed: error=%s", error.error_type)
        raise QuarantineError(QuarantineReason.INTERNAL_ERROR) from error


_PAGE_SIZE_LINE = re.compile(r"^Page\s+(\d+)\s+size:\s+([\d.]+)\s+x\s+([\d.]+)\s+pts", re.MULTILINE)
_PAGE_ROT_LINE = re.compile(r"^Page\s+(\d+)\s+rot:\s+(-?\d+)", re.MULTILINE)


def _page_geometry_with_pdfinfo(
    path: Path, page_count: int, limits: LoadLimits
) -> tuple[list[PageSize], list[int]]:
    """Displayed size (crop box, /Rotate applied) and /Rotate of every page, from poppler."""
    command = ["pdfinfo", "-f", "1", "-l", str(page_count), str(path)]
    try:
        completed = run_limited(
            command, timeout_s=limits.tool_timeout_s, memory_bytes=limits.parser_memory_bytes
        )
    except ToolTimeout as error:
        raise QuarantineError(QuarantineReason.TIMEOUT, seconds=limits.tool_timeout_s) from error
    if completed.returncode == PDFINFO_PERMISSION_ERROR:
        raise QuarantineError(QuarantineReason.ENCRYPTED)
    if completed.returncode != 0:
        logger.info("pdfinfo exit code %d", completed.returncode)
        raise QuarantineError(QuarantineReason.CORRUPT)

    report = completed.stdout.decode("utf-8", errors="replace")
    sizes = {int(m[1]): (float(m[2]), float(m[3])) for m in _PAGE_SIZE_LINE.finditer(report)}
    rotations = {int(m[1]): int(m[2]) % 360 for m in _PAGE_ROT_LINE.finditer(report)}
    page_sizes: list[PageSize] = []
    page_rotations: list[int] = []
    for page_number in sorted(sizes):
        width, height = sizes[page_number]
        rotation = rotations.get(page_number, 0)
        if width <= 0 or height <= 0:
            raise QuarantineError(QuarantineReason.CORRUPT)
        page_sizes.append((height, width) if rotation in (90, 270) else (width, height))
        page_rotations.append(rotation)
    return page_sizes, page_rotations
