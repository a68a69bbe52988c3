"""The review UI locked down (Label Studio's advisories as the threat model): no way in without
a session, no POST without the CSRF token, reviewers kept out of admin pages, no forged sessions
from a default secret, safe cookies and headers, escaped document values."""

from __future__ import annotations

import logging
import re
import secrets
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from review_ui.app import create_app
from review_ui.config import (
    CookieSecurity,
    InsecureSecretError,
    ReviewConfig,
    check_secret,
    review_config_from_env,
)
from review_ui.rendering import TEMPLATES_DIR, make_templates
from review_ui.sessions import PLAIN_COOKIE, SECURE_COOKIE
from storage.states import Role
from tests.review_ui.conftest import PASSWORD, csrf_from, login
from tests.review_ui.html_forms import read_form
from tests.review_ui.loss_run_pdf import LossRunSpec

PUBLIC = {("/login", "get"), ("/login", "post"), ("/health", "get")}


def every_route(app) -> list[tuple[str, str]]:
    """Every (path, method) the app serves, from its own route table."""
    return [
        (path, method)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    ]


def concrete(path: str, document_id: int) -> str:
    return path.replace("{document_id}", str(document_id)).replace("{page}", "1")


@pytest.fixture
def document_id(sqlite_site):
    return sqlite_site.add_loss_run(spec=LossRunSpec(misread={(3, "paid"): "120.50"}))


def test_route_table_is_what_the_tests_cover(sqlite_site):
    routes = every_route(sqlite_site.app())
    assert len(routes) >= 14 and ("/admin", "get") in routes


def test_every_route_without_a_session_is_refused(sqlite_site, document_id):
    app = sqlite_site.app()
    with TestClient(app) as anonymous:
        for path, method in every_route(app):
            if (path, method) in PUBLIC:
                continue
            response = anonymous.request(method.upper(), concrete(path, document_id), follow_redirects=False)
            assert response.status_code in (303, 401), (path, method, response.status_code)
            if response.status_code == 303:
                assert response.headers["location"] == "/login"
            assert "CL-24003" not in response.text  # no document data leaks with the refusal
        # A forged cookie is no session either.
        anonymous.cookies.set(PLAIN_COOKIE, "eyJ1aWQiOjF9.forged.signature")
        assert anonymous.get("/queue", follow_redirects=False).status_code == 303


def test_a_cookie_signed_with_another_secret_is_refused(sqlite_site, document_id):
    with TestClient(sqlite_site.app()) as client:
        login(client, "alice")
        stolen = client.cookies.get(PLAIN_COOKIE)
    other = sqlite_site.config.model_copy(update={"secret_key": SecretStr(secrets.token_urlsafe(48))})
    with TestClient(create_app(other)) as attacker:
        attacker.cookies.set(PLAIN_COOKIE, stolen)
        assert attacker.get("/queue", follow_redirects=False).status_code == 303


def test_every_post_without_the_csrf_token_is_refused(sqlite_site, document_id):
    app = sqlite_site.app()
    with TestClient(app) as client:
        token = login(client, "alice")
        client.post(f"/documents/{document_id}/claim", data={"csrf_token": token})
        for path, method in every_route(app):
            if method != "post":
                continue
            url = concrete(path, document_id)
            missing = client.post(url, data={"action": "save"}, follow_redirects=False)
            wrong = client.post(url, data={"csrf_token": "x" * 43}, follow_redirects=False)
            header = client.post(url, headers={"X-CSRF-Token": "nope"}, follow_redirects=False)
            assert (missing.status_code, wrong.status_code, header.status_code) == (403, 403, 403), url
        # The right token from another origin is refused too.
        cross = client.post(
            f"/documents/{document_id}/renew",
            headers={"X-CSRF-Token": token, "Origin": "https://evil.example"},
        )
        assert cross.status_code == 403
        # And with the token, from here, it works.
        assert client.post(f"/documents/{document_id}/renew", headers={"X-CSRF-Token": token}).status_code == 200


def test_login_form_needs_its_csrf_token(sqlite_site):
    with TestClient(sqlite_site.app()) as client:
        client.get("/login")
        response = client.post("/login", data={"username": "alice", "password": PASSWORD})
        assert response.status_code == 403


