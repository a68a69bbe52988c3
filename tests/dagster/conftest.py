"""Fixtures for the Dagster tests: a real S3 protocol server (moto's standalone server on
loopback, started and stopped here), a real PostgreSQL database (`pg_url` from tests/conftest.py),
a Dagster instance in a temp DAGSTER_HOME, and the environment the code location reads.
"""

import hashlib
import logging
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import dagster as dg
import pytest
from moto.server import ThreadedMotoServer
from pypdf import PdfReader

from tests.corpus import corpus_files, truth_of

INPUT_PREFIX = "incoming/"
logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's request log


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    # Fake credentials for the local server; never a real profile.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)


@dataclass
class Bucket:
    name: str
    endpoint_url: str
    client: object  # a boto3 S3 client straight to the server (no faults)

    def upload(self, path: Path, key: str) -> str:
        self.client.put_object(Bucket=self.name, Key=key, Body=path.read_bytes())
        return key

    def keys(self, prefix: str) -> list[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        return [
            item["Key"]
            for page in paginator.paginate(Bucket=self.name, Prefix=prefix)
            for item in page.get("Contents", [])
        ]

    def heads(self, prefix: str) -> dict[str, tuple[str, object]]:
        """key -> (ETag, LastModified) of every object under prefix."""
        paginator = self.client.get_paginator("list_objects_v2")
        return {
            item["Key"]: (item["ETag"], item["LastModified"])
            for page in paginator.paginate(Bucket=self.name, Prefix=prefix)
            for item in page.get("Contents", [])
        }


@pytest.fixture
def bucket(s3_server: str, aws_credentials: None) -> Bucket:
    name = f"claimdocs-{secrets.token_hex(4)}"
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")
    client.create_bucket(Bucket=name)
    return Bucket(name=name, endpoint_url=s3_server, client=client)


@pytest.fixture
def dagster_instance(tmp_path: Path) -> Iterator[dg.DagsterInstance]:
    """A persistent instance in a temp DAGSTER_HOME (set for the test and its subprocesses)."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        yield instance


@pytest.fixture(scope="session")
def _dagster_pg_template(pg_server) -> Iterator[str]:
    from storage import migrate

    name = pg_server.create_database()
    migrate.upgrade(pg_server.url_for(name))
    yield name
    pg_server.drop_database(name)


@pytest.fixture
def pg_url(pg_server, _dagster_pg_template: str) -> Iterator[str]:
    """A fresh migrated PostgreSQL database of this test's own: runs in other processes keep
    connections to it, so it is never shared or emptied under them."""
    name = pg_server.create_database(template=_dagster_pg_template)
    yield pg_server.url_for(name)
    pg_server.drop_database(name)


@pytest.fixture
def claimdocs_env(
    monkeypatch: pytest.MonkeyPatch, bucket: Bucket, pg_url: str, tmp_path: Path
) -> dict[str, str]:
    """The environment the code location reads, pointing at the test bucket and database."""
    env = {
        "CLAIMDOCS_S3_BUCKET": bucket.name,
        "CLAIMDOCS_S3_ENDPOINT_URL": bucket.endpoint_url,
        "DATABASE_URL": pg_url,
        # Shared by the runs and the reference processing, so a page is OCR'd once per test.
        "CLAIMDOCS_OCR_CACHE": str(tmp_path / "ocr-cache"),
        "CLAIMDOCS_OCR_WORKERS": "1",
        "OMP_THREAD_LIMIT": "1",
        "CLAIMDOCS_BATCH_SIZE": "25",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(files: list[Path], folder: Path) -> list[Path]:
    """Copies (with their truth files) that stay put while the committed corpus is regenerated."""
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for pdf in files:
        shutil.copyfile(pdf, folder / pdf.name)
        truth = pdf.with_name(pdf.stem + ".truth.json")
        shutil.copyfile(truth, folder / truth.name)
        copies.append(folder / pdf.name)
    return copies


def has_text_layer(pdf: Path) -> bool:
    """Digital files without text (a blank page, a photo) would be OCR'd: slow, left out."""
    return all((page.extract_text() or "").strip() for page in PdfReader(pdf).pages)


def small_corpus(scanned: int = 1) -> list[Path]:
    """A quick slice of the committed corpus, chosen by what the truth files say: every bad file,
    one digital file per distinct set of document types, and `scanned` one-page scans."""
    bad = corpus_files(quarantined=True)
    good: list[Path] = []
    seen_kinds: set[tuple[str, ...]] = set()
    for pdf in corpus_files(variant="digital", quarantined=False):
        kinds = tuple(d["doc_type"] for d in truth_of(pdf)["documents"])
        if kinds and kinds not in seen_kinds and has_text_layer(pdf):
            seen_kinds.add(kinds)
            good.append(pdf)
    scans = [
        pdf
        for pdf in corpus_files(variant="scanned", quarantined=False)
        if len(truth_of(pdf)["documents"]) == 1
        and truth_of(pdf)["documents"][0]["page_end"] == 1
    ][:scanned]
    if not bad or not good:
        pytest.skip("sample corpus not generated")
    return bad + good + scans
