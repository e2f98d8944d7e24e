"""Author pages as a fetch source (`sources.author_pages` and a tracked author's `author_pages:`
URLs): defaults and pace. The pages' record formats belong to the layouts' folders."""
from __future__ import annotations

from typing import Any, ClassVar

from ..spec import HostLimit, SourceDefaults, SourceSection, Url

# No API: the URLs are the author's own. One request per 2 s per host on one connection.
FETCH_SOURCE = SourceDefaults("author_pages", "Author pages", "", 0, 0, HostLimit(0.5, 1))


class Section(SourceSection):
    """`sources.author_pages`: no base_url (each page is its own URL)."""

    SOURCE: ClassVar[SourceDefaults] = FETCH_SOURCE
    AUTHOR_VALUE: ClassVar[Any] = list[Url]
    respect_robots: bool = True
    max_pages: int = 20

    @classmethod
    def urls(cls, value: Any) -> list[str]:
        return list(value or ())
