"""The project installs as one distribution whose packages are the repository's own."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "package",
    ["pipeline", "extractors", "validators", "storage", "review_ui", "dagster_project", "claimdocs"],
)
def test_package_imports_from_this_repository(package: str) -> None:
    # `pipeline` and `validators` are also PyPI names: a stray install must never shadow ours.
    module = importlib.import_module(package)
    assert Path(module.__file__).resolve().is_relative_to(REPO), module.__file__


def _commands() -> list[str]:
    from typer.main import get_command

    from claimdocs.cli import app

    group = get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_every_command_has_help() -> None:
    commands = _commands()
    assert {"extract", "eval", "run", "samples"} <= set(commands)
    for command in [None, *commands]:
        argv = [sys.executable, "-m", "claimdocs.cli", *([command] if command else []), "--help"]
        completed = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        assert completed.returncode == 0, (command, completed.stderr)
        assert "Usage" in completed.stdout
