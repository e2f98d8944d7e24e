"""What every fake host of the demo server shares: answers as (status, content type, body),
query arguments, cursors, timestamps, name splitting, and saved captures with fixed file times.

Each fetch source's fake host lives in its folder (`sources/<folder>/demo.py`): the same answers
the real host gives, built from the demo corpus."""
from __future__ import annotations

import base64
import json
import os
from datetime import date, datetime, time, timezone
from pathlib import Path

Answer = tuple[int, str, bytes]


def json_answer(status: int, data) -> Answer:
    return status, "application/json", json.dumps(data, indent=1, ensure_ascii=False).encode()


def xml_answer(body: str) -> Answer:
    return 200, "text/xml; charset=utf-8", body.encode()


def int_arg(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() else default


def cursor_offset(value: str) -> int:
    """The offset an opaque cursor of ours stands for ("*": the start)."""
    if value == "*":
        return 0
    try:
        return int(base64.urlsafe_b64decode(value.encode()).decode().removeprefix("offset:"))
    except ValueError:
        return 0


def next_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def stamp(day: date, hour: int = 17) -> str:
    return datetime.combine(day, time(hour, 0, tzinfo=timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")


def name_parts(name: str) -> tuple[str, str]:
    """(given names, family name) of a demo person, particles with the family name."""
    for particle in (" van der ", " de ", " van "):
        if particle in name:
            first, _, rest = name.partition(particle)
            return first, particle.strip() + " " + rest
    first, _, last = name.rpartition(" ")
    return first, last


def write_capture(path: Path, text: str, day: date) -> None:
    """A saved capture whose modification time (its capture time) is noon UTC of `day`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
    stamp_ = datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc).timestamp()
    os.utime(path, (stamp_, stamp_))
