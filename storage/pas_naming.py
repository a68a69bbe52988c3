"""Where the PAS-facing tables live: schema `pas` on PostgreSQL, a `pas_` name prefix elsewhere.

SQLite has no schemas in one file (ATTACH makes a second file, and commits across attached
files are not atomic in WAL mode), so the same logical table gets a prefixed name there.
"""

from __future__ import annotations

from dataclasses import dataclass

PAS_SCHEMA = "pas"
PAS_PREFIX = "pas_"


@dataclass(frozen=True)
class PasNaming:
    schema: str | None
    prefix: str

    def table_name(self, logical: str) -> str:
        return f"{self.prefix}{logical}"

    def qualified(self, logical: str) -> str:
        """The name to write in SQL: `pas.loss_runs` or `pas_loss_runs`."""
        name = self.table_name(logical)
        return f"{self.schema}.{name}" if self.schema else name


def pas_naming_for(dialect_name: str) -> PasNaming:
    if dialect_name == "postgresql":
        return PasNaming(schema=PAS_SCHEMA, prefix="")
    return PasNaming(schema=None, prefix=PAS_PREFIX)
