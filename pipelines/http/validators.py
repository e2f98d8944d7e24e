"""ETag / Last-Modified store for conditional requests, one JSON file in a given directory.

JSON rather than sqlite: a few thousand URLs at most, read once, and a human can inspect or delete
entries. Writes go through a temp file + rename so a killed run never leaves half a file.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

log = logging.getLogger("pipelines.http.validators")  # the redacting filter names it (http/result.py)

FILENAME = "http_validators.json"


class ValidatorStore:
    def __init__(self, directory: str | os.PathLike | None):
        self.path = Path(directory) / FILENAME if directory else None
        self._data: dict[str, dict[str, str]] = {}
        if self.path and self.path.exists():
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
                self._data = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError) as exc:
                # A corrupt store costs one full re-fetch, not a failed run.
                log.warning("ignoring unreadable validator store %s: %s", self.path, exc)

    def get(self, url: str) -> dict[str, str] | None:
        return self._data.get(url)

    def request_headers(self, url: str) -> dict[str, str]:
        entry = self._data.get(url) or {}
        headers = {}
        if entry.get("etag"):
            headers["If-None-Match"] = entry["etag"]
        if entry.get("last_modified"):
            headers["If-Modified-Since"] = entry["last_modified"]
        return headers

    def update(self, url: str, etag: str | None, last_modified: str | None, sha256: str | None) -> None:
        if not (etag or last_modified):
            if self._data.pop(url, None) is not None:
                self._save()
            return
        self._data[url] = {k: v for k, v in (("etag", etag), ("last_modified", last_modified),
                                              ("sha256", sha256)) if v}
        self._save()

    def _save(self) -> None:
        if not self.path:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".validators.")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(self._data, fh, indent=1, sort_keys=True)
        os.replace(tmp, self.path)
