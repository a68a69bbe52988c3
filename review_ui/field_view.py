"""A document's fields as the task page shows them, and a submitted form read back into values.

Fields are grouped the way the document is laid out: header sections, then the list fields
(claim rows of a loss run, parties of a police report). Every catalogue field is shown, present
or not, so a reviewer can fill in what the extractor missed. Paths are the storage's field
paths (`policy_number`, `claims[2].paid`); they are checked against the catalogue before use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pipeline.contract import (
    ENUM_VALUES,
    LIST_FIELDS,
    SCALAR_FIELDS,
    BBox,
    DocType,
    FieldKind,
    FieldMap,
    FieldValue,
    ListFieldSpec,
    ValidationIssue,
)
from pipeline.normal_forms import normalise

# How each type's header fields sit on the page; catalogue fields not named here go to "Other".
SECTIONS: dict[DocType, list[tuple[str, list[str]]]] = {
    DocType.LOSS_RUN: [
        ("Report", ["carrier_name", "insured_name", "valuation_date"]),
        ("Totals", ["total_paid", "total_reserve", "total_incurred", "claim_count"]),
    ],
    DocType.CLAIM_FORM: [
        ("Policy", ["form_kind", "carrier_name", "naic_code", "policy_number"]),
        ("Loss", ["date_of_loss", "time_of_loss", "loss_location", "loss_description",
                  "estimated_loss_amount", "police_report_number", "date_reported"]),
        ("Insured", ["insured_name", "insured_address", "insured_phone", "insured_email"]),
        ("Vehicle and driver", ["vehicle_vin", "vehicle_year", "vehicle_make", "vehicle_model",
                                "vehicle_plate", "driver_name"]),
    ],
    DocType.POLICE_REPORT: [
        ("Report", ["report_number", "agency_name", "crash_date", "crash_time", "crash_location"]),
        ("Officer", ["officer_name", "officer_badge"]),
        ("Narrative", ["narrative"]),
    ],
    DocType.OTHER: [],
}

LIST_TITLES = {"claims": "Claims", "parties": "Parties"}
LIST_ROW_NAMES = {"claims": "claim row", "parties": "party"}

_LABEL_WORDS = {"naic": "NAIC", "vin": "VIN", "dob": "DOB", "id": "ID"}

SCALAR_PATH = re.compile(r"^(?P<name>[a-z_]{1,64})$")
CELL_PATH = re.compile(r"^(?P<list>[a-z_]{1,64})\[(?P<row>\d{1,4})\]\.(?P<name>[a-z_]{1,64})$")
ROW_PATH = re.compile(r"^(?P<list>[a-z_]{1,64})\[(?P<row>\d{1,4})\]$")


def label_for(name: str) -> str:
    words = [_LABEL_WORDS.get(word, word) for word in name.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class StoredCell:
    """One stored field value, as the task page needs it (built from storage's rows)."""

    path: str
    value: str | None
    confidence: float
    page: int | None = None
    bbox: BBox | None = None
    corrected: bool = False
    extracted_value: str | None = None


@dataclass
class CellView:
    path: str
    name: str
    label: str
    kind: FieldKind
    value: str | None
    confidence: float | None  # None: nothing was extracted
    page: int | None
    bbox: BBox | None
    corrected: bool
    changed: bool = False  # differs from the stored value (kept input after a conflict)
    stored_value: str | None = None
    messages: list[ValidationIssue] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)

    @property
    def dom_id(self) -> str:
        return "f-" + re.sub(r"[^a-z0-9]+", "-", self.path).strip("-")

    @property
    def confidence_band(self) -> str:
        if self.corrected:
            return "corrected"
        if self.confidence is None or self.value is None:
            return "none"
        if self.confidence >= 0.95:
            return "high"
        if self.confidence >= 0.80:
            return "medium"
        return "low"

    @property
    def has_error(self) -> bool:
        return any(message.severity == "error" for message in self.messages)


@dataclass
class RowView:
    list_name: str
    index: int
    cells: list[CellView]
    messages: list[ValidationIssue] = field(default_factory=list)
    removed: bool = False

    @property
    def path(self) -> str:
        return f"{self.list_name}[{self.index}]"


@dataclass
class SectionView:
    title: str
    cells: list[CellView]


@dataclass
class ListView:
    name: str
    title: str
    columns: list[tuple[str, str, FieldKind]]  # (name, label, kind)
    rows: list[RowView]
    next_index: int
    template_row: RowView

    @property
    def row_name(self) -> str:
        return LIST_ROW_NAMES.get(self.name, "row")


@dataclass
class FieldsView:
    sections: list[SectionView]
    lists: list[ListView]
    document_messages: list[ValidationIssue]

    def cells(self) -> Iterable[CellView]:
        for section in self.sections:
            yield from section.cells
        for list_view in self.lists:
            for row in list_view.rows:
                yield from row.cells

    def boxes_on_page(self, page: int) -> list[CellView]:
        return [c for c in self.cells() if c.page == page and c.bbox is not None]


