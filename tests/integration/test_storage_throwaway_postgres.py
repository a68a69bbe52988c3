"""The test suite's last resort: with no PostgreSQL reachable, it starts its own from the system
binaries. Exercised here by pointing discovery at a closed port."""

from __future__ import annotations

import pytest

from storage import Store, make_engine, migrate
from tests.file_results import packet_result
from tests.postgres_server import discover_postgres_server, free_port, postgres_bin_dir

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        postgres_bin_dir() is None, reason="PostgreSQL server binaries not installed"
    ),
]


def test_throwaway_cluster_starts_serves_and_vanishes():
    """GIVEN no server on the local port and no URL WHEN discovery runs THEN a throwaway cluster
    is started that migrations and the store work against, and stopping it removes its files."""
    closed_port = free_port()  # nothing listens there
    server = discover_postgres_server({}, local_port=closed_port)
    try:
        assert server.origin == "throwaway"
        name = server.create_database()
        url = server.url_for(name)
        migrate.upgrade(url)
        assert migrate.schema_drift(url) == []
        engine = make_engine(url)
        outcome = Store(engine).record_result(packet_result("throwaway"), "inbox/t.pdf")
        assert len(outcome.documents) == 3
        engine.dispose()
        assert server.cluster_dir is not None and server.cluster_dir.exists()
    finally:
        server.stop()
    assert not server.cluster_dir.exists()
