"""The PAS's change feed: an outbox polled by last seen id, and NOTIFY on PostgreSQL."""

from __future__ import annotations

import json
import re
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from pipeline.contract import Route
from storage import make_engine
from storage.decisions import NOTIFY_CHANNEL, OUTBOX_LOCK_KEY, approve_document
from tests.db_counts import pas_rows
from tests.file_results import batch, packet_result


def test_outbox_is_polled_from_the_last_seen_id(store):
    """GIVEN a PAS that read up to some id WHEN more documents are approved THEN polling
    `id > last seen` returns exactly the new approvals, in order, each pointing at its row."""
    for result in batch(4):
        store.record_result(result, f"inbox/{result.source}")
    first_read = pas_rows(store.engine, "outbox")
    assert [row["id"] for row in first_read] == sorted(row["id"] for row in first_read)
    last_seen = first_read[-1]["id"]

    for item in store.queue():
        store.approve_document(item.document_id, approved_by="alice")
    new = [row for row in pas_rows(store.engine, "outbox") if row["id"] > last_seen]
    assert len(new) == 3 and all(row["id"] > last_seen for row in new)
    for row in new:
        target = {r["id"]: r for r in pas_rows(store.engine, row["pas_table"])}[row["pas_row_id"]]
        assert target["document_id"] == row["document_id"]
        assert target["source_sha256"] == row["source_sha256"]
    assert store.status_summary().last_outbox_id == new[-1]["id"]


def _psycopg_conninfo(url: str) -> str:
    parsed = make_url(url)
    return psycopg.conninfo.make_conninfo(
        host=parsed.host,
        port=parsed.port,
        user=parsed.username,
        password=parsed.password,
        dbname=parsed.database,
    )


def test_approval_notifies_listeners_on_commit_only(pg_url):
    """GIVEN a PAS listening on claimdocs_approved WHEN an approval commits THEN it is told the
    outbox id; WHEN an approval is rolled back THEN it hears nothing and no outbox row exists."""
    from storage import Store

    engine = make_engine(pg_url)
    store = Store(engine)
    outcome = store.record_result(packet_result("notify", route=Route.NEEDS_REVIEW), "inbox/n.pdf")
    first, second, _ = outcome.documents
    with psycopg.connect(_psycopg_conninfo(pg_url), autocommit=True) as listener:
        listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
        approval = store.approve_document(first, approved_by="alice")
        heard = [json.loads(n.payload) for n in listener.notifies(timeout=5, stop_after=1)]
        assert heard == [
            {
                "outbox_id": approval.outbox_id,
                "doc_type": "claim_form",
                "pas_table": "claim_notices",
                "pas_row_id": approval.pas_row_id,
            }
        ]
        with pytest.raises(RuntimeError), store.unit_of_work() as session:
            approve_document(session, second, approved_by="alice")
            raise RuntimeError("the caller fails before commit")
        assert list(listener.notifies(timeout=0.5, stop_after=1)) == []
    assert len(pas_rows(engine, "outbox")) == 1 and pas_rows(engine, "police_reports") == []
    engine.dispose()


def test_outbox_lock_is_held_until_commit(pg_url):
    """Outbox ids become visible in id order: an approving transaction holds the outbox lock to
    its end, so a second one cannot take an id until the first committed."""
    from storage import Store

    engine = make_engine(pg_url)
    store = Store(engine)
    outcome = store.record_result(packet_result("order", route=Route.NEEDS_REVIEW), "inbox/o.pdf")
    first = next(iter(outcome.documents))
    with store.unit_of_work() as session:
        approve_document(session, first, approved_by="alice")
        with engine.connect() as other:
            assert (
                other.scalar(
                    text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": OUTBOX_LOCK_KEY}
                )
                is False
            )
    with engine.connect() as other:
        assert (
            other.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": OUTBOX_LOCK_KEY})
            is True
        )
    engine.dispose()


def _documented_queries() -> list[str]:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "pas-integration.md").read_text()
    blocks = re.findall(r"```sql\n(.*?)```", doc, flags=re.DOTALL)
    return [block for block in blocks if block.lstrip().upper().startswith("SELECT")]


def test_example_sql_in_the_integration_guide_runs(pg_url):
    """The queries docs/pas-integration.md shows the PAS run as written (PostgreSQL)."""
    from storage import Store

    engine = make_engine(pg_url)
    store = Store(engine)
    result = packet_result("documented")
    store.record_result(result, "inbox/documented.pdf")
    notice = pas_rows(engine, "claim_notices")[0]
    claim_row = pas_rows(engine, "loss_run_claims")[0]
    params = {
        "last_seen_id": 0,
        "claim_notice_id": notice["id"],
        "claim_row_id": claim_row["id"],
        "sha256": result.sha256,
    }
    queries = _documented_queries()
    assert len(queries) >= 6
    with engine.connect() as connection:
        for sql in queries:
            used = {name: value for name, value in params.items() if f":{name}" in sql}
            rows = connection.execute(text(sql), used).all()
            if "pas.outbox" in sql or "claim_row_id" in sql or "claim_notice_id" in sql:
                assert rows, sql
    engine.dispose()
