"""Recording what arrives: idempotent, one state per file and per document, versions kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pipeline.contract import DocType, FieldValue, Route
from storage import ApprovalKind, DocumentState, FileState
from storage.state_tables import Extraction, ReviewTask, StoredFile
from tests.db_counts import pas_rows, row_counts
from tests.file_results import (
    batch,
    claim_form_fields,
    document,
    packet_result,
    processed_result,
    quarantined_result,
    sha256_for,
)


def test_received_twice_is_one_file_with_every_source_key(store):
    """GIVEN bytes received WHEN they arrive again, once under the same key and once under
    another THEN there is one file, two source keys, and no second 'received' event."""
    sha = sha256_for("twice")
    first = store.record_received(sha, "inbox/a.pdf", original_name="a.pdf")
    again = store.record_received(sha, "inbox/a.pdf", original_name="a.pdf")
    other_key = store.record_received(sha, "archive/a-copy.pdf", original_name="a-copy.pdf")
    assert first.newly_received and not again.newly_received and not other_key.newly_received
    assert first.file_id == again.file_id == other_key.file_id
    assert first.file_state is FileState.RECEIVED
    counts = row_counts(store.engine)
    assert counts["files"] == 1 and counts["file_sources"] == 2
    kinds = [event.kind for event in store.file_history(sha)]
    assert kinds == ["file_received", "source_key_added"]


def test_same_result_twice_is_a_no_op(store):
    """GIVEN a recorded batch WHEN the same results are recorded again THEN nothing changes."""
    results = batch(8)
    outcomes = [store.record_result(result, f"inbox/{result.source}") for result in results]
    once = row_counts(store.engine)
    repeats = [store.record_result(result, f"inbox/{result.source}") for result in results]
    assert all(outcome.recorded for outcome in outcomes)
    assert not any(outcome.recorded for outcome in repeats)
    assert [o.extraction_id for o in outcomes] == [o.extraction_id for o in repeats]
    assert [o.documents for o in outcomes] == [o.documents for o in repeats]
    assert row_counts(store.engine) == once


def test_every_input_ends_in_exactly_one_state(store):
    """Each file ends processed or quarantined; each document approved or in review."""
    results = batch(8)
    for result in results:
        store.record_result(result, f"inbox/{result.source}")
    summary = store.status_summary()
    assert sum(summary.files.values()) == len(results)
    assert summary.files[FileState.RECEIVED] == 0
    assert summary.files[FileState.QUARANTINED] == 2
    documents = sum(len(r.documents) for r in results)
    assert sum(summary.documents.values()) == documents
    assert (
        summary.documents[DocumentState.APPROVED] + summary.documents[DocumentState.IN_REVIEW]
        == documents
    )
    assert summary.open_review_tasks == summary.documents[DocumentState.IN_REVIEW]


def test_quarantined_file_keeps_its_reason(store):
    result = quarantined_result("locked", code="encrypted", message="The PDF is encrypted.")
    outcome = store.record_result(result, "inbox/locked.pdf", extractor_version="test-1.0")
    assert outcome.file_state is FileState.QUARANTINED and outcome.documents == {}
    with store.unit_of_work() as session:
        stored = session.scalar(select(StoredFile).where(StoredFile.sha256 == result.sha256))
        assert (stored.state, stored.quarantine_code, stored.quarantine_message) == (
            "quarantined",
            "encrypted",
            "The PDF is encrypted.",
        )
    events = store.file_history(result.sha256)
    assert [(e.kind, e.from_state, e.to_state, e.reason) for e in events] == [
        ("file_received", None, "received", None),
        ("file_quarantined", "received", "quarantined", "encrypted"),
    ]
    assert not store.record_result(
        result, "inbox/locked.pdf", extractor_version="test-1.0"
    ).recorded


def test_auto_approved_documents_are_approved_by_system_with_provenance(store):
    """GIVEN a packet the pipeline auto-approved WHEN recorded THEN its three documents are
    approved (kind auto, by "system") through the same path as a reviewer's approval."""
    result = packet_result("auto-packet")
    outcome = store.record_result(result, "s3://bucket/inbox/auto-packet.pdf")
    assert set(outcome.documents.values()) == {DocumentState.APPROVED}
    notices = pas_rows(store.engine, "claim_notices")
    assert len(notices) == 1
    notice = notices[0]
    assert notice["source_sha256"] == result.sha256
    assert notice["source_key"] == "s3://bucket/inbox/auto-packet.pdf"
    assert (notice["page_start"], notice["page_end"]) == (1, 1)
    assert notice["extractor_version"] == "test-1.0"
    assert (notice["approval_kind"], notice["approved_by"]) == ("auto", "system")
    assert notice["approved_at"] is not None and notice["superseded_at"] is None
    parties = pas_rows(store.engine, "police_report_parties")
    claims = pas_rows(store.engine, "loss_run_claims")
    assert len(parties) == 2 and len(claims) == 3
    for row in parties + claims:  # provenance on every PAS row, list rows included
        assert row["source_sha256"] == result.sha256 and row["approval_kind"] == "auto"
    assert len(pas_rows(store.engine, "outbox")) == 3
    first = next(iter(outcome.documents))
    kinds = [(e.kind, e.actor, e.to_state) for e in store.document_history(first)]
    assert kinds[-1] == ("document_approved", "system", "approved")
    assert ("sent_to_review", "system", "in_review") not in kinds


def test_other_documents_are_never_auto_approved(store):
    result = processed_result("letter", [document(DocType.OTHER, {}, route=Route.AUTO_APPROVED)])
    outcome = store.record_result(result, "inbox/letter.pdf")
    (document_id,) = outcome.documents
    assert outcome.documents[document_id] is DocumentState.IN_REVIEW
    assert "doc_type_other" in store.load_document(document_id).route_reasons


