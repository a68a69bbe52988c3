"""Real network faults for the tests: an HTTP proxy in front of the S3 server that can answer
"503 SlowDown" or corrupt a body, and a TCP proxy in front of PostgreSQL that can be cut.

They sit on loopback between the code under test (in this process or in a run's subprocess) and
the real servers, so botocore, psycopg and SQLAlchemy see the same bytes they would see from a
throttling S3 or a restarting database.
"""

import http.client
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOW_DOWN_BODY = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
    b"<Message>Please reduce your request rate.</Message><RequestId>fault-proxy</RequestId></Error>"
)
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade", "expect"}


@dataclass
class FaultRule:
    """Apply `action` to the next `remaining` requests for which `matches` is true."""

    action: str  # "slow_down" | "corrupt_body"
    remaining: int
    matches: Callable[[str, str], bool]  # (method, path) -> bool
    hits: int = 0


@dataclass
class FaultPlan:
    rules: list[FaultRule] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0

    def add(self, action: str, times: int, matches: Callable[[str, str], bool] | None = None) -> FaultRule:
        rule = FaultRule(action, times, matches or (lambda method, path: True))
        with self.lock:
            self.rules.append(rule)
        return rule

    def take(self, method: str, path: str) -> str | None:
        with self.lock:
            self.requests += 1
            for rule in self.rules:
                if rule.remaining > 0 and rule.matches(method, path):
                    rule.remaining -= 1
                    rule.hits += 1
                    return rule.action
        return None

    def clear(self) -> None:
        with self.lock:
            self.rules.clear()


class S3FaultProxy:
    """Forwards HTTP to `upstream` (host, port), injecting the faults of `plan`."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.plan = FaultPlan()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                return None

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                action = proxy.plan.take(self.command, self.path)
                if action == "slow_down":
                    self.send_response(503)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(SLOW_DOWN_BODY)))
                    self.end_headers()
                    self.wfile.write(SLOW_DOWN_BODY)
                    return
                connection = http.client.HTTPConnection(*upstream, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                connection.request(self.command, self.path, body=body or None, headers=headers)
                response = connection.getresponse()
                data = response.read()
                if action == "corrupt_body" and data:
                    # Same length, different bytes: only a checksum can tell.
                    data = bytes([data[0] ^ 0xFF]) + data[1:]
                self.send_response(response.status)
                for key, value in response.getheaders():
                    if key.lower() not in HOP_BY_HOP | {"content-length"}:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                connection.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "S3FaultProxy":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class TcpCutProxy:
    """A TCP pipe to `upstream` that can be cut (every connection reset, new ones refused at
    once) and restored, like a database server that went down and came back."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self._cut = threading.Event()
        self._refuse = 0  # connections still to refuse before accepting again
        self._stop = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)

    @property
    def port(self) -> int:
        return self._listener.getsockname()[1]

    def __enter__(self) -> "TcpCutProxy":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._close_all()
        self._listener.close()

    def cut(self) -> None:
        self._cut.set()
        self._close_all()

    def restore(self) -> None:
        self._cut.clear()

    def refuse_next(self, count: int) -> None:
        """Reset the next `count` new connections (a server restarting), then serve again."""
        with self._lock:
            self._refuse = count

    def _close_all(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                # shutdown first: on Linux a bare close() does not wake a pump thread blocked in
                # recv() on this socket, so a client waiting for a reply would wait forever.
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                sock.close()
            except OSError:
                pass

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                refuse = self._refuse > 0
                self._refuse = max(0, self._refuse - 1)
            if self._cut.is_set() or refuse:
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                client.close()
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update({client, server})
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
