"""Which failures are worth retrying: the infrastructure hiccupped, not the document.

Classified by exception type and by the service's error code, never by message text. A transient
error aborts the batch step so that Dagster's retry policy runs it again (finished inputs are
skipped on the retry); anything a single document causes is turned into that document's
quarantine instead and never reaches here.
"""

import psycopg
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    FlexibleChecksumError,
    IncompleteReadError,
    ReadTimeoutError,
    ResponseStreamingError,
)
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from dagster_project.s3_objects import TruncatedDownload

# S3 (and S3-compatible) error codes that mean "try again later".
TRANSIENT_S3_CODES = frozenset(
    {
        "SlowDown",
        "Throttling",
        "ThrottlingException",
        "RequestLimitExceeded",
        "TooManyRequests",
        "TooManyRequestsException",
        "RequestTimeout",
        "RequestTimeoutException",
        "InternalError",
        "ServiceUnavailable",
        "BandwidthLimitExceeded",
    }
)

TRANSIENT_BOTOCORE_ERRORS = (
    EndpointConnectionError,
    ConnectionClosedError,
    ConnectTimeoutError,
    ReadTimeoutError,
    IncompleteReadError,
    ResponseStreamingError,
    # The body did not match the checksum the server sent: a corrupted transfer, fetch again.
    FlexibleChecksumError,
)


def is_transient_s3_error(error: BaseException) -> bool:
    if isinstance(error, (TruncatedDownload, *TRANSIENT_BOTOCORE_ERRORS)):
        return True
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code", ""))
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        return code in TRANSIENT_S3_CODES or status == 429 or status >= 500
    return False


def is_transient_database_error(error: BaseException) -> bool:
    # OperationalError: the server went away, refused the connection, or is restarting.
    if isinstance(
        error, OperationalError | DisconnectionError | PoolTimeoutError | psycopg.OperationalError
    ):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def transient_kind(error: BaseException) -> str | None:
    """'s3' or 'database' for errors worth retrying, else None."""
    if is_transient_s3_error(error):
        return "s3"
    if is_transient_database_error(error):
        return "database"
    return None
