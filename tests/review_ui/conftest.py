"""Fixtures for the review UI: an app on a fresh migrated database (storage's `database_url` /
`pg_url` fixtures), users, a loss run waiting for review, and a logged-in test client."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from review_ui.app import create_app
from review_ui.config import ReviewConfig
from review_ui.passwords import hash_password
from storage import Store, make_engine
from storage.states import Role
from storage.users import create_user
from tests.review_ui.loss_run_pdf import LossRunSpec, write_loss_run

PASSWORD = "correct-horse-battery"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


def csrf_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


@dataclass
class ReviewSite:
    """A migrated database with the store, the app's config, and helpers to fill it."""

    database_url: str
    store: Store
    config: ReviewConfig
    files_dir: Path

    def add_user(self, name: str, role: Role = Role.REVIEWER) -> None:
        """A user with password PASSWORD (hashed once per session: argon2 is slow on purpose)."""
        with Session(self.store.engine) as db, db.begin():
            create_user(db, name, password_hash(), role)

    def add_loss_run(self, name: str = "loss-run", spec: LossRunSpec | None = None) -> int:
        """A loss run PDF on disk, recorded as extracted; returns its document id."""
        path = self.files_dir / f"{name}.pdf"
        result = write_loss_run(path, spec or LossRunSpec(misread={(3, "paid"): "120.50"}))
        outcome = self.store.record_result(result, str(path))
        return next(iter(outcome.documents))

    def app(self):
        return create_app(self.config)


@pytest.fixture
def make_site(tmp_path: Path) -> Iterator[Callable[[str], ReviewSite]]:
    engines = []

    def make(database_url: str) -> ReviewSite:
        engine = make_engine(database_url)
        engines.append(engine)
        files = tmp_path / "files"
        files.mkdir(exist_ok=True)
        config = ReviewConfig(
            database_url=database_url,
            secret_key=secrets.token_urlsafe(48),
            page_cache_dir=tmp_path / "page-cache",
            lease_seconds=600,
        )
        return ReviewSite(database_url, Store(engine), config, files)

    yield make
    for engine in engines:
        engine.dispose()


@pytest.fixture
def site(database_url: str, make_site) -> ReviewSite:
    """On both backends (storage's `database_url` is parametrised PostgreSQL / SQLite)."""
    review_site = make_site(database_url)
    review_site.add_user("alice")
    review_site.add_user("bob")
    review_site.add_user("root", Role.ADMIN)
    return review_site


@pytest.fixture
def sqlite_site(sqlite_url: str, make_site) -> ReviewSite:
    review_site = make_site(sqlite_url)
    review_site.add_user("alice")
    review_site.add_user("root", Role.ADMIN)
    return review_site


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign in; returns the session's CSRF token."""
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login", data={"username": name, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_from(client.get("/queue").text)


@pytest.fixture
def client_for(site: ReviewSite) -> Iterator[Callable[[str], tuple[TestClient, str]]]:
    """A logged-in client per user name (each its own cookie jar), sharing one app."""
    app = site.app()
    clients: list[TestClient] = []

    def make(name: str) -> tuple[TestClient, str]:
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        return client, login(client, name)

    yield make
    for client in clients:
        client.__exit__(None, None, None)