def test_reviewer_cannot_reach_admin_pages(sqlite_site, document_id):
    app = sqlite_site.app()
    admin_routes = [(p, m) for p, m in every_route(app) if p.startswith("/admin")]
    assert admin_routes
    with TestClient(app) as reviewer:
        token = login(reviewer, "alice")
        for path, method in admin_routes:
            response = reviewer.request(method.upper(), path, data={"csrf_token": token})
            assert response.status_code == 403, path
    with TestClient(app) as admin:
        login(admin, "root")
        assert admin.get("/admin").status_code == 200


def test_session_cookie_flags(sqlite_site):
    app = sqlite_site.app()
    with TestClient(app) as client:
        client.get("/login")
        login_page = client.get("/login")
        token = csrf_from(login_page.text)
        response = client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token},
                               follow_redirects=False)
        cookie = response.headers["set-cookie"]
        assert cookie.startswith(f"{PLAIN_COOKIE}=")
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    with TestClient(app, base_url="https://review.example") as tls:
        cookie = tls.get("/login").headers["set-cookie"]
        assert cookie.startswith(f"{SECURE_COOKIE}=") and "; Secure" in cookie and "HttpOnly" in cookie
    forced = sqlite_site.config.model_copy(update={"cookie_security": CookieSecurity.ALWAYS})
    with TestClient(create_app(forced)) as client:
        assert "; Secure" in client.get("/login").headers["set-cookie"]


def test_logout_ends_the_session(sqlite_site):
    with TestClient(sqlite_site.app()) as client:
        token = login(client, "alice")
        assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
        assert client.get("/queue", follow_redirects=False).status_code == 303


def test_password_change_and_deactivation_end_sessions(sqlite_site):
    from sqlalchemy.orm import Session

    from review_ui.users import set_active, set_password

    app = sqlite_site.app()
    with TestClient(app) as client:
        login(client, "alice")
        with Session(sqlite_site.store.engine) as db, db.begin():
            set_password(db, "alice", "another-long-password")
        assert client.get("/queue", follow_redirects=False).status_code == 303
    with TestClient(app) as client:
        login(client, "root")
        with Session(sqlite_site.store.engine) as db, db.begin():
            set_active(db, "root", False)
        assert client.get("/queue", follow_redirects=False).status_code == 303


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(sqlite_site, caplog):
    with TestClient(sqlite_site.app()) as client, caplog.at_level(logging.INFO):
        token = csrf_from(client.get("/login").text)
        for name in ("alice", "nobody-by-this-name"):
            response = client.post("/login", data={"username": name, "password": "wrong-password!", "csrf_token": token})
            assert response.status_code == 401
            assert "Wrong user name or password." in response.text
    assert "nobody-by-this-name" not in caplog.text and "wrong-password!" not in caplog.text


@pytest.mark.parametrize(
    "secret",
    [None, "", "short", "changeme-changeme-changeme-changeme", "a" * 64, "your-secret-key-goes-here-0123456789"],
)
def test_unsafe_secrets_are_refused(secret):
    with pytest.raises(InsecureSecretError):
        check_secret(secret)
    environ = {} if secret is None else {"CLAIMDOCS_SECRET_KEY": secret}
    with pytest.raises(InsecureSecretError):
        review_config_from_env(environ)
    with pytest.raises(InsecureSecretError):
        create_app(ReviewConfig(database_url="sqlite://", secret_key=secret or "x"))


@pytest.mark.parametrize(
    "secret",
    [
        "todo-todo-0123456789-abcdefghijklmnop",
        "my-xxx-key-0123456789-abcdefghijklm",
        "k" * 6 + "0123456789abcdefghijklmnopqrstu",
    ],
)
def test_short_placeholder_words_and_runs_are_refused(secret):
    with pytest.raises(InsecureSecretError):
        check_secret(secret)


@pytest.mark.parametrize(
    "secret",
    [
        "45JNEkKAEIVV7AaX9l2vjyLZlCTgL4FXdLcG8RMnb2OuuTimBUtXHXXxxF6LC8bR",  # "XXxx" by chance
        "q7Rt0DoZ1mTODOp3Wv8nLk2sYh5Jc9Fb4Gx6",  # "ToDo" inside random letters
    ],
)
def test_random_tokens_that_contain_a_short_placeholder_by_chance_are_accepted(secret):
    assert check_secret(secret) == secret


