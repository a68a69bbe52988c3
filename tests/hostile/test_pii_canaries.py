"""PII canaries: unique fake names, a licence number and a date of birth are printed into generated
claim forms (digital, scanned, truncated, encrypted, scripted); the whole system handles them
(`claimdocs run` with its quarantines, reconcile, status, a run that cannot reach its database,
the review UI's login, queue, task, page image, corrections, approval, rejection and a refused
value, and a Dagster batch plus a failing one); then every log line, every byte of output on
stdout/stderr, the Dagster event log and asset metadata, and the Dagster home are searched.

0 hits is the pass mark. The values must still be in the database (that is where they belong):
otherwise the test would prove nothing.
"""

from __future__ import annotations

import io
import json
import logging
import os
import random
import re
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest
from fastapi.testclient import TestClient
from pypdf import PdfWriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from claimdocs.log_setup import configure_logging
from review_ui.app import create_app
from review_ui.config import ReviewConfig
from review_ui.passwords import hash_password
from storage import make_engine
from storage.state_tables import StoredDocument, StoredFieldValue
from storage.states import Role
from storage.users import create_user
from tests.dagster.conftest import INPUT_PREFIX, Bucket
from tests.dagster.harness import execute_requests, sensor_tick
from tests.review_ui.html_forms import read_form
from tests.unit.pdf_factory import HALF_LETTER, image_pdf_page, make_digital_pdf, rasterise_page

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
REPO = Path(__file__).resolve().parents[2]
CANARY_SEED = 20261121
PASSWORD = "correct-horse-battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Canaries:
    insured: str
    driver: str
    licence: str
    birth_date: str  # as printed, MM/DD/YYYY
    reviewer_typed: str  # a name a reviewer types into a correction

    def needles(self) -> list[str]:
        """Every form a value may take once normalised: each name part, the licence with and
        without dashes, the date as printed and in ISO form."""
        month, day, year = self.birth_date.split("/")
        names = [*self.insured.split(), *self.driver.split(), *self.reviewer_typed.split()]
        return [*names, self.licence, self.licence.replace("-", ""), self.birth_date,
                f"{year}-{month}-{day}"]


def make_canaries(seed: int) -> Canaries:
    rng = random.Random(seed)

    def word() -> str:  # name-like, and found in no dictionary or document we ship
        syllables = [rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3)]
        return ("".join(syllables) + rng.choice("nrsx")).capitalize()

    return Canaries(
        insured=f"{word()} {word()}",
        driver=f"{word()} {word()}",
        licence=f"Q{rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}-{rng.randrange(1000, 9999)}",
        birth_date=f"{rng.randrange(1, 12):02d}/{rng.randrange(10, 28)}/{rng.randrange(1931, 1949)}",
        reviewer_typed=f"{word()} {word()}",
    )


def claim_form_lines(canaries: Canaries, policy: str) -> list[str]:
    return [
        "FIRST NOTICE OF LOSS - AUTOMOBILE",
        "Carrier: Northwind Mutual Insurance",
        f"Policy Number: {policy}",
        "Date of Loss: 03/14/2026",
        "Time of Loss: 14:35",
        f"Insured Name: {canaries.insured}",
        "Insured Phone: (555) 010-4477",
        "Loss Location: 1200 Harbor Street Springfield IL 62704",
        f"Driver Name: {canaries.driver}",
        f"Driver License: {canaries.licence}",
        f"Driver Date of Birth: {canaries.birth_date}",
        "Description of Loss: rear bumper damaged when backing out of the loading dock",
        "Estimated Loss Amount: $12,450.00",
    ]


