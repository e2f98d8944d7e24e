"""AITopics-style pages saved as text -> the owner's name and one raw block per paper."""
from __future__ import annotations

from . import settings as S


def read(text: str) -> tuple[dict, list[dict], bool]:
    raw_lines = text.splitlines()
    lines = [line.strip() for line in raw_lines]  # also drops the NBSP before the owner's name
    name, start = _header(lines)
    blocks = []
    for first, last in _records(lines, start):
        paragraphs = _paragraphs(lines[first: last + 1])
        block = _block(paragraphs)
        block["raw"] = "\n".join(raw_lines[first: last + 1])
        blocks.append(block)
    cut = bool(blocks) and not blocks[-1]["abstract"]
    return {"name": name}, blocks, cut


def _header(lines: list[str]) -> tuple[str | None, int]:
    """The owner's name is the first line under "Collaborating Authors"; papers follow it."""
    for i, line in enumerate(lines):
        if line == S.COLLABORATING:
            for j in range(i + 1, len(lines)):
                if lines[j]:
                    return lines[j], j + 1
            return None, len(lines)
    return None, 0


def _records(lines: list[str], start: int) -> list[tuple[int, int]]:
    """(first, last) line index of each paper: runs of lines split by PAPER_GAP+ blank lines."""
    spans, first, last, blanks = [], None, None, 0
    for i in range(start, len(lines)):
        if not lines[i]:
            blanks += 1
            continue
        if first is not None and blanks >= S.PAPER_GAP:
            spans.append((first, last))
            first = None
        if first is None:
            first = i
        last, blanks = i, 0
    if first is not None:
        spans.append((first, last))
    return spans


def _paragraphs(lines: list[str]) -> list[str]:
    paragraphs, current = [], []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def looks_like_venue(paragraph: str) -> bool:
    if S.ARXIV_VENUE.match(paragraph):
        return True
    return len(paragraph) <= S.VENUE_MAX_CHARS and not paragraph.endswith((".", "?", "!"))


def _block(p: list[str]) -> dict:
    block = {"title": None, "venue": None, "abstract": None}
    if p and S.ARXIV_VENUE.match(p[0]):  # no title: the record opens with its venue line
        block["venue"], rest = p[0], p[1:]
    elif len(p) >= 3 or (len(p) == 2 and looks_like_venue(p[1])):
        block["title"], block["venue"], rest = p[0], p[1], p[2:]
    else:
        block["title"], rest = (p[0], p[1:]) if p else (None, [])
    block["abstract"] = " ".join(rest) or None
    return block
