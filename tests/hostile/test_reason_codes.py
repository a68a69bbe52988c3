"""One vocabulary everywhere: after `claimdocs run` over the hostile corpus, the database holds
exactly the enum's codes (files and extractions), the JSON output carries the same code and
message for each file, and both match what the corpus expects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from claimdocs.cli import app
from claimdocs.hostile import PROCESSED, HostileCase
from pipeline.reasons import QuarantineReason
from storage import make_engine
from storage.state_tables import Extraction, FileSource, StoredFile

ENUM_CODES = {reason.value for reason in QuarantineReason}


@pytest.fixture
def quiet_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMDOCS_OCR_CACHE", "off")
    monkeypatch.setenv("CLAIMDOCS_OCR_WORKERS", "1")


def test_database_and_json_hold_the_enum_codes(
    hostile_corpus: tuple[Path, list[HostileCase]],
    database_url: str,
    tmp_path: Path,
    quiet_settings: None,
) -> None:
    """GIVEN the hostile corpus WHEN `claimdocs run` records it THEN every stored quarantine code
    is an enum value, equal to the JSON's code and message for the same file, and expected."""
    folder, cases = hostile_corpus
    out = tmp_path / "json"
    result = CliRunner().invoke(
        app, ["run", str(folder), "--database-url", database_url, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output

    json_by_name = {
        path.name.removesuffix(".extraction.json"): json.loads(path.read_text())
        for path in out.glob("*.extraction.json")
    }
    assert len(json_by_name) == len(cases)
    engine = make_engine(database_url)
    with engine.connect() as connection:
        files = connection.execute(
            select(
                FileSource.source_key, StoredFile.state, StoredFile.quarantine_code,
                StoredFile.quarantine_message,
            ).join(StoredFile, StoredFile.id == FileSource.file_id)
        ).all()
        extraction_codes = set(
            connection.execute(
                select(Extraction.error_code).where(Extraction.error_code.is_not(None))
            ).scalars()
        )
    engine.dispose()

    stored_codes = {row.quarantine_code for row in files if row.quarantine_code is not None}
    assert stored_codes and stored_codes <= ENUM_CODES
    assert extraction_codes == stored_codes
    expected_by_stem = {case.name.removesuffix(".pdf"): case.expected for case in cases}
    for row in files:
        stem = Path(row.source_key).stem
        output = json_by_name[stem]
        json_code = output["error"]["code"] if output.get("error") else None
        if json_code is not None:
            assert json_code in ENUM_CODES
            assert output["error"]["message"] == row.quarantine_message
        # Byte-identical inputs (the first bytes of two cut files) share one row: same code.
        assert (row.quarantine_code or PROCESSED) == (json_code or PROCESSED)
        assert (json_code or PROCESSED) in expected_by_stem[stem]
