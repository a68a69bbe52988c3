"""Peak memory of this process and all its descendants (OCR workers, Tesseract, poppler).

`ru_maxrss` only sees one process, and workers started by a forkserver are not our direct
children, so we sample the process tree from /proc instead.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _children_map() -> dict[int, list[int]]:
    """Every process's children, from a scan of all of /proc (the fallback: slow on a busy box)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the command name, which may itself hold spaces and parentheses.
        fields = stat[stat.rfind(")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _children_of(pid: int) -> list[int] | None:
    """Children of `pid` from /proc/PID/task/*/children; None if the kernel does not list them."""
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []  # the process has exited
    found: list[int] = []
    for thread in threads:
        try:
            listed = Path(f"/proc/{pid}/task/{thread}/children").read_text()
            found.extend(int(child) for child in listed.split())
        except FileNotFoundError:
            if not Path(f"/proc/{pid}/task/{thread}").exists():
                continue  # the thread has exited
            return None  # no CONFIG_PROC_CHILDREN
        except OSError:
            continue
    return found


def tree_rss_bytes(root_pid: int | None = None) -> int:
    """Resident memory of `root_pid` (default: this process) and every descendant.

    Walks down from the root through each process's children list, which costs a few reads per
    process in the tree; sampling every process on the machine instead would itself load the
    process being measured.
    """
    root = root_pid or os.getpid()
    children_map: dict[int, list[int]] | None = None
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            resident_pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        total += resident_pages * _PAGE_BYTES
        children = _children_of(pid)
        if children is None:
            children_map = children_map if children_map is not None else _children_map()
            children = children_map.get(pid, [])
        stack.extend(children)
    return total


class PeakTreeMemory:
    """Samples the process tree's resident memory in a thread; `peak_mb` after `stop()`."""

    def __init__(self, interval_s: float = 0.1, root_pid: int | None = None) -> None:
        self.interval_s = interval_s
        self.root_pid = root_pid
        self.peak_bytes = 0
        self.sampler_cpu_seconds = 0.0  # what the sampling itself cost this process
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakTreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return self.peak_bytes / (1024 * 1024)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_bytes = max(self.peak_bytes, tree_rss_bytes(self.root_pid))
            self.sampler_cpu_seconds = time.thread_time()
            self._stop.wait(self.interval_s)
