"""Child-process limits: a timeout kills the whole process group, RLIMIT_AS stops a runaway
allocation, Pillow opens only the formats asked for and refuses oversized images unread."""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

import pytest
from PIL import Image, UnidentifiedImageError

from pipeline.limits import ImageTooLarge, ToolTimeout, open_image, run_limited

MB = 1024 * 1024


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers signal 0: look at its state.
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    return state != "Z"


def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild.pid"
    script = f"sleep 60 & echo $! > {pid_file}; wait"
    started = time.monotonic()
    with pytest.raises(ToolTimeout) as caught:
        run_limited(["sh", "-c", script], timeout_s=1.0)
    assert caught.value.program == "sh"
    assert time.monotonic() - started < 10
    grandchild = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(grandchild)


def test_exit_code_and_output_come_back() -> None:
    completed = run_limited(["sh", "-c", "echo out; echo err >&2; exit 3"], timeout_s=10)
    assert completed.returncode == 3
    assert completed.stdout == b"out\n" and completed.stderr == b"err\n"


def test_memory_limit_stops_a_runaway_allocation() -> None:
    program = [sys.executable, "-c", "bytearray(384 * 1024 * 1024)"]
    limited = run_limited(program, timeout_s=60, memory_bytes=128 * MB)
    assert limited.returncode != 0 and b"MemoryError" in limited.stderr


def test_apply_memory_limit_in_a_child_process() -> None:
    code = (
        "from pipeline.limits import apply_memory_limit\n"
        "apply_memory_limit(128 * 1024 * 1024)\n"
        "try:\n    bytearray(384 * 1024 * 1024)\nexcept MemoryError:\n    raise SystemExit(7)\n"
    )
    assert run_limited([sys.executable, "-c", code], timeout_s=60).returncode == 7


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (width, height), 255).save(buffer, format="PNG")
    return buffer.getvalue()


def test_open_image_refuses_formats_not_asked_for() -> None:
    with pytest.raises(UnidentifiedImageError):
        open_image(_png(10, 10), max_pixels=1000, formats=("PPM",))
    assert open_image(_png(10, 10), max_pixels=1000, formats=("PNG",)).size == (10, 10)


def test_open_image_refuses_too_many_pixels_before_decoding() -> None:
    with pytest.raises(ImageTooLarge) as caught:
        open_image(_png(100, 100), max_pixels=9999, formats=("PNG",))
    assert caught.value.pixels == 10_000
