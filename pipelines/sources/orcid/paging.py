"""ORCID as a fetch source: `<base_url>/<orcid>/person` and `<base_url>/<orcid>/works` from the
public API v3.0 (no token needed for public data), as JSON."""
from __future__ import annotations

from ...config import Config, SourceConfig
from ...http.paging import Plan, Steps
from ...http.result import Request
from . import settings as S


def orcid_id(value: str) -> str:
    """'0000-0002-1825-0097' or 'https://orcid.org/0000-0002-1825-0097' -> the bare iD."""
    m = S.ORCID_ID.search(value or "")
    return m.group(1) if m else value.strip().rstrip("/").rsplit("/", 1)[-1]


class OrcidPlan(Plan):
    name = S.NAME

    def __init__(self, base_url: str, orcid: str):
        self.base, self.orcid = base_url.rstrip("/"), orcid_id(orcid)

    def steps(self) -> Steps:
        for endpoint in S.ENDPOINTS:  # independent: a failed /person still asks for /works
            yield Request(f"{self.base}/{self.orcid}/{endpoint}", headers={"Accept": S.ACCEPT},
                          expect="json", tag=self.name)


def plans(orcid: str, source: SourceConfig, config: Config) -> list[Plan]:
    """The plan for one tracked author's `orcid:` entry (an ORCID iD, bare or as its URL)."""
    return [OrcidPlan(source.base_url, orcid)]
