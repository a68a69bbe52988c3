"""Where the database is: explicit URL, then $DATABASE_URL, then the SQLite default."""

from __future__ import annotations

from storage.engine import normalise_database_url
from storage.settings import DEFAULT_DATABASE_URL, resolve_database_url


def test_explicit_url_wins_over_environment():
    environ = {"DATABASE_URL": "postgresql+psycopg://u@h/db"}
    assert resolve_database_url("sqlite:///x.sqlite3", environ) == "sqlite:///x.sqlite3"


def test_environment_then_default():
    assert resolve_database_url(None, {"DATABASE_URL": "postgresql+psycopg://u@h/db"}).endswith(
        "/db"
    )
    assert resolve_database_url(None, {}) == DEFAULT_DATABASE_URL
    assert resolve_database_url(None, {"DATABASE_URL": ""}) == DEFAULT_DATABASE_URL


def test_plain_postgres_urls_use_psycopg3():
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///a.sqlite3") == "sqlite:///a.sqlite3"
