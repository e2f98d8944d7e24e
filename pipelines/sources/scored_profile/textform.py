"""Scored-profile pages saved as text -> a header dict and one raw block dict per listed paper.

Raw blocks keep the page's strings; turning them into typed rows (dates, topic codes, rejects) is
`__init__`'s job, shared with the HTML form so both forms give identical records."""
from __future__ import annotations

from . import settings as S


def read(text: str) -> tuple[dict, list[dict], bool]:
    """(header, blocks, last_block_cut)."""
    raw_lines = text.splitlines()
    lines = [line.strip() for line in raw_lines]
    # A paper starts at a meta line that opens a paragraph; requiring the blank line before it
    # keeps a title that happens to look like "AIMay 5" from splitting a paper in two.
    anchors = [i for i, line in enumerate(lines)
               if (i == 0 or not lines[i - 1]) and S.PAPER_META.match(line)]
    header = _header(lines[:anchors[0]] if anchors else lines)
    blocks = []
    for k, start in enumerate(anchors):
        end = anchors[k + 1] if k + 1 < len(anchors) else len(lines)
        block, leftover = _block(lines[start:end])
        block["raw"] = "\n".join(raw_lines[start:end]).strip()
        blocks.append(block)
        if leftover:
            # Text after a paper's abstract that opens no paper of its own: most likely a meta
            # line cut mid-way ("CLDec 2, 20"). Kept as a block of its own so that it is
            # rejected with its text instead of being glued onto the abstract above it.
            blocks.append(dict(_EMPTY, raw="\n\n".join(leftover)))
    # Text has no closing tag to tell a finished page from a cut one: a last paper without its
    # abstract is the only sign.
    cut = bool(blocks) and not blocks[-1]["abstract"]
    return header, blocks, cut


def _header(lines: list[str]) -> dict:
    header: dict = {"name": None, "main_topic": None}
    for line in filter(None, lines):
        for key, pattern in S.HEADER_METRICS.items():
            m = pattern.match(line)
            if m:
                header[key] = m["value"]
                break
        else:
            m = S.MAIN_TOPIC.match(line)
            if m and header["name"]:
                header["main_topic"] = m["topic"]
            elif header["name"] is None:
                header["name"] = line
    return header


_EMPTY = {"topic": None, "date": None, "has_code": False, "title": None, "abstract": None,
          "authors": None, "authors_truncated": None, "affiliations": None}


def _block(lines: list[str]) -> tuple[dict, list[str]]:
    meta = S.PAPER_META.match(lines[0])
    rest = lines[1:]
    # The title sits on the line right under the meta line; a blank there means no title.
    title = rest[0] if rest and rest[0] else None
    paragraphs = _paragraphs(rest[1:] if title else rest)
    byline = abstract = None
    leftover = paragraphs[2:]  # a paper is a byline and a one-paragraph abstract
    if len(paragraphs) >= 2:
        byline, abstract = paragraphs[0], paragraphs[1]
    elif paragraphs:
        if _looks_like_byline(paragraphs[0]):
            byline = paragraphs[0]
        else:
            abstract = paragraphs[0]
    block = {
        "topic": meta["topic"],
        "date": meta["date"],
        "has_code": bool(meta["code"]),
        "title": title,
        "abstract": abstract,
        "authors": None,
        "authors_truncated": None,
        "affiliations": None,
    }
    if byline is not None:
        block.update(split_byline(byline))
    return block, leftover


def split_byline(byline: str) -> dict:
    """'A, B, C et al. · uw, cmu' -> authors, truncation flag, affiliation slugs."""
    names, _, affils = byline.partition(S.BYLINE_SEP.strip())
    names = names.strip()
    truncated = names.endswith(S.ET_AL)
    if truncated:
        names = names[: -len(S.ET_AL)]
    return {
        "authors": [n.strip() for n in names.split(S.LIST_SEP) if n.strip()],
        "authors_truncated": truncated,
        "affiliations": [a.strip() for a in affils.split(S.LIST_SEP) if a.strip()],
    }


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


def _looks_like_byline(paragraph: str) -> bool:
    """A lone paragraph under a title: a byline if it has the byline's marks, or reads as a short
    list of names rather than prose (abstracts end in a full stop; names are a few words each)."""
    if S.BYLINE_SEP.strip() in paragraph or paragraph.endswith(S.ET_AL):
        return True
    parts = paragraph.split(S.LIST_SEP)
    return not paragraph.endswith(".") and all(len(p.split()) <= 5 for p in parts)
