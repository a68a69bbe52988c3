"""`claimdocs users add` reads the password from a prompt or standard input and stores an argon2
hash; `claimdocs review` refuses to start without a safe secret or with an old schema."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from review_ui.cli import review_app, users_app
from review_ui.passwords import verify_password
from storage import make_engine
from storage.state_tables import User

runner = CliRunner()


def stored_user(url: str, name: str) -> User | None:
    engine = make_engine(url)
    try:
        with Session(engine) as db:
            return db.scalar(select(User).where(User.username == name))
    finally:
        engine.dispose()


def test_users_add_reads_the_password_from_stdin_and_hashes_it(sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    result = runner.invoke(users_app, ["add", "ann", "--role", "admin"], input="a-long-enough-password\n")
    assert result.exit_code == 0, result.output
    assert "added admin ann" in result.output and "a-long-enough-password" not in result.output
    user = stored_user(sqlite_url, "ann")
    assert user.role == "admin" and user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, "a-long-enough-password")

    again = runner.invoke(users_app, ["add", "ann"], input="another-long-password\n")
    assert again.exit_code == 2 and "exists" in again.output
    short = runner.invoke(users_app, ["add", "bea"], input="short\n")
    assert short.exit_code == 2 and stored_user(sqlite_url, "bea") is None
    bad_name = runner.invoke(users_app, ["add", "../root"], input="a-long-enough-password\n")
    assert bad_name.exit_code == 2


def test_set_password_and_deactivate(sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    runner.invoke(users_app, ["add", "cy"], input="a-long-enough-password\n")
    assert runner.invoke(users_app, ["set-password", "cy"], input="the-new-long-password\n").exit_code == 0
    assert verify_password(stored_user(sqlite_url, "cy").password_hash, "the-new-long-password")
    assert runner.invoke(users_app, ["deactivate", "cy"]).exit_code == 0
    assert stored_user(sqlite_url, "cy").is_active is False
    assert runner.invoke(users_app, ["deactivate", "nobody"]).exit_code == 2


def test_review_refuses_to_start_without_a_secret(sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.delenv("CLAIMDOCS_SECRET_KEY", raising=False)
    result = runner.invoke(review_app, ["--port", "0"])
    assert result.exit_code == 2 and "CLAIMDOCS_SECRET_KEY is not set" in result.output
    monkeypatch.setenv("CLAIMDOCS_SECRET_KEY", "changeme")
    assert runner.invoke(review_app, ["--port", "0"]).exit_code == 2


def test_review_refuses_an_unmigrated_database(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    result = runner.invoke(review_app, ["--port", "0", "--dev"])
    assert result.exit_code == 2 and "claimdocs db upgrade" in result.output