def test_auto_approved_value_not_in_normal_form_goes_to_review(store):
    """A value the typed PAS column cannot hold keeps the document back for a person."""
    fields = claim_form_fields(date_of_loss="03/14/2026")
    result = processed_result("odd-date", [document(DocType.CLAIM_FORM, fields)])
    outcome = store.record_result(result, "inbox/odd-date.pdf")
    (document_id,) = outcome.documents
    assert outcome.documents[document_id] is DocumentState.IN_REVIEW
    assert "unstorable:date_of_loss" in store.load_document(document_id).route_reasons
    assert pas_rows(store.engine, "claim_notices") == []


def test_newer_extractor_version_supersedes_documents_still_in_review(store):
    """GIVEN a packet in review under v1 WHEN v2 results arrive THEN a second extraction is
    kept, v1's open documents are superseded (tasks closed) and v2's are in review."""
    v1 = store.record_result(packet_result("reprocess", route=Route.NEEDS_REVIEW), "inbox/r.pdf")
    v2_result = packet_result("reprocess", route=Route.NEEDS_REVIEW, extractor_version="test-2.0")
    v2 = store.record_result(v2_result, "inbox/r.pdf")
    assert v2.recorded and v2.extraction_id != v1.extraction_id
    assert sorted(v2.superseded_document_ids) == sorted(v1.documents)
    assert set(v2.documents.values()) == {DocumentState.IN_REVIEW}
    with store.unit_of_work() as session:
        versions = session.scalars(
            select(Extraction.extractor_version).order_by(Extraction.id)
        ).all()
        assert versions == ["test-1.0", "test-2.0"]
        open_tasks = session.scalars(
            select(ReviewTask.document_id).where(ReviewTask.closed_at.is_(None))
        ).all()
        assert sorted(open_tasks) == sorted(v2.documents)
    old = next(iter(v1.documents))
    assert store.load_document(old).state is DocumentState.SUPERSEDED
    superseded = [e for e in store.document_history(old) if e.kind == "document_superseded"]
    assert [(e.from_state, e.to_state) for e in superseded] == [("in_review", "superseded")]
    assert len(store.queue()) == 3


def test_approved_record_is_not_overwritten_silently(store):
    """GIVEN an approved packet WHEN a newer extractor reads the same pages THEN its documents
    wait for a person (supersedes_approved); approving one marks the old PAS row superseded,
    and both rows stay readable."""
    v1 = store.record_result(packet_result("kept"), "inbox/kept.pdf")
    v2 = store.record_result(packet_result("kept", extractor_version="test-2.0"), "inbox/kept.pdf")
    assert set(v2.documents.values()) == {DocumentState.IN_REVIEW}
    new_notice = next(iter(v2.documents))
    assert "supersedes_approved" in store.load_document(new_notice).route_reasons
    assert [row["superseded_at"] for row in pas_rows(store.engine, "claim_notices")] == [None]

    approval = store.approve_document(new_notice, approved_by="alice")
    old_notice = next(iter(v1.documents))
    assert approval.superseded_document_ids == [old_notice]
    notices = pas_rows(store.engine, "claim_notices")
    assert len(notices) == 2
    old_row, new_row = notices
    assert (
        old_row["superseded_by_document_id"] == new_notice and old_row["superseded_at"] is not None
    )
    assert new_row["superseded_at"] is None and new_row["approved_by"] == "alice"
    assert new_row["extractor_version"] == "test-2.0"
    assert store.load_document(old_notice).state is DocumentState.SUPERSEDED
    assert store.load_document(old_notice).approval_kind == ApprovalKind.AUTO.value  # history kept
    outbox = pas_rows(store.engine, "outbox")
    assert outbox[-1]["supersedes_document_id"] == old_notice


def test_quarantined_then_processed_by_a_newer_version(store):
    bad = quarantined_result("flaky", code="corrupt", message="Broken xref table.")
    store.record_result(bad, "inbox/flaky.pdf", extractor_version="test-1.0")
    good = packet_result("flaky", extractor_version="test-2.0")
    outcome = store.record_result(good, "inbox/flaky.pdf")
    assert outcome.file_state is FileState.PROCESSED
    assert [e.to_state for e in store.file_history(good.sha256) if e.document_id is None] == [
        "received",
        "quarantined",
        "processed",
    ]


def test_bad_sha256_is_refused(store):
    with pytest.raises(ValueError):
        store.record_received("ABC", "inbox/x.pdf")


def test_nul_characters_are_dropped_the_same_on_both_backends(store):
    fields = claim_form_fields()
    fields["insured_name"] = FieldValue(value="Dana\x00 Whitfield", confidence=0.9, page=1)
    outcome = store.record_result(
        processed_result("nul", [document(DocType.CLAIM_FORM, fields)]), "inbox/nul.pdf"
    )
    (document_id,) = outcome.documents
    assert store.load_document(document_id).fields["insured_name"].value == "Dana Whitfield"


def test_late_result_from_an_older_extractor_changes_nothing(store):
    """GIVEN a file recorded by extractor 0.10.0 WHEN a late 0.9.0 result arrives THEN it is a
    no-op: the newer extraction's documents stay as they were."""
    newer = store.record_result(
        packet_result("late", route=Route.NEEDS_REVIEW, extractor_version="0.10.0"),
        "inbox/late.pdf",
    )
    before = row_counts(store.engine)
    late = store.record_result(
        packet_result("late", route=Route.NEEDS_REVIEW, extractor_version="0.9.0"), "inbox/late.pdf"
    )
    assert not late.recorded and late.extraction_id == newer.extraction_id
    assert late.documents == newer.documents
    assert row_counts(store.engine) == before
