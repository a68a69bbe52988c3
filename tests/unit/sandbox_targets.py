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


class _Node:
    def __init__(self, parent: _Node | None) -> None:
        self.parent = parent  # a cycle through `children`, as a parsed PDF's objects have
        self.children: list[_Node] = []
        self.payload = {"key": str(id(self))}


def build_cyclic_garbage(megabytes: int) -> int:
    """Many small objects in reference cycles, dropped on return (a parser's object graph)."""
    root = _Node(None)
    nodes = 0
    while nodes < megabytes * 2_500:  # ~400 bytes a node
        child = _Node(root)
        root.children.append(child)
        nodes += 1
    return nodes


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
