"""The review UI in Debian's headless Chromium (Playwright, no browser download), served by
uvicorn on a free local port over a fresh PostgreSQL database.

Screenshots of the queue, task, conflict and dashboard pages go to test-artifacts/review_ui/.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import text

from review_ui.config import ReviewConfig
from storage import Store, make_engine, migrate
from storage.states import Role
from tests.postgres_server import free_port
from tests.review_ui.conftest import PASSWORD, ReviewSite
from tests.review_ui.loss_run_pdf import LossRunSpec

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "review_ui"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
XSS_NAME = "<script>alert(1)</script>"
XSS_DESCRIPTION = '"><img src=x onerror=alert(2)>'
XSS_FILE = "<img src=x onerror=alert(3)>"


@pytest.fixture(scope="module")
def site(pg_server, tmp_path_factory) -> Iterator[ReviewSite]:
    name = pg_server.create_database()
    url = pg_server.url_for(name)
    migrate.upgrade(url)
    engine = make_engine(url)
    folder = tmp_path_factory.mktemp("review-browser")
    (folder / "files").mkdir()
    config = ReviewConfig(
        database_url=url, secret_key=secrets.token_urlsafe(48),
        page_cache_dir=folder / "page-cache", lease_seconds=600,
    )
    review_site = ReviewSite(url, Store(engine), config, folder / "files")
    review_site.add_user("alice")
    review_site.add_user("bob")
    review_site.add_user("root", Role.ADMIN)
    yield review_site
    engine.dispose()
    pg_server.drop_database(name)


@pytest.fixture(scope="module")
def base_url(site: ReviewSite) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(site.app(), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser, base_url):
    contexts = []

    def make(user: str | None = "alice"):
        context = browser.new_context(viewport={"width": 1600, "height": 1000}, base_url=base_url)
        contexts.append(context)
        page = context.new_page()
        page.dialogs = []  # every alert/confirm/prompt that fires: must stay empty
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.console_errors = []
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        if user:
            page.goto("/login")
            page.fill("input[name=username]", user)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/queue")
        return page

    yield make
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def pas_paid(site: ReviewSite, claim_number: str) -> list[tuple[Decimal, bool]]:
    with site.store.engine.connect() as connection:
        return [
            (row.paid, row.corrected)
            for row in connection.execute(
                text(
                    "SELECT c.paid, p.corrected FROM pas.loss_run_claims c "
                    "JOIN pas.field_provenance p ON p.pas_table = 'loss_run_claims' "
                    " AND p.pas_row_id = c.id AND p.column_name = 'paid' "
                    "WHERE c.claim_number = :number"
                ),
                {"number": claim_number},
            )
        ]


def open_task(page, document_id: int) -> None:
    page.goto("/queue")
    page.click(f"form[action='/documents/{document_id}/claim'] button")
    page.wait_for_url(f"**/documents/{document_id}")
    page.wait_for_load_state("networkidle")


def test_reviewer_fixes_a_claim_amount_and_approves_into_the_pas_tables(site, new_page):
    """GIVEN a queued loss run whose 4th claim's paid amount was misread
    WHEN a reviewer opens it, corrects the amount with the keyboard and approves
    THEN the PAS claim row holds the corrected amount, marked corrected in its provenance."""
    document_id = site.add_loss_run("loss-run-approve", LossRunSpec(misread={(3, "paid"): "120.50"}))
    page = new_page("alice")
    shot(page, "queue")
    open_task(page, document_id)
    paid = page.locator("#f-claims-3-paid")
    # The least confident value is selected on arrival and its box is highlighted on the page.
    assert page.evaluate("document.activeElement.id") == "f-claims-3-paid"
    assert "active" in page.locator("#box-f-claims-3-paid").get_attribute("class")
    assert page.locator("img[alt='Page 1']").evaluate("img => img.complete && img.naturalWidth > 0")
    shot(page, "task")

    paid.fill("1,111.50")
    page.keyboard.press("Control+s")
    page.wait_for_selector(".flash-ok")
    assert page.locator("#f-claims-3-paid").input_value() == "1111.50"
    assert page.locator(".msg-error").count() == 0  # incurred and totals add up again
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".flash-ok >> text=Approved")

    assert pas_paid(site, "CL-24003") == [(Decimal("1111.50"), True)]
    assert page.dialogs == [] and page.console_errors == []


def test_a_stale_save_from_a_second_context_shows_the_conflict_and_keeps_the_input(site, new_page):
    document_id = site.add_loss_run("loss-run-conflict", LossRunSpec(misread={(3, "paid"): "120.50"}))
    first = new_page("alice")
    open_task(first, document_id)
    second = new_page("alice")  # the same reviewer in a second window
    second.goto(f"/documents/{document_id}")

    first.fill("#f-claims-3-reserve", "750.00")
    first.click("#save")
    first.wait_for_selector(".flash-ok")

    second.fill("#f-claims-3-paid", "1111.50")
    second.click("#save")
    second.wait_for_selector("#conflict")
    assert "Someone else changed this document" in second.locator("#conflict").inner_text()
    assert second.locator("#f-claims-3-paid").input_value() == "1111.50"  # kept, not discarded
    assert second.locator("#f-claims-3-reserve").input_value() == "750.00"  # the newer value shows
    shot(second, "conflict")
    # Saving again from the conflict page keeps both changes.
    second.click("#save")
    second.wait_for_selector(".flash-ok")
    assert second.locator("#f-claims-3-paid").input_value() == "1111.50"
    assert second.locator("#f-claims-3-reserve").input_value() == "750.00"


def test_markup_in_document_values_renders_as_text_and_runs_nothing(site, new_page):
    spec = LossRunSpec(
        misread={(3, "paid"): "120.50"},
        claimant_names={1: XSS_NAME, 2: XSS_DESCRIPTION},
    )
    document_id = site.add_loss_run(XSS_FILE, spec)
    page = new_page("alice")
    assert XSS_FILE in page.locator("table.queue").inner_text()
    open_task(page, document_id)
    assert page.locator("#f-claims-1-claimant-name").input_value() == XSS_NAME
    assert page.locator("#f-claims-2-claimant-name").input_value() == XSS_DESCRIPTION
    assert XSS_FILE in page.locator(".doc-head .meta").inner_text()
    # Correct one into another payload: it goes through history and back as text too.
    page.fill("#f-claims-1-claimant-name", XSS_DESCRIPTION + XSS_NAME)
    page.click("#save")
    page.wait_for_selector(".flash-ok")
    page.goto(f"/documents/{document_id}/history")
    assert XSS_NAME in page.locator("table.events").inner_text()
    assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0
    assert page.evaluate("document.querySelectorAll('img[onerror]').length") == 0
    page.wait_for_timeout(300)
    assert page.dialogs == []


def test_clicking_a_box_selects_its_field_and_keys_move_between_fields(site, new_page):
    document_id = site.add_loss_run("loss-run-keys", LossRunSpec(misread={(3, "paid"): "120.50"}))
    page = new_page("alice")
    open_task(page, document_id)
    page.locator("#box-f-insured-name").click()
    assert page.evaluate("document.activeElement.id") == "f-insured-name"
    assert "active" in page.locator("#box-f-insured-name").get_attribute("class")
    page.keyboard.press("Alt+ArrowDown")
    assert page.evaluate("document.activeElement.id") == "f-valuation-date"
    assert "active" in page.locator("#box-f-valuation-date").get_attribute("class")
    page.keyboard.press("Alt+ArrowUp")
    page.keyboard.press("Alt+ArrowUp")
    assert page.evaluate("document.activeElement.id") == "f-carrier-name"
    # Add a row with the button, fill it, save: the new claim row is stored.
    page.click("button.add-row[data-list='claims']")
    page.keyboard.type("CL-77777")
    page.fill("#f-claims-25-paid", "10")
    page.fill("#f-claims-25-reserve", "0")
    page.fill("#f-claims-25-incurred", "10")
    page.select_option("#f-claims-25-status", "closed")
    page.keyboard.press("Control+s")
    page.wait_for_selector(".flash-ok")
    assert page.locator("#f-claims-25-claim-number").input_value() == "CL-77777"
    assert page.locator("#f-claims-25-paid").input_value() == "10.00"


def test_reviewer_is_kept_out_of_the_dashboard_and_admin_sees_it(site, new_page):
    reviewer = new_page("alice")
    response = reviewer.goto("/admin")
    assert response.status == 403
    assert reviewer.locator("a[href='/admin']").count() == 0
    admin = new_page("root")
    admin.goto("/admin")
    assert admin.locator("#queue-size").inner_text().strip().isdigit()
    shot(admin, "dashboard")


def test_no_session_means_the_login_page(new_page):
    page = new_page(None)
    page.goto("/queue")
    assert page.url.endswith("/login")
    page.goto("/admin")
    assert page.url.endswith("/login")


def test_unsaved_edits_guard_reclassifying_and_reject_works_from_the_keyboard(site, new_page):
    document_id = site.add_loss_run("loss-run-reject", LossRunSpec(misread={(3, "paid"): "120.50"}))
    page = new_page("alice")
    open_task(page, document_id)
    page.fill("#f-claims-0-reserve", "1.00")
    page.click("#reclassify summary")
    page.click("form[action$='/doc-type'] button")
    assert page.locator(".needs-clean-hint").is_visible()  # refused: the edit would be lost
    assert page.url.endswith(f"/documents/{document_id}")
    page.check("input[name='remove:claims[1]']", force=True)
    assert "removed" in page.locator("tr[data-row='claims[1]']").first.get_attribute("class")
    page.fill("#reject-reason", "duplicate of another document")
    page.keyboard.press("Alt+r")
    page.wait_for_selector(".flash-ok >> text=Rejected")
    page.goto(f"/documents/{document_id}/history")
    assert "duplicate of another document" in page.locator("table.events").inner_text()
    assert page.dialogs == []
