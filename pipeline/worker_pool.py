"""Worker processes that OCR pages and extract documents, kept for the life of the process.

Starting forkserver workers (each imports numpy, PIL and pydantic, and spaCy once it extracts)
costs more than the work of a one-page file, so a pool is started on first use and kept from file
to file; after a worker crash it is replaced on the next submit. Each worker runs one Tesseract
thread: the pool already uses every core.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import importlib
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from pipeline.limits import apply_memory_limit, limit_pillow
from pipeline.ocr_tools import MAX_RENDERED_PIXELS

Result = TypeVar("Result")
# Address-space cap per worker (RLIMIT_AS, virtual memory): a 300 dpi Letter page and Tesseract
# need a few hundred MB resident, extraction (spaCy) a few hundred more; the rest is headroom
# for mapped libraries.
WORKER_MEMORY_LIMIT_BYTES = 3 * 1024**3


class WorkerPool:
    """A process pool that outlives a file. Safe to share between threads; a forked child of the
    process that made it gets a pool of its own (see `shared_worker_pool`)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._executor: concurrent.futures.ProcessPoolExecutor | None = None
        self.owner_pid = os.getpid()
        self._lock = threading.Lock()

    def submit(
        self, function: Callable[..., Result], *args: Any
    ) -> concurrent.futures.Future[Result]:
        """Run a picklable call in a worker; starts the pool, or a fresh one after a crash."""
        with self._lock:
            for attempt in (1, 2):
                if self._executor is None:
                    self._executor = concurrent.futures.ProcessPoolExecutor(
                        max_workers=self.workers,
                        mp_context=multiprocessing.get_context("forkserver"),
                        initializer=_init_worker,
                    )
                try:
                    return self._executor.submit(function, *args)
                except BrokenProcessPool:
                    # A worker died under an earlier file, which was quarantined: start afresh.
                    self._executor.shutdown(wait=False, cancel_futures=True)
                    self._executor = None
                    if attempt == 2:
                        raise
        raise AssertionError("unreachable")

    def warm_up(
        self,
        imports: tuple[str, ...] = (),
        call: tuple[Callable[..., Any], tuple[Any, ...]] | None = None,
    ) -> list[int]:
        """Start every worker now rather than on demand; each imports `imports` and makes `call`
        (function, arguments) once. Returns the workers' process ids."""
        futures = [self.submit(_worker_ready, imports, call) for _ in range(self.workers)]
        return sorted({future.result() for future in futures})

    def discard_broken(self) -> None:
        """Drop a pool whose worker died, so the next file gets a fresh one."""
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=False, cancel_futures=True)
                self._executor = None

    def shutdown(self) -> None:
        with self._lock:
            if self._executor is not None and os.getpid() == self.owner_pid:
                self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


_shared_pools: dict[int, WorkerPool] = {}
_shared_pools_lock = threading.Lock()


def shared_worker_pool(workers: int) -> WorkerPool:
    """This process's pool of `workers` workers: made on first use, stopped at interpreter exit.

    A child forked from this process (its pools' workers belong to the parent) gets its own.
    """
    with _shared_pools_lock:
        pool = _shared_pools.get(workers)
        if pool is None or pool.owner_pid != os.getpid():
            pool = WorkerPool(workers)
            _shared_pools[workers] = pool
        return pool


@atexit.register
def shutdown_shared_worker_pools() -> None:
    with _shared_pools_lock:
        pools = list(_shared_pools.values())
        _shared_pools.clear()
    for pool in pools:
        pool.shutdown()


def _init_worker() -> None:
    # One Tesseract thread per worker: the pool already uses every core, and Tesseract's own
    # OpenMP threads would fight over them (and spin, burning CPU, while they wait).
    os.environ["OMP_THREAD_LIMIT"] = "1"
    # A hostile page may make poppler or Tesseract allocate without bound: cap the worker's
    # address space (inherited by the tools it starts) so it fails alone, not the machine.
    apply_memory_limit(WORKER_MEMORY_LIMIT_BYTES)
    limit_pillow(MAX_RENDERED_PIXELS)


def _worker_ready(
    imports: tuple[str, ...], call: tuple[Callable[..., Any], tuple[Any, ...]] | None
) -> int:
    for module in imports:
        importlib.import_module(module)
    if call is not None:
        function, arguments = call
        function(*arguments)
    time.sleep(0.2)  # long enough that each warm-up call lands on a worker of its own
    return os.getpid()
