"""Reconciliation: prove that every input seen (a folder's PDFs, or an S3 input listing) is in
exactly one state in the database, and list every input that is not (an orphan).

States: approved, in_review, rejected, quarantined, duplicate (the same bytes arrived first under
another name), or processing (not finished yet, but younger than a bound). Anything else, such as
never recorded, stuck as received, documents recorded but never routed, or (S3) recorded but with
no output marker, is an orphan. Files whose outcome was recorded twice, or whose documents were
stored twice, are listed as duplicated.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine, func, select

DEFAULT_PROCESSING_BOUND = timedelta(minutes=60)


class InputState(StrEnum):
    APPROVED = "approved"
    IN_REVIEW = "in_review"
    REJECTED = "rejected"
    QUARANTINED = "quarantined"
    DUPLICATE = "duplicate"
    PROCESSING = "processing"
    ORPHAN = "orphan"


class OrphanCause(StrEnum):
    NOT_RECORDED = "not_recorded"  # never reached the database
    STUCK_RECEIVED = "stuck_received"  # received, no result
    UNROUTED_DOCUMENTS = "unrouted_documents"  # documents recorded but never routed
    NO_DOCUMENTS = "no_documents"  # processed, yet no current document
    NO_OUTPUT_MARKER = "no_output_marker"  # recorded, but its S3 output was never written


class SeenInput(BaseModel):
    """One input as its source lists it."""

    model_config = ConfigDict(frozen=True)

    key: str  # path or S3 key
    modified: datetime  # mtime / LastModified, UTC
    sha256: str | None = None  # known for folder inputs (hashed), not for an S3 listing
    has_output_marker: bool | None = None  # S3 only: a marker newer than the input exists


class InputVerdict(BaseModel):
    key: str
    state: InputState
    file_id: int | None = None
    detail: str | None = None  # quarantine code, duplicate-of file id, or the orphan cause


class DuplicatedFile(BaseModel):
    file_id: int
    what: str


class ReconcileReport(BaseModel):
    inputs: int
    by_state: dict[str, int]
    orphans: list[InputVerdict] = Field(default_factory=list)
    duplicated: list[DuplicatedFile] = Field(default_factory=list)
    verdicts: list[InputVerdict] = Field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.orphans and not self.duplicated


# --- what the database says ---------------------------------------------------------------------


class _FileFacts(BaseModel):
    id: int
    sha256: str
    state: str
    quarantine_code: str | None
    received_at: datetime
    updated_at: datetime
    sources: list[tuple[str, datetime]] = Field(default_factory=list)  # (key, first seen), in order
    documents: list[tuple[str, datetime]] = Field(default_factory=list)  # current: (state, updated)


class _DatabaseView:
    """Files, their source keys and current documents, read once (a few queries, not per input)."""

    def __init__(self, engine: Engine) -> None:
        from storage.state_tables import Event, Extraction, FileSource, StoredDocument, StoredFile
        from storage.states import DocumentState, EventKind

        with engine.connect() as connection:
            files = {
                row.id: _FileFacts(
                    id=row.id, sha256=row.sha256, state=row.state,
                    quarantine_code=row.quarantine_code, received_at=_utc(row.received_at),
                    updated_at=_utc(row.updated_at),
                )
                for row in connection.execute(
                    select(
                        StoredFile.id, StoredFile.sha256, StoredFile.state,
                        StoredFile.quarantine_code, StoredFile.received_at, StoredFile.updated_at,
                    )
                )
            }
            for file_id, key, first_seen in connection.execute(
                select(FileSource.file_id, FileSource.source_key, FileSource.first_seen_at)
                .order_by(FileSource.first_seen_at, FileSource.id)
            ):
                files[file_id].sources.append((key, _utc(first_seen)))
            for file_id, state, updated in connection.execute(
                select(StoredDocument.file_id, StoredDocument.state, StoredDocument.updated_at)
                .where(StoredDocument.state != DocumentState.SUPERSEDED.value)
            ):
                files[file_id].documents.append((state, _utc(updated)))
            self.duplicated: list[DuplicatedFile] = []
            extractions = dict(
                connection.execute(
                    select(Extraction.file_id, func.count()).group_by(Extraction.file_id)
                ).all()
            )
            outcomes = dict(
                connection.execute(
                    select(Event.file_id, func.count())
                    .where(Event.kind.in_([EventKind.FILE_PROCESSED.value,
                                           EventKind.FILE_QUARANTINED.value]))
                    .group_by(Event.file_id)
                ).all()
            )
            for file_id, count in outcomes.items():
                if count > extractions.get(file_id, 0):
                    self.duplicated.append(
                        DuplicatedFile(file_id=file_id, what=f"{count} outcomes for "
                                       f"{extractions.get(file_id, 0)} extractions")
                    )
            twice = connection.execute(
                select(StoredDocument.file_id, func.count())
                .group_by(StoredDocument.extraction_id, StoredDocument.page_start,
                          StoredDocument.page_end, StoredDocument.file_id)
                .having(func.count() > 1)
            ).all()
            for file_id, count in twice:
                self.duplicated.append(
                    DuplicatedFile(file_id=file_id, what=f"{count} documents over the same pages")
                )
        self.files = files
        self.by_sha = {facts.sha256: facts for facts in files.values()}
        self.by_key: dict[str, list[_FileFacts]] = defaultdict(list)
        for facts in files.values():
            for key, _ in facts.sources:
                self.by_key[key].append(facts)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- the verdicts -------------------------------------------------------------------------------


def _young(moment: datetime, now: datetime, bound: timedelta) -> bool:
    return now - moment < bound


def _file_for(seen: SeenInput, view: _DatabaseView) -> _FileFacts | None:
    if seen.sha256 is not None:
        return view.by_sha.get(seen.sha256)
    # By key (S3): the file this key was last recorded with. Whether that is the object's
    # current version is the output marker's to say (see `s3_inputs`).
    candidates = [
        (first_seen, facts.id, facts)
        for facts in view.by_key.get(seen.key, [])
        for key, first_seen in facts.sources
        if key == seen.key
    ]
    return max(candidates, key=lambda item: item[:2])[2] if candidates else None


def _same_input(key: str, seen_key: str) -> bool:
    if key == seen_key:
        return True
    try:  # folder runs record paths as given (relative or absolute)
        return Path(key).resolve() == Path(seen_key).resolve()
    except (OSError, ValueError):
        return False


def _verdict(
    seen: SeenInput,
    facts: _FileFacts | None,
    primary_key: str | None,
    now: datetime,
    bound: timedelta,
) -> InputVerdict:
    from storage.states import DocumentState, FileState

    if facts is None:
        if _young(seen.modified, now, bound):
            return InputVerdict(key=seen.key, state=InputState.PROCESSING, detail="not recorded yet")
        return InputVerdict(key=seen.key, state=InputState.ORPHAN, detail=OrphanCause.NOT_RECORDED)
    verdict = InputVerdict(key=seen.key, state=InputState.ORPHAN, file_id=facts.id)
    if primary_key is not None and not _same_input(primary_key, seen.key):
        return verdict.model_copy(
            update={"state": InputState.DUPLICATE, "detail": f"same bytes as file {facts.id}"}
        )
    if facts.state == FileState.RECEIVED:
        state = _stuck_or_processing(facts.received_at, now, bound)
        return verdict.model_copy(update={"state": state, "detail": OrphanCause.STUCK_RECEIVED})
    if facts.state == FileState.QUARANTINED:
        finished = verdict.model_copy(
            update={"state": InputState.QUARANTINED, "detail": facts.quarantine_code}
        )
    else:
        states = Counter(state for state, _ in facts.documents)
        if not states:
            return verdict.model_copy(update={"detail": OrphanCause.NO_DOCUMENTS})
        if states[DocumentState.PROCESSED]:
            newest = max(updated for _, updated in facts.documents)
            state = _stuck_or_processing(newest, now, bound)
            return verdict.model_copy(update={"state": state, "detail": OrphanCause.UNROUTED_DOCUMENTS})
        if states[DocumentState.IN_REVIEW]:
            finished = verdict.model_copy(update={"state": InputState.IN_REVIEW, "detail": None})
        elif states[DocumentState.APPROVED]:
            finished = verdict.model_copy(update={"state": InputState.APPROVED, "detail": None})
        else:
            finished = verdict.model_copy(update={"state": InputState.REJECTED, "detail": None})
    if seen.has_output_marker is False:
        state = _stuck_or_processing(max(facts.updated_at, seen.modified), now, bound)
        return finished.model_copy(update={"state": state, "detail": OrphanCause.NO_OUTPUT_MARKER})
    return finished


def _stuck_or_processing(since: datetime, now: datetime, bound: timedelta) -> InputState:
    return InputState.PROCESSING if _young(since, now, bound) else InputState.ORPHAN


def reconcile(
    inputs: Iterable[SeenInput],
    engine: Engine,
    *,
    processing_bound: timedelta = DEFAULT_PROCESSING_BOUND,
    now: datetime | None = None,
) -> ReconcileReport:
    """A verdict for every input: its one state, or why it is an orphan."""
    now = now or datetime.now(UTC)
    view = _DatabaseView(engine)
    matched = [(seen, _file_for(seen, view)) for seen in inputs]
    listed: dict[int, list[str]] = defaultdict(list)
    for seen, facts in matched:
        if facts is not None:
            listed[facts.id].append(seen.key)
    # Of several inputs with the same bytes, the one the database saw first is the real one;
    # if it is not among these inputs, the first of them (in listing order) stands in for it.
    primary: dict[int, str] = {}
    for file_id, keys in listed.items():
        sources = view.files[file_id].sources
        recorded_first = sources[0][0] if sources else None
        match = next((k for k in keys if recorded_first and _same_input(recorded_first, k)), None)
        primary[file_id] = match or keys[0]
    verdicts = [
        _verdict(seen, facts, primary.get(facts.id) if facts else None, now, processing_bound)
        for seen, facts in matched
    ]
    by_state = Counter(verdict.state.value for verdict in verdicts)
    return ReconcileReport(
        inputs=len(verdicts),
        by_state={state.value: by_state.get(state.value, 0) for state in InputState},
        orphans=[v for v in verdicts if v.state is InputState.ORPHAN],
        duplicated=view.duplicated,
        verdicts=verdicts,
    )


# --- inputs -------------------------------------------------------------------------------------


def folder_inputs(folder: Path) -> list[SeenInput]:
    """The PDFs `claimdocs run` would pick up in `folder`, hashed."""
    from pipeline.load import file_sha256
    from pipeline.runner import find_pdfs

    seen = []
    for path in find_pdfs([folder]):
        stat = path.stat()
        seen.append(
            SeenInput(
                key=str(path),
                modified=datetime.fromtimestamp(stat.st_mtime, UTC),
                sha256=file_sha256(path),
            )
        )
    return seen


def s3_inputs(bucket, layout) -> list[SeenInput]:
    """Every object under the input prefix (`dagster_project.s3_objects.BucketClient` listing),
    with whether an output marker newer than it exists (the same test as the nightly sweep)."""
    newest_marker: dict[str, datetime] = {}
    for prefix in (layout.processed_prefix, layout.quarantine_prefix):
        for marker in bucket.list_objects(prefix):
            source_key = layout.source_key_of_marker(marker.key)
            if source_key is not None:
                known = newest_marker.get(source_key)
                newest_marker[source_key] = max(known, marker.last_modified) if known else marker.last_modified
    seen = []
    for obj in bucket.list_objects(layout.input_prefix):
        marker_time = newest_marker.get(obj.key)
        seen.append(
            SeenInput(
                key=obj.key,
                modified=_utc(obj.last_modified),
                has_output_marker=marker_time is not None and marker_time >= obj.last_modified,
            )
        )
    return seen


# --- the command --------------------------------------------------------------------------------


def render_reconcile(report: ReconcileReport) -> str:
    lines = [f"inputs             {report.inputs}"]
    lines += [f"  {state:<17}{count}" for state, count in report.by_state.items()]
    lines.append(f"orphans            {len(report.orphans)}")
    lines += [f"  ORPHAN {v.key} ({v.detail}, file {v.file_id or '-'})" for v in report.orphans]
    lines.append(f"duplicated         {len(report.duplicated)}")
    lines += [f"  DUPLICATED file {d.file_id}: {d.what}" for d in report.duplicated]
    return "\n".join(lines)


def reconcile_command(
    source: Annotated[
        Path | None, typer.Argument(help="Folder whose PDFs were ingested (folder mode).")
    ] = None,
    s3_bucket: Annotated[
        str | None,
        typer.Option("--s3", envvar="CLAIMDOCS_S3_BUCKET", help="Bucket whose input prefix was ingested."),
    ] = None,
    s3_endpoint_url: Annotated[
        str | None, typer.Option("--s3-endpoint-url", envvar="CLAIMDOCS_S3_ENDPOINT_URL")
    ] = None,
    input_prefix: Annotated[
        str, typer.Option("--input-prefix", envvar="CLAIMDOCS_S3_INPUT_PREFIX")
    ] = "incoming/",
    processed_prefix: Annotated[
        str, typer.Option("--processed-prefix", envvar="CLAIMDOCS_S3_PROCESSED_PREFIX")
    ] = "processed/",
    quarantine_prefix: Annotated[
        str, typer.Option("--quarantine-prefix", envvar="CLAIMDOCS_S3_QUARANTINE_PREFIX")
    ] = "quarantine/",
    processing_minutes: Annotated[
        float,
        typer.Option("--processing-minutes", help="How long an input may be unfinished before it "
                     "counts as an orphan."),
    ] = DEFAULT_PROCESSING_BOUND.total_seconds() / 60,
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", help="SQLAlchemy URL; default $DATABASE_URL, else the SQLite file."),
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the report as JSON.")] = None,
) -> None:
    """Check that every input (SOURCE folder, or the S3 input prefix with --s3) is in exactly
    one state: approved, in review, rejected, quarantined, duplicate, or processing for less
    than --processing-minutes. Lists orphans; exits 1 if there is any orphan or duplicate."""
    from storage.engine import make_engine
    from storage.settings import resolve_database_url

    if (source is None) == (s3_bucket is None):
        typer.echo("error: give either a SOURCE folder or --s3 BUCKET", err=True)
        raise typer.Exit(2)
    if source is not None and not source.exists():
        typer.echo(f"error: no such file or folder: {source}", err=True)
        raise typer.Exit(2)
    if source is not None:
        inputs = folder_inputs(source)
    else:
        import boto3

        from dagster_project.output_layout import OutputLayout
        from dagster_project.s3_objects import BucketClient

        client = boto3.session.Session().client("s3", endpoint_url=s3_endpoint_url or None)
        layout = OutputLayout(
            input_prefix=input_prefix,
            processed_prefix=processed_prefix,
            quarantine_prefix=quarantine_prefix,
        )
        inputs = s3_inputs(BucketClient(client, s3_bucket), layout)
    engine = make_engine(resolve_database_url(database_url))
    engine.hide_parameters = True  # errors must not quote values
    try:
        report = reconcile(inputs, engine, processing_bound=timedelta(minutes=processing_minutes))
    finally:
        engine.dispose()
    typer.echo(render_reconcile(report))
    if json_out is not None:
        json_out.write_text(json.dumps(report.model_dump(mode="json"), indent=2) + "\n", encoding="utf-8")
    if not report.clean:
        raise typer.Exit(1)
