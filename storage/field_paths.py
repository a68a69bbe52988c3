"""Field paths name one value of a document: `policy_number` or `claims[0].paid` (0-based row).

The same spelling as `ValidationIssue.field`, so the review UI can put messages beside values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.contract import LIST_FIELDS, SCALAR_FIELDS, DocType, FieldKind
from storage.errors import UnknownField

_PATH = re.compile(r"^(?:(?P<list>[a-z_]+)\[(?P<index>\d{1,4})\]\.)?(?P<field>[a-z_0-9]+)$")


@dataclass(frozen=True)
class FieldPath:
    field_name: str
    list_name: str | None = None
    row_index: int | None = None

    def __str__(self) -> str:
        if self.list_name is None:
            return self.field_name
        return f"{self.list_name}[{self.row_index}].{self.field_name}"


def parse_field_path(doc_type: DocType, path: str) -> tuple[FieldPath, FieldKind]:
    """The path and its kind, if the contract's catalogue has it for `doc_type`."""
    match = _PATH.match(path)
    if match is None:
        raise UnknownField(f"not a field path: {path[:80]!r}")
    name = match["field"]
    if match["list"] is None:
        kind = SCALAR_FIELDS[doc_type].get(name)
        if kind is None:
            raise UnknownField(f"{doc_type} has no field {name}")
        return FieldPath(name), kind
    spec = next((s for s in LIST_FIELDS[doc_type] if s.name == match["list"]), None)
    if spec is None or name not in spec.cells:
        raise UnknownField(f"{doc_type} has no field {match['list']}[].{name}")
    return FieldPath(name, spec.name, int(match["index"])), spec.cells[name]
