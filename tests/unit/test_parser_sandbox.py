"""The parser sandbox: results and exceptions come back; a hang, a runaway allocation or a crash
costs one call (a typed error) and the next call gets a fresh child."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pipeline.parser_sandbox import (
    ParserSandbox,
    SandboxCrashed,
    SandboxFailure,
    SandboxOutOfMemory,
    SandboxTimeout,
)
from tests.unit import sandbox_targets

REPO = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(REPO)  # the child imports `tests.unit.sandbox_targets` by name
    box = ParserSandbox(memory_bytes=512 * MB)
    yield box
    box.close()


def test_result_comes_back_and_the_child_is_reused(sandbox: ParserSandbox) -> None:
    assert sandbox.call(sandbox_targets.add, 2, 3, timeout_s=30) == 5
    first = sandbox.call(sandbox_targets.child_pid, timeout_s=30)
    assert sandbox.call(sandbox_targets.child_pid, timeout_s=30) == first


def test_exception_is_raised_in_the_caller(sandbox: ParserSandbox) -> None:
    with pytest.raises(ValueError, match="bad value"):
        sandbox.call(sandbox_targets.raise_value_error, timeout_s=30)
    assert sandbox.call(sandbox_targets.add, 1, 1, timeout_s=30) == 2


def test_exception_that_cannot_travel_comes_back_as_its_type_name_only(
    sandbox: ParserSandbox,
) -> None:
    with pytest.raises(SandboxFailure) as caught:
        sandbox.call(sandbox_targets.raise_unpicklable, timeout_s=30)
    assert caught.value.error_type == "UnpicklableError"
    assert "Jordan" not in str(caught.value)


def test_hang_is_stopped_at_the_timeout_and_the_child_replaced(sandbox: ParserSandbox) -> None:
    before = sandbox.call(sandbox_targets.child_pid, timeout_s=30)
    started = time.monotonic()
    with pytest.raises(SandboxTimeout):
        sandbox.call(sandbox_targets.sleep_for, 60, timeout_s=0.5)
    assert time.monotonic() - started < 5
    assert sandbox.call(sandbox_targets.child_pid, timeout_s=30) != before


def test_allocation_past_the_memory_limit_is_out_of_memory(sandbox: ParserSandbox) -> None:
    with pytest.raises(SandboxOutOfMemory):
        sandbox.call(sandbox_targets.allocate, 1024, timeout_s=30)
    assert sandbox.call(sandbox_targets.allocate, 16, timeout_s=30) == 16 * MB


def test_crash_is_reported_and_the_next_call_works(sandbox: ParserSandbox) -> None:
    with pytest.raises(SandboxCrashed) as caught:
        sandbox.call(sandbox_targets.die_by_signal, timeout_s=30)
    assert caught.value.exitcode == -11
    assert sandbox.call(sandbox_targets.add, 2, 2, timeout_s=30) == 4


def test_a_large_parse_does_not_stay_resident_in_the_idle_child(sandbox: ParserSandbox) -> None:
    """The child lives for the batch: what one file's parse built must be given back."""
    before = sandbox.call(sandbox_targets.resident_mb, timeout_s=30)
    assert sandbox.call(sandbox_targets.build_cyclic_garbage, 200, timeout_s=60) > 0
    assert sandbox.call(sandbox_targets.resident_mb, timeout_s=30) < before + 40
