"""Any HTML page -> the text a saved text capture of it shows, without knowing the site's markup.

The rules follow what a browser's rendered text (innerText) does, with the page chrome left out:

* block elements start and end a line; paragraphs, headings, lists, tables and figures stand
  apart by one blank line; a record (an <article>, or one of two or more sibling containers of
  the same tag and class that each hold several blocks: result cards, list entries) by two;
* inline elements flow into their line with no space added (``<span>LG</span><time>Aug 3``
  reads "LGAug 3"), runs of spaces, tabs and newlines collapse to one space, NBSPs stay;
* link and button text is kept, an image shows its alt text, ``<br>`` breaks the line, table
  cells are separated by a tab, ``<pre>`` keeps its whitespace;
* scripts, styles, templates, SVG, form fields, hidden elements (``hidden``, ``aria-hidden``,
  ``display:none``) and page chrome (``<nav>``, ``<aside>``, dialogs, toolbars, the page-level
  header and footer) are dropped; when the page marks its ``<main>`` content, only that is kept.

The result is handed to the text-layout parsers (``sources/<layout>/textform.py``), so a page of
a known layout parses the same whatever its markup.
"""
from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

# --- element classes -----------------------------------------------------------------------------

DROPPED = frozenset({
    "script", "style", "noscript", "template", "svg", "math", "canvas", "iframe", "object",
    "embed", "head", "title", "meta", "link", "base", "input", "select", "textarea", "option",
    "optgroup", "datalist", "nav", "aside", "dialog", "menu", "audio", "video", "source", "track",
    "map", "area", "param",
})
# Page chrome: dropped unless inside the content (an article, a section, main, a list entry).
CHROME = frozenset({"header", "footer"})
CONTENT_ANCESTORS = frozenset({"article", "section", "main", "li", "td", "dd", "blockquote"})
DROPPED_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "dialog", "alertdialog",
                           "toolbar", "menu", "menubar", "complementary", "tooltip"})
HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.I)

PARAGRAPH = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol",
                       "dl", "table", "figure", "hr", "address", "fieldset", "details"})
BLOCK = frozenset({"div", "li", "dt", "dd", "header", "footer", "main", "section", "form",
                   "figcaption", "tr", "caption", "summary", "legend", "center", "body", "html",
                   "thead", "tbody", "tfoot", "hgroup", "search", "output", "noframes"})
RECORD = frozenset({"article"})
CELLS = frozenset({"td", "th"})
LINE, BLANK, RECORD_GAP = 1, 2, 3  # newlines between the blocks: a line, a blank line, two

_SPACES = re.compile(r"[ \t\n\r\f]+")
_KEPT_SPACE, _KEPT_TAB = "\ue000", "\ue001"  # a <pre>'s own spaces and tabs while lines are tidied
_LINE_SPACES = re.compile(r"[ \t\r\f]+")
_MAIN = "main, [role=main]"
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _break_of(tag: str) -> int:
    if tag in RECORD:
        return RECORD_GAP
    if tag in PARAGRAPH:
        return BLANK
    if tag in BLOCK:
        return LINE
    return 0


def _dropped(node, tag: str, in_content: bool) -> bool:
    if tag in DROPPED or (tag in CHROME and not in_content):
        return True
    attrs = node.attributes
    if not attrs:
        return False
    if "hidden" in attrs or (attrs.get("aria-hidden") or "").lower() == "true":
        return True
    if (attrs.get("role") or "").lower() in DROPPED_ROLES:
        return True
    style = attrs.get("style")
    return bool(style and HIDDEN_STYLE.search(style))


def _is_container(node) -> bool:
    """Holds two or more block children: a card or an entry, not a line of text."""
    blocks = 0
    for child in node.iter():
        if _break_of(child.tag) or child.tag in CHROME:
            blocks += 1
            if blocks >= 2:
                return True
    return False


