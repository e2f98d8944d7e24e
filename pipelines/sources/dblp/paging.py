"""dblp as a fetch source: one request per tracked author for the person export
`<base_url>/pid/<pid>.xml`, at dblp's pace (one request per 2 s on one connection; 429 answers
wait out their Retry-After), after robots.txt allows it."""
from __future__ import annotations

import re

from ...config import Config, SourceConfig
from ...http.paging import Plan, Steps
from ...http.result import Request
from . import settings as S

_PID_URL = re.compile(r"^https?://[^/]+/(?:pid|pers/hd|pers/xx)/(?P<pid>.+?)(?:\.(?:html|xml|bib))?/?$")


def person_pid(value: str) -> str:
    """'42/6178-1', or a dblp person URL ('https://dblp.org/pid/42/6178-1.html') -> the pid."""
    value = value.strip()
    m = _PID_URL.match(value)
    return m.group("pid") if m else value.strip("/")


class DblpPersonPlan(Plan):
    name = S.NAME

    def __init__(self, base_url: str, pid: str, *, robots: bool = True):
        self.url = base_url.rstrip("/") + S.PERSON_XML_PATH.format(pid=person_pid(pid))
        self.robots = robots

    def steps(self) -> Steps:
        yield Request(self.url, expect="xml", robots=self.robots, tag=self.name)


def plans(pid: str, source: SourceConfig, config: Config) -> list[Plan]:
    """The plan for one tracked author's `dblp:` entry (a person id or its URL)."""
    return [DblpPersonPlan(source.base_url, pid, robots=source.options["respect_robots"])]
