"""Fixtures for the hostile-input tests: a reduced hostile corpus built once per session from a
fixed seed, and pipeline options that keep a 2-core box usable (one OCR worker, no OCR cache)."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimdocs.hostile import HostileCase, build_hostile_corpus
from pipeline.load import LoadLimits
from pipeline.page_words import OcrOptions
from pipeline.runner import PipelineOptions
from tests.corpus import CORPUS
from tests.dagster.conftest import (  # noqa: F401 (fixtures for the chaos and canary tests)
    _dagster_pg_template,
    aws_credentials,
    bucket,
    claimdocs_env,
    dagster_instance,
    pg_url,
    s3_server,
)

HOSTILE_SEED = 8
REDUCED_SAMPLES = 2
REDUCED_CUTS = 6


@pytest.fixture(scope="session")
def pipeline_options() -> PipelineOptions:
    return PipelineOptions(limits=LoadLimits(), ocr=OcrOptions(workers=1, cache_dir=None))


@pytest.fixture(scope="session")
def hostile_corpus(
    tmp_path_factory: pytest.TempPathFactory, pipeline_options: PipelineOptions
) -> tuple[Path, list[HostileCase]]:
    folder = tmp_path_factory.mktemp("hostile-corpus")
    cases = build_hostile_corpus(
        folder,
        seed=HOSTILE_SEED,
        samples_folder=CORPUS,
        samples=REDUCED_SAMPLES,
        cuts_per_sample=REDUCED_CUTS,
        max_bytes=pipeline_options.limits.max_bytes,
    )
    return folder, cases


# --- chaos: the S3 server from the Dagster tests, fresh PostgreSQL databases per repetition ------


@pytest.fixture(scope="session")
def _chaos_pg_template(pg_server):
    from storage import migrate

    name = pg_server.create_database()
    migrate.upgrade(pg_server.url_for(name))
    yield name
    pg_server.drop_database(name)


@pytest.fixture
def fresh_pg_database(pg_server, _chaos_pg_template):
    """Call for a fresh migrated PostgreSQL database (dropped at teardown); killed workers leave
    nothing behind in a shared one."""
    created = []

    def make() -> str:
        name = pg_server.create_database(template=_chaos_pg_template)
        created.append(name)
        return pg_server.url_for(name)

    yield make
    for name in created:
        pg_server.drop_database(name)
