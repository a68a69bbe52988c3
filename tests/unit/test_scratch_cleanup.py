"""A batch killed mid-run leaves downloaded documents (PII) in its scratch folder; the next
batch on the machine removes folders whose process is gone, and only those."""

import os
import subprocess
from pathlib import Path

from dagster_project.batch_ingest import SCRATCH_PREFIX, remove_orphaned_scratch


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()  # reaped: the pid names no process now
    return child.pid


def test_scratch_of_ended_processes_is_removed_and_live_scratch_kept(tmp_path: Path) -> None:
    orphan = tmp_path / f"{SCRATCH_PREFIX}{_dead_pid()}-abc123"
    orphan.mkdir()
    (orphan / "claim.pdf").write_bytes(b"%PDF-1.7 policyholder data")
    live = tmp_path / f"{SCRATCH_PREFIX}{os.getpid()}-def456"
    live.mkdir()
    (live / "claim.pdf").write_bytes(b"%PDF-1.7")
    unrelated = tmp_path / "claimdocs-batch-notapid"
    unrelated.mkdir()

    removed = remove_orphaned_scratch(tmp_path)

    assert removed == [orphan]
    assert not orphan.exists()
    assert live.is_dir() and unrelated.is_dir()


def test_a_missing_parent_is_not_an_error(tmp_path: Path) -> None:
    assert remove_orphaned_scratch(tmp_path / "gone") == []
