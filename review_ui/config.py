"""The review app's settings: read once from the environment, refused when the secret is unsafe.

Label Studio shipped a hard-coded default secret key (anyone could forge sessions); we refuse to
start with a missing or placeholder secret unless the caller explicitly asks for a per-process
random one (`claimdocs review --dev`).
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from pipeline.runner import PipelineOptions

log = logging.getLogger(__name__)

SECRET_ENV = "CLAIMDOCS_SECRET_KEY"
MIN_SECRET_LENGTH = 32

# Values people paste from examples. Words of six or more letters are refused anywhere in the
# secret; shorter ones, and runs like "xxxxxx", would also turn up by chance in about one random
# token in 500 (a generated secret refused at start-up), so they count only as separate words.
PLACEHOLDER_WORDS = ("change", "secret", "example", "placeholder", "default", "insecure")
_SHORT_PLACEHOLDER = re.compile(r"(?<![a-z0-9])(?:todo|xxx+|test|demo)(?![a-z0-9])")
_REPEATED_CHARACTER = re.compile(r"(.)\1{5}")


class InsecureSecretError(RuntimeError):
    """The session secret is missing, too short or a placeholder: sessions could be forged."""


class CookieSecurity(StrEnum):
    AUTO = "auto"  # Secure when the request came over https (behind a TLS proxy: --proxy-headers)
    ALWAYS = "always"
    NEVER = "never"


class ReviewConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    database_url: str
    secret_key: SecretStr
    cookie_security: CookieSecurity = CookieSecurity.AUTO
    session_max_age_seconds: int = Field(default=12 * 3600, gt=0)  # one long working day
    lease_seconds: int = Field(default=15 * 60, gt=0)
    page_cache_dir: Path = Path(".claimdocs/page-images")
    # Folder that relative source keys are resolved against (the ingest folder or S3 mirror).
    source_root: Path | None = None
    page_image_dpi: int = Field(default=110, ge=50, le=300)
    render_timeout_seconds: int = Field(default=60, gt=0)
    # How a document is re-read when a reviewer changes its type or splits it (the CLI fills it
    # from claimdocs' settings: OCR cache, routing policy).
    pipeline: PipelineOptions = Field(default_factory=PipelineOptions)


def check_secret(secret: str | None) -> str:
    """Return `secret` when it is safe to sign sessions with; raise `InsecureSecretError` if not."""
    if not secret:
        raise InsecureSecretError(
            f"{SECRET_ENV} is not set: set it to a long random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(48))'), "
            "or run `claimdocs review --dev` for a throwaway local demo"
        )
    if len(secret) < MIN_SECRET_LENGTH:
        raise InsecureSecretError(f"{SECRET_ENV} is shorter than {MIN_SECRET_LENGTH} characters")
    lowered = secret.lower()
    if (
        any(word in lowered for word in PLACEHOLDER_WORDS)
        or _SHORT_PLACEHOLDER.search(lowered)
        or _REPEATED_CHARACTER.search(lowered)
        or len(set(secret)) < 10
    ):
        raise InsecureSecretError(f"{SECRET_ENV} looks like a placeholder; use a random value")
    return secret


def dev_secret() -> str:
    """A random secret for one process: sessions die with the process. For local demos only."""
    log.warning("review UI: using a random per-process session secret (--dev); not for production")
    return secrets.token_urlsafe(48)


def review_config_from_env(
    environ: Mapping[str, str] | None = None, *, allow_dev_secret: bool = False
) -> ReviewConfig:
    """Settings from CLAIMDOCS_* / DATABASE_URL. Raises `InsecureSecretError` on an unsafe secret
    (a placeholder is refused even with `allow_dev_secret`; only a missing one is replaced)."""
    env = os.environ if environ is None else environ
    raw_secret = env.get(SECRET_ENV)
    secret = dev_secret() if (allow_dev_secret and not raw_secret) else check_secret(raw_secret)
    values: dict = {
        "database_url": env.get("DATABASE_URL") or "sqlite:///./.claimdocs/claimdocs.sqlite3",
        "secret_key": SecretStr(secret),
    }
    if env.get("CLAIMDOCS_COOKIE_SECURE"):
        values["cookie_security"] = CookieSecurity(env["CLAIMDOCS_COOKIE_SECURE"].lower())
    if env.get("CLAIMDOCS_PAGE_CACHE"):
        values["page_cache_dir"] = Path(env["CLAIMDOCS_PAGE_CACHE"])
    if env.get("CLAIMDOCS_SOURCE_ROOT"):
        values["source_root"] = Path(env["CLAIMDOCS_SOURCE_ROOT"])
    if env.get("CLAIMDOCS_REVIEW_LEASE_SECONDS"):
        values["lease_seconds"] = int(env["CLAIMDOCS_REVIEW_LEASE_SECONDS"])
    return ReviewConfig(**values)
