"""Deterministic large inputs made from the real samples in ../shared/realdata.

Snapshot lines keep the real records' shape and text (TeX accents, parenthesised affiliations,
hard-wrapped titles) but get new ids, dates, categories and author lists, so that a million
lines resolve to a million papers with a realistic number of distinct people.
"""
from __future__ import annotations

import json
import os
import random
from datetime import date, timedelta
from pathlib import Path

REALDATA = Path(os.environ.get("PAPERTRAIL_REALDATA", Path(__file__).resolve().parents[2] / "shared" / "realdata"))
SNAPSHOT = REALDATA / "arxiv_kaggle_snapshot" / "arxiv-metadata-oai-snapshot.first200.jsonl"
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
START, SPAN = date(2007, 4, 1), (date(2026, 6, 30) - date(2007, 4, 1)).days


def real_records() -> list[dict]:
    return [json.loads(line) for line in SNAPSHOT.read_text("utf-8").splitlines() if line.strip()]


def _pools(records: list[dict]) -> tuple[list[str], list[str], list[str]]:
    firsts, lasts, cats = set(), set(), set()
    for rec in records:
        for parts in rec.get("authors_parsed") or []:
            if parts[0]:
                lasts.add(parts[0])
            if len(parts) > 1 and parts[1]:
                firsts.add(parts[1])
        cats.update((rec.get("categories") or "").split())
    return sorted(firsts), sorted(lasts), sorted(cats)


def snapshot_lines(n: int, seed: int = 6):
    """n JSON lines (bytes, newline-terminated), the same for the same n and seed."""
    records = real_records()
    firsts, lasts, cats = _pools(records)
    # ~n/3 distinct people, so authors recur across papers as real ones do
    people = max(50, n // 3)
    for i in range(n):
        rng = random.Random(seed * 1_000_003 + i)
        base = records[i % len(records)]
        day = START + timedelta(days=rng.randrange(SPAN))
        # unique ids in the new scheme (yymm.nnnnn): each block of 100k lines gets its own month
        arxiv_id = f"{8 + (i // 100_000) // 12 % 19:02d}{1 + (i // 100_000) % 12:02d}.{i % 100_000:05d}"
        rec = dict(base)
        rec["id"] = arxiv_id
        rec["title"] = f"{base['title']} ({i})"
        rec["abstract"] = base["abstract"].rstrip("\n") + f" Variant {i}.\n"
        rec["doi"] = f"10.48550/arXiv.{arxiv_id}" if rng.random() < 0.3 else None
        rec["categories"] = " ".join(dict.fromkeys(rng.sample(cats, rng.choice((1, 1, 2, 3)))))
        created = f"{DAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year} 12:00:00 GMT"
        rec["versions"] = [{"version": "v1", "created": created}]
        rec["update_date"] = day.isoformat()
        if rng.random() >= 0.25:  # a quarter keep the real byline (TeX, affiliations, collaborations)
            k = rng.choice((1, 2, 2, 3, 3, 4, 5, 6, 8))
            chosen = [rng.randrange(people) for _ in range(k)]
            parsed = [[lasts[p % len(lasts)] + ("" if p < len(lasts) else f"-{p // len(lasts)}"),
                       firsts[(p * 7919) % len(firsts)], ""] for p in chosen]
            rec["authors_parsed"] = parsed
            names = [f"{first} {last}" for last, first, _ in parsed]
            rec["authors"] = names[0] if k == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        yield (json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def write_snapshot(path: Path, n: int) -> Path:
    """Writes (once) the n-line snapshot file; returns its path."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as out:
        buf = []
        for line in snapshot_lines(n):
            buf.append(line)
            if len(buf) >= 10_000:
                out.write(b"".join(buf))
                buf.clear()
        out.write(b"".join(buf))
    tmp.replace(path)
    return path
