"""Which errors are retried: by type and service code, never by message text."""

import psycopg
import pytest
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)
from sqlalchemy.exc import IntegrityError, OperationalError

from dagster_project.s3_objects import SourceChanged, TruncatedDownload
from dagster_project.transient import transient_kind


def _client_error(code: str, status: int) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "x"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "GetObject")


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (_client_error("SlowDown", 503), "s3"),
        (_client_error("InternalError", 500), "s3"),
        (_client_error("TooManyRequests", 429), "s3"),
        (EndpointConnectionError(endpoint_url="http://127.0.0.1:1"), "s3"),
        (ReadTimeoutError(endpoint_url="http://127.0.0.1:1"), "s3"),
        (TruncatedDownload("k"), "s3"),
        (OperationalError("SELECT 1", {}, psycopg.OperationalError("refused")), "database"),
        (psycopg.OperationalError("refused"), "database"),
        (_client_error("AccessDenied", 403), None),
        (_client_error("NoSuchBucket", 404), None),
        (NoCredentialsError(), None),
        (IntegrityError("INSERT", {}, Exception("duplicate")), None),
        (SourceChanged("k"), None),
        (ValueError("bug"), None),
    ],
)
def test_transient_kind(error: BaseException, kind: str | None) -> None:
    assert transient_kind(error) == kind
