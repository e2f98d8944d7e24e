"""What the four arXiv parsers share: safe XML, text clean-up, dates, authors, and the row builders."""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Callable, Iterable
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XMLSyntaxError
from xml.etree.ElementTree import tostring

import defusedxml.ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from ...errors import ParseError, TruncatedCapture
from ...normalize import ids
from ...normalize.dates import MONTHS, iso_date
from ...normalize.text import detex, repair
from ...normalize.topics import arxiv_taxonomy
from ...records import Capture, ParsedBatch, reject
from . import settings, tex

# expat codes for "the document stopped early": no element found, unclosed token, partial char.
_TRUNCATION_CODES = {3, 5, 6}


# --- XML -------------------------------------------------------------------------------------------

def parse_xml(text: str, capture: Capture) -> Element:
    """Parse with defusedxml: entity declarations (billion laughs, external entities) are refused."""
    try:
        return SafeET.fromstring(text)
    except DefusedXmlException as err:
        raise ParseError(f"{capture.capture}: XML refused, it declares entities ({err!r})",
                         reason="unsafe_xml") from None
    except XMLSyntaxError as err:
        if err.code in _TRUNCATION_CODES and err.position[0] >= text.rstrip().count("\n") + 1:
            raise TruncatedCapture(f"{capture.capture}: XML ends early ({err})") from None
        raise ParseError(f"{capture.capture}: malformed XML ({err})", reason="malformed_xml") from None


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def by_name(elem: Element) -> dict[str, list[Element]]:
    """Children grouped by local name. OAI records appear both with and without the arXiv
    namespace (a hepcrawl sample drops the xmlns), so names are matched without it."""
    found: dict[str, list[Element]] = {}
    for child in elem:
        found.setdefault(local(child.tag), []).append(child)
    return found


def first_text(children: dict[str, list[Element]], name: str) -> str | None:
    elems = children.get(name)
    return elems[0].text if elems else None


def xml_payload(elem: Element) -> str:
    return tostring(elem, encoding="unicode")


# --- text ------------------------------------------------------------------------------------------

def text(value: str | None) -> str | None:
    """Whitespace squashed, mojibake repaired; ASCII (most arXiv text) skips the repair entirely."""
    if not value:
        return None
    if not value.isascii():
        value = repair(value)
    return " ".join(value.split()) or None


def tex_text(value: str | None) -> str | None:
    """`text` for fields written in TeX (.abs, OAI, snapshot): accents decoded by the fast decoder;
    math and other macros stay verbatim (pylatexenc would keep math verbatim too, and costs ~10 ms
    an abstract)."""
    if value and "\\" in value:
        value = tex.accents(value)
    return text(value)


@lru_cache(maxsize=200_000)
def person(raw: str | None) -> str | None:
    """An author name: TeX decoded, mojibake repaired. Whatever TeX the fast decoder leaves
    (`{Collaboration}`, rare macros) goes through detex; cached because names recur a lot."""
    if raw and "\\" in raw:
        raw = tex.accents(raw)
    if raw and ("\\" in raw or "{" in raw):
        raw = detex(settings.BARE_PERCENT.sub(r"\\%", raw))
    return text(raw)


def page_count(comment: str | None) -> int | None:
    if not comment:
        return None
    m = settings.PAGES.search(comment)
    if not m:
        return None
    pages = int(m.group(1))
    return pages if 0 < pages <= settings.MAX_PAGES else None


def rfc822_day(value: str | None) -> date | None:
    """'Mon, 2 Apr 2007 19:18:42 GMT' -> 2007-04-02 (the day in GMT, as arXiv writes it)."""
    parts = (value or "").split(None, 4)
    if len(parts) >= 4 and parts[0].endswith(","):  # the usual shape: skip the regex
        day, month, year = parts[1], parts[2][:3].lower(), parts[3]
    else:
        m = settings.RFC822_DAY.search(value or "")
        if not m:
            return None
        day, month, year = m.group(1), m.group(2).lower(), m.group(3)
    try:
        return date(int(year), MONTHS[month], int(day))
    except (KeyError, ValueError):
        return None


