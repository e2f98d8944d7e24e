"""One line for every environmental failure — a read-only folder, a full disk, a file size limit,
a protected file — wherever in the run it strikes, and the published warehouse as it was.

Tests run as root, which chmod does not stop: folders are made unwritable as in
test_publish_safety (chmod, else `chattr +i`). A full disk is an ENOSPC raised by the pipeline's
own file writes in a subprocess; a file size limit is RLIMIT_FSIZE (with SIGXFSZ ignored, so the
write fails with EFBIG instead of killing the process)."""
from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO, fingerprint, run_cli
from tests.test_publish_safety import _make_unwritable, _make_writable

PAGE = REPO / "tests" / "fixtures" / "pages" / "catalyzex_page.txt"
ONE_LINE = re.compile(r"papertrail: error: [^\n]+\n")
DENIED = r"(Permission denied|Operation not permitted)"
HINT = r" — a read-only or protected folder\? choose another --db or fix its permissions"


def captures(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "captures"
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy2(REPO / "tests" / "fixtures" / "pages" / name, folder / name)
    return folder


def published(tmp_path: Path) -> Path:
    db = tmp_path / "wh" / "w.duckdb"
    db.parent.mkdir()
    out = run_cli("run", "--captures", str(captures(tmp_path, "catalyzex_page.txt")), "--db", str(db), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    captures(tmp_path, "aitopics_page.txt")  # something new for the next run
    return db


def assert_one_line(out: subprocess.CompletedProcess, pattern: str) -> str:
    assert out.returncode == 1, out.stdout + out.stderr
    assert ONE_LINE.fullmatch(out.stderr), out.stderr
    assert re.fullmatch(pattern, out.stderr.strip()), out.stderr
    return out.stderr


def test_a_read_only_folder_for_a_new_warehouse_is_one_line(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    _make_unwritable(folder)
    try:
        out = run_cli("run", "--captures", str(captures(tmp_path, "catalyzex_page.txt")),
                      "--db", str(folder / "w.duckdb"), cwd=tmp_path)
    finally:
        _make_writable(folder)
    assert_one_line(out, rf"papertrail: error: cannot access {re.escape(str(folder))}/\.w\.duckdb\.papertrail: "
                         rf"{DENIED}{HINT}; nothing was published")


def test_a_read_only_state_folder_mid_run_is_one_line_and_keeps_the_warehouse(tmp_path):
    db = published(tmp_path)
    before = fingerprint(db, "core.papers")
    landing = db.parent / ".w.duckdb.papertrail" / "landing"
    _make_unwritable(landing)
    try:
        out = run_cli("run", "--captures", str(tmp_path / "captures"), "--db", str(db), cwd=tmp_path)
    finally:
        _make_writable(landing)
    assert_one_line(out, rf"papertrail: error: step landed_captures: cannot access {re.escape(str(landing))}/\S+: "
                         rf"{DENIED}{HINT}; the published warehouse is unchanged")
    assert fingerprint(db, "core.papers") == before


def test_a_read_only_reports_folder_is_one_line_after_the_publish(tmp_path):
    db = published(tmp_path)
    reports = next(p for p in db.parent.iterdir() if p.is_dir() and p.name.endswith("reports"))
    _make_unwritable(reports)
    try:
        out = run_cli("run", "--captures", str(tmp_path / "captures"), "--db", str(db), cwd=tmp_path)
    finally:
        _make_writable(reports)
    assert_one_line(out, rf"papertrail: error: step reports: cannot access {re.escape(str(reports))}/\S+: "
                         rf"{DENIED}{HINT}; the warehouse was published, this step's output was not written")
    assert f"published {db}" in out.stdout


def test_a_protected_warehouse_file_is_one_line_and_kept(tmp_path):
    db = published(tmp_path)
    before = fingerprint(db, "core.papers")
    done = subprocess.run(["chattr", "+i", str(db)], capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"chattr +i is not available here: {done.stderr.strip()}")
    try:
        out = run_cli("run", "--captures", str(tmp_path / "captures"), "--db", str(db), cwd=tmp_path)
    finally:
        subprocess.run(["chattr", "-i", str(db)], capture_output=True)
    assert_one_line(out, rf"papertrail: error: cannot write the warehouse next to {re.escape(str(db))}: "
                         rf"{DENIED} — the published file is unchanged")
    assert fingerprint(db, "core.papers") == before


FULL_DISK = """
import errno, os, sys
import papertrail.pipelines.io as io

def full(path):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

io.write_parquet = lambda frame, path: full(path)
io.atomic_write_bytes = lambda path, data: full(path)
from papertrail.pipelines.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_full_disk_is_one_line_and_keeps_the_warehouse(tmp_path):
    db = published(tmp_path)
    before = fingerprint(db, "core.papers")
    env = {**os.environ, "PAPERTRAIL_EPHEMERAL_DAGSTER": "1"}
    out = subprocess.run([sys.executable, "-c", FULL_DISK, "run", "--captures", str(tmp_path / "captures"),
                          "--db", str(db)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240)
    assert_one_line(out, r"papertrail: error: step landed_captures: cannot write /\S+: No space left on device"
                         r" — the disk is full: free some space and run again; the published warehouse is unchanged")
    assert fingerprint(db, "core.papers") == before


def _files_of_8_kb_at_most():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG, not a fatal signal
    resource.setrlimit(resource.RLIMIT_FSIZE, (8192, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))


def test_a_file_size_limit_is_one_line(tmp_path):
    env = {**os.environ, "PAPERTRAIL_EPHEMERAL_DAGSTER": "1"}
    env.pop("PAPERTRAIL_DB", None)
    out = subprocess.run([sys.executable, "-m", "papertrail.pipelines.cli", "run", "--captures",
                          str(captures(tmp_path, "catalyzex_page.txt")), "--db", str(tmp_path / "w.duckdb")],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240,
                         preexec_fn=_files_of_8_kb_at_most)
    assert_one_line(out, r"papertrail: error: step [\w.\[\]]+: cannot write( a file| /\S+): File too large"
                         r" — a file size limit \(ulimit -f\) stopped the write; the published warehouse is unchanged")
    assert not (tmp_path / "w.duckdb").exists()
