"""Reading a task form back: only the catalogue's paths, only the reviewer's own edits, values in
normal form, and validator row positions mapped to stored rows."""

from __future__ import annotations

import pytest

from pipeline.contract import DocType, ValidationIssue
from review_ui.field_view import (
    FormError,
    StoredCell,
    build_fields_view,
    issues_on_stored_rows,
    merged_field_map,
    normalise_submitted,
    read_submitted_fields,
)


def test_paths_outside_the_catalogue_are_refused():
    for key in ("f:password_hash", "f:claims[0].role", "o:parties[0].unit", "remove:users[1]",
                "f:claims[99999].paid", "f:../x"):
        with pytest.raises(FormError):
            read_submitted_fields(DocType.LOSS_RUN, {key: "x"})


def test_only_changed_inputs_are_edits_and_removed_rows_drop_theirs():
    form = {
        "f:insured_name": "Acme  Bakery   LLC", "o:insured_name": "Acme Bakery LLC",
        "f:claims[0].paid": "10.00", "o:claims[0].paid": "12.00",
        "f:claims[1].paid": "5.00", "o:claims[1].paid": "4.00", "remove:claims[1]": "1",
        "f:narrative": "x", "csrf_token": "t", "version": "3",
    } | {"f:carrier_name": "", "o:carrier_name": ""}
    with pytest.raises(FormError):  # narrative is a police report field
        read_submitted_fields(DocType.LOSS_RUN, form)
    del form["f:narrative"]
    submitted = read_submitted_fields(DocType.LOSS_RUN, form)
    assert submitted.edited() == {"claims[0].paid": "10.00"}
    assert submitted.removed_rows == {"claims[1]"}


def test_values_are_put_in_normal_form_or_reported():
    values, issues = normalise_submitted(
        DocType.LOSS_RUN,
        {"claims[0].paid": "$1,200", "valuation_date": "01/31/2026", "claims[0].status": "Closed",
         "claims[1].paid": "lots", "claim_count": None},
    )
    assert values == {"claims[0].paid": "1200.00", "valuation_date": "2026-01-31",
                      "claims[0].status": "closed", "claim_count": None}
    assert [(i.field, i.code) for i in issues] == [("claims[1].paid", "not_normal_form")]


def test_validator_positions_map_to_stored_rows_after_a_removal():
    cells = [StoredCell(path=f"claims[{i}].claim_number", value=f"C{i}", confidence=0.9) for i in (0, 2, 5)]
    fields, positions = merged_field_map(DocType.LOSS_RUN, cells, {"claims[6].claim_number": "C6"}, {"claims[2]"})
    assert [row["claim_number"].value for row in fields["claims"]] == ["C0", "C5", "C6"]
    assert positions == {"claims": [0, 5, 6]}
    renamed = issues_on_stored_rows(
        [ValidationIssue(code="x", message="m", field="claims[1].paid"),
         ValidationIssue(code="y", message="m", field="total_paid")],
        positions,
    )
    assert [i.field for i in renamed] == ["claims[5].paid", "total_paid"]


def test_every_catalogue_field_is_shown_grouped_as_the_document_is():
    view = build_fields_view(DocType.POLICE_REPORT, [
        StoredCell(path="report_number", value="R1", confidence=0.99, page=1, bbox=(1, 2, 3, 4)),
        StoredCell(path="parties[1].driver_name", value="A", confidence=0.5, page=2, bbox=(1, 2, 3, 4)),
    ])
    assert [s.title for s in view.sections] == ["Report", "Officer", "Narrative"]
    assert [c.name for c in view.sections[0].cells][:2] == ["report_number", "agency_name"]
    parties = view.lists[0]
    assert parties.name == "parties" and [r.index for r in parties.rows] == [1]
    assert parties.next_index == 2 and parties.row_name == "party"
    assert [c.path for c in view.boxes_on_page(2)] == ["parties[1].driver_name"]
    assert view.lists[0].rows[0].cells[1].confidence_band == "low"
