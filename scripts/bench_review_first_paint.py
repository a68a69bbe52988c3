"""Benchmark: time to first paint of the review UI's task page for a 3-page loss run with 25
claim rows, in Debian's headless Chromium. A measurement, not a test.

    .venv/bin/python scripts/bench_review_first_paint.py [--runs 15] [--database-url URL]

Without --database-url it makes (and drops) a throwaway PostgreSQL database the way the test
suite does. Prints first paint / first contentful paint / load (all page images decoded) from
the browser's own Performance timeline, cold (page images not yet rendered) and warm (cached).
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the test helpers that draw the loss run live under tests/

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
TIMING = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const paint = Object.fromEntries(performance.getEntriesByType('paint').map(p => [p.name, p.startTime]));
  return {ttfb: nav.responseStart, html: nav.responseEnd, fp: paint['first-paint'],
          fcp: paint['first-contentful-paint'], load: nav.loadEventEnd};
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    import uvicorn
    from playwright.sync_api import sync_playwright

    from review_ui.config import ReviewConfig
    from storage import Store, make_engine, migrate
    from storage.states import Role
    from tests.postgres_server import discover_postgres_server, free_port
    from tests.review_ui.conftest import PASSWORD, ReviewSite
    from tests.review_ui.loss_run_pdf import LossRunSpec

    server_pg = None
    url = args.database_url
    if url is None:
        import os

        server_pg = discover_postgres_server(os.environ)
        name = server_pg.create_database()
        url = server_pg.url_for(name)
    work = Path(tempfile.mkdtemp(prefix="review-bench-"))
    (work / "files").mkdir()
    try:
        migrate.upgrade(url)
        engine = make_engine(url)
        config = ReviewConfig(database_url=url, secret_key=secrets.token_urlsafe(48),
                              page_cache_dir=work / "page-cache", lease_seconds=3600)
        site = ReviewSite(url, Store(engine), config, work / "files")
        site.add_user("bench", Role.REVIEWER)
        document_id = site.add_loss_run(
            "loss-run-25", LossRunSpec(claims=25, pages=3, misread={(3, "paid"): "120.50"})
        )
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(site.app(), host="127.0.0.1", port=port,
                                               log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(base + "/login")
            page.fill("input[name=username]", "bench")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/queue")
            page.click(f"form[action='/documents/{document_id}/claim'] button")
            page.wait_for_load_state("load")

            def measure() -> dict:
                page.goto(f"{base}/documents/{document_id}", wait_until="load")
                # Paint entries can land just after the load event. (Polled with evaluate:
                # wait_for_function evaluates a string, which the page's CSP forbids.)
                for _ in range(100):
                    timing = page.evaluate(TIMING)
                    if timing["fcp"] is not None:
                        return timing
                    time.sleep(0.02)
                raise RuntimeError("no first-contentful-paint entry")

            colds = []
            for _ in range(3):
                # Cold: nothing cached yet, so page sizes are read and the images rendered.
                shutil.rmtree(config.page_cache_dir, ignore_errors=True)
                colds.append(measure())
            runs = [measure() for _ in range(args.runs)]
            rows = page.locator("table.list-table tbody tr.list-row").count()
            boxes = page.locator("rect.box").count()
            size = len(page.content().encode())
            browser.close()
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()
    finally:
        if server_pg is not None:
            server_pg.drop_database(name)

    def median(key: str, sample: list[dict]) -> float:
        return statistics.median(run[key] for run in sample)

    print(f"task page: 3 pages, {rows} claim rows, {boxes} boxes, HTML {size / 1024:.0f} KiB")
    for label, sample in (("cold: images rendered on request", colds), ("warm: images cached", runs)):
        print(
            f"{label} (median of {len(sample)}): TTFB {median('ttfb', sample):.0f} ms, "
            f"HTML done {median('html', sample):.0f} ms, first paint {median('fp', sample):.0f} ms, "
            f"FCP {median('fcp', sample):.0f} ms, load (all page images) {median('load', sample):.0f} ms"
        )


if __name__ == "__main__":
    main()
