"""Hand-built `FileResult`s for storage tests: the contract's shapes with values in normal form,
so the store is tested without running OCR or the extractors."""

from __future__ import annotations

import hashlib

from pipeline.contract import (
    DocType,
    ExtractedDocument,
    FieldMap,
    FieldValue,
    FileError,
    FileResult,
    FileStatus,
    Route,
    ValidationIssue,
)

EXTRACTOR_VERSION = "test-1.0"


def sha256_for(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


def fv(
    value: str | None, confidence: float = 0.97, page: int | None = 1, line: int = 0
) -> FieldValue:
    """A value read on `page`, its box one text line (`line`) further down the page each time."""
    top = 90.0 + 14.0 * line
    bbox = (72.0, top, 240.0, top + 11.0) if value is not None and page is not None else None
    return FieldValue(
        value=value,
        confidence=confidence,
        page=page if value is not None else None,
        bbox=bbox,
        rule="test.label_right",
    )


def claim_form_fields(**overrides: str | None) -> FieldMap:
    values: dict[str, str | None] = {
        "form_kind": "auto",
        "carrier_name": "Harbor Mutual Insurance Co",
        "naic_code": "12345",
        "policy_number": "PA-2254257",
        "date_of_loss": "2026-03-14",
        "time_of_loss": "17:45",
        "loss_location": "Main St and 3rd Ave, Springfield, IL",
        "insured_name": "Dana Whitfield",
        "insured_address": "12 Elm St, Springfield, IL 62701",
        "insured_phone": "12175550143",
        "insured_email": "dana.whitfield@example.com",
        "loss_description": "Rear-ended at a red light.",
        "police_report_number": "SPD-26-001122",
        "estimated_loss_amount": "4250.00",
        "date_reported": "2026-03-15",
        "vehicle_vin": "1HGCM82633A004352",
        "vehicle_year": "2019",
        "vehicle_make": "Honda",
        "vehicle_model": "Accord",
        "vehicle_plate": "ABC1234",
        "driver_name": "Dana Whitfield",
    }
    values.update(overrides)
    return {name: fv(value, line=i) for i, (name, value) in enumerate(values.items())}


def party_row(unit: int, **overrides: str | None) -> dict[str, FieldValue]:
    values: dict[str, str | None] = {
        "unit": str(unit),
        "driver_name": f"Driver Number{unit}",
        "driver_dob": "1985-06-0" + str(unit % 9 + 1),
        "driver_license_number": f"D{unit:07d}",
        "driver_license_state": "IL",
        "driver_address": f"{unit} Oak Ave, Springfield, IL",
        "vehicle_year": "2018",
        "vehicle_make": "Ford",
        "vehicle_model": "Focus",
        "vehicle_vin": "1FADP3F20JL2" + f"{unit:05d}",
        "plate_number": f"PL{unit:04d}",
        "plate_state": "IL",
        "insurer_name": "Prairie State Insurance",
        "insurer_policy_number": f"PS-{unit:06d}",
    }
    values.update(overrides)
    return {
        name: fv(value, page=2, line=10 * unit + i)
        for i, (name, value) in enumerate(values.items())
    }


def police_report_fields(parties: int = 2, **overrides: str | None) -> FieldMap:
    values: dict[str, str | None] = {
        "report_number": "SPD-26-001122",
        "agency_name": "Springfield Police Department",
        "crash_date": "2026-03-14",
        "crash_time": "17:40",
        "crash_location": "Main St and 3rd Ave",
        "officer_name": "Sgt. Lee Park",
        "officer_badge": "4471",
        "narrative": "Unit 2 failed to stop and struck Unit 1 from behind.",
    }
    values.update(overrides)
    fields: FieldMap = {name: fv(value, line=i) for i, (name, value) in enumerate(values.items())}
    fields["parties"] = [party_row(unit) for unit in range(1, parties + 1)]
    return fields


def claim_row(index: int, **overrides: str | None) -> dict[str, FieldValue]:
    values: dict[str, str | None] = {
        "claim_number": f"CL-{index:05d}",
        "policy_number": "GL-778899",
        "date_of_loss": f"2025-0{index % 9 + 1}-1{index % 10}",
        "claimant_name": f"Claimant {index}",
        "description": "Slip and fall in store",
        "status": "closed" if index % 2 else "open",
        "paid": f"{1000 + index}.50",
        "reserve": "0.00" if index % 2 else "500.00",
        "incurred": f"{1000 + index}.50" if index % 2 else f"{1500 + index}.50",
    }
    values.update(overrides)
    return {
        name: fv(value, line=20 + 10 * index + i) for i, (name, value) in enumerate(values.items())
    }


def loss_run_fields(claims: int = 3, **overrides: str | None) -> FieldMap:
    values: dict[str, str | None] = {
        "carrier_name": "Harbor Mutual Insurance Co",
        "insured_name": "Acme Bakery LLC",
        "valuation_date": "2026-01-31",
        "total_paid": "3006.00",
        "total_reserve": "500.00",
        "total_incurred": "3506.00",
        "claim_count": str(claims),
    }
    values.update(overrides)
    fields: FieldMap = {name: fv(value, line=i) for i, (name, value) in enumerate(values.items())}
    fields["claims"] = [claim_row(index) for index in range(claims)]
    return fields


def document(
    doc_type: DocType,
    fields: FieldMap,
    *,
    page_start: int = 1,
    page_end: int | None = None,
    route: Route = Route.AUTO_APPROVED,
    route_reasons: list[str] | None = None,
    extractor_version: str = EXTRACTOR_VERSION,
    validation: list[ValidationIssue] | None = None,
) -> ExtractedDocument:
    return ExtractedDocument(
        page_start=page_start,
        page_end=page_end or page_start,
        doc_type=doc_type,
        doc_type_confidence=0.96,
        route=route,
        route_reasons=route_reasons
        or ([] if route is Route.AUTO_APPROVED else ["low_confidence:policy_number"]),
        fields=fields,
        extractor_version=extractor_version,
        validation=validation or [],
    )


def processed_result(
    label: str, documents: list[ExtractedDocument], *, pages: int | None = None
) -> FileResult:
    return FileResult(
        source=f"{label}.pdf",
        sha256=sha256_for(label),
        pages=pages or max(d.page_end for d in documents),
        status=FileStatus.PROCESSED,
        documents=documents,
    )


def quarantined_result(
    label: str,
    code: str = "encrypted",
    message: str = "The PDF is encrypted; decrypt it and send it again.",
) -> FileResult:
    return FileResult(
        source=f"{label}.pdf",
        sha256=sha256_for(label),
        pages=0,
        status=FileStatus.QUARANTINED,
        error=FileError(code=code, message=message),
    )


def packet_result(
    label: str, *, route: Route = Route.AUTO_APPROVED, extractor_version: str = EXTRACTOR_VERSION
) -> FileResult:
    """A claim packet: notice (p1), police report (p2-3), loss run (p4-5)."""
    return processed_result(
        label,
        [
            document(
                DocType.CLAIM_FORM,
                claim_form_fields(),
                page_start=1,
                route=route,
                extractor_version=extractor_version,
            ),
            document(
                DocType.POLICE_REPORT,
                police_report_fields(),
                page_start=2,
                page_end=3,
                route=route,
                extractor_version=extractor_version,
            ),
            document(
                DocType.LOSS_RUN,
                loss_run_fields(),
                page_start=4,
                page_end=5,
                route=route,
                extractor_version=extractor_version,
            ),
        ],
    )


def batch(size: int = 6) -> list[FileResult]:
    """A mixed batch: packets auto-approved and for review, single documents, a quarantined file."""
    results: list[FileResult] = []
    for i in range(size):
        kind = i % 4
        if kind == 0:
            results.append(packet_result(f"packet-{i}"))
        elif kind == 1:
            results.append(packet_result(f"packet-{i}", route=Route.NEEDS_REVIEW))
        elif kind == 2:
            results.append(
                processed_result(
                    f"loss-run-{i}",
                    [document(DocType.LOSS_RUN, loss_run_fields(claims=4), page_end=2)],
                )
            )
        else:
            results.append(quarantined_result(f"bad-{i}"))
    return results
