"""Where the store's database is: read once, by the shells (CLI, Dagster, review UI), never by
the store's functions, which are handed an engine."""

from __future__ import annotations

import os
from collections.abc import Mapping

# Zero-config default for the demo: an SQLite file under the working directory.
DEFAULT_DATABASE_URL = "sqlite:///./.claimdocs/claimdocs.sqlite3"
DATABASE_URL_VARIABLE = "DATABASE_URL"


def resolve_database_url(
    explicit: str | None = None, environ: Mapping[str, str] | None = None
) -> str:
    """An explicit URL wins, then $DATABASE_URL, then the SQLite default."""
    if explicit:
        return explicit
    env = os.environ if environ is None else environ
    return env.get(DATABASE_URL_VARIABLE) or DEFAULT_DATABASE_URL
