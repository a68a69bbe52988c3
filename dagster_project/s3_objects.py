"""The S3 adapter: list input objects page by page, download one exact version with its bytes
verified, write our outputs. It never modifies or deletes an object under the input prefix.

Plain Python over a boto3 client (no Dagster), so tests and scripts can use it directly.
"""

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict

# S3 returns at most 1,000 keys per ListObjectsV2 call whatever MaxKeys says.
LIST_PAGE_SIZE = 1000
DOWNLOAD_CHUNK_BYTES = 1 << 20
# A single-part upload's ETag is the hex MD5 of its bytes; multipart ETags end in "-<parts>".
PLAIN_MD5_ETAG = re.compile(r"^[0-9a-f]{32}$")
# Metadata we attach to every output so it points back at the exact source version.
SOURCE_KEY_META = "claimdocs-source-key"
SOURCE_ETAG_META = "claimdocs-source-etag"
SHA256_META = "claimdocs-sha256"


class SourceObject(BaseModel):
    """One version of one input object, as a listing saw it."""

    model_config = ConfigDict(frozen=True)

    key: str
    etag: str  # without the quotes S3 puts around it
    size: int
    last_modified: datetime  # S3's clock, UTC


@dataclass(frozen=True)
class ListedPage:
    objects: list[SourceObject]
    last_key: str | None  # where the next page starts (StartAfter)
    truncated: bool


@dataclass(frozen=True)
class DownloadedObject:
    path: Path
    sha256: str
    size: int


class SourceChanged(Exception):
    """The object was overwritten or deleted after it was listed; the listed version is gone.

    Not an error of the document: a newer version (if any) is listed as a new object.
    """

    code = "source_changed"


class TruncatedDownload(Exception):
    """Fewer bytes or different bytes than S3 promised arrived; retrying the download is safe."""

    code = "truncated_download"


class ObjectTooLarge(Exception):
    """The object is over the size limit; it was hashed while streaming but not kept on disk."""

    def __init__(self, sha256: str, size: int) -> None:
        super().__init__(f"object of {size} bytes is over the limit")
        self.sha256 = sha256
        self.size = size


def normalise_etag(etag: str) -> str:
    return etag.strip().strip('"')


def _client_error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _http_status(error: ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)


class BucketClient:
    """Reads and writes one bucket through a boto3 S3 client that the caller configured."""

    def __init__(self, client: Any, bucket: str) -> None:
        self._client = client
        self.bucket = bucket

    # -- listing -----------------------------------------------------------------------------

    def list_pages(self, prefix: str, start_after: str | None = None) -> Iterator[ListedPage]:
        """Every object under `prefix` in key order, one page (<= 1,000 keys) at a time.

        Folder markers (keys ending in "/") are left out: they are not documents.
        """
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Prefix": prefix, "MaxKeys": LIST_PAGE_SIZE}
        if start_after:
            kwargs["StartAfter"] = start_after
        while True:
            response = self._client.list_objects_v2(**kwargs)
            contents = response.get("Contents", [])
            objects = [
                SourceObject(
                    key=item["Key"],
                    etag=normalise_etag(item["ETag"]),
                    size=int(item["Size"]),
                    last_modified=item["LastModified"].astimezone(UTC),
                )
                for item in contents
                if not item["Key"].endswith("/")
            ]
            last_key = contents[-1]["Key"] if contents else kwargs.get("StartAfter")
            truncated = bool(response.get("IsTruncated"))
            yield ListedPage(objects=objects, last_key=last_key, truncated=truncated)
            if not truncated:
                return
            kwargs.pop("StartAfter", None)
            kwargs["ContinuationToken"] = response["NextContinuationToken"]

    def list_objects(self, prefix: str) -> Iterator[SourceObject]:
        for page in self.list_pages(prefix):
            yield from page.objects

    # -- reading -----------------------------------------------------------------------------

    def download(self, obj: SourceObject, dest: Path, max_bytes: int) -> DownloadedObject:
        """Stream exactly the listed version of `obj` to `dest`, hashing as it goes.

        `IfMatch` pins the version: if the key was overwritten or deleted since listing, this
        raises `SourceChanged` instead of silently reading other bytes. A short or corrupted body
        (checked against the size and, for single-part uploads, the MD5 in the ETag) raises
        `TruncatedDownload` and leaves no file behind. Over `max_bytes` the bytes are hashed but
        not written, and `ObjectTooLarge` carries the hash.
        """
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=obj.key, IfMatch=f'"{obj.etag}"')
        except ClientError as error:
            if _client_error_code(error) in {"PreconditionFailed", "NoSuchKey"} or _http_status(
                error
            ) in {404, 412}:
                raise SourceChanged(obj.key) from None
            raise
        sha256 = hashlib.sha256()
        md5 = hashlib.md5(usedforsecurity=False)
        size = 0
        keep = obj.size <= max_bytes
        body = response["Body"]
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            with dest.open("wb") if keep else _NullWriter() as handle:
                for chunk in iter(lambda: body.read(DOWNLOAD_CHUNK_BYTES), b""):
                    sha256.update(chunk)
                    md5.update(chunk)
                    size += len(chunk)
                    handle.write(chunk)
        finally:
            body.close()
        etag_md5 = obj.etag.lower()
        if size != obj.size or (PLAIN_MD5_ETAG.match(etag_md5) and md5.hexdigest() != etag_md5):
            dest.unlink(missing_ok=True)
            raise TruncatedDownload(obj.key)
        if not keep:
            raise ObjectTooLarge(sha256.hexdigest(), size)
        return DownloadedObject(path=dest, sha256=sha256.hexdigest(), size=size)

    def head(self, key: str) -> dict[str, Any] | None:
        """The object's headers, or None when it does not exist."""
        try:
            return self._client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _http_status(error) == 404 or _client_error_code(error) in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise

    def read_json(self, key: str) -> Any:
        response = self._client.get_object(Bucket=self.bucket, Key=key)
        with response["Body"] as body:
            return json.loads(body.read())

    # -- writing (output prefixes only) ------------------------------------------------------

    def put_json(self, key: str, payload: Any, metadata: dict[str, str]) -> None:
        data = (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        self._client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=data,
            ContentType="application/json",
            Metadata=metadata,
            # The server checks the body against this digest: a corrupted upload is refused.
            ContentMD5=base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode(),
        )

    def copy_version(self, obj: SourceObject, dest_key: str, metadata: dict[str, str]) -> None:
        """Server-side copy of exactly the listed version of `obj` (no download)."""
        try:
            self._client.copy_object(
                Bucket=self.bucket,
                Key=dest_key,
                CopySource={"Bucket": self.bucket, "Key": obj.key},
                CopySourceIfMatch=f'"{obj.etag}"',
                Metadata=metadata,
                MetadataDirective="REPLACE",
            )
        except ClientError as error:
            if _client_error_code(error) in {"PreconditionFailed", "NoSuchKey"} or _http_status(
                error
            ) in {404, 412}:
                raise SourceChanged(obj.key) from None
            raise


class _NullWriter:
    """A sink for bytes we hash but refuse to keep."""

    def __enter__(self) -> "_NullWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def write(self, chunk: bytes) -> int:
        return len(chunk)
