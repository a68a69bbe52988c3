"""The reviewer's work through HTTP, on PostgreSQL and SQLite: save, conflicts that keep the
input, approve (blocked by errors, admin override), reject, rows, leases, queue, history."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from storage.pas_naming import pas_naming_for
from storage.state_tables import Event, StoredFieldValue
from tests.review_ui.html_forms import read_form
from tests.review_ui.loss_run_pdf import LossRunSpec

PAID = "f:claims[3].paid"


def claim(client, token, document_id):
    response = client.post(
        f"/documents/{document_id}/claim", data={"csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303
    return client.get(f"/documents/{document_id}")


def post_task(client, document_id, form, **changes):
    data = {**form, **changes}
    return client.post(f"/documents/{document_id}", data=data, follow_redirects=False)


def stored_value(site, document_id, path):
    with Session(site.store.engine) as db:
        return db.scalar(
            select(StoredFieldValue.value).where(
                StoredFieldValue.document_id == document_id, StoredFieldValue.field_path == path
            )
        )


def test_save_stores_only_the_edit_as_a_correction_event(site, client_for):
    """GIVEN a claimed loss run WHEN the reviewer fixes one amount and saves
    THEN that value is stored in normal form, one correction event names it, the version moves."""
    document_id = site.add_loss_run()
    client, token = client_for("alice")
    page = claim(client, token, document_id)
    form = read_form(page.text)
    version = int(form["version"])

    response = post_task(client, document_id, form, **{PAID: "$1,111.50", "action": "save"})

    assert response.status_code == 303, response.text
    assert stored_value(site, document_id, "claims[3].paid") == "1111.50"
    with Session(site.store.engine) as db:
        events = db.scalars(
            select(Event).where(Event.document_id == document_id, Event.kind == "field_corrected")
        ).all()
    assert [(e.reason, e.actor) for e in events] == [("claims[3].paid", "alice")]
    assert read_form(client.get(f"/documents/{document_id}").text)["version"] == str(version + 1)
    history = client.get(f"/documents/{document_id}/history").text
    assert "claims[3].paid" in history and "120.50" in history and "1111.50" in history


def test_stale_save_is_a_conflict_that_keeps_the_input(site, client_for):
    """GIVEN two tabs on the same task WHEN the second saves after the first
    THEN it gets 409 with a conflict message, its typed value still in the input, nothing saved."""
    document_id = site.add_loss_run()
    client, token = client_for("alice")
    first = read_form(claim(client, token, document_id).text)
    second = dict(first)

    assert post_task(client, document_id, first, **{PAID: "1111.50", "action": "save"}).status_code == 303
    response = post_task(
        client, document_id, second,
        **{"f:claims[3].reserve": "999.00", PAID: "1234.56", "action": "save"},
    )

    assert response.status_code == 409
    assert 'id="conflict"' in response.text
    kept = read_form(response.text)
    assert kept[PAID] == "1234.56"  # the reviewer's input, not the stored 1111.50
    assert kept["f:claims[3].reserve"] == "999.00"
    assert "your input, not saved" in response.text
    assert stored_value(site, document_id, "claims[3].paid") == "1111.50"
    assert stored_value(site, document_id, "claims[3].reserve") == "1000.00"
    # Saving again from the conflict page (now at the current version) goes through.
    assert post_task(client, document_id, kept, action="save").status_code == 303
    assert stored_value(site, document_id, "claims[3].paid") == "1234.56"


def test_untouched_inputs_never_overwrite_a_newer_value(site, client_for):
    """A stale form whose only edit is elsewhere must not write back the old value it showed."""
    document_id = site.add_loss_run()
    client, token = client_for("alice")
    stale = read_form(claim(client, token, document_id).text)
    fresh = read_form(client.get(f"/documents/{document_id}").text)
    post_task(client, document_id, fresh, **{PAID: "1111.50", "action": "save"})
    response = post_task(client, document_id, stale, **{"f:insured_name": "Acme Bakery Inc", "action": "save"})
    kept = read_form(response.text)
    # After the conflict the paid input shows the newer stored value, only the edit is kept.
    assert kept[PAID] == "1111.50"
    assert kept["f:insured_name"] == "Acme Bakery Inc"


def test_approve_writes_pas_rows_with_the_correction(site, client_for):
    document_id = site.add_loss_run()
    client, token = client_for("alice")
    form = read_form(claim(client, token, document_id).text)

    response = post_task(client, document_id, form, **{PAID: "1111.50", "action": "approve"})

    assert response.status_code == 303, response.text
    naming = pas_naming_for(site.store.engine.dialect.name)
    with site.store.engine.connect() as connection:
        paid = connection.execute(
            text(f"SELECT paid FROM {naming.qualified('loss_run_claims')} WHERE claim_number = :n"),  # noqa: S608 (table name from our own naming)
            {"n": "CL-24003"},
        ).scalar_one()
    assert Decimal(str(paid)) == Decimal("1111.50")


def test_errors_block_approval_unless_an_admin_overrides_with_a_reason(site, client_for):
    document_id = site.add_loss_run()
    client, token = client_for("alice")
    form = read_form(claim(client, token, document_id).text)
    blocked = post_task(client, document_id, form, action="approve")
    assert blocked.status_code == 422
    assert "Approval blocked" in blocked.text
    client.post(f"/documents/{document_id}/release", data={"csrf_token": token})

    admin, admin_token = client_for("root")
    form = read_form(claim(admin, admin_token, document_id).text)
    assert post_task(admin, document_id, form, action="approve").status_code == 422
    done = post_task(admin, document_id, form, action="approve", override_reason="carrier confirmed by phone")
    assert done.status_code == 303
    history = admin.get(f"/documents/{document_id}/history").text
    assert "approval overridden" in history and "carrier confirmed by phone" in history
    assert "incurred_mismatch" in history


def test_reject_needs_a_reason(site, client_for):
    document_id = site.add_loss_run()
    client, token = client_for("alice")
    form = read_form(claim(client, token, document_id).text)
    assert post_task(client, document_id, form, action="reject").status_code == 422
    response = post_task(client, document_id, form, action="reject", reject_reason="duplicate of another document")
    assert response.status_code == 303
    history = client.get(f"/documents/{document_id}/history").text
    assert "document rejected" in history and "duplicate of another document" in history


def test_remove_and_add_rows(site, client_for):
    document_id = site.add_loss_run(spec=LossRunSpec(claims=4, pages=1, misread={(1, "paid"): "7.00"}))
    client, token = client_for("alice")
    form = read_form(claim(client, token, document_id).text)
    new_row = {
        "f:claims[4].claim_number": "CL-99999", "f:claims[4].status": "closed",
        "f:claims[4].paid": "10", "f:claims[4].reserve": "0", "f:claims[4].incurred": "10.00",
    }
    response = post_task(client, document_id, form, **{"remove:claims[1]": "1", "action": "save"}, **new_row)
    assert response.status_code == 303, response.text
    assert stored_value(site, document_id, "claims[1].claim_number") is None
    assert stored_value(site, document_id, "claims[4].paid") == "10.00"
    page = client.get(f"/documents/{document_id}").text
    assert "CL-24001" not in read_form(page).values()
    history = client.get(f"/documents/{document_id}/history").text
    assert "row removed" in history


def test_values_that_do_not_read_as_their_kind_are_kept_and_not_saved(site, client_for):
    document_id = site.add_loss_run()
    client, token = client_for("alice")
    form = read_form(claim(client, token, document_id).text)
    response = post_task(client, document_id, form, **{PAID: "about a grand", "action": "save"})
    assert response.status_code == 422
    assert read_form(response.text)[PAID] == "about a grand"
    assert "does not read as a money" in response.text
    assert stored_value(site, document_id, "claims[3].paid") == "120.50"


def test_another_reviewers_lease_makes_the_page_read_only_and_refuses_saves(site, client_for):
    document_id = site.add_loss_run()
    alice, alice_token = client_for("alice")
    form = read_form(claim(alice, alice_token, document_id).text)
    bob, bob_token = client_for("bob")
    page = bob.get(f"/documents/{document_id}").text
    assert "Claimed by alice" in page and 'name="action"' not in page
    refused = bob.post(f"/documents/{document_id}/claim", data={"csrf_token": bob_token}, follow_redirects=False)
    assert refused.headers["location"] == "/queue"
    response = post_task(bob, document_id, {**form, "csrf_token": bob_token}, **{PAID: "1.00", "action": "save"})
    assert response.status_code == 409
    assert stored_value(site, document_id, "claims[3].paid") == "120.50"


def test_queue_filters_sorts_and_claims_next(site, client_for):
    first = site.add_loss_run("a")
    second = site.add_loss_run(
        "b", LossRunSpec(claims=3, pages=1, misread={(0, "claimant_name"): "Claimant A Rivera"})
    )
    client, token = client_for("alice")
    page = client.get("/queue").text
    assert f"/documents/{first}/claim" in page
    filtered = client.get("/queue", params={"reason": "low_confidence:claims.paid"}).text
    assert f"/documents/{first}/claim" in filtered
    assert f"/documents/{second}/claim" not in filtered
    by_confidence = client.get("/queue", params={"sort": "confidence"}).text
    assert f"/documents/{first}/" in by_confidence and f"/documents/{second}/" in by_confidence
    nothing = client.get("/queue", params={"doc_type": "police_report"}).text
    assert "Nothing waiting" in nothing
    response = client.post("/queue/next", data={"csrf_token": token}, follow_redirects=False)
    assert response.headers["location"] == f"/documents/{first}"
    mine = client.get("/queue", params={"claimed": "mine"}).text
    assert f"/documents/{first}/claim" in mine and f"/documents/{second}/claim" not in mine


def test_page_images_render_once_and_boxes_sit_on_the_page(site, client_for):
    document_id = site.add_loss_run()
    client, _ = client_for("alice")
    page = client.get(f"/documents/{document_id}").text
    assert 'viewBox="0 0 612.0 792.0"' in page
    assert 'id="box-f-claims-3-paid"' in page
    image = client.get(f"/documents/{document_id}/pages/1.png")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    cached = list(site.config.page_cache_dir.rglob("page-0001-*.png"))
    assert len(cached) == 1
    assert client.get(f"/documents/{document_id}/pages/9.png").status_code == 404


def test_a_source_changed_on_disk_is_not_shown(site, client_for):
    document_id = site.add_loss_run("swapped")
    (site.files_dir / "swapped.pdf").write_bytes(b"%PDF-1.4 not the same file")
    client, _ = client_for("alice")
    page = client.get(f"/documents/{document_id}").text
    assert "no longer matches" in page
    assert client.get(f"/documents/{document_id}/pages/1.png").status_code == 404


def test_admin_dashboard_counts_queue_throughput_and_corrections(site, client_for):
    document_id = site.add_loss_run()
    site.add_loss_run("other")
    client, token = client_for("root")
    form = read_form(claim(client, token, document_id).text)
    post_task(client, document_id, form, **{PAID: "1111.50", "action": "approve"})
    page = client.get("/admin").text
    assert 'id="queue-size">1<' in page
    assert "loss_run · claims.paid" in page


def test_changing_the_type_rereads_the_pages_with_that_extractor(site, client_for):
    """GIVEN a loss run the classifier called `other` WHEN the reviewer makes it a loss run
    THEN the loss-run extractor's values replace the old fields and the change is in history."""
    from pipeline.contract import DocType, Route
    from tests.review_ui.loss_run_pdf import write_loss_run

    path = site.files_dir / "misread-type.pdf"
    result = write_loss_run(path, LossRunSpec(claims=4, pages=1))
    wrong = result.documents[0].model_copy(
        update={"doc_type": DocType.OTHER, "fields": {}, "route": Route.NEEDS_REVIEW,
                "route_reasons": ["doc_type_other"], "validation": []}
    )
    recorded = site.store.record_result(result.model_copy(update={"documents": [wrong]}), str(path))
    document_id = next(iter(recorded.documents))
    client, token = client_for("alice")
    page = claim(client, token, document_id).text
    assert "f:claims[0].paid" not in read_form(page)
    version = read_form(page)["version"]
    response = client.post(
        f"/documents/{document_id}/doc-type",
        data={"csrf_token": token, "version": version, "doc_type": "loss_run"}, follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    form = read_form(client.get(f"/documents/{document_id}").text)
    assert form["f:carrier_name"] == "Harbor Mutual Insurance Co"
    assert form["f:claims[3].claim_number"] == "CL-24003"
    assert "document retyped" in client.get(f"/documents/{document_id}/history").text
    stale = client.post(
        f"/documents/{document_id}/doc-type",
        data={"csrf_token": token, "version": version, "doc_type": "claim_form"},
    )
    assert stale.status_code == 409 and 'id="conflict"' in stale.text


def test_splitting_a_packet_makes_a_second_document_in_the_queue(site, client_for):
    document_id = site.add_loss_run("packet", LossRunSpec(claims=12, pages=3, misread={(3, "paid"): "1.00"}))
    client, token = client_for("alice")
    version = read_form(claim(client, token, document_id).text)["version"]
    response = client.post(
        f"/documents/{document_id}/split",
        data={"csrf_token": token, "version": version, "split_page": "3", "second_doc_type": "other"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get(f"/documents/{document_id}").text
    assert "pages 1–2" in page
    queue = client.get("/queue").text
    new_id = document_id + 1
    assert f"/documents/{new_id}/claim" in queue
    history = client.get(f"/documents/{new_id}/history").text
    assert "split from document" in history and "sent to review" in history


def test_skipping_gives_the_task_back_and_claims_a_different_one(site, client_for):
    first = site.add_loss_run("first")
    second = site.add_loss_run("second")
    client, token = client_for("alice")
    claim(client, token, first)
    response = client.post("/queue/next", data={"csrf_token": token, "skip": str(first)}, follow_redirects=False)
    assert response.headers["location"] == f"/documents/{second}"
    queue = client.get("/queue", params={"claimed": "unclaimed"}).text
    assert f"/documents/{first}/claim" in queue  # back in the queue for anyone
    filtered = client.post("/queue/next", data={"csrf_token": token, "doc_type": "police_report"},
                           follow_redirects=False)
    assert filtered.headers["location"] == "/queue"
