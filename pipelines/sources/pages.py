"""What the author-page layouts share: telling HTML from a text rendering, the owner's profile
row, and turning paper blocks into rows or rejects."""
from __future__ import annotations

import codecs
import re
from types import ModuleType
from typing import Callable

from ..errors import TruncatedCapture
from ..normalize.text import clean as tidy
from ..records import Capture, ParsedBatch, reject
from .base import decode
from .html_text import render

# Saved pages may open with comments ("<!-- saved from url=... -->") before the doctype.
_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)", re.IGNORECASE | re.DOTALL)


def is_html(text: str) -> bool:
    return bool(_HTML_START.match(text[:1024]))


_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def read_page(capture: Capture, text: str, htmlform: ModuleType, textform: ModuleType):
    """(header, blocks, cut) from whichever form the page is in. The HTML tree is built from the
    captured bytes themselves when they are the UTF-8 of `text` (no BOM, and fewer characters
    than bytes, which a Latin-1 fallback never gives): lexbor reads UTF-8, so encoding the text
    back would only copy it, slowly for non-ASCII text."""
    if not is_html(text):
        return textform.read(text)
    data = capture.content
    utf8 = len(text) < len(data) and not data.startswith(_BOMS)
    header, blocks, cut = htmlform.read(text, data if utf8 else None)
    if blocks or any(header.values()):
        return header, blocks, cut
    # The CSS selectors are only a fast path for markup already seen: a page that carries the
    # layout's marks but none of its selected parts is read from its rendered text instead.
    return textform.read(render(data if utf8 else text))


def cards(tree, card: str, fields: dict[str, str]) -> list[tuple[object, dict[str, list]]]:
    """Every node matching `card`, each with {field: the nodes `card_node.css(selector)` finds},
    in document order.

    Found with one query per selector over the whole tree, each node given to the card it sits
    in: a css() call costs a few microseconds whatever it searches, so asking every card for
    every field costs more than parsing the page. A card matches itself, as css() matches the
    node it is called on. Nested cards, where a node sits in two, keep the per-card queries."""
    nodes = tree.css(card)
    if not nodes or tree.css_first(f"{card} {card}") is not None:
        return [(node, {key: node.css(sel) for key, sel in fields.items()}) for node in nodes]
    per_card = [{key: [] for key in fields} for _ in nodes]
    index = {node.mem_id: found for node, found in zip(nodes, per_card)}
    for key, sel in fields.items():
        for node in tree.css(sel):
            at = node
            while at is not None:  # up to the card the node sits in, if it sits in one
                found = index.get(at.mem_id)
                if found is not None:
                    found[key].append(node)
                    break
                at = at.parent
    return list(zip(nodes, per_card))


def first_text(nodes: list) -> str | None:
    """The stripped text of the first node, as the page shows it; None if none or empty."""
    return (nodes[0].text(deep=True).strip() or None) if nodes else None


def first_attr(nodes: list, name: str) -> str | None:
    return nodes[0].attributes.get(name) if nodes else None


def payload(block: dict) -> str:
    """A rejected block's raw text. The HTML form hands over the element itself, serialised only
    here, because serialising every paper of every page costs more than parsing them."""
    raw = block["raw"]
    return raw if isinstance(raw, str) else raw.html


def name_profile(capture: Capture, source: str, raw_name: str | None) -> dict | None:
    """A profile row for a page whose header gives only its owner's name. The name is kept as
    the page spells it ("Koura, Punit Singh"), only tidied: author resolution keys and displays
    every spelling itself and keeps each one as a variant."""
    name = tidy(raw_name)
    if not name:
        return None
    return {"record_ref": capture.ref("profile"), "source": source, "capture": capture.capture,
            "captured_at": capture.captured_at, "name": name}


def add_papers(batch: ParsedBatch, capture: Capture, source: str, blocks: list[dict], cut: bool,
               paper: Callable[[int, dict, bool], dict | str]) -> None:
    """Appends `paper(i, block, last_cut)` for every block: a PAPERS row, or the reason (a str)
    the block is rejected, kept with the block's raw text."""
    last = len(blocks) - 1
    for i, block in enumerate(blocks):
        row_or_reason = paper(i, block, cut and i == last)
        if isinstance(row_or_reason, str):
            batch.rejects.append(reject(capture, source, row_or_reason, payload(block),
                                        record_ref=capture.ref(i)))
        else:
            batch.papers.append(row_or_reason)


def name_page_batch(capture: Capture, source: str, header: dict, blocks: list[dict], cut: bool,
                    paper: Callable[[int, dict, bool, str | None], dict | str]) -> ParsedBatch:
    """The whole parse of a layout whose header is just the owner's name."""
    # The header holds nothing but a name, so a page without a single paper block is a capture
    # that stopped after the header, not an author with no papers.
    if not blocks:
        raise TruncatedCapture(f"{capture.capture}: {source} page ends before its first paper")
    batch = ParsedBatch(format=source)
    profile = name_profile(capture, source, header.get("name"))
    profile_ref = profile["record_ref"] if profile else None
    if profile:
        batch.profiles.append(profile)
    add_papers(batch, capture, source, blocks, cut,
               lambda i, block, last_cut: paper(i, block, last_cut, profile_ref))
    if not batch.papers and not batch.profiles:
        raise TruncatedCapture(f"{capture.capture}: {source} page with no parseable paper")
    return batch


def sniff_layout(head: str, settings: ModuleType) -> bool:
    """A page layout's sniffer: any of its HTML markers (settings.HTML_SNIFF) on an HTML page; on
    text, every one of its text markers (settings.TEXT_SNIFF), never on a JSON or XML answer (an
    API response may mention "h-index" or "citations" in a field)."""
    if is_html(head):
        return any(p.search(head) for p in settings.HTML_SNIFF)
    if head.lstrip()[:1] in ("{", "[", "<"):
        return False
    return all(p.search(head) for p in settings.TEXT_SNIFF)


def layout_parser(source: str, htmlform: ModuleType, textform: ModuleType,
                  paper: Callable[[Capture, int, dict, str | None, bool], dict | str]
                  ) -> Callable[[Capture], ParsedBatch]:
    """The parse() of a layout whose page is a name header and paper blocks (name_page_batch):
    `paper(capture, i, block, profile_ref, last_cut)` makes block i a PAPERS row or says why not."""
    def parse(capture: Capture) -> ParsedBatch:
        header, blocks, cut = read_page(capture, decode(capture), htmlform, textform)
        return name_page_batch(capture, source, header, blocks, cut,
                               lambda i, block, last_cut, profile_ref:
                               paper(capture, i, block, profile_ref, last_cut))
    return parse
