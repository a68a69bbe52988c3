"""A real loss-run PDF drawn with reportlab, and the FileResult an extractor would make of it.

Every value's bbox is where reportlab drew it (PDF points, top-left origin), so the boxes on the
review page fall exactly on the printed text. `misread` puts a wrong value with low confidence
into the extraction (what an OCR slip does); validation and routing are the real ones.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.pdfgen.canvas import Canvas

from pipeline.contract import (
    DocType,
    ExtractedDocument,
    FieldValue,
    FileResult,
    FileStatus,
)
from pipeline.route import RoutingPolicy, route_document
from validators import validate_fields

FONT, BOLD, SIZE = "Helvetica", "Helvetica-Bold", 8.0
PAGE_W, PAGE_H = letter
COLUMNS = [  # (cell, heading, x)
    ("claim_number", "Claim #", 36),
    ("policy_number", "Policy", 96),
    ("date_of_loss", "Loss date", 156),
    ("claimant_name", "Claimant", 208),
    ("description", "Description", 300),
    ("status", "Status", 410),
    ("paid", "Paid", 448),
    ("reserve", "Reserve", 498),
    ("incurred", "Incurred", 548),
]
ROW_HEIGHT = 20.0
EXTRACTOR_VERSION = "review-ui-test-1"


@dataclass
class LossRunSpec:
    claims: int = 25
    pages: int = 3
    carrier: str = "Harbor Mutual Insurance Co"
    insured: str = "Acme Bakery LLC"
    valuation_date: str = "2026-01-31"
    claimant_names: dict[int, str] = field(default_factory=dict)  # row -> printed name
    misread: dict[tuple[int, str], str] = field(default_factory=dict)  # (row, cell) -> extracted


def claim_values(index: int, spec: LossRunSpec) -> dict[str, str]:
    paid = Decimal(1000 + 37 * index) + Decimal("0.50")
    reserve = Decimal(0) if index % 3 else Decimal(250 * (index % 4 + 1))
    return {
        "claim_number": f"CL-{24000 + index:05d}",
        "policy_number": "GL-778899",
        "date_of_loss": f"2025-{index % 12 + 1:02d}-{index % 27 + 1:02d}",
        "claimant_name": spec.claimant_names.get(index, f"Claimant {chr(65 + index % 26)}. Rivera"),
        "description": ["Slip and fall", "Water damage", "Rear-end collision", "Theft"][index % 4],
        "status": "open" if reserve else "closed",
        "paid": f"{paid:.2f}",
        "reserve": f"{reserve:.2f}",
        "incurred": f"{paid + reserve:.2f}",
    }


class _Writer:
    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.page = 1

    def text(self, x: float, top: float, text: str, *, font: str = FONT, size: float = SIZE,
             right: bool = False) -> tuple[float, float, float, float]:
        """Draw `text` with its box's top at `top` (top-left origin); return that box."""
        ascent, descent = getAscentDescent(font, size)
        width = stringWidth(text, font, size)
        x0 = x - width if right else x
        baseline = PAGE_H - top - ascent
        self.canvas.setFont(font, size)
        self.canvas.drawString(x0, baseline, text)
        return (round(x0, 2), round(top, 2), round(x0 + width, 2), round(top + ascent - descent, 2))


def write_loss_run(path: Path, spec: LossRunSpec | None = None) -> FileResult:
    spec = spec or LossRunSpec()
    canvas = Canvas(str(path), pagesize=letter)
    canvas.setTitle("Loss run")
    writer = _Writer(canvas)
    fields: dict = {}

    def value(text: str, bbox, page: int, confidence: float = 0.97) -> FieldValue:
        return FieldValue(value=text, confidence=confidence, page=page, bbox=bbox, rule="test.drawn")

    writer.text(36, 40, "LOSS RUN REPORT", font=BOLD, size=14)
    for top, label, name, text in (
        (70, "Carrier:", "carrier_name", spec.carrier),
        (84, "Insured:", "insured_name", spec.insured),
        (98, "Valued as of:", "valuation_date", spec.valuation_date),
    ):
        writer.text(36, top, label, font=BOLD)
        fields[name] = value(text, writer.text(110, top, text), 1)

    per_page = -(-spec.claims // spec.pages)
    rows: list[dict[str, FieldValue]] = []
    totals = {"paid": Decimal(0), "reserve": Decimal(0), "incurred": Decimal(0)}
    for index in range(spec.claims):
        page = index // per_page + 1
        if page != writer.page:
            canvas.showPage()
            writer.page = page
        slot = index % per_page
        table_top = 130 if page == 1 else 60
        if slot == 0:
            for _, heading, x in COLUMNS:
                right = heading in ("Paid", "Reserve", "Incurred")
                writer.text(x + (40 if right else 0), table_top, heading, font=BOLD, right=right)
            writer.text(36, PAGE_H - 30, f"Page {page} of {spec.pages}", size=7)
        top = table_top + 18 + slot * ROW_HEIGHT
        printed = claim_values(index, spec)
        row: dict[str, FieldValue] = {}
        for cell, _, x in COLUMNS:
            money = cell in totals
            bbox = writer.text(x + (40 if money else 0), top, printed[cell], right=money)
            extracted = spec.misread.get((index, cell))
            if extracted is not None:
                row[cell] = value(extracted, bbox, page, confidence=0.58)
            else:
                row[cell] = value(printed[cell], bbox, page)
        for cell in totals:
            totals[cell] += Decimal(printed[cell])
        rows.append(row)
    fields["claims"] = rows

    top = (60 if writer.page > 1 else 130) + 18 + per_page * ROW_HEIGHT + 10
    writer.text(300, top, "Totals", font=BOLD)
    for cell, _, x in COLUMNS:
        if cell in totals:
            fields[f"total_{cell}"] = value(
                f"{totals[cell]:.2f}", writer.text(x + 40, top, f"{totals[cell]:.2f}", right=True),
                writer.page,
            )
    writer.text(36, top + 16, "Number of claims:", font=BOLD)
    fields["claim_count"] = value(str(spec.claims), writer.text(120, top + 16, str(spec.claims)), writer.page)
    canvas.showPage()
    canvas.save()

    issues = validate_fields(DocType.LOSS_RUN, fields)
    decision = route_document(DocType.LOSS_RUN, 0.97, fields, issues, RoutingPolicy())
    return FileResult(
        source=path.name,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        pages=writer.page,
        status=FileStatus.PROCESSED,
        documents=[
            ExtractedDocument(
                page_start=1,
                page_end=writer.page,
                doc_type=DocType.LOSS_RUN,
                doc_type_confidence=0.97,
                route=decision.route,
                route_reasons=decision.reasons,
                fields=fields,
                extractor_version=EXTRACTOR_VERSION,
                validation=issues,
            )
        ],
    )
