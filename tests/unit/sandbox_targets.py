"""Functions the parser-sandbox tests run in the sandbox child (importable by name there)."""

from __future__ import annotations

import os
import signal
import time


def add(a: int, b: int) -> int:
    return a + b


def child_pid() -> int:
    return os.getpid()


def sleep_for(seconds: float) -> None:
    time.sleep(seconds)


def allocate(megabytes: int) -> int:
    block = bytearray(megabytes * 1024 * 1024)
    return len(block)


def die_by_signal() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


class UnpicklableError(Exception):
    def __init__(self, text: str, extra: object) -> None:  # two args: pickle cannot rebuild it
        super().__init__(text)
        self.extra = extra

    def __reduce__(self):
        raise TypeError("not picklable")


def raise_value_error() -> None:
    raise ValueError("bad value")


def raise_unpicklable() -> None:
    raise UnpicklableError("Jordan Ellis", object())