@dataclass
class SubmittedFields:
    """A task form read back: what the reviewer left in each input (`values`), what the page
    showed when it was loaded (`originals`), and the rows ticked for removal."""

    values: dict[str, str | None]
    originals: dict[str, str | None] = field(default_factory=dict)
    removed_rows: set[str] = field(default_factory=set)

    def edited(self) -> dict[str, str | None]:
        """Only what the reviewer changed: untouched inputs never overwrite someone else's
        newer value."""
        return {
            path: value
            for path, value in self.values.items()
            if value != self.originals.get(path) and not _in_rows(path, self.removed_rows)
        }

    def kept(self) -> SubmittedFields:
        """The reviewer's own edits, to show again after a conflict or a failed check."""
        return SubmittedFields(values=self.edited(), removed_rows=set(self.removed_rows))


def _in_rows(path: str, rows: set[str]) -> bool:
    match = CELL_PATH.match(path)
    return bool(match and f"{match['list']}[{match['row']}]" in rows)


class FormError(ValueError):
    """The form names a field that is not in the catalogue of the document's type."""


def build_fields_view(
    doc_type: DocType,
    stored: Iterable[StoredCell],
    issues: Iterable[ValidationIssue] = (),
    submitted: SubmittedFields | None = None,
) -> FieldsView:
    """The task page's field groups; `submitted` (a form kept after a conflict or a failed
    check) overrides stored values so the reviewer's input stays on screen."""
    by_path = {cell.path: cell for cell in stored}
    messages = _messages_by_path(issues)
    overrides = submitted.values if submitted else {}
    removed = submitted.removed_rows if submitted else set()
    kinds = SCALAR_FIELDS[doc_type]

    def cell_view(path: str, name: str, kind: FieldKind) -> CellView:
        stored_cell = by_path.get(path)
        stored_value = stored_cell.value if stored_cell else None
        value = overrides[path] if path in overrides else stored_value
        return CellView(
            path=path,
            name=name,
            label=label_for(name),
            kind=kind,
            value=value,
            confidence=stored_cell.confidence if stored_cell else None,
            page=stored_cell.page if stored_cell else None,
            bbox=stored_cell.bbox if stored_cell else None,
            corrected=stored_cell.corrected if stored_cell else False,
            changed=path in overrides and overrides[path] != stored_value,
            stored_value=stored_value,
            messages=messages.pop(path, []),
            choices=sorted(ENUM_VALUES.get(name, ())) if kind is FieldKind.ENUM else [],
        )

    placed: set[str] = set()
    sections: list[SectionView] = []
    for title, names in SECTIONS[doc_type]:
        cells = [cell_view(name, name, kinds[name]) for name in names if name in kinds]
        placed.update(names)
        sections.append(SectionView(title=title, cells=cells))
    leftovers = [name for name in kinds if name not in placed]
    if leftovers:
        sections.append(
            SectionView(title="Other", cells=[cell_view(n, n, kinds[n]) for n in leftovers])
        )

    lists = []
    for spec in LIST_FIELDS[doc_type]:
        lists.append(_list_view(spec, by_path, overrides, removed, messages, cell_view))

    leftover_messages = [issue for group in messages.values() for issue in group]
    return FieldsView(sections=sections, lists=lists, document_messages=leftover_messages)


def _list_view(spec, by_path, overrides, removed, messages, cell_view) -> ListView:
    indexes = sorted(
        {int(m["row"]) for path in (*by_path, *overrides) if (m := CELL_PATH.match(path))
         and m["list"] == spec.name}
    )
    rows = []
    for index in indexes:
        row_path = f"{spec.name}[{index}]"
        cells = [cell_view(f"{row_path}.{name}", name, kind) for name, kind in spec.cells.items()]
        rows.append(
            RowView(
                list_name=spec.name,
                index=index,
                cells=cells,
                messages=messages.pop(row_path, []),
                removed=row_path in removed,
            )
        )
    next_index = (indexes[-1] + 1) if indexes else 0
    template = RowView(
        list_name=spec.name,
        index=next_index,
        cells=[cell_view(f"{spec.name}[{next_index}].{n}", n, k) for n, k in spec.cells.items()],
    )
    return ListView(
        name=spec.name,
        title=LIST_TITLES.get(spec.name, label_for(spec.name)),
        columns=[(name, label_for(name), kind) for name, kind in spec.cells.items()],
        rows=rows,
        next_index=next_index,
        template_row=template,
    )


def _messages_by_path(issues: Iterable[ValidationIssue]) -> dict[str, list[ValidationIssue]]:
    grouped: dict[str, list[ValidationIssue]] = {}
    for issue in issues:
        grouped.setdefault(issue.field or "", []).append(issue)
    return grouped


