"""Shared fixtures: databases for any test that stores something.

- `database_url`: a migrated database with empty tables, once on PostgreSQL and once on SQLite
  (the PostgreSQL case is marked `integration`). On PostgreSQL it is one database per session,
  emptied before each test: do not change its schema there.
- `pg_url` / `sqlite_url`: the same for one backend only.
- `empty_database(url)`: empty a `database_url` database again within a test.
- `database_factory`: call it for fresh migrated databases of their own (several per test, or
  a schema a test may change), once per backend.
- `empty_database_url`: a fresh database with no tables (for migration tests), both backends.
- `pg_server`: the PostgreSQL server in use (see tests/postgres_server.py for how it is found:
  $TEST_DATABASE_URL / $DATABASE_URL, else 127.0.0.1:5432, else a throwaway cluster).
- `store`: a `storage.Store` on `database_url`.

Migrations run once per session into a template (a PostgreSQL template database, an SQLite
file) that fresh databases copy.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.postgres_server import PostgresServer, discover_postgres_server, postgres_bin_dir

BACKENDS = [pytest.param("postgresql", marks=pytest.mark.integration), "sqlite"]


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    try:
        server = discover_postgres_server(os.environ)
    except FileNotFoundError as error:
        if postgres_bin_dir() is None:
            pytest.skip(f"no PostgreSQL reachable and none installed to start: {error}")
        raise
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _pg_template(pg_server: PostgresServer) -> Iterator[str]:
    from storage import migrate

    name = pg_server.create_database()
    migrate.upgrade(pg_server.url_for(name))
    yield name
    pg_server.drop_database(name)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from storage import migrate

    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    migrate.upgrade(_sqlite_url(path))
    return path


def _fresh_databases(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, *, migrated: bool
) -> Iterator[Callable[[], str]]:
    """Yields a function that makes one more fresh database per call; all dropped at teardown."""
    created: list[str] = []
    if backend == "postgresql":
        server: PostgresServer = request.getfixturevalue("pg_server")
        template = request.getfixturevalue("_pg_template") if migrated else None

        def make() -> str:
            name = server.create_database(template=template)
            created.append(name)
            return server.url_for(name)

        yield make
        for name in created:
            server.drop_database(name)
        return
    template_file: Path | None = request.getfixturevalue("_sqlite_template") if migrated else None

    def make_sqlite() -> str:
        path = tmp_path / f"db-{len(created) + 1}.sqlite3"
        if template_file is not None:
            shutil.copyfile(template_file, path)
        created.append(str(path))
        return _sqlite_url(path)

    yield make_sqlite


@pytest.fixture(scope="session")
def _pg_shared(pg_server: PostgresServer, _pg_template: str) -> Iterator[str]:
    """One migrated PostgreSQL database for the session, emptied before each test that uses it
    (creating and dropping a database per test costs about a second on a busy 2-core box)."""
    name = pg_server.create_database(template=_pg_template)
    yield pg_server.url_for(name)
    pg_server.drop_database(name)


def _empty_all_tables(url: str) -> None:
    from sqlalchemy import delete
    from sqlalchemy.exc import DBAPIError

    from storage import make_engine
    from storage.pas_tables import schema_for_dialect

    engine = make_engine(url)
    metadata, _ = schema_for_dialect(engine.dialect.name)
    tables = list(reversed(metadata.sorted_tables))
    try:
        try:
            with engine.begin() as connection:
                # Replica mode skips triggers (the append-only guards, FK checks): DELETE on a
                # few rows takes milliseconds where TRUNCATE rewrites files (~0.5 s on a busy box).
                connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
                for table in tables:
                    connection.execute(delete(table))
        except DBAPIError:  # not a superuser: TRUNCATE fires no row triggers either
            with engine.begin() as connection:
                connection.exec_driver_sql(
                    "TRUNCATE "
                    + ", ".join(table.fullname for table in tables)
                    + " RESTART IDENTITY"
                )
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """More fresh, migrated databases of one backend: for tests that need several, or that
    change the schema (the shared `database_url` must keep it)."""
    yield from _fresh_databases(request.param, request, tmp_path, migrated=True)


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> str:
    """A migrated PostgreSQL database with empty tables (shared: do not change its schema)."""
    url = request.getfixturevalue("_pg_shared")
    _empty_all_tables(url)
    return url


@pytest.fixture
def sqlite_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh migrated SQLite file for this test."""
    for make in _fresh_databases("sqlite", request, tmp_path, migrated=True):
        yield make()


@pytest.fixture
def empty_database(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Empties a database from `database_url` again (all its engines must be disposed first),
    for tests that compare a second run against a first in a clean database."""

    def empty(url: str) -> None:
        if url.startswith("sqlite"):
            path = Path(url.removeprefix("sqlite:///"))
            for leftover in (
                path.with_name(path.name + "-wal"),
                path.with_name(path.name + "-shm"),
            ):
                leftover.unlink(missing_ok=True)
            shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        else:
            _empty_all_tables(url)

    return empty


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    """A migrated database with empty tables, once per backend."""
    return request.getfixturevalue("pg_url" if request.param == "postgresql" else "sqlite_url")


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    for make in _fresh_databases(request.param, request, tmp_path, migrated=False):
        yield make()


@pytest.fixture
def store(database_url: str):
    from storage import Store, make_engine

    engine = make_engine(database_url)
    yield Store(engine)
    engine.dispose()
