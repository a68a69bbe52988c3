"""The summary a batch prints: files by status, documents by type and route, fields, speed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table

from pipeline.contract import FieldValue, FileResult


@dataclass
class BatchSummary:
    files_by_status: Counter = field(default_factory=Counter)
    quarantine_reasons: Counter = field(default_factory=Counter)
    documents_by_type_route: Counter = field(default_factory=Counter)
    fields_found: int = 0
    fields_total: int = 0
    pages: int = 0
    elapsed_seconds: float = 0.0
    already_recorded: int = 0  # files whose result the database held already (re-runs)

    def add(self, result: FileResult, *, newly_recorded: bool = True) -> None:
        self.already_recorded += not newly_recorded
        self.files_by_status[str(result.status)] += 1
        self.pages += result.pages
        if result.error is not None:
            self.quarantine_reasons[result.error.code] += 1
        for document in result.documents:
            self.documents_by_type_route[(str(document.doc_type), str(document.route))] += 1
            for value in document.fields.values():
                cells = [value] if isinstance(value, FieldValue) else [
                    cell for row in value for cell in row.values()
                ]
                self.fields_total += len(cells)
                self.fields_found += sum(1 for cell in cells if cell.value is not None)

    @property
    def pages_per_minute(self) -> float:
        return 60.0 * self.pages / self.elapsed_seconds if self.elapsed_seconds else 0.0


def render_summary(summary: BatchSummary, database_states: Any | None = None) -> str:
    """Tables for a batch; `database_states` (storage's StatusSummary) adds where every file
    and document stands in the database after the batch."""
    console = Console(record=True, width=100, force_terminal=False, color_system=None)
    files = Table(title="Files by status")
    files.add_column("status")
    files.add_column("files", justify="right")
    for status, count in sorted(summary.files_by_status.items()):
        files.add_row(status, str(count))
    for reason, count in sorted(summary.quarantine_reasons.items()):
        files.add_row(f"  quarantined: {reason}", str(count))
    console.print(files)

    documents = Table(title="Documents by type and route")
    documents.add_column("doc_type")
    documents.add_column("route")
    documents.add_column("documents", justify="right")
    for (doc_type, route), count in sorted(summary.documents_by_type_route.items()):
        documents.add_row(doc_type, route, str(count))
    console.print(documents)

    totals = Table(title="Totals")
    totals.add_column("measure")
    totals.add_column("value", justify="right")
    totals.add_row("files", str(sum(summary.files_by_status.values())))
    totals.add_row("pages", str(summary.pages))
    totals.add_row("fields found / catalogue fields", f"{summary.fields_found} / {summary.fields_total}")
    totals.add_row("seconds", f"{summary.elapsed_seconds:.1f}")
    totals.add_row("pages/minute", f"{summary.pages_per_minute:.1f}")
    if database_states is not None:
        totals.add_row("files already recorded (unchanged)", str(summary.already_recorded))
    console.print(totals)

    if database_states is not None:
        states = Table(title="Database: where everything stands")
        states.add_column("what")
        states.add_column("state")
        states.add_column("count", justify="right")
        for state, count in database_states.files.items():
            states.add_row("files", str(state.value), str(count))
        for state, count in database_states.documents.items():
            states.add_row("documents", str(state.value), str(count))
        states.add_row("review tasks", "open", str(database_states.open_review_tasks))
        console.print(states)
    return console.export_text()
