"""Limits on the work one hostile file can cause in a child process: memory (RLIMIT_AS), wall-clock
time (the whole process group is killed), and which image formats Pillow may open at what size.

Poppler and Tesseract have had many memory-safety bugs; they only ever run as children bounded
here, so a bad file costs a quarantine, never the worker or the machine.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import os
import resource
import shutil
import signal
import subprocess
import warnings
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

from PIL import Image

# What pdftoppm writes (PPM/PGM) and what our own caches and page images hold.
RENDERED_IMAGE_FORMATS = ("PPM", "PNG")


class ToolTimeout(Exception):
    """A child process ran past its wall-clock limit; its whole process group was killed."""

    def __init__(self, program: str, seconds: float) -> None:
        self.program = program
        self.seconds = seconds
        super().__init__(f"{program} ran longer than {seconds:.1f} s and was killed")


class ImageTooLarge(Exception):
    """An image whose header declares more pixels than allowed; it was not decoded."""

    def __init__(self, pixels: int, limit: int) -> None:
        self.pixels = pixels
        self.limit = limit
        super().__init__(f"image of {pixels} pixels is over the {limit} pixel limit")


def apply_memory_limit(max_bytes: int) -> None:
    """Cap this process's address space (inherited by every child it starts).

    Only the soft limit is lowered, never below what is already lower: allocations past it fail
    (MemoryError in Python, a failed malloc in poppler or Tesseract) instead of the kernel's OOM
    killer choosing some process on the machine.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    new_soft = max_bytes
    if hard != resource.RLIM_INFINITY:
        new_soft = min(new_soft, hard)
    if soft != resource.RLIM_INFINITY:
        new_soft = min(new_soft, soft)
    resource.setrlimit(resource.RLIMIT_AS, (new_soft, hard))


def _with_memory_limit(command: list[str], memory_bytes: int | None) -> list[str]:
    if memory_bytes is None:
        return command
    prlimit = shutil.which("prlimit")
    if prlimit is None:  # util-linux missing: the caller's own limit still applies
        return command
    # prlimit sets the limit on itself and execs the command: no preexec_fn, which is unsafe
    # in a process with threads (Dagster, the web server).
    return [prlimit, f"--as={memory_bytes}", "--", *command]


def run_limited(
    command: Sequence[str | os.PathLike[str]],
    *,
    timeout_s: float,
    memory_bytes: int | None = None,
    stdin: bytes | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run `command` in its own process group; past `timeout_s` the whole group is killed
    (SIGKILL) and `ToolTimeout` raised. `memory_bytes` caps its address space (RLIMIT_AS).
    A non-zero exit is returned, not raised: each caller knows what its tool's codes mean."""
    argv = _with_memory_limit([os.fspath(part) for part in command], memory_bytes)
    program = Path(os.fspath(command[0])).name
    process = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, so helpers it starts die with it
    )
    try:
        stdout, stderr = process.communicate(stdin, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        kill_process_group(process.pid)
        process.communicate()
        raise ToolTimeout(program, timeout_s) from None
    except BaseException:
        kill_process_group(process.pid)
        process.wait()
        raise
    return subprocess.CompletedProcess(argv, process.returncode, stdout, stderr)


def release_free_memory() -> None:
    """Hand the C heap's free pages back to the system (glibc `malloc_trim`); elsewhere a no-op.

    Freed memory otherwise stays resident in the process that freed it: harmless in a short
    process, not in one that lives for the batch after a large file."""
    with contextlib.suppress(OSError, AttributeError):
        _libc().malloc_trim(0)


def resident_bytes() -> int:
    """This process's resident memory (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")


def kill_process_group(pid: int) -> None:
    """SIGKILL the process group led by `pid` (started with start_new_session=True)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def limit_pillow(max_pixels: int) -> None:
    """Make Pillow refuse images over `max_pixels` (it only warns between 1x and 2x its cap).

    Process-wide: call it where a worker process starts (an OCR worker's initializer).
    """
    Image.MAX_IMAGE_PIXELS = max_pixels
    warnings.simplefilter("error", Image.DecompressionBombWarning)


def open_image(
    source: Path | bytes,
    *,
    max_pixels: int,
    formats: Sequence[str] = RENDERED_IMAGE_FORMATS,
) -> Image.Image:
    """Open an image of one of `formats` only (others raise `PIL.UnidentifiedImageError`), read
    its header, refuse it before decoding if it declares more than `max_pixels`, then decode."""
    stream = BytesIO(source) if isinstance(source, bytes) else source
    image = Image.open(stream, formats=list(formats))
    pixels = image.width * image.height
    if pixels > max_pixels:
        image.close()
        raise ImageTooLarge(pixels, max_pixels)
    image.load()
    return image
