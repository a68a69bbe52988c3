"""Claim forms printed as a ruled table of label cells beside value cells (a claims-portal
printout), on constructed pages: wide label cells, labels wrapped over two lines, values
wrapped inside their cell, and the kind of loss printed as a plain value."""

from __future__ import annotations

import pytest

from extractors.claim_form import extract_claim_form
from pipeline.contract import FieldValue
from tests.unit.placed_words import page


def values(fields) -> dict[str, str | None]:
    return {k: v.value for k, v in fields.items() if isinstance(v, FieldValue)}


def portal_printout(kind_value: str = "Commercial Auto"):
    label, value, label2, value2 = 44, 150, 310, 415
    return [
        page(
            (44, 40, "Cedar Crest Assurance Corporation", 14),
            (44, 66, "Loss Report", 12),
            (label, 100, "Insurer", 8.5),
            (value, 100, "Cedar Crest Assurance"),
            (value, 111, "Corporation"),
            (label2, 100, "NAIC", 8.5),
            (value2, 100, "85470"),
            (label, 128, "Contract Number", 8.5),
            (value, 128, "BA393878-01"),
            (label2, 128, "Line of Business", 8.5),
            (value2, 128, kind_value),
            (label, 150, "Name of Insured", 8.5),
            (value, 150, "Dmitri Wexford"),
            (label2, 150, "Primary Phone", 8.5),
            (value2, 150, "573.555.0137"),
            (label, 168, "Insured Mailing", 8.5),
            (value, 168, "808 Ridge Pkwy, Riverbend, MO 65194"),
            (label, 177, "Address", 8.5),
            (label, 196, "Loss Date", 8.5),
            (value, 196, "2024-08-17"),
            (label, 214, "Where did the loss", 8.5),
            (value, 214, "Union Ave at CR 9, Riverbend, MO"),
            (label, 223, "occur?", 8.5),
        )  # fmt: skip
    ]


def test_values_sit_right_of_wide_label_cells_not_under_them() -> None:
    found = values(extract_claim_form(portal_printout()))
    assert found["insured_name"] == "Dmitri Wexford"
    assert found["policy_number"] == "BA393878-01"
    assert found["insured_phone"] == "5735550137"


def test_labels_wrapped_over_two_lines_are_read() -> None:
    fields = extract_claim_form(portal_printout())
    assert fields["loss_location"].value == "Union Ave at CR 9, Riverbend, MO"
    assert fields["loss_location"].rule == "loss_location/where did the loss occur:right"
    assert fields["insured_address"].value == "808 Ridge Pkwy, Riverbend, MO 65194"


def test_a_name_wrapped_inside_its_cell_is_read_whole() -> None:
    assert values(extract_claim_form(portal_printout()))["carrier_name"] == (
        "Cedar Crest Assurance Corporation"
    )


@pytest.mark.parametrize(
    ("printed", "kind"),
    [("Commercial Auto", "auto"), ("Homeowners", "property"), ("General Liability", "liability")],
)
def test_kind_printed_as_the_value_of_a_kind_label(printed: str, kind: str) -> None:
    fields = extract_claim_form(portal_printout(printed))
    assert fields["form_kind"].value == kind
    assert fields["form_kind"].rule == "form_kind/labelled_value"


def test_a_question_label_ends_at_its_question_mark() -> None:
    """ "Where did the loss occur?" with the answer close after it, in the next cell."""
    printout = page(
        (44, 100, "Where did the loss occur?", 8.5),
        (150, 100, "780 Prospect Ct, Oakhaven, GA 30346"),
    )
    assert values(extract_claim_form([printout]))["loss_location"] == (
        "780 Prospect Ct, Oakhaven, GA 30346"
    )


def test_a_zip_wrapped_onto_its_own_line_joins_without_a_comma() -> None:
    printout = page(
        (44, 100, "Insured's Address", 8.5),
        (150, 100, "3999 Laurel Pkwy, Ashford Glen, TN"),
        (150, 110, "37048"),
    )
    assert values(extract_claim_form([printout]))["insured_address"] == (
        "3999 Laurel Pkwy, Ashford Glen, TN 37048"
    )
