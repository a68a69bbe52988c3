"""The extraction contract as types: document types, field catalogue and the output JSON.

Mirrors `shared/spec/extraction-contract.md`. Everything that writes or reads an extraction
(CLI, eval, storage, review UI, Dagster) goes through these models.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

BBox = tuple[float, float, float, float]


class DocType(StrEnum):
    LOSS_RUN = "loss_run"
    CLAIM_FORM = "claim_form"
    POLICE_REPORT = "police_report"
    OTHER = "other"


class Route(StrEnum):
    AUTO_APPROVED = "auto_approved"
    NEEDS_REVIEW = "needs_review"


class FieldKind(StrEnum):
    """How a field's value is normalised and compared (see `pipeline.normal_forms`)."""

    DATE = "date"
    TIME = "time"
    MONEY = "money"
    PHONE = "phone"
    IDENTIFIER = "identifier"  # as printed, upper-case
    NAME = "name"  # as printed, single spaces; compared case-folded
    TEXT = "text"  # free text; compared case-folded (or token F1 for long text)
    LONG_TEXT = "long_text"  # narrative / loss description: token-level F1 >= 0.8
    INTEGER = "integer"  # integer as string
    ENUM = "enum"  # a fixed vocabulary, lower-case
    EMAIL = "email"
    STATE = "state"  # two-letter US state code


# Scalar fields per document type, and the kind of each. List fields are below.
CLAIM_FORM_FIELDS: dict[str, FieldKind] = {
    "form_kind": FieldKind.ENUM,
    "carrier_name": FieldKind.NAME,
    "naic_code": FieldKind.IDENTIFIER,
    "policy_number": FieldKind.IDENTIFIER,
    "date_of_loss": FieldKind.DATE,
    "time_of_loss": FieldKind.TIME,
    "loss_location": FieldKind.TEXT,
    "insured_name": FieldKind.NAME,
    "insured_address": FieldKind.TEXT,
    "insured_phone": FieldKind.PHONE,
    "insured_email": FieldKind.EMAIL,
    "loss_description": FieldKind.LONG_TEXT,
    "police_report_number": FieldKind.IDENTIFIER,
    "estimated_loss_amount": FieldKind.MONEY,
    "date_reported": FieldKind.DATE,
    "vehicle_vin": FieldKind.IDENTIFIER,
    "vehicle_year": FieldKind.INTEGER,
    "vehicle_make": FieldKind.NAME,
    "vehicle_model": FieldKind.NAME,
    "vehicle_plate": FieldKind.IDENTIFIER,
    "driver_name": FieldKind.NAME,
}

POLICE_REPORT_FIELDS: dict[str, FieldKind] = {
    "report_number": FieldKind.IDENTIFIER,
    "agency_name": FieldKind.NAME,
    "crash_date": FieldKind.DATE,
    "crash_time": FieldKind.TIME,
    "crash_location": FieldKind.TEXT,
    "officer_name": FieldKind.NAME,
    "officer_badge": FieldKind.IDENTIFIER,
    "narrative": FieldKind.LONG_TEXT,
}

PARTY_FIELDS: dict[str, FieldKind] = {
    "unit": FieldKind.INTEGER,
    "driver_name": FieldKind.NAME,
    "driver_dob": FieldKind.DATE,
    "driver_license_number": FieldKind.IDENTIFIER,
    "driver_license_state": FieldKind.STATE,
    "driver_address": FieldKind.TEXT,
    "vehicle_year": FieldKind.INTEGER,
    "vehicle_make": FieldKind.NAME,
    "vehicle_model": FieldKind.NAME,
    "vehicle_vin": FieldKind.IDENTIFIER,
    "plate_number": FieldKind.IDENTIFIER,
    "plate_state": FieldKind.STATE,
    "insurer_name": FieldKind.NAME,
    "insurer_policy_number": FieldKind.IDENTIFIER,
}

LOSS_RUN_FIELDS: dict[str, FieldKind] = {
    "carrier_name": FieldKind.NAME,
    "insured_name": FieldKind.NAME,
    "valuation_date": FieldKind.DATE,
    "total_paid": FieldKind.MONEY,
    "total_reserve": FieldKind.MONEY,
    "total_incurred": FieldKind.MONEY,
    "claim_count": FieldKind.INTEGER,
}

CLAIM_ROW_FIELDS: dict[str, FieldKind] = {
    "claim_number": FieldKind.IDENTIFIER,
    "policy_number": FieldKind.IDENTIFIER,
    "date_of_loss": FieldKind.DATE,
    "claimant_name": FieldKind.NAME,
    "description": FieldKind.TEXT,
    "status": FieldKind.ENUM,
    "paid": FieldKind.MONEY,
    "reserve": FieldKind.MONEY,
    "incurred": FieldKind.MONEY,
}