def iso_day(value: str | None) -> date | None:
    return iso_date(value)[0]


def categories(values: Iterable[str] | str | None) -> list[str]:
    if isinstance(values, str):
        codes = values.split()
        return codes if len(codes) < 2 else list(dict.fromkeys(codes))
    return list(dict.fromkeys(v.strip() for v in values or () if v and v.strip()))


def archive_of(arxiv_id: str | None) -> str | None:
    """Old-style ids name their archive ('hep-th/9709111' -> 'hep-th'); some superseded .abs
    versions carry no Categories line and this is then the only topic there is."""
    if arxiv_id and "/" in arxiv_id:
        archive = arxiv_id.split("/", 1)[0].split(".", 1)[0]
        return archive if archive in _archives() else None
    return None


@lru_cache(maxsize=1)
def _archives() -> frozenset[str]:
    """Archive names: 'hep-th' is a code itself, 'cs' and 'math' only prefix their codes."""
    return frozenset(code.split(".", 1)[0] for code in arxiv_taxonomy())


# --- authors ---------------------------------------------------------------------------------------

def author(name: str, position: int, affiliations: list[str] | None = None) -> dict:
    return {"name": name, "position": position, "affiliations": affiliations or [],
            "orcid": None, "source_author_id": None}


def _top_level_split(s: str) -> list[str]:
    """Split on commas, semicolons and ' and ' outside parentheses and TeX braces."""
    if "(" not in s and "{" not in s:
        return re.split(r"\s*[,;]\s*|\s+and\s+", s)
    parts, depth, start, i, n = [], 0, 0, 0, len(s)
    while i < n:
        ch = s[i]
        if ch in "({":
            depth += 1
        elif ch in ")}":
            depth = max(depth - 1, 0)
        elif depth == 0 and ch in ",;":
            parts.append(s[start:i])
            start = i + 1
        elif depth == 0 and ch == " " and s.startswith(" and ", i):
            parts.append(s[start:i])
            i += 4
            start = i + 1
        i += 1
    parts.append(s[start:])
    return parts


def _trailing_groups(chunk: str) -> tuple[str, list[str]]:
    """'A. Smith (MIT) (CERN)' -> ('A. Smith', ['MIT', 'CERN']): balanced trailing (...) groups."""
    groups: list[str] = []
    chunk = chunk.rstrip()
    while chunk.endswith(")"):
        depth, i = 0, len(chunk) - 1
        while i >= 0:
            depth += {")": 1, "(": -1}.get(chunk[i], 0)
            if depth == 0:
                break
            i -= 1
        if i < 0:
            break
        groups.insert(0, chunk[i + 1:-1].strip())
        chunk = chunk[:i].rstrip()
    return chunk, groups


def _numbered_block(group: str) -> dict[str, str] | None:
    """'(1) MIT, (2) CERN' -> {'1': 'MIT', '2': 'CERN'} (arXiv's numbered-affiliation convention)."""
    if not settings.NUMBERED_AFFILIATION.match(group):
        return None
    pieces = settings.NUMBERED_AFFILIATION.split(group)[1:]
    return {num: body.strip(" ,;") for num, body in zip(pieces[::2], pieces[1::2])}


_LEADING_AND = re.compile(r"^and\s+")  # ", and C. Smith": the comma split leaves the "and"
_ET_AL = re.compile(r"^(?:et\.?\s*al\.?|others)$", re.I)


def truncated(raw: str | None) -> bool:
    """An author string ending in "et al." lists only the first authors."""
    return bool(raw) and "al" in raw and bool(re.search(settings.TRUNCATED, raw.strip(), re.I))


_GROUP_PREFIX = re.compile(r"^(?:for|on behalf of)\s+(?:the\s+)?(?=.*(?:collaboration|consortium|team|group))",
                           re.I)


