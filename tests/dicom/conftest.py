"""Helpers for the DICOM object tests: validation with dicom3tools and dumps with DCMTK."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.peers import dciodvfy_errors, dciodvfy_warnings

sys.path.insert(0, str(Path(__file__).parent))  # samples.py


def dciodvfy(path: Path, profile: str | None = None) -> tuple[list[str], list[str]]:
    """(errors, warnings) dciodvfy reports for the file at ``path`` (the shared peers helper
    also catches errors dciodvfy prints after an element's tag)."""
    return dciodvfy_errors(path, profile), dciodvfy_warnings(path, profile)


def run(*command: str) -> str:
    """stdout of a DCMTK tool; the test fails with its stderr if it fails."""
    result = subprocess.run(list(command), capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout.decode("utf-8", errors="surrogateescape")


@pytest.fixture
def validate():
    """Write-and-check: returns a function (path, profile=None) -> warnings, failing on any error."""

    def check(path: Path, profile: str | None = None) -> list[str]:
        errors, warnings = dciodvfy(path, profile)
        assert errors == [], f"dciodvfy {profile or ''} on {path.name}:\n" + "\n".join(errors + warnings)
        return warnings

    return check
