"""Values that look like SQL or markup are data: they reach the PAS tables verbatim."""

from __future__ import annotations

from sqlalchemy import inspect, text

from pipeline.contract import DocType, FieldValue, Route
from storage import make_engine
from tests.db_counts import pas_rows
from tests.file_results import claim_form_fields, document, loss_run_fields, processed_result

HOSTILE = [
    "'; DROP TABLE x; --",
    "<script>alert(1)</script>",
    "Robert'); DROP TABLE files;--",
    'O\'Brien "Bob" \\ back\\slash',
    "%s %(name)s :name ? $1 $$ dollar $$",
    "Zoë Ünal 株式会社 \u202eevil",
]


def test_sql_and_markup_round_trip_verbatim(database_url):
    """GIVEN field values carrying SQL and markup, in a source key too WHEN recorded, corrected
    and approved THEN the PAS tables, field provenance and events hold them byte for byte, and
    the table `x` the payload names is still there."""
    from storage import Store

    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE x (id INTEGER PRIMARY KEY)"))
    try:
        _round_trip(engine, Store(engine))
    finally:
        with engine.begin() as connection:  # the shared test database keeps its schema
            connection.execute(text("DROP TABLE IF EXISTS x"))
        engine.dispose()


def _round_trip(engine, store) -> None:
    notice_fields = claim_form_fields(
        insured_name=HOSTILE[0],
        loss_description=HOSTILE[1],
        loss_location=HOSTILE[2],
        carrier_name=HOSTILE[3],
        insured_email=HOSTILE[4],
        driver_name=HOSTILE[5],
        policy_number="PA-1'; DELETE FROM pas_claim_notices; --",
    )
    loss_fields = loss_run_fields(claims=len(HOSTILE))
    for row, value in zip(loss_fields["claims"], HOSTILE, strict=True):
        row["description"] = FieldValue(value=value, confidence=0.9, page=1)
        row["claimant_name"] = FieldValue(value=value[::-1], confidence=0.9, page=1)
    result = processed_result(
        "hostile",
        [
            document(DocType.CLAIM_FORM, notice_fields, route=Route.NEEDS_REVIEW),
            document(DocType.LOSS_RUN, loss_fields, page_start=2),
        ],
    )
    source_key = "inbox/'; DROP TABLE x; --<script>.pdf"
    outcome = store.record_result(result, source_key)
    notice_id = next(iter(outcome.documents))
    store.approve_document(
        notice_id, approved_by="alice", corrected_fields={"insured_address": HOSTILE[1]}
    )

    (notice,) = pas_rows(engine, "claim_notices")
    assert [
        notice[name] for name in ("insured_name", "loss_description", "loss_location")
    ] == HOSTILE[:3]
    assert [notice[name] for name in ("carrier_name", "insured_email", "driver_name")] == HOSTILE[
        3:
    ]
    assert notice["policy_number"] == "PA-1'; DELETE FROM pas_claim_notices; --"
    assert notice["insured_address"] == HOSTILE[1]
    assert notice["source_key"] == source_key
    claims = pas_rows(engine, "loss_run_claims")
    assert [row["description"] for row in claims] == HOSTILE
    assert [row["claimant_name"] for row in claims] == [value[::-1] for value in HOSTILE]
    provenance = {row["field_path"]: row for row in pas_rows(engine, "field_provenance")}
    assert provenance["insured_name"]["value"] == HOSTILE[0]
    assert provenance["claims[1].description"]["value"] == HOSTILE[1]
    correction = next(e for e in store.document_history(notice_id) if e.kind == "field_corrected")
    assert correction.detail["new_value"] == HOSTILE[1]
    assert store.load_document(notice_id).fields["insured_name"].value == HOSTILE[0]
    assert "x" in inspect(engine).get_table_names()