def split_authors(raw: str | None) -> list[tuple[str, list[str]]]:
    """'C. Bal\\'azs, E. L. Berger and A. Smith (MIT)' -> [(name, affiliations), ...] in order.
    Group prefixes ('LHCb collaboration: R. Aaij, ...') become an author of their own."""
    if not raw:
        return []
    chunks: list[tuple[str, list[str]]] = []
    numbered: dict[str, str] = {}
    for chunk in _top_level_split(" ".join(raw.split())):
        name, groups = _trailing_groups(_LEADING_AND.sub("", chunk.strip()))
        if _ET_AL.match(name):
            continue
        affiliations = []
        for group in groups:
            block = _numbered_block(group)
            if block:
                numbered.update(block)
            elif group:
                affiliations.append(group)
        head, sep, tail = name.partition(":")
        if sep and any(word in head.lower() for word in settings.GROUP_WORDS):
            chunks.append((head, []))
            name = tail
        chunks.append((name, affiliations))
    result = []
    for name, affiliations in chunks:
        name = person(_GROUP_PREFIX.sub("", name.strip()))
        if not name or not any(ch.isalnum() for ch in name):
            continue
        result.append((name, [person(a) for a in _resolve(affiliations, numbered) if person(a)]))
    return result


def _resolve(affiliations: list[str], numbered: dict[str, str]) -> list[str]:
    """'(1 and 3)' / '(1,2)' are references into the numbered block when there is one."""
    out: list[str] = []
    for aff in affiliations:
        refs = [r for r in re.split(r"\s*(?:,|\band\b|&)\s*", aff) if r]
        if numbered and refs and all(r in numbered for r in refs):
            out.extend(numbered[r] for r in refs)
        else:
            out.append(aff)
    return out


def authors_of(pairs: Iterable[tuple[str, list[str]]]) -> list[dict]:
    return [author(name, i, affs) for i, (name, affs) in enumerate(pairs, start=1)]


# --- rows --------------------------------------------------------------------------------------------

def topic_rows(record_ref: str, codes: list[str]) -> list[dict]:
    taxonomy = arxiv_taxonomy()
    rows = []
    for code in codes:
        parent = code.split(".", 1)[0] if "." in code else None
        rows.append({"record_ref": record_ref, "topic": code, "label": taxonomy.get(code),
                     "scheme": settings.TOPIC_SCHEME, "parent": parent, "score": None})
    return rows


def add_paper(batch: ParsedBatch, capture: Capture, source: str, index: int,
              payload: Callable[[], str], *, title: str | None, abstract: str | None,
              published_on: date | None, arxiv_id: str | None, doi: str | None,
              topics: list[str], primary: str | None, journal_ref: str | None,
              comments: str | None, authors: list[dict], authors_truncated: bool = False) -> None:
    """Append one paper and its topic rows, or one reject row saying why it cannot be a paper.
    `payload` is called only for a reject, so the happy path never serialises the raw record."""
    ref = capture.ref(index)
    if not title and not abstract:
        batch.rejects.append(reject(capture, source, f"missing_title_and_abstract: record {index} "
                                    "has neither a title nor an abstract", payload(), ref))
        return
    if not arxiv_id:
        batch.rejects.append(reject(capture, source, f"missing_arxiv_id: record {index} has no "
                                    "arXiv identifier", payload(), ref))
        return
    if not topics and archive_of(arxiv_id):
        topics = [archive_of(arxiv_id)]
    batch.papers.append({
        "record_ref": ref, "source": source, "capture": capture.capture,
        "captured_at": capture.captured_at, "title": title, "abstract": abstract,
        "published_on": published_on, "date_precision": "day" if published_on else None,
        "arxiv_id": arxiv_id, "doi": ids.doi(doi), "primary_topic": primary or (topics[0] if topics else None),
        "topics": topics, "venue": text(journal_ref) or settings.VENUE,
        "page_count": page_count(comments), "authors": authors, "authors_truncated": authors_truncated,
    })
    batch.topic_labels.extend(topic_rows(ref, topics))


def malformed(batch: ParsedBatch, capture: Capture, source: str, index: int, err: Exception,
              payload: str) -> None:
    batch.rejects.append(reject(capture, source, f"malformed_record: record {index}: "
                                f"{type(err).__name__}: {err}", payload, capture.ref(index)))
