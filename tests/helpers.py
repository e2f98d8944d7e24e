"""Helpers for end-to-end tests: run the real CLI in a subprocess, query the published file."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
PAPERTRAIL = [sys.executable, "-m", "papertrail.pipelines.cli"]


def run_cli(*args: str, cwd: Path, env: dict | None = None, timeout: int = 240) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PAPERTRAIL_EPHEMERAL_DAGSTER": "1", **(env or {})}
    full_env.pop("PAPERTRAIL_DB", None)
    return subprocess.run([*PAPERTRAIL, *args], cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=timeout)


def copy_with_mtime(src: Path, dst: Path, when: datetime) -> Path:
    """Copies a capture folder and pins every file's mtime (= captured_at) to `when`, so that
    year-less dates resolve the same on every machine."""
    shutil.copytree(src, dst)
    stamp = when.timestamp()
    for path in dst.rglob("*"):
        if path.is_file():
            os.utime(path, (stamp, stamp))
    return dst


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def scalar(db: Path, sql: str, params: list | None = None):
    return rows(db, sql, params)[0][0]


def fingerprint(db: Path, table: str) -> tuple[int, str]:
    """(row count, checksum over every row in a stable order) of a warehouse table."""
    count, digest = rows(db, f"SELECT count(*), md5(string_agg(t::VARCHAR, '|' ORDER BY t::VARCHAR)) FROM {table} t")[0]
    return count, digest
