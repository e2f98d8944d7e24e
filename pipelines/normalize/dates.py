"""Dates as author pages and APIs write them."""
from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
MONTH_DAY_YEAR = re.compile(r"^(?P<mon>[A-Za-z]{3})[a-z]*\.? (?P<day>\d{1,2})(?:, (?P<year>\d{4}))?$")


# Pure, and a page repeats its dates across papers and captures: parsing one costs more than
# looking it up.
@lru_cache(maxsize=8192)
def page_date(text: str, captured_on: date) -> tuple[date, str]:
    """'Jul 19, 2023' -> 2023-07-19. 'Mar 3' (no year) -> the latest Mar 3 not after `captured_on`.

    Returns (date, precision). Raises ValueError with the offending text when it is not a date.
    """
    m = MONTH_DAY_YEAR.match(text.strip())
    if not m or m["mon"].lower() not in MONTHS:
        raise ValueError(f"not a 'Mon D[, YYYY]' date: {text!r}")
    month, day = MONTHS[m["mon"].lower()], int(m["day"])
    if m["year"]:
        return date(int(m["year"]), month, day), "day"
    year = captured_on.year
    while True:
        try:
            candidate = date(year, month, day)
        except ValueError:  # Feb 29 in a non-leap year: step back to a leap year
            if (month, day) != (2, 29):  # "Feb 30", "Jan 0" never exist: stepping back never ends
                raise ValueError(f"not a day of the year: {text!r}") from None
            year -= 1
            continue
        if candidate <= captured_on:
            return candidate, "day"
        year -= 1


def iso_date(text: str | None) -> tuple[date | None, str | None]:
    """'2023-07-19' / '2023-07' / '2023' / ISO timestamps -> (date, precision)."""
    if not text:
        return None, None
    text = text.strip()
    try:
        if len(text) == 4:
            return date(int(text), 1, 1), "year"
        if len(text) == 7:
            return date(int(text[:4]), int(text[5:7]), 1), "month"
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date() if "T" in text \
            else date.fromisoformat(text[:10]), "day"
    except ValueError:
        return None, None


def date_parts(parts: list | None) -> tuple[date | None, str | None]:
    """Crossref `date-parts` [[y, m, d]] with m and d optional."""
    if not parts or not parts[0] or parts[0][0] is None:
        return None, None
    p = list(parts[0]) + [None, None]
    year, month, day = p[0], p[1], p[2]
    try:
        if day:
            return date(int(year), int(month), int(day)), "day"
        if month:
            return date(int(year), int(month), 1), "month"
        return date(int(year), 1, 1), "year"
    except (TypeError, ValueError, OverflowError):  # [["2200000000"]] overflows C int
        return None, None