def write_canary_documents(folder: Path, canaries: Canaries) -> list[Path]:
    """Neutral file names (the values are inside the documents, as in real life)."""
    folder.mkdir(parents=True, exist_ok=True)
    digital, second, half = folder / "claim_a.pdf", folder / "claim_b.pdf", folder.parent / "half.pdf"
    make_digital_pdf(digital, [claim_form_lines(canaries, "PA-7781201")])
    make_digital_pdf(second, [claim_form_lines(canaries, "PA-7781202")])
    make_digital_pdf(half, [claim_form_lines(canaries, "PA-7781203")[:9]], pagesize=HALF_LETTER)
    scanned = folder / "claim_scanned.pdf"
    with scanned.open("wb") as handle:
        image_pdf_page(rasterise_page(half, dpi=200), dpi=200).write(handle)
    data = digital.read_bytes()
    (folder / "claim_cut.pdf").write_bytes(data[: len(data) * 2 // 3])
    locked = PdfWriter(clone_from=digital)
    locked.encrypt(user_password="open-sesame", owner_password="owner", algorithm="AES-256")
    with (folder / "claim_locked.pdf").open("wb") as handle:
        locked.write(handle)
    scripted = PdfWriter(clone_from=second)
    scripted.add_attachment("notes.txt", f"insured {canaries.insured}".encode())
    with (folder / "claim_attachment.pdf").open("wb") as handle:
        scripted.write(handle)
    return sorted(folder.glob("*.pdf"))


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claimdocs.cli", "-v", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )


def hits(needles: list[str], texts: dict[str, str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for where, text in texts.items():
        lowered = text.lower()
        for needle in needles:
            if needle.lower() in lowered:
                found.setdefault(where, []).append(needle)
    return found


def run_review_ui(database_url: str, tmp_path: Path, canaries: Canaries) -> None:
    """A reviewer (login typo, claim, page image, refused value, correction, approval, history,
    rejection with a reason) and an admin (dashboard), through HTTP."""
    engine = make_engine(database_url)
    with Session(engine) as db, db.begin():
        create_user(db, "alice", hash_password(PASSWORD), Role.REVIEWER)
        create_user(db, "root", hash_password(PASSWORD), Role.ADMIN)
    with Session(engine) as db:
        in_review = list(db.scalars(
            select(StoredDocument.id).where(StoredDocument.state == "in_review").order_by(StoredDocument.id)
        ))
    engine.dispose()
    assert len(in_review) >= 2, "need two documents in review"
    config = ReviewConfig(
        database_url=database_url,
        secret_key=secrets.token_urlsafe(48),
        page_cache_dir=tmp_path / "page-cache",
        lease_seconds=600,
    )
    client = TestClient(create_app(config))
    with client:
        token = CSRF.search(client.get("/login").text).group(1)
        # A mistyped login: the user name box holds someone's name, the password a licence.
        refused = client.post("/login", data={"username": canaries.insured,
                                              "password": canaries.licence, "csrf_token": token})
        assert refused.status_code == 401
        client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
        token = CSRF.search(client.get("/queue").text).group(1)

        first, second = in_review[:2]
        client.post(f"/documents/{first}/claim", data={"csrf_token": token})
        page = client.get(f"/documents/{first}")
        assert page.status_code == 200
        assert client.get(f"/documents/{first}/pages/1.png").status_code == 200
        form = read_form(page.text)
        name_field, date_field = "f:insured_name", "f:date_of_loss"
        assert name_field in form and date_field in form
        # A value that does not read as a date: refused, with the input kept on the page.
        refused_value = client.post(f"/documents/{first}", data={**form, date_field: canaries.driver,
                                                                 "action": "save"},
                                    follow_redirects=False)
        assert refused_value.status_code == 422
        saved = client.post(f"/documents/{first}", data={**form, name_field: canaries.reviewer_typed,
                                                         "action": "save"}, follow_redirects=False)
        assert saved.status_code == 303
        form = read_form(client.get(f"/documents/{first}").text)
        approved = client.post(f"/documents/{first}", data={**form, "action": "approve"},
                               follow_redirects=False)
        assert approved.status_code in (303, 422)
        assert client.get(f"/documents/{first}/history").status_code == 200

        client.post(f"/documents/{second}/claim", data={"csrf_token": token})
        form = read_form(client.get(f"/documents/{second}").text)
        rejected = client.post(
            f"/documents/{second}",
            data={**form, "action": "reject", "reject_reason": f"wrong insured {canaries.insured}"},
            follow_redirects=False,
        )
        assert rejected.status_code == 303
        client.post("/logout", data={"csrf_token": token})

        token = CSRF.search(client.get("/login").text).group(1)
        client.post("/login", data={"username": "root", "password": PASSWORD, "csrf_token": token})
        assert client.get("/admin").status_code == 200


def run_dagster(
    files: list[Path], bucket: Bucket, instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """A batch of the canary files, then a batch whose database is unreachable (it fails)."""
    for path in files:
        bucket.upload(path, INPUT_PREFIX + path.name)
    result = sensor_tick(instance, cursor=None)
    runs = execute_requests(instance, list(result.run_requests), in_process=True)
    assert runs and all(run.success for run in runs)

    bucket.upload(files[0], INPUT_PREFIX + "later/claim_again.pdf")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://claimdocs@127.0.0.1:9/unreachable")
    failing = sensor_tick(instance, cursor=result.cursor)
    failed = execute_requests(instance, list(failing.run_requests), in_process=True)
    assert failed and not any(run.success for run in failed)

    texts: dict[str, str] = {}
    for run in instance.get_runs():
        texts[f"dagster event log {run.run_id}"] = "\n".join(
            dg.serialize_value(entry) for entry in instance.all_logs(run.run_id)
        )
        texts[f"dagster run tags {run.run_id}"] = json.dumps(run.tags)
    return texts


def read_tree(root: Path) -> dict[str, str]:
    return {
        f"file {path.relative_to(root)}": path.read_bytes().decode("utf-8", errors="replace")
        for path in root.rglob("*") if path.is_file()
    }


def test_no_canary_reaches_logs_events_metadata_or_error_output(
    tmp_path: Path, claimdocs_env, bucket: Bucket, dagster_instance, monkeypatch, capfd,
    record_property,
) -> None:
    canaries = make_canaries(CANARY_SEED)
    files = write_canary_documents(tmp_path / "inbox", canaries)
    sqlite_url = f"sqlite:///{tmp_path / 'claims.sqlite3'}"
    # Every document of the command-line run goes to review, so the UI has work to do (the
    # Dagster run below keeps the shipped policy: auto-approval is exercised there).
    review_all = tmp_path / "review_all.json"
    review_all.write_text(json.dumps({"default_min_confidence": 1.0, "field_min_confidence": {}}))
    env = {**os.environ, "CLAIMDOCS_OCR_CACHE": "off", "CLAIMDOCS_OCR_WORKERS": "1",
           "OMP_THREAD_LIMIT": "1", "CLAIMDOCS_ROUTING_POLICY": str(review_all)}
    texts: dict[str, str] = {}

    # The command line: a run with quarantines, reconcile, status, and a run with no database.
    for name, args in {
        "run": ["run", str(tmp_path / "inbox"), "--database-url", sqlite_url,
                "--out", str(tmp_path / "json")],
        "reconcile": ["reconcile", str(tmp_path / "inbox"), "--database-url", sqlite_url],
        "status": ["status", "--database-url", sqlite_url],
        "run without database": ["run", str(tmp_path / "inbox"), "--database-url",
                                 "postgresql+psycopg://claimdocs@127.0.0.1:9/unreachable"],
    }.items():
        completed = cli(*args, env=env)
        texts[f"cli {name} stdout"] = completed.stdout
        texts[f"cli {name} stderr"] = completed.stderr
    assert json.loads(texts["cli run stderr"].splitlines()[0])["level"]  # JSON lines, verbose
    assert "quarantined" in texts["cli run stdout"]
    assert texts["cli run without database stderr"], "the failing run said nothing"

    # The review UI, its logs going through the same allow-listed handler as `claimdocs review`.
    ui_log = io.StringIO()
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    configure_logging(logging.DEBUG, stream=ui_log)
    try:
        run_review_ui(sqlite_url, tmp_path, canaries)
        dagster_texts = run_dagster(files, bucket, dagster_instance, monkeypatch)
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
    texts["ui and dagster log lines"] = ui_log.getvalue()
    texts.update(dagster_texts)
    texts.update(read_tree(Path(os.environ["DAGSTER_HOME"])) if os.environ.get("DAGSTER_HOME") else {})
    texts.update(read_tree(Path(dagster_instance.root_directory)))
    out, err = capfd.readouterr()
    texts["captured stdout"], texts["captured stderr"] = out, err
    assert "login user_id=" in texts["ui and dagster log lines"]
    if os.environ.get("CLAIMDOCS_CANARY_DUMP"):  # to read what was searched, by hand
        Path(os.environ["CLAIMDOCS_CANARY_DUMP"]).write_text(json.dumps(texts, indent=1))
    events = "\n".join(v for k, v in texts.items() if k.startswith("dagster event log"))
    assert "ASSET_MATERIALIZATION" in events and "STEP_FAILURE" in events

    found = hits(canaries.needles(), texts)
    record_property("canary_hits", sum(len(v) for v in found.values()))
    record_property("places_searched", len(texts))
    assert found == {}

    # Control: the values did travel through the system and sit where they belong.
    engine = make_engine(sqlite_url)
    with Session(engine) as db:
        stored = " ".join(v or "" for v in db.scalars(select(StoredFieldValue.value)))
    engine.dispose()
    assert canaries.reviewer_typed in stored
    assert canaries.insured in stored or canaries.driver in stored
    extraction = json.loads((tmp_path / "json" / "claim_a.extraction.json").read_text())
    assert canaries.insured in json.dumps(extraction) or canaries.driver in json.dumps(extraction)