def test_dev_flag_makes_a_random_secret_only_when_none_is_set():
    first = review_config_from_env({}, allow_dev_secret=True).secret_key.get_secret_value()
    second = review_config_from_env({}, allow_dev_secret=True).secret_key.get_secret_value()
    assert first != second and len(first) >= 48
    with pytest.raises(InsecureSecretError):  # a placeholder stays refused even in dev mode
        review_config_from_env({"CLAIMDOCS_SECRET_KEY": "changeme"}, allow_dev_secret=True)


def test_security_headers_forbid_inline_script(sqlite_site):
    with TestClient(sqlite_site.app()) as client:
        headers = client.get("/login").headers
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"


def test_templates_autoescape_and_never_mark_values_safe():
    assert make_templates().env.autoescape is True
    for template in Path(TEMPLATES_DIR).glob("*.html"):
        source = template.read_text(encoding="utf-8")
        assert "|safe" not in source.replace(" ", ""), template.name
        assert "autoescape false" not in source, template.name
        assert not re.search(r"<script(?![^>]*\bsrc=)", source), f"inline script in {template.name}"
        assert " style=" not in source, f"inline style in {template.name}"


def test_markup_in_a_document_value_is_escaped(sqlite_site):
    payload = "<script>alert(1)</script>"
    document_id = sqlite_site.add_loss_run(
        "xss", LossRunSpec(misread={(3, "paid"): "120.50"}, claimant_names={1: payload})
    )
    with TestClient(sqlite_site.app()) as client:
        login(client, "alice")
        html = client.get(f"/documents/{document_id}").text
    assert payload not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert read_form(html)["f:claims[1].claimant_name"] == payload  # shown as text, kept verbatim


def test_logs_hold_ids_not_document_values(sqlite_site, caplog):
    """Canary values in a document never reach the log, through a whole review."""
    canary = "Zebulon Quixote-Canary"
    document_id = sqlite_site.add_loss_run(
        "canary", LossRunSpec(misread={(3, "paid"): "120.50"}, claimant_names={0: canary})
    )
    with TestClient(sqlite_site.app()) as client, caplog.at_level(logging.DEBUG):
        token = login(client, "root")
        client.post(f"/documents/{document_id}/claim", data={"csrf_token": token})
        form = read_form(client.get(f"/documents/{document_id}").text)
        form.update({"f:claims[0].claimant_name": canary + " Jr", "action": "save"})
        client.post(f"/documents/{document_id}", data=form)
        form = read_form(client.get(f"/documents/{document_id}").text)
        client.post(f"/documents/{document_id}", data={**form, "action": "approve", "override_reason": "ok"})
    assert caplog.records, "expected the review to log something"
    assert "Quixote" not in caplog.text and "1111.50" not in caplog.text


def test_a_user_cannot_read_another_document_through_the_page_image_path(sqlite_site, document_id):
    with TestClient(sqlite_site.app()) as client:
        login(client, "alice")
        for path in ("/documents/1/pages/..%2F..%2Fetc%2Fpasswd.png", "/documents/1/pages/-1.png",
                     "/documents/999/pages/1.png", "/documents/1%2F..%2F2/pages/1.png"):
            assert client.get(path).status_code in (404, 422), path


def test_admin_is_not_needed_for_review_but_role_is_checked_each_request(sqlite_site):
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from storage.state_tables import User

    with TestClient(sqlite_site.app()) as client:
        login(client, "root")
        assert client.get("/admin").status_code == 200
        with Session(sqlite_site.store.engine) as db, db.begin():
            db.execute(update(User).where(User.username == "root").values(role=Role.REVIEWER.value))
        assert client.get("/admin").status_code == 403


def test_password_guessing_is_throttled(sqlite_site):
    with TestClient(sqlite_site.app()) as client:
        token = csrf_from(client.get("/login").text)
        codes = [
            client.post("/login", data={"username": "alice", "password": f"guess-{i}", "csrf_token": token}).status_code
            for i in range(9)
        ]
        assert codes[:8] == [401] * 8 and codes[8] == 429
        # Even the right password waits out the window now.
        right = client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
        assert right.status_code == 429