ENUM_VALUES: dict[str, frozenset[str]] = {
    "form_kind": frozenset({"property", "auto", "liability"}),
    "status": frozenset({"open", "closed", "reopened"}),
}


class ListFieldSpec(BaseModel):
    """A list-valued field: rows of scalar cells, paired across truth and prediction by `key`."""

    model_config = ConfigDict(frozen=True)
    name: str
    key: str
    cells: dict[str, FieldKind]


SCALAR_FIELDS: dict[DocType, dict[str, FieldKind]] = {
    DocType.CLAIM_FORM: CLAIM_FORM_FIELDS,
    DocType.POLICE_REPORT: POLICE_REPORT_FIELDS,
    DocType.LOSS_RUN: LOSS_RUN_FIELDS,
    DocType.OTHER: {},
}

LIST_FIELDS: dict[DocType, list[ListFieldSpec]] = {
    DocType.CLAIM_FORM: [],
    DocType.POLICE_REPORT: [ListFieldSpec(name="parties", key="unit", cells=PARTY_FIELDS)],
    DocType.LOSS_RUN: [ListFieldSpec(name="claims", key="claim_number", cells=CLAIM_ROW_FIELDS)],
    DocType.OTHER: [],
}


# ---------------------------------------------------------------------------------------------
# Output JSON (`NAME.extraction.json`)


class FieldValue(BaseModel):
    """One extracted value with where it came from and how sure we are."""

    value: str | None
    confidence: float = Field(ge=0.0, le=1.0)
    page: int | None = None
    bbox: BBox | None = None
    # Optional key (the contract allows adding optional keys): the rule that produced the value.
    rule: str | None = None
    # Optional key: where the words came from ("text_layer" or "ocr"; for a null, "ocr" if any
    # page of the document was OCRed). Confidence is calibrated separately for each.
    source: Literal["text_layer", "ocr"] | None = None

    # pydantic keeps a set of the fields given to each instance: 728 bytes, 60 % of a value, and
    # a 300-page loss run holds 70,000 values. Every value shares one set instead, holding every
    # field (a default is as good as a given value here), so assigning a field never changes it.
    def model_post_init(self, context: Any, /) -> None:
        object.__setattr__(self, "__pydantic_fields_set__", _FIELD_VALUE_FIELDS)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        copied = super().model_copy(update=update, deep=deep)
        object.__setattr__(copied, "__pydantic_fields_set__", _FIELD_VALUE_FIELDS)
        return copied


_FIELD_VALUE_FIELDS: set[str] = set(FieldValue.model_fields)

Row = dict[str, FieldValue]
FieldMap = dict[str, FieldValue | list[Row]]


class ExtractedDocument(BaseModel):
    page_start: int = Field(ge=1)
    page_end: int = Field(ge=1)
    doc_type: DocType
    doc_type_confidence: float = Field(ge=0.0, le=1.0)
    route: Route = Route.NEEDS_REVIEW
    route_reasons: list[str] = Field(default_factory=list)
    fields: FieldMap = Field(default_factory=dict)
    extractor_version: str
    # Optional key: validation messages, shown beside fields in the review UI.
    validation: list[ValidationIssue] = Field(default_factory=list)


class ValidationIssue(BaseModel):
    code: str  # e.g. "incurred_mismatch", "vin_check_digit"
    message: str  # plain words, no PII
    field: str | None = None  # "incurred" or "claims[2].incurred"
    severity: Literal["error", "warning"] = "error"


class FileError(BaseModel):
    code: str
    message: str


class FileStatus(StrEnum):
    PROCESSED = "processed"
    QUARANTINED = "quarantined"


class FileResult(BaseModel):
    source: str
    sha256: str
    pages: int
    status: FileStatus
    documents: list[ExtractedDocument] = Field(default_factory=list)
    error: FileError | None = None

    def to_json_dict(self) -> dict[str, Any]:
        """The contract's JSON: `error` only on quarantined files; null values kept."""
        data = self.model_dump(mode="json")
        if data.get("error") is None:
            data.pop("error", None)
        return data


ExtractedDocument.model_rebuild()


def empty_fields(doc_type: DocType) -> FieldMap:
    """A field map holding every catalogue field of `doc_type` as absent."""
    fields: FieldMap = {
        name: FieldValue(value=None, confidence=0.0) for name in SCALAR_FIELDS[doc_type]
    }
    for spec in LIST_FIELDS[doc_type]:
        fields[spec.name] = []
    return fields
