"""Abstract-list pages saved as text -> the owner's name and one raw block per abstract."""
from __future__ import annotations

from . import settings as S


def read(text: str) -> tuple[dict, list[dict], bool]:
    raw_lines = text.splitlines()
    lines = [line.strip() for line in raw_lines]
    start = next((i for i, line in enumerate(lines) if line), len(lines))
    name = None
    if start < len(lines) and not lines[start].startswith(S.ABSTRACT):
        name, start = lines[start], start + 1
    blocks: list[dict] = []
    parts: list[str] = []
    first = None
    for i in range(start, len(lines)):
        line = lines[i]
        if line.startswith(S.ABSTRACT):
            if first is not None:
                blocks.append(_block(parts, raw_lines[first:i]))
            first, parts = i, [line[len(S.ABSTRACT):].strip()]
        elif line and first is not None:
            parts.append(line)  # a hard-wrapped abstract continues on the next line
    if first is not None:
        blocks.append(_block(parts, raw_lines[first:]))
    cut = bool(blocks) and not blocks[-1]["abstract"]
    return {"name": name}, blocks, cut


def _block(parts: list[str], raw: list[str]) -> dict:
    return {"abstract": " ".join(p for p in parts if p) or None, "raw": "\n".join(raw).strip()}
