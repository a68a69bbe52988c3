"""Slows password guessing: after too many failed logins for one user name or from one address
in a window, further attempts are refused until the window has passed. In-process (one server
process per deployment is the norm for this UI); a restart forgets."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque


class LoginThrottle:
    def __init__(self, *, max_failures: int = 8, window_seconds: float = 900.0) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _keys(self, username: str, address: str | None) -> list[str]:
        return [f"user:{username.casefold()}", f"addr:{address or '?'}"]

    def blocked(self, username: str, address: str | None) -> bool:
        now = time.monotonic()
        with self._lock:
            return any(self._recent(key, now) >= self.max_failures for key in self._keys(username, address))

    def failed(self, username: str, address: str | None) -> None:
        now = time.monotonic()
        with self._lock:
            for key in self._keys(username, address):
                self._failures[key].append(now)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(f"user:{username.casefold()}", None)

    def _recent(self, key: str, now: float) -> int:
        attempts = self._failures.get(key)
        if not attempts:
            return 0
        while attempts and now - attempts[0] > self.window_seconds:
            attempts.popleft()
        return len(attempts)
