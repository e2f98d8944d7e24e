"""HTTP recordings ("cassettes") as test suites save them: R vcr (`http_interactions:`, status
`status_code`, `recorded_at`) and Python vcrpy (`interactions:`, status `code`)."""
from __future__ import annotations

import re

NAME = "cassette"
HEAD = re.compile(r"\A(?:%YAML[^\n]*\n)?(?:---\s*\n)?\s*(?:http_)?interactions:\s*\n\s*-\s*request:", re.S)
RECORDED_AT_FORMATS = ("%Y-%m-%d %H:%M:%S GMT", "%Y-%m-%d %H:%M:%S %Z", "%Y-%m-%dT%H:%M:%S%z",
                       "%Y-%m-%d %H:%M:%S")

# A cassette is a container, not a record format of its own: its records carry the format of the
# recorded body (ranked in that format's folder), so it ranks nothing.
PRIORITY: dict[str, int] = {}
