"""A batch of good and bad files: every file ends processed or quarantined, nothing crashes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from pipeline.contract import FileStatus
from pipeline.runner import process_batch
from tests.corpus import corpus_files, truth_of

# PNG signature plus an IHDR start: a real image behind a .pdf name.
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def _good_files(count: int = 3) -> list[Path]:
    good = [p for p in corpus_files(variant="digital", quarantined=False) if truth_of(p)["documents"]]
    if len(good) < count:
        pytest.skip("sample corpus not generated")
    return good[:count]


def _write_bad_files(folder: Path, donor: Path) -> dict[str, str]:
    """Bad inputs built from a good PDF; returns file name -> expected reason code."""
    (folder / "zero.pdf").write_bytes(b"")
    (folder / "image.pdf").write_bytes(PNG_BYTES)
    (folder / "text.pdf").write_text("Dear claims team, please find attached.\n", encoding="utf-8")
    data = donor.read_bytes()
    (folder / "truncated.pdf").write_bytes(data[: len(data) // 2])
    writer = PdfWriter(clone_from=PdfReader(donor))
    writer.encrypt(user_password="s3cret", owner_password="owner", algorithm="AES-256")
    with (folder / "encrypted.pdf").open("wb") as handle:
        writer.write(handle)
    return {
        "zero.pdf": "empty",
        "image.pdf": "not_pdf",
        "text.pdf": "not_pdf",
        "truncated.pdf": "corrupt",
        "encrypted.pdf": "encrypted",
    }


def test_bad_files_are_quarantined_and_good_ones_processed(tmp_path: Path) -> None:
    """GIVEN good sample PDFs mixed with every kind of bad file
    WHEN the batch runs
    THEN each bad file is quarantined with its plain reason and every good one is processed."""
    good = _good_files()
    expected_bad = _write_bad_files(tmp_path, good[0])
    bad_paths = sorted(tmp_path.iterdir())
    # Interleave so a bad file sits between good ones: it must not stop the rest.
    batch = [bad_paths[0], good[0], *bad_paths[1:3], good[1], *bad_paths[3:], good[2]]

    results = {r.source: r for r in process_batch(batch)}

    assert len(results) == len(batch)
    for name, reason in expected_bad.items():
        result = results[name]
        assert result.status == FileStatus.QUARANTINED, name
        assert result.documents == []
        assert result.error is not None and result.error.code == reason, (name, result.error)
        assert len(result.error.message) > 10
    for pdf in good:
        assert results[pdf.name].status == FileStatus.PROCESSED
        assert results[pdf.name].documents


def test_extract_cli_exits_zero_with_quarantined_inputs(tmp_path: Path) -> None:
    """GIVEN a folder with a good and a bad PDF WHEN `claimdocs extract DIR --out OUT` runs
    THEN it exits 0 and writes one contract-shaped JSON per input, the bad one saying why."""
    good = _good_files(1)[0]
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / good.name).write_bytes(good.read_bytes())
    (inputs / "broken.pdf").write_bytes(good.read_bytes()[:200])
    out = tmp_path / "out"

    completed = subprocess.run(
        [sys.executable, "-m", "claimdocs.cli", "extract", str(inputs), "--out", str(out)],
        capture_output=True, text=True, timeout=300,
    )

    assert completed.returncode == 0, completed.stderr
    broken = json.loads((out / "broken.extraction.json").read_text())
    assert broken["status"] == "quarantined" and broken["documents"] == []
    assert broken["error"]["code"] == "corrupt"
    processed = json.loads((out / f"{good.stem}.extraction.json").read_text())
    assert processed["status"] == "processed"
    assert set(processed) == {"source", "sha256", "pages", "status", "documents"}
    document = processed["documents"][0]
    assert {"page_start", "page_end", "doc_type", "doc_type_confidence", "route",
            "route_reasons", "fields", "extractor_version"} <= set(document)


def test_extract_cli_fails_when_it_cannot_run(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "claimdocs.cli", "extract", str(tmp_path / "nothing-here"),
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode != 0
    assert "no such file" in completed.stderr