def read_submitted_fields(doc_type: DocType, form: Mapping[str, str]) -> SubmittedFields:
    """Pick the field inputs (`f:<path>`), the values the page showed (`o:<path>`) and row
    removals (`remove:<list>[i]`) out of a form.

    Paths outside the type's catalogue raise `FormError`: a crafted form cannot reach other
    columns or documents. Empty inputs mean "no value".
    """
    scalars = SCALAR_FIELDS[doc_type]
    specs = {spec.name: spec for spec in LIST_FIELDS[doc_type]}
    values: dict[str, str | None] = {}
    originals: dict[str, str | None] = {}
    removed: set[str] = set()
    for key, raw in form.items():
        prefix, _, path = key.partition(":")
        if prefix in ("f", "o"):
            if not _path_in_catalogue(path, scalars, specs):
                raise FormError(f"unknown field path for {doc_type.value}")
            (values if prefix == "f" else originals)[path] = _cleaned(str(raw))
        elif prefix == "remove":
            match = ROW_PATH.match(path)
            if not match or match["list"] not in specs:
                raise FormError(f"unknown row for {doc_type.value}")
            removed.add(path)
    return SubmittedFields(values=values, originals=originals, removed_rows=removed)


def _cleaned(text: str) -> str | None:
    # Single spaces for one-line values; free text keeps its line breaks (as \n).
    if "\n" in text or "\r" in text:
        cleaned = "\n".join(" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n"))
        cleaned = cleaned.strip()
    else:
        cleaned = " ".join(text.split())
    return cleaned or None


def _path_in_catalogue(path: str, scalars: Mapping[str, FieldKind], specs) -> bool:
    if SCALAR_PATH.match(path):
        return path in scalars
    match = CELL_PATH.match(path)
    return bool(match and match["list"] in specs and match["name"] in specs[match["list"]].cells)


def kind_of(doc_type: DocType, path: str) -> FieldKind:
    if (match := CELL_PATH.match(path)) is not None:
        spec: ListFieldSpec = next(s for s in LIST_FIELDS[doc_type] if s.name == match["list"])
        return spec.cells[match["name"]]
    return SCALAR_FIELDS[doc_type][path]


def normalise_submitted(
    doc_type: DocType, values: Mapping[str, str | None]
) -> tuple[dict[str, str | None], list[ValidationIssue]]:
    """Reviewer input in the contract's normal forms ("$1,200" -> "1200.00"); inputs that do not
    read as their kind come back as issues (and the input is kept on screen, not saved)."""
    normalised: dict[str, str | None] = {}
    problems: list[ValidationIssue] = []
    for path, text in values.items():
        if text is None:
            normalised[path] = None
            continue
        kind = kind_of(doc_type, path)
        value = normalise(kind, text)
        if value is None:
            problems.append(
                ValidationIssue(
                    code="not_normal_form",
                    message=f"does not read as a {kind.value.replace('_', ' ')}",
                    field=path,
                )
            )
        else:
            normalised[path] = value
    return normalised, problems


def merged_field_map(
    doc_type: DocType,
    stored: Iterable[StoredCell],
    edits: Mapping[str, str | None],
    removed_rows: set[str] = frozenset(),  # type: ignore[assignment]
) -> tuple[FieldMap, dict[str, list[int]]]:
    """The document as it would be with `edits` applied and `removed_rows` gone: a FieldMap for
    the validators, and for each list the stored row index of each list position (validator
    messages name positions; the page names stored rows)."""
    values: dict[str, StoredCell] = {cell.path: cell for cell in stored}
    for path, value in edits.items():
        base = values.get(path)
        values[path] = StoredCell(
            path=path,
            value=value,
            confidence=base.confidence if base else 1.0,
            page=base.page if base else None,
            bbox=base.bbox if base else None,
        )
    fields: FieldMap = {}
    rows: dict[str, dict[int, dict[str, FieldValue]]] = {}
    for path, cell in values.items():
        value = FieldValue(value=cell.value, confidence=cell.confidence, page=cell.page, bbox=cell.bbox)
        match = CELL_PATH.match(path)
        if match is None:
            fields[path] = value
        elif f"{match['list']}[{match['row']}]" not in removed_rows:
            rows.setdefault(match["list"], {}).setdefault(int(match["row"]), {})[match["name"]] = value
    positions: dict[str, list[int]] = {}
    for spec in LIST_FIELDS[doc_type]:
        by_index = rows.get(spec.name, {})
        # A row the reviewer added but left empty is not a row.
        kept = [i for i in sorted(by_index) if any(v.value is not None for v in by_index[i].values())]
        fields[spec.name] = [by_index[i] for i in kept]
        positions[spec.name] = kept
    return fields, positions


_ISSUE_ROW = re.compile(r"^(?P<list>[a-z_]+)\[(?P<pos>\d+)\]")


def issues_on_stored_rows(
    issues: Iterable[ValidationIssue], positions: Mapping[str, list[int]]
) -> list[ValidationIssue]:
    """Rename `claims[k]...` in issue paths from list position to stored row index."""
    renamed = []
    for issue in issues:
        match = _ISSUE_ROW.match(issue.field or "")
        if match and match["list"] in positions and int(match["pos"]) < len(positions[match["list"]]):
            index = positions[match["list"]][int(match["pos"])]
            issue = issue.model_copy(
                update={"field": f"{match['list']}[{index}]" + issue.field[match.end():]}
            )
        renamed.append(issue)
    return renamed