def _records(node) -> set[int]:
    """mem_ids of the children that are records: two or more sibling containers sharing a tag
    and class (the entries of a result list, the cards of a paper list)."""
    groups: dict[tuple[str, str], list] = {}
    for child in node.iter():
        if child.tag in BLOCK or child.tag in PARAGRAPH:
            key = (child.tag, (child.attributes.get("class") or "").strip())
            groups.setdefault(key, []).append(child)
    found: set[int] = set()
    for members in groups.values():
        if len(members) >= 2:
            containers = [m for m in members if _is_container(m)]
            if len(containers) >= 2:
                found.update(m.mem_id for m in containers)
    return found


def _root(tree):
    mains = tree.css(_MAIN)
    if len(mains) == 1:
        return mains[0], True
    return (tree.body or tree.root), False


def render(html) -> str:
    """The page's text, as lines; see the module docstring for the rules. `html` is the page
    (str or UTF-8 bytes) or a parsed LexborHTMLParser tree, which is left unchanged."""
    tree = html if isinstance(html, LexborHTMLParser) else LexborHTMLParser(html)
    root, in_main = _root(tree)
    if root is None:
        return ""
    items: list[str | int] = []
    # (node, in_content, in_pre, is_record); None marks "close the element below it"
    stack: list = [(root, in_main, False, False)]
    closers: list = []
    while stack:
        entry = stack.pop()
        if entry is None:
            items.append(closers.pop())
            continue
        node, in_content, in_pre, is_record = entry
        tag = node.tag
        if tag == "-text":
            text = node.text_content or ""
            # <pre> keeps its spaces: hidden from the line clean-up as a private-use character
            items.append(text.replace(" ", _KEPT_SPACE).replace("\t", _KEPT_TAB) if in_pre
                         else _SPACES.sub(" ", text))
            continue
        if tag.startswith("-"):  # comments, doctype
            continue
        if _dropped(node, tag, in_content):
            continue
        if tag == "br":
            items.append("\n")
            continue
        if tag == "img":
            alt = (node.attributes.get("alt") or "").strip()
            if alt:
                items.append(_SPACES.sub(" ", alt))
            continue
        gap = RECORD_GAP if is_record else _break_of(tag)
        if tag in CELLS:
            items.append("\t")
        if gap:
            items.append(gap)
        children = list(node.iter(include_text=True))
        records = _records(node) if len(children) > 1 else set()
        child_content = in_content or tag in CONTENT_ANCESTORS
        child_pre = in_pre or tag == "pre"
        closers.append(gap)
        stack.append(None)
        for child in reversed(children):
            stack.append((child, child_content, child_pre, child.mem_id in records))
    return _assemble(items)


def _assemble(items: list[str | int]) -> str:
    """Text pieces and required line breaks -> lines: breaks collapse to the largest asked for
    between two pieces of text, none at the start or the end; spaces at line ends go."""
    out: list[str] = []
    pending = 0
    for item in items:
        if isinstance(item, int):
            pending = max(pending, item)
            continue
        if not item or (pending and not item.strip(" ")):
            continue  # nothing, or the spaces between two blocks
        if pending and out:
            out.append("\n" * pending)
        pending = 0
        out.append(item)
    lines = []
    for line in "".join(out).split("\n"):
        line = _LINE_SPACES.sub(lambda m: "\t" if "\t" in m.group() else " ", line)
        lines.append(line.strip(" \t"))
    text = "\n".join(lines)
    # A line that held only collapsed spaces leaves a blank line of its own; three or more
    # newlines in a row never come from one break, so cap runs at the record gap.
    text = re.sub(r"\n{%d,}" % (RECORD_GAP + 1), "\n" * RECORD_GAP, text).strip("\n")
    return text.replace(_KEPT_SPACE, " ").replace(_KEPT_TAB, "\t")


# --- what a page is, for reasons -----------------------------------------------------------------

_HTML_HEAD = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
                        r"<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S)


def looks_like_html(text: str) -> bool:
    return bool(_HTML_HEAD.match(text[:4096]))


def page_title(tree) -> str | None:
    """The <title>, with the invisible direction marks some sites wrap names in removed."""
    node = tree.css_first("title")
    if node is None:
        return None
    return " ".join(_BIDI.sub("", node.text() or "").split()) or None
