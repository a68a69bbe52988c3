"""Review actions: leases, corrections under optimistic concurrency, approve and reject."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from pipeline.contract import Route
from storage import (
    DocumentState,
    InvalidTransition,
    LeaseHeld,
    NotFound,
    Role,
    StaleVersion,
    UnknownField,
    UnstorableValue,
)
from storage.column_types import utc_now
from tests.db_counts import pas_rows
from tests.file_results import packet_result


@pytest.fixture
def review_packet(store) -> dict[str, int]:
    """A claim packet waiting for review: document ids by doc type."""
    outcome = store.record_result(
        packet_result("review", route=Route.NEEDS_REVIEW), "inbox/review.pdf"
    )
    ids = list(outcome.documents)
    return {"claim_form": ids[0], "police_report": ids[1], "loss_run": ids[2]}


def test_queue_lists_documents_waiting_oldest_first(store, review_packet):
    queue = store.queue()
    assert [item.document_id for item in queue] == list(review_packet.values())
    assert queue[0].route_reasons == ["low_confidence:policy_number"]
    assert [item.document_id for item in store.queue(doc_type="loss_run")] == [
        review_packet["loss_run"]
    ]
    assert all(item.version == 1 and item.claimed_by is None for item in queue)


def test_two_reviewers_never_get_the_same_task(store, review_packet):
    alice = store.claim_task("alice")
    bob = store.claim_task("bob")
    assert alice is not None and bob is not None
    assert alice.document_id != bob.document_id
    with pytest.raises(LeaseHeld):
        store.claim_task("bob", document_id=alice.document_id)
    renewed = store.claim_task("alice", document_id=alice.document_id)
    assert renewed.version == alice.version  # renewing one's own lease does not bump the version


def test_expired_lease_can_be_taken_over(store, review_packet):
    document_id = review_packet["claim_form"]
    past = utc_now() - timedelta(hours=1)
    alice = store.claim_task("alice", document_id=document_id, lease=timedelta(minutes=5), now=past)
    bob = store.claim_task("bob", document_id=document_id)
    assert bob.claimed_by == "bob" and bob.version == alice.version + 1
    with pytest.raises(LeaseHeld):  # alice lost the task: neither her old view nor a reload helps
        store.apply_correction(
            document_id,
            "policy_number",
            "PA-1",
            corrected_by="alice",
            expected_version=alice.version,
        )
    store.apply_correction(
        document_id, "policy_number", "PA-1", corrected_by="bob", expected_version=bob.version
    )


def test_release_puts_the_task_back(store, review_packet):
    claimed = store.claim_task("alice")
    assert store.release_task(claimed.document_id, "alice")
    assert not store.release_task(claimed.document_id, "bob")
    assert store.queue()[0].claimed_by is None
    kinds = [e.kind for e in store.document_history(claimed.document_id)]
    assert kinds[-2:] == ["task_claimed", "task_released"]


def test_correction_is_an_event_with_old_and_new_value(store, review_packet):
    """GIVEN a claimed task WHEN the reviewer corrects a field THEN the value changes, the
    version moves on, and the event keeps old value, new value and reviewer."""
    document_id = review_packet["claim_form"]
    task = store.claim_task("alice", document_id=document_id)
    outcome = store.apply_correction(
        document_id,
        "policy_number",
        "PA-2254258",
        corrected_by="alice",
        expected_version=task.version,
    )
    assert outcome.version == task.version + 1
    view = store.load_document(document_id)
    assert view.fields["policy_number"].value == "PA-2254258"
    assert view.field_states["policy_number"].extracted_value == "PA-2254257"
    assert view.field_states["policy_number"].corrected_by == "alice"
    assert view.task_version == outcome.version
    event = store.document_history(document_id)[-1]
    assert (event.kind, event.actor) == ("field_corrected", "alice")
    assert event.detail == {
        "field": "policy_number",
        "old_value": "PA-2254257",
        "new_value": "PA-2254258",
    }


def test_stale_version_changes_nothing(store, review_packet):
    document_id = review_packet["claim_form"]
    store.apply_correction(
        document_id, "insured_name", "Dana R. Whitfield", corrected_by="alice", expected_version=1
    )
    with pytest.raises(StaleVersion) as raised:
        store.apply_correction(
            document_id, "insured_name", "D. Whitfield", corrected_by="bob", expected_version=1
        )
    assert (raised.value.expected, raised.value.current) == (1, 2)
    assert store.load_document(document_id).fields["insured_name"].value == "Dana R. Whitfield"


def test_corrections_are_checked_against_catalogue_and_normal_form(store, review_packet):
    document_id = review_packet["loss_run"]
    with pytest.raises(UnknownField):
        store.apply_correction(
            document_id, "policy_number", "X", corrected_by="alice", expected_version=1
        )
    with pytest.raises(UnstorableValue):
        store.apply_correction(
            document_id, "claims[0].paid", "$1,200", corrected_by="alice", expected_version=1
        )
    assert store.load_document(document_id).task_version == 1  # refused changes leave no trace


def test_reviewer_can_add_a_missing_row_value(store, review_packet):
    document_id = review_packet["loss_run"]
    store.apply_correction(
        document_id, "claims[3].claim_number", "CL-09999", corrected_by="alice", expected_version=1
    )
    store.approve_document(document_id, approved_by="alice")
    claims = pas_rows(store.engine, "loss_run_claims")
    assert [row["claim_number"] for row in claims] == [
        "CL-00000",
        "CL-00001",
        "CL-00002",
        "CL-09999",
    ]


def test_approve_with_corrections_writes_typed_rows_and_field_provenance(store, review_packet):
    """GIVEN a loss run in review WHEN approved with two corrections THEN the PAS rows are typed,
    carry the reviewer, and field provenance marks exactly the corrected cells."""
    document_id = review_packet["loss_run"]
    approval = store.approve_document(
        document_id,
        approved_by="alice",
        corrected_fields={"claims[1].paid": "1111.11", "valuation_date": "2026-02-28"},
        expected_version=1,
    )
    assert approval.pas_table == "loss_runs" and approval.outbox_id is not None
    (loss_run,) = pas_rows(store.engine, "loss_runs")
    assert loss_run["valuation_date"] == date(2026, 2, 28)
    assert loss_run["total_incurred"] == Decimal("3506.00")
    assert loss_run["claim_count"] == 3
    assert (loss_run["approval_kind"], loss_run["approved_by"]) == ("reviewer", "alice")
    claims = pas_rows(store.engine, "loss_run_claims")
    assert [row["row_number"] for row in claims] == [1, 2, 3]
    assert claims[1]["paid"] == Decimal("1111.11") and claims[0]["date_of_loss"] == date(
        2025, 1, 10
    )
    assert all(row["loss_run_id"] == loss_run["id"] for row in claims)
    provenance = {row["field_path"]: row for row in pas_rows(store.engine, "field_provenance")}
    assert len(provenance) == 7 + 3 * 9
    corrected = {path for path, row in provenance.items() if row["corrected"]}
    assert corrected == {"claims[1].paid", "valuation_date"}
    paid = provenance["claims[1].paid"]
    assert (paid["value"], paid["extracted_value"], paid["corrected_by"]) == (
        "1111.11",
        "1001.50",
        "alice",
    )
    assert (paid["pas_table"], paid["pas_row_id"]) == ("loss_run_claims", claims[1]["id"])
    assert paid["page"] == 1 and paid["bbox_x0"] == 72.0 and 0 <= paid["confidence"] <= 1
    assert store.load_document(document_id).state is DocumentState.APPROVED
    assert store.queue(doc_type="loss_run") == []


def test_decided_documents_stay_decided(store, review_packet):
    store.approve_document(review_packet["claim_form"], approved_by="alice")
    store.reject_document(
        review_packet["police_report"], rejected_by="bob", reason="illegible scan"
    )
    for document_id in (review_packet["claim_form"], review_packet["police_report"]):
        with pytest.raises(InvalidTransition):
            store.approve_document(document_id, approved_by="carol")
        with pytest.raises(InvalidTransition):
            store.reject_document(document_id, rejected_by="carol", reason="again")
        with pytest.raises(InvalidTransition):
            store.apply_correction(
                document_id, "claims[0].paid", "1.00", corrected_by="carol", expected_version=9
            )
    rejected = store.document_history(review_packet["police_report"])[-1]
    assert (rejected.kind, rejected.actor, rejected.reason) == (
        "document_rejected",
        "bob",
        "illegible scan",
    )
    assert pas_rows(store.engine, "police_reports") == []
    assert len(pas_rows(store.engine, "claim_notices")) == 1


def test_leased_document_cannot_be_decided_by_someone_else(store, review_packet):
    document_id = review_packet["claim_form"]
    store.claim_task("alice", document_id=document_id)
    with pytest.raises(LeaseHeld):
        store.approve_document(document_id, approved_by="bob")
    with pytest.raises(LeaseHeld):
        store.reject_document(document_id, rejected_by="bob", reason="no")
    store.approve_document(document_id, approved_by="alice")


def test_unknown_document(store):
    with pytest.raises(NotFound):
        store.approve_document(424242, approved_by="alice")
    with pytest.raises(NotFound):
        store.document_history(424242)


def test_history_tells_the_whole_story(store, review_packet):
    document_id = review_packet["claim_form"]
    task = store.claim_task("alice", document_id=document_id)
    store.approve_document(
        document_id,
        approved_by="alice",
        corrected_fields={"naic_code": "54321"},
        expected_version=task.version,
    )
    history = store.document_history(document_id)
    assert [e.kind for e in history] == [
        "file_received",
        "file_processed",
        "document_recorded",
        "sent_to_review",
        "task_claimed",
        "field_corrected",
        "document_approved",
    ]
    assert history[-1].from_state == "in_review" and history[-1].to_state == "approved"
    assert all(e.occurred_at.tzinfo is not None for e in history)


def test_users_for_the_review_ui(store):
    created = store.create_user(
        "alice", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", Role.REVIEWER
    )
    found = store.find_user("alice")
    assert found == created and found.role == "reviewer" and found.is_active
    assert store.find_user("nobody") is None
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        store.create_user("alice", "x", Role.ADMIN)
