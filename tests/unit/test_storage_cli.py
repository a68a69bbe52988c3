"""`claimdocs db ...` on an SQLite file: upgrade, current, check, status, guarded downgrade."""

from __future__ import annotations

from typer.testing import CliRunner

from storage.cli import db_app

runner = CliRunner()


def test_db_commands_round_trip(tmp_path):
    url = f"sqlite:///{tmp_path / 'nested' / 'claimdocs.sqlite3'}"
    behind = runner.invoke(db_app, ["current", "--database-url", url])
    assert behind.exit_code == 1 and "revision none" in behind.output

    upgraded = runner.invoke(db_app, ["upgrade", "--database-url", url])
    assert upgraded.exit_code == 0, upgraded.output
    assert (tmp_path / "nested" / "claimdocs.sqlite3").exists()  # the folder is made for it
    assert runner.invoke(db_app, ["upgrade", "--database-url", url]).exit_code == 0  # again: no-op

    current = runner.invoke(db_app, ["current", "--database-url", url])
    assert current.exit_code == 0 and "revision 0001" in current.output
    check = runner.invoke(db_app, ["check", "--database-url", url])
    assert check.exit_code == 0 and "matches" in check.output
    status = runner.invoke(db_app, ["status", "--database-url", url])
    assert status.exit_code == 0, status.output
    assert "received 0" in status.output and "last outbox id: -" in status.output

    refused = runner.invoke(db_app, ["downgrade", "base", "--database-url", url])
    assert refused.exit_code == 2
    assert runner.invoke(db_app, ["current", "--database-url", url]).exit_code == 0
    downgraded = runner.invoke(db_app, ["downgrade", "base", "--yes", "--database-url", url])
    assert downgraded.exit_code == 0 and "base (empty)" in downgraded.output


def test_database_url_comes_from_environment(tmp_path):
    url = f"sqlite:///{tmp_path / 'env.sqlite3'}"
    result = runner.invoke(db_app, ["upgrade"], env={"DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "env.sqlite3").exists()
