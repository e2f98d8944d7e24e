"""Shared fixtures. Tests that need ../shared (seeds, real API samples) skip cleanly without it."""
from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from papertrail.pipelines.records import Capture

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PAPERTRAIL_SHARED", REPO.parent / "shared"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# A fixed capture time so that year-less dates ("Mar 3") resolve the same on every machine.
CAPTURED_AT = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def _shared(sub: str) -> Path:
    path = SHARED / sub
    if not path.exists():
        pytest.skip(f"{path} is absent: these tests need the shared seeds/real samples beside the repo")
    return path


@pytest.fixture
def seeds_dir() -> Path:
    return _shared("seeds")


@pytest.fixture
def realdata_dir() -> Path:
    return _shared("realdata")


def capture_of(path: Path, captured_at: datetime = CAPTURED_AT) -> Capture:
    """A Capture of a file with a fixed capture time (tests never depend on file mtimes)."""
    return Capture(capture=str(path), content=path.read_bytes(), captured_at=captured_at)


@pytest.fixture
def load_capture():
    return capture_of


@pytest.fixture
def loopback_server():
    """A pytest-httpserver on 127.0.0.1 (its default host, localhost, is not in the tests'
    allow-lists), cleared and stopped after the test."""
    from pytest_httpserver import HTTPServer
    srv = HTTPServer(host="127.0.0.1", port=0)
    srv.start()
    yield srv
    srv.clear()
    srv.stop()
