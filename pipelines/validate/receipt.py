"""Validation receipts: what validation found, keyed by the content hash of exactly what it
validated, so that the publish can refuse anything else.

A receipt is written by every validation of the staged tables (stages/validate.py), pass or
fail. Its key is the sha256 over every staged file the publish loads, in a fixed order, and over
the expectation suites that judged them. The publish (stages/publish.py) hashes the staging it
is about to load and publishes only when a receipt with that key says the validation passed, and
checks afterwards that no staged file changed while it loaded. Editing a staged file, restaging
without validating, or changing a suite after validating all leave no passing receipt.
"""
from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..errors import WarehouseError
from ..io import atomic_write_bytes
from ..paths import expectations_dir
from ..workspace import Workspace

KEEP = 20  # receipts kept besides the published one (one per validation of new staging)


class NotValidated(WarehouseError):
    """The staged tables have no passing validation receipt: the publish refuses them.
    `receipt` is the failed receipt when there is one (None: never validated)."""

    def __init__(self, message: str, receipt: dict | None = None):
        super().__init__(message)
        self.receipt = receipt


@dataclass(frozen=True)
class StagingDigest:
    sha256: str
    files: dict[str, tuple[int, int, int]]   # path -> (size, mtime_ns, inode) when hashed

    @property
    def short(self) -> str:
        return self.sha256[:12]

    def changed(self) -> list[str]:
        """Staged files that are not the ones hashed any more (rewritten, replaced or gone)."""
        return [path for path, stamp in self.files.items() if _stamp(Path(path)) != stamp]


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _file_sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def staging_digest(staged: dict[str, Path]) -> StagingDigest:
    """The content hash of the staged files ({table: path}) and of the expectation suites.
    Files are hashed on two threads (hashlib releases the GIL)."""
    names = sorted(staged)
    stamps = {str(staged[n]): _stamp(staged[n]) for n in names}
    missing = [n for n in names if stamps[str(staged[n])] is None]
    if missing:
        raise NotValidated(f"nothing to publish: the staged {', '.join(missing)} "
                           f"{'is' if len(missing) == 1 else 'are'} missing (run resolve and validate first)")
    with ThreadPoolExecutor(max_workers=2) as pool:
        hashes = list(pool.map(lambda n: _file_sha256(staged[n]), names))
    digest = hashlib.sha256()
    for name, value in zip(names, hashes):
        digest.update(f"{name}\0{value}\n".encode())
    for suite in sorted(expectations_dir().glob("*.json")):
        digest.update(f"suite {suite.name}\0{_file_sha256(suite)}\n".encode())
    return StagingDigest(digest.hexdigest(), stamps)


def receipts_dir(ws: Workspace) -> Path:
    return ws.state_dir / "validation"


def receipt_path(ws: Workspace, sha256: str) -> Path:
    return receipts_dir(ws) / f"{sha256}.json"


def published_receipt_path(ws: Workspace) -> Path:
    return receipts_dir(ws) / "published.json"


def write_receipt(ws: Workspace, digest: StagingDigest, *, passed: bool, checks: list[dict],
                  run_id: str | None, quarantined: int = 0, capture_year: int | None = None) -> dict:
    receipt = {
        "staging_sha256": digest.sha256, "passed": passed, "run_id": run_id,
        "validated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "rows_quarantined": quarantined, "capture_year": capture_year, "checks": checks,
    }
    atomic_write_bytes(receipt_path(ws, digest.sha256), json.dumps(receipt, indent=1, default=str).encode())
    _prune(ws)
    return receipt


def read_receipt(ws: Workspace, sha256: str) -> dict | None:
    path = receipt_path(ws, sha256)
    if not path.exists():
        return None
    receipt = json.loads(path.read_text("utf-8"))
    return receipt if receipt.get("staging_sha256") == sha256 else None


def require_passing(ws: Workspace, staged: dict[str, Path]) -> tuple[StagingDigest, dict]:
    """The digest of the staging and its passing receipt, or NotValidated saying why not."""
    digest = staging_digest(staged)
    receipt = read_receipt(ws, digest.sha256)
    if receipt is None:
        raise NotValidated(
            f"refusing to publish: the staged tables (content hash {digest.short}) have not been "
            f"validated — they changed after the last validation, or were never validated; "
            f"materialise validated_tables first (`papertrail run` does); the published "
            f"warehouse is unchanged")
    if not receipt["passed"]:
        failed = sorted({f"{c['table']}.{c['check']}" for c in receipt["checks"]
                         if not c["passed"] and c["severity"] == "ERROR"})
        raise NotValidated(
            f"refusing to publish: the staged tables (content hash {digest.short}) failed "
            f"validation in run {receipt.get('run_id')} (blocking: {', '.join(failed) or 'see the receipt'}); "
            f"the published warehouse is unchanged", receipt)
    return digest, receipt


def mark_published(ws: Workspace, receipt: dict, run_id: str, counts: dict[str, int]) -> None:
    """Remember the receipt of what the warehouse now holds (a no-op rerun reports it)."""
    atomic_write_bytes(published_receipt_path(ws), json.dumps(
        {**receipt, "published_in_run": run_id, "row_counts": counts}, indent=1, default=str).encode())


def published_receipt(ws: Workspace) -> dict | None:
    path = published_receipt_path(ws)
    return json.loads(path.read_text("utf-8")) if path.exists() else None


def _prune(ws: Workspace) -> None:
    receipts = sorted((p for p in receipts_dir(ws).glob("*.json") if p.name != "published.json"),
                      key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in receipts[KEEP:]:
        try:
            os.unlink(old)
        except FileNotFoundError:
            pass
