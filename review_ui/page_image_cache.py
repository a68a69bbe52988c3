"""Page images for the task page: rendered once per (file sha256, page, dpi) and kept on disk.

Sources are re-checked with the pipeline's own `load_pdf` (size, encryption, pixel cap, page
geometry) and must still hash to the stored sha256, so a file swapped on disk is never shown
under another document's name. Rendering runs poppler in a child process (pdf2image) with a
timeout; the cache path is built from the hex sha256 and integers only, never from request text.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

from pdf2image import convert_from_path
from pdf2image.exceptions import PDFPageCountError, PDFPopplerTimeoutError, PDFSyntaxError
from pydantic import BaseModel, ConfigDict

from pipeline.load import LoadLimits, QuarantineError, file_sha256, load_pdf

log = logging.getLogger(__name__)

SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


class PageImageError(Exception):
    """The page cannot be shown: source missing, changed on disk, or rendering failed."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class PageGeometry(BaseModel):
    """Displayed size of each page in PDF points (the coordinate frame of every bbox)."""

    model_config = ConfigDict(frozen=True)
    page_sizes: list[tuple[float, float]]


class PageImageCache:
    def __init__(self, cache_dir: Path, *, dpi: int, timeout_seconds: int) -> None:
        self.cache_dir = cache_dir
        self.dpi = dpi
        self.timeout_seconds = timeout_seconds
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def geometry(self, sha256: str, source: Path) -> PageGeometry:
        """Page sizes of the file, read once with the pipeline's safe loader and cached as JSON."""
        folder = self._folder(sha256)
        cached = folder / "geometry.json"
        if cached.exists():
            return PageGeometry.model_validate_json(cached.read_text(encoding="utf-8"))
        with self._lock(f"{sha256}:geometry"):
            if cached.exists():
                return PageGeometry.model_validate_json(cached.read_text(encoding="utf-8"))
            geometry = PageGeometry(page_sizes=self._checked_load(sha256, source).page_sizes)
            _write_atomically(cached, geometry.model_dump_json().encode())
            return geometry

    def page_image(self, sha256: str, source: Path, page: int) -> Path:
        """Path of the PNG of `page` (1-based), rendering it on first use."""
        target = self._folder(sha256) / f"page-{int(page):04d}-{self.dpi}dpi.png"
        if target.exists():
            return target
        with self._lock(f"{sha256}:{page}"):
            if target.exists():
                return target
            geometry = self.geometry(sha256, source)
            if not 1 <= page <= len(geometry.page_sizes):
                raise PageImageError("no_such_page")
            self._render(source, page, target)
            return target

    def _render(self, source: Path, page: int, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        stem = f".render-{page}-{threading.get_ident()}"
        try:
            paths = convert_from_path(
                source,
                dpi=self.dpi,
                first_page=page,
                last_page=page,
                fmt="png",
                output_folder=target.parent,
                output_file=stem,
                single_file=True,
                paths_only=True,
                timeout=self.timeout_seconds,
            )
        except (PDFPopplerTimeoutError, PDFPageCountError, PDFSyntaxError, OSError) as error:
            log.warning("page render failed: %s", type(error).__name__)
            raise PageImageError("render_failed") from error
        if not paths:
            raise PageImageError("render_failed")
        Path(paths[0]).replace(target)  # atomic: readers never see half a PNG

    def _checked_load(self, sha256: str, source: Path):
        if not source.is_file():
            raise PageImageError("source_missing")
        # Hash first: a swapped file is refused before any parser looks at it.
        if file_sha256(source) != sha256:
            raise PageImageError("source_changed")
        try:
            return load_pdf(source, LoadLimits(render_dpi=self.dpi))
        except QuarantineError as error:
            raise PageImageError(f"source_unreadable:{error.reason.value}") from error

    def _folder(self, sha256: str) -> Path:
        if not SHA256_HEX.match(sha256):
            raise PageImageError("bad_sha256")
        return self.cache_dir / sha256[:2] / sha256

    def _lock(self, key: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(key, threading.Lock())


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{threading.get_ident()}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)

