"""Writing benchmark records as the API answers the pipeline already reads (OpenAlex works lists,
Crossref work-lists), and naming each record the way the pipeline will (`record_ref`)."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

PAGE_SIZE = 200  # OpenAlex's largest per_page
# Every capture gets the same modification time (= its captured_at), so runs are repeatable.
CAPTURED_AT = datetime(2026, 1, 1, tzinfo=timezone.utc).timestamp()


def record_ref(content: bytes, index: int) -> str:
    """What the pipeline names a record: the capture's sha256 prefix and the record's index."""
    return f"{hashlib.sha256(content).hexdigest()[:16]}:{index}"


def openalex_page(works: list[dict], page: int, total: int) -> dict:
    return {"meta": {"count": total, "db_response_time_ms": 1, "page": page, "per_page": PAGE_SIZE},
            "results": works, "group_by": []}


def crossref_page(items: list[dict], total: int) -> dict:
    return {"status": "ok", "message-type": "work-list", "message-version": "1.0.0",
            "message": {"facets": {}, "total-results": total, "items": items,
                        "items-per-page": PAGE_SIZE, "query": {"start-index": 0, "search-terms": None}}}


def write_capture(path: Path, payload: dict) -> bytes:
    content = (json.dumps(payload, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    os.utime(path, (CAPTURED_AT, CAPTURED_AT))
    return content


def fresh_dir(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def chunks(items: list, size: int = PAGE_SIZE):
    for start in range(0, len(items), size):
        yield start // size + 1, items[start:start + size]
