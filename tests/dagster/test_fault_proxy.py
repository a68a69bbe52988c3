"""The fault proxy itself: a cut must reach a client that is waiting for a reply, or a test
that cuts mid-query hangs instead of failing (this hung a CI run once)."""

import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage import make_engine
from tests.dagster.faults import TcpCutProxy

pytestmark = [pytest.mark.integration]


def test_a_cut_reaches_a_client_waiting_for_a_reply(pg_url: str) -> None:
    """GIVEN a query in flight through the proxy (the client is blocked reading)
    WHEN the proxy is cut
    THEN the client gets an error within seconds, long before the query would have finished."""
    url = make_url(pg_url)
    with TcpCutProxy((url.host, url.port)) as proxy:
        engine = make_engine(url.set(port=proxy.port).render_as_string(hide_password=False))
        outcome: list[BaseException | None] = []

        def long_query() -> None:
            try:
                with engine.connect() as connection:
                    connection.execute(text("select pg_sleep(30)"))
                outcome.append(None)
            except Exception as error:  # noqa: BLE001 - the error is the expected outcome
                outcome.append(error)

        worker = threading.Thread(target=long_query, daemon=True)
        worker.start()
        time.sleep(1.0)  # the query is now running on the server
        started = time.monotonic()
        proxy.cut()
        worker.join(timeout=15)
        waited = time.monotonic() - started
        engine.dispose()
    assert not worker.is_alive(), "the client never noticed the cut"
    assert outcome and outcome[0] is not None
    assert waited < 10
