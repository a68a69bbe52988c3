"""A long-lived child process that runs our own PDF parsing (pypdf) under a memory limit and a
wall-clock timeout, so a parser bug on a hostile file (a loop, a runaway allocation) costs that
file a quarantine and never hangs or kills the worker that asked.

One child per memory limit is kept for the life of the process (a fresh interpreter started
once, reused across files: a call costs a round trip of a few small pickles, not a process
start). It is replaced after a timeout, a crash or an exhausted memory limit. A plain subprocess
rather than multiprocessing: it never re-imports the caller's `__main__`, works from daemonic
pool workers, and sits in its own process group.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from pipeline.limits import (
    apply_memory_limit,
    kill_process_group,
    release_free_memory,
    resident_bytes,
)

log = logging.getLogger(__name__)

T = TypeVar("T")


class SandboxTimeout(Exception):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"sandboxed call ran longer than {seconds:.1f} s and was killed")


class SandboxOutOfMemory(Exception):
    def __init__(self, memory_bytes: int) -> None:
        self.memory_bytes = memory_bytes
        super().__init__(f"sandboxed call needed more than {memory_bytes} bytes")


class SandboxCrashed(Exception):
    def __init__(self, exitcode: int | None) -> None:
        self.exitcode = exitcode
        super().__init__(f"sandbox process died (exit code {exitcode})")


class SandboxFailure(Exception):
    """An exception raised in the child that could not be sent back as itself (type name only:
    its message may quote document content)."""

    def __init__(self, error_type: str) -> None:
        self.error_type = error_type
        super().__init__(error_type)


# Resident size of the child after a call above which it collects its garbage (it starts at
# about 50 MB; a 30-page scan leaves it near 70 MB, a 300-page one near 250 MB).
COLLECT_ABOVE_BYTES = 96 * 1024 * 1024

CHILD_PROGRAM = (
    "import sys; from pipeline.parser_sandbox import serve; serve(*map(int, sys.argv[1:]))"
)


def serve(read_fd: int, write_fd: int, memory_bytes: int) -> None:
    """The child's loop: receive (function, args), send back ("ok" | "error" | "memory", value)."""
    logging.disable(logging.CRITICAL)  # pypdf's warnings could quote a damaged file's bytes
    apply_memory_limit(memory_bytes)
    requests, replies = Connection(read_fd, writable=False), Connection(write_fd, readable=False)
    while True:
        try:
            function, args = requests.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        try:
            reply: tuple[str, Any] = ("ok", function(*args))
        except MemoryError:
            reply = ("memory", None)
        except Exception as error:  # sent back to the caller, who decides
            reply = ("error", error)
        try:
            replies.send(reply)
        except MemoryError:
            replies.send(("memory", None))
        except Exception:  # the exception (or result) does not pickle
            replies.send(("error", SandboxFailure(type(reply[1]).__name__)))
        if reply[0] == "memory":
            return  # the heap may be in a poor state after MemoryError: start afresh
        # The child idles between files, and an idle interpreter never collects: a parsed
        # 100 MB file (its reader is full of reference cycles) would stay resident, ~250 MB,
        # for as long as the batch runs. Free it and hand the memory back once the child has
        # grown (a full collection after every small file would slow a batch of them down).
        del function, args, reply
        if resident_bytes() > COLLECT_ABOVE_BYTES:
            gc.collect()
            release_free_memory()


class ParserSandbox:
    def __init__(self, memory_bytes: int) -> None:
        self.memory_bytes = memory_bytes
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._requests: Connection | None = None
        self._replies: Connection | None = None
        self._owner_pid = 0

    def call(self, function: Callable[..., T], *args: object, timeout_s: float) -> T:
        """`function(*args)` in the child; its exceptions are re-raised here. Raises
        `SandboxTimeout`, `SandboxOutOfMemory` or `SandboxCrashed` (the child is then replaced).
        `function` must be importable by name (a module-level function)."""
        with self._lock:
            requests, replies = self._ensure_started()
            try:
                requests.send((function, args))
                if not replies.poll(timeout_s):
                    self._stop()
                    raise SandboxTimeout(timeout_s)
                kind, value = replies.recv()
            except (EOFError, OSError):
                exitcode = self._stop()
                raise SandboxCrashed(exitcode) from None
            if kind == "memory":
                self._stop()
                raise SandboxOutOfMemory(self.memory_bytes)
            if kind == "error":
                raise value
            return value

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _ensure_started(self) -> tuple[Connection, Connection]:
        if self._process is not None and self._owner_pid != os.getpid():
            # We are a forked copy of the process that started it: that child is not ours.
            self._process = self._requests = self._replies = None
        if self._process is None or self._process.poll() is not None:
            self._stop()
            request_read, request_write = os.pipe()
            reply_read, reply_write = os.pipe()
            try:
                self._process = subprocess.Popen(
                    [
                        sys.executable,
                        "-c",
                        CHILD_PROGRAM,
                        str(request_read),
                        str(reply_write),
                        str(self.memory_bytes),
                    ],
                    pass_fds=(request_read, reply_write),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,  # a traceback could quote document bytes
                    start_new_session=True,
                )
            finally:
                os.close(request_read)
                os.close(reply_write)
            self._requests = Connection(request_write, readable=False)
            self._replies = Connection(reply_read, writable=False)
            self._owner_pid = os.getpid()
        assert self._requests is not None and self._replies is not None
        return self._requests, self._replies

    def _stop(self) -> int | None:
        process, requests, replies = self._process, self._requests, self._replies
        self._process = self._requests = self._replies = None
        for connection in (requests, replies):
            if connection is not None:
                with contextlib.suppress(OSError):
                    connection.close()
        if process is None:
            return None
        if process.poll() is None:
            kill_process_group(process.pid)
        return process.wait()


_sandboxes: dict[int, ParserSandbox] = {}
_sandboxes_lock = threading.Lock()


def sandbox_for(memory_bytes: int) -> ParserSandbox:
    """The process-wide sandbox for this memory limit."""
    with _sandboxes_lock:
        sandbox = _sandboxes.get(memory_bytes)
        if sandbox is None:
            sandbox = _sandboxes[memory_bytes] = ParserSandbox(memory_bytes)
        return sandbox
