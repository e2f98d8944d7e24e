"""What a fetch source declares about itself: its defaults and its pace (no project imports, so
config.py and every source folder can read it)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class HostLimit:
    """Pace for one host. burst=1 means no burst: requests are evenly spaced."""

    requests_per_second: float
    max_connections: int = 2
    burst: int = 1


@dataclass(frozen=True)
class SourceDefaults:
    label: str
    base_url: str
    page_size: int
    max_page_size: int
    host_limit: HostLimit
    api_key_required: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)
