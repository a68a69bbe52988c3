"""A PostgreSQL server for the test suite, found or started, so tests never need one set up.

In order: the server in $TEST_DATABASE_URL / $DATABASE_URL (a postgresql URL whose role may
CREATE DATABASE); the one on 127.0.0.1:5432 if it lets us in; else a throwaway cluster made with
the system's `initdb` / `pg_ctl` in a temp dir on a free port, removed again at the end.
Each test database is created fresh under a unique name and dropped after.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage.engine import normalise_database_url

LOCAL_PORT = 5432
URL_VARIABLES = ("TEST_DATABASE_URL", "DATABASE_URL")


@dataclass
class PostgresServer:
    admin_url: str  # a database on the server where CREATE DATABASE may run
    origin: str  # which way it was found: a variable name, "local" or "throwaway"
    _stop: Callable[[], None] | None = None
    cluster_dir: Path | None = None  # a throwaway cluster's files, removed by stop()
    _prefix: str = field(
        default_factory=lambda: f"claimdocs_test_{os.getpid()}_{secrets.token_hex(3)}"
    )
    _count: int = 0

    def url_for(self, database: str) -> str:
        url = make_url(self.admin_url).set(database=database)
        if "options" not in url.query:
            # Commits need not wait for the disk in tests: a crash of the *server* is not what
            # they test, and on a busy 2-core box this halves their time.
            url = url.update_query_dict({"options": "-c synchronous_commit=off"})
        return url.render_as_string(hide_password=False)

    def _admin(self, sql: str) -> None:
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(sql))
        finally:
            engine.dispose()

    def create_database(self, *, template: str | None = None) -> str:
        """A new empty (or template-copied) database; returns its name."""
        self._count += 1
        name = f"{self._prefix}_{self._count}"
        self._admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return name

    def drop_database(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self._stop is not None:
            self._stop()
            self._stop = None


def accepts_connections(url: str, timeout: float = 3.0) -> bool:
    engine = create_engine(url, connect_args={"connect_timeout": int(timeout)})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # any failure means "not usable": refused, auth, missing database
        return False
    finally:
        engine.dispose()


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1.0):
        return True
    return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_bin_dir() -> Path | None:
    """The newest /usr/lib/postgresql/*/bin with initdb and pg_ctl, or those on PATH."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for directory in candidates:
        if (directory / "initdb").exists() and (directory / "pg_ctl").exists():
            return directory
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent
    return None


def _unprivileged_user() -> pwd.struct_passwd:
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise RuntimeError("running as root and found neither a 'postgres' nor a 'nobody' user")


def start_throwaway_postgres() -> PostgresServer:
    """initdb + pg_ctl start in a fresh temp dir on a free port; stop() removes it all.

    PostgreSQL refuses to run as root, so as root the cluster belongs to (and runs as) the
    `postgres` user (or `nobody`) via runuser.
    """
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise FileNotFoundError("no initdb/pg_ctl found (Debian package: postgresql)")
    base = Path(tempfile.mkdtemp(prefix="claimdocs-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        user = _unprivileged_user()
        os.chown(base, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", user.pw_name, "--"]
    data = base / "data"
    port = free_port()

    def run(*args: str) -> None:
        subprocess.run(
            [*run_as, *args], check=True, stdin=subprocess.DEVNULL, capture_output=True, timeout=120
        )

    try:
        run(
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        )
        server_options = (
            f"-p {port} -c listen_addresses=127.0.0.1 -k {base} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        run(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(base / "server.log"),
            "-w",
            "-t",
            "60",
            "-o",
            server_options,
            "start",
        )
    except BaseException:
        shutil.rmtree(base, ignore_errors=True)
        raise

    def stop() -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)

    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    return PostgresServer(admin_url=url, origin="throwaway", _stop=stop, cluster_dir=base)


def discover_postgres_server(
    environ: Mapping[str, str], *, local_port: int = LOCAL_PORT
) -> PostgresServer:
    for variable in URL_VARIABLES:
        url = environ.get(variable)
        if url and make_url(normalise_database_url(url)).get_backend_name() == "postgresql":
            url = normalise_database_url(url)
            if not accepts_connections(url):
                raise RuntimeError(
                    f"${variable} names a PostgreSQL server that does not accept connections"
                )
            return PostgresServer(admin_url=url, origin=variable)
    user = environ.get("PGUSER", "postgres")
    local = f"postgresql+psycopg://{user}@127.0.0.1:{local_port}/postgres"
    if port_open(local_port) and accepts_connections(local):
        return PostgresServer(admin_url=local, origin="local")
    return start_throwaway_postgres()
