"""Where a stored file's bytes are on this machine, from the keys it arrived under.

A key is an absolute path (the CLI records those), or a path relative to the configured source
root (an ingest folder, or a local mirror of the S3 input prefix). A relative key may not climb
out of the root (`../`); the page cache checks the bytes' sha256 before showing anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def resolve_source(source_keys: Iterable[str], source_root: Path | None) -> Path | None:
    for key in source_keys:
        if not key or "\x00" in key:
            continue
        candidate = Path(key)
        if candidate.is_absolute():
            if candidate.is_file():
                return candidate
            continue
        roots = [source_root] if source_root is not None else [Path.cwd()]
        for root in roots:
            base = root.resolve()
            resolved = (base / candidate).resolve()
            if resolved.is_relative_to(base) and resolved.is_file():
                return resolved
    return None
