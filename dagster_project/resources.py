"""Dagster resources: the S3 bucket, the claims database, the core's options and the ingestion
policy. Connection values come from the environment through `dg.EnvVar` (resolved when a run or
tick starts, never shown in the UI); credentials come from the standard AWS chain.
"""

from collections.abc import Mapping

import boto3
import dagster as dg
from botocore.config import Config as BotoConfig
from pydantic import PrivateAttr

from dagster_project.claim_store import ClaimStore
from dagster_project.output_layout import OutputLayout
from dagster_project.s3_objects import BucketClient
from pipeline.runner import PipelineOptions
from storage.settings import DATABASE_URL_VARIABLE, DEFAULT_DATABASE_URL


class S3BucketResource(dg.ConfigurableResource):
    """One bucket with an input prefix (read only) and two output prefixes."""

    bucket: str
    endpoint_url: str | None = None  # MinIO, Ceph, moto ...; None = AWS
    region_name: str = "us-east-1"
    input_prefix: str = "incoming/"
    processed_prefix: str = "processed/"
    quarantine_prefix: str = "quarantine/"
    # botocore's own retries ("standard" mode: throttling and 5xx, with backoff) come first;
    # the job's retry policy handles what outlasts them.
    max_attempts: int = 5
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 60.0

    _client: BucketClient | None = PrivateAttr(default=None)

    def layout(self) -> OutputLayout:
        return OutputLayout(
            input_prefix=self.input_prefix,
            processed_prefix=self.processed_prefix,
            quarantine_prefix=self.quarantine_prefix,
        )

    def client(self) -> BucketClient:
        if self._client is None:
            s3 = boto3.session.Session().client(
                "s3",
                endpoint_url=self.endpoint_url or None,
                region_name=self.region_name,
                config=BotoConfig(
                    retries={"mode": "standard", "max_attempts": self.max_attempts},
                    connect_timeout=self.connect_timeout_s,
                    read_timeout=self.read_timeout_s,
                    # Path-style works with every S3-compatible server and with AWS.
                    s3={"addressing_style": "path"},
                ),
            )
            self._client = BucketClient(s3, self.bucket)
        return self._client


class ClaimStoreResource(dg.ConfigurableResource):
    """The claims database (working state + PAS tables), migrated by `claimdocs db upgrade`."""

    database_url: str

    _store: ClaimStore | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._store = ClaimStore.connect(self.database_url)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def store(self) -> ClaimStore:
        if self._store is None:  # used outside a run (a sensor, a script)
            self._store = ClaimStore.connect(self.database_url)
        return self._store


class PipelineOptionsResource(dg.ConfigurableResource):
    """The core's options, from `claimdocs.settings` (the one place settings are read)."""

    def options(self) -> PipelineOptions:
        from claimdocs.settings import load_settings

        return load_settings().pipeline_options()

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        # The core keeps OCR worker processes for the life of the process and stops them at
        # interpreter exit; a step process started by multiprocessing skips that hook and would
        # wait for those workers forever when it ends. So the step stops them itself.
        from pipeline.ocr import shutdown_shared_ocr_pools

        shutdown_shared_ocr_pools()


class IngestionPolicy(dg.ConfigurableResource):
    """How the sensor and the nightly sweep cut work into runs."""

    # Objects per run: large enough that the per-run start-up cost is a small share of the work
    # (see docs/operations.md for the measurement), small enough that runs spread over workers.
    batch_size: int = 25
    # How long after its LastModified an upload may still appear in a listing.
    lookback_minutes: int = 60
    # Listing pages (1,000 keys each) one sensor tick may read before continuing next tick.
    max_list_pages_per_tick: int = 200
    # The nightly sweep leaves objects younger than this to the sensor.
    sweep_min_age_minutes: int = 30


def _env_int(environ: Mapping[str, str], name: str, default: int) -> int:
    value = environ.get(name)
    return int(value) if value not in (None, "") else default


def resources_from_env(environ: Mapping[str, str]) -> dict[str, dg.ConfigurableResource]:
    """The resources of the code location. Required connection values are `EnvVar`s; optional
    ones fall back to the documented defaults (docs/operations.md lists every variable)."""

    def optional(name: str, default: str | None) -> str | dg.EnvVar | None:
        return dg.EnvVar(name) if environ.get(name) else default

    # The same default as the CLI (an SQLite file), so a local `dagster dev` and `claimdocs`
    # share one database.
    database_url = optional(DATABASE_URL_VARIABLE, DEFAULT_DATABASE_URL)
    return {
        "s3": S3BucketResource(
            bucket=dg.EnvVar("CLAIMDOCS_S3_BUCKET"),
            endpoint_url=optional("CLAIMDOCS_S3_ENDPOINT_URL", None),
            region_name=optional("AWS_REGION", "us-east-1"),
            input_prefix=optional("CLAIMDOCS_S3_INPUT_PREFIX", "incoming/"),
            processed_prefix=optional("CLAIMDOCS_S3_PROCESSED_PREFIX", "processed/"),
            quarantine_prefix=optional("CLAIMDOCS_S3_QUARANTINE_PREFIX", "quarantine/"),
            max_attempts=_env_int(environ, "CLAIMDOCS_S3_MAX_ATTEMPTS", 5),
        ),
        "claim_store": ClaimStoreResource(database_url=database_url),
        "pipeline": PipelineOptionsResource(),
        "ingestion": IngestionPolicy(
            batch_size=_env_int(environ, "CLAIMDOCS_BATCH_SIZE", 25),
            lookback_minutes=_env_int(environ, "CLAIMDOCS_LOOKBACK_MINUTES", 60),
        ),
    }
