"""CatalyzeX-style pages saved as text -> the owner's name and one raw block per paper.

A paper is: title, date, the full author list on the very next line, "Figure N for <title>" lines,
the abstract, an optional "* N pages" line and a "Via<source> icon" line. Lines are classified
first, then grouped, so a missing piece (no figures, no page count, no source) shifts nothing."""
from __future__ import annotations

from . import settings as S

BLANK, DATE, FIGURE, PAGES, VIA, TEXT = "blank", "date", "figure", "pages", "via", "text"


def _kind(line: str) -> str:
    if not line:
        return BLANK
    if S.DATE.match(line):
        return DATE
    if S.FIGURE.match(line):
        return FIGURE
    if S.PAGES.match(line):
        return PAGES
    if S.VIA.match(line):
        return VIA
    return TEXT


def read(text: str) -> tuple[dict, list[dict], bool]:
    raw_lines = text.splitlines()
    lines = [line.strip() for line in raw_lines]  # also drops the NBSP after "* 55 pages"
    name, body_start = _header(lines)
    # (line index, kind) of the non-blank body lines
    items = [(i, _kind(lines[i])) for i in range(body_start, len(lines)) if lines[i]]
    starts = _starts(items)
    blocks = []
    for n, k in enumerate(starts):
        group = items[k: starts[n + 1] if n + 1 < len(starts) else len(items)]
        block = _block(group, lines)
        first, last = group[0][0], group[-1][0]
        block["raw"] = "\n".join(raw_lines[first: last + 1])
        blocks.append(block)
    cut = bool(blocks) and not blocks[-1]["abstract"]
    return {"name": name}, blocks, cut


def _starts(items: list[tuple[int, str]]) -> list[int]:
    """Indexes into `items` where a paper opens: at its title (the text line right before a
    date), at a date with no title before it, after the previous paper's source line, or at a
    text paragraph that follows a paper's abstract. That last rule is what finds the title of a
    page cut right after it when the paper before links to no source."""
    starts: list[int] = []
    has_abstract = False
    prev, prev_line = None, -2
    for k, (i, kind) in enumerate(items):
        nxt = items[k + 1][1] if k + 1 < len(items) else None
        new_paragraph = i > prev_line + 1
        if (k == 0 or prev == VIA or (kind == TEXT and nxt == DATE)
                or (kind == DATE and prev != TEXT)
                or (kind == TEXT and has_abstract and new_paragraph)):
            starts.append(k)
            has_abstract = False
        elif kind == TEXT and not (prev == DATE and not new_paragraph):
            has_abstract = True  # neither the title nor the author line under the date
        prev, prev_line = kind, i
    return starts


def _header(lines: list[str]) -> tuple[str | None, int]:
    """The owner's name and where the paper list starts: after the avatar, the name and the
    alert buttons, whichever of them the capture kept."""
    name = None
    end = 0
    for i, line in enumerate(lines):
        if not line or line == S.ALERT:
            end = i + 1
            continue
        m = S.PICTURE.match(line)
        if m:
            name = name or m["name"].strip()
        elif name is None:
            name = line  # a capture without the avatar: the first plain line is the name
        elif line != name:
            break
        end = i + 1
    return name, end


def _block(group: list[tuple[int, str]], lines: list[str]) -> dict:
    block = {"title": None, "date": None, "authors": None, "abstract": None,
             "page_count": None, "venue": None}
    pos = 0
    if group[0][1] == TEXT and len(group) > 1 and group[1][1] == DATE:
        block["title"] = lines[group[0][0]]
        pos = 1
    elif group[0][1] == TEXT and not any(kind == DATE for _, kind in group):
        block["title"] = lines[group[0][0]]
        pos = 1
    if pos < len(group) and group[pos][1] == DATE:
        date_at = group[pos][0]
        block["date"] = lines[date_at]
        pos += 1
        # The author list hangs directly under the date; the abstract is a paragraph away.
        if pos < len(group) and group[pos][1] == TEXT and group[pos][0] == date_at + 1:
            block["authors"] = [a.strip() for a in lines[group[pos][0]].split(S.AUTHOR_SEP)
                                if a.strip()]
            pos += 1
    abstract = []
    for i, kind in group[pos:]:
        if kind == TEXT:
            abstract.append(lines[i])
        elif kind == PAGES:
            block["page_count"] = int(S.PAGES.match(lines[i])["pages"])
        elif kind == VIA:
            block["venue"] = S.VIA.match(lines[i])["venue"]
    block["abstract"] = " ".join(abstract) or None
    return block
