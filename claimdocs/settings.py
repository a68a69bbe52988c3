"""Settings, read from the environment once, in one place; the core only sees option objects."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    database_url: str = "sqlite:///./.claimdocs/claimdocs.sqlite3"
    ocr_cache_dir: Path | None = Path(".claimdocs/ocr-cache")
    ocr_workers: int | None = None
    routing_policy_file: Path | None = None

    def pipeline_options(self):
        from pipeline.page_words import OcrOptions
        from pipeline.route import RoutingPolicy
        from pipeline.runner import PipelineOptions

        ocr_kwargs = {"cache_dir": self.ocr_cache_dir}
        if self.ocr_workers:
            ocr_kwargs["workers"] = self.ocr_workers
        routing = (
            RoutingPolicy.from_file(self.routing_policy_file)
            if self.routing_policy_file
            else RoutingPolicy()
        )
        return PipelineOptions(ocr=OcrOptions(**ocr_kwargs), routing=routing)


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build settings from environment variables (CLAIMDOCS_*, DATABASE_URL)."""
    env = os.environ if environ is None else environ
    values: dict = {}
    if env.get("DATABASE_URL"):
        values["database_url"] = env["DATABASE_URL"]
    cache = env.get("CLAIMDOCS_OCR_CACHE")
    if cache is not None:
        values["ocr_cache_dir"] = None if cache.lower() in {"", "off", "0", "none"} else Path(cache)
    if env.get("CLAIMDOCS_OCR_WORKERS"):
        values["ocr_workers"] = int(env["CLAIMDOCS_OCR_WORKERS"])
    if env.get("CLAIMDOCS_ROUTING_POLICY"):
        values["routing_policy_file"] = Path(env["CLAIMDOCS_ROUTING_POLICY"])
    return Settings(**values)
