"""Telling what an HTML page that no layout claims is: an interstitial, a captcha, an empty
search, or simply unknown (then its <title> and size say which page it was)."""
from __future__ import annotations

from . import settings as S


def _lines(rendered: str) -> list[str]:
    return [line.strip() for line in rendered.splitlines() if line.strip()]


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= S.QUOTE_CHARS else text[: S.QUOTE_CHARS - 1] + "\u2026"


def _urls(tree) -> list[str]:
    """The URLs a page says it belongs to or sends its forms and refreshes to."""
    urls = []
    for node in tree.css("base[href], link[rel=canonical][href]"):
        urls.append(node.attributes.get("href") or "")
    for node in tree.css("form[action]"):
        urls.append(node.attributes.get("action") or "")
    for node in tree.css("meta[http-equiv]"):
        if (node.attributes.get("http-equiv") or "").lower() == "refresh":
            urls.append(node.attributes.get("content") or "")
    return urls


def sign_in(tree, lines: list[str], title: str | None) -> str | None:
    heading = next((line for line in lines[:8] if S.SIGN_IN_HEADING.match(line)), None)
    if heading is None and not (title and S.SIGN_IN_HEADING.match(title)):
        return None
    has_field = any(tree.css_first(sel) is not None for sel in S.SIGN_IN_FIELDS)
    has_url = any(S.SIGN_IN_URL.search(u) for u in _urls(tree))
    if not (has_field or has_url):
        return None
    said = heading or title or ""
    at = lines.index(heading) if heading in lines else -1
    if 0 <= at < len(lines) - 1 and S.CONTINUE_TO.match(lines[at + 1]):
        said = f"{said} {lines[at + 1]}"
    return f"a sign-in page ({_quote(said)!r}) was served instead of the page asked for"


def consent(tree, rendered: str) -> str | None:
    if len(rendered) > S.CONSENT_MAX_TEXT:
        return None
    if any(S.CONSENT_URL.search(u) for u in _urls(tree)) or any(p.search(rendered) for p in S.CONSENT_TEXT):
        return "a cookie/consent interstitial was served instead of the page asked for"
    return None


def captcha(html: str, rendered: str) -> str | None:
    if len(rendered) > S.CAPTCHA_MAX_TEXT:
        return None
    line = next((line for line in _lines(rendered) if S.CAPTCHA_TEXT.search(line)), None)
    if line:
        return f"a captcha / bot check ({_quote(line)!r}) was served instead of the page asked for"
    if S.CAPTCHA_MARKUP.search(html):
        return "a captcha / bot check was served instead of the page asked for"
    return None


def no_results(rendered: str) -> str | None:
    if len(rendered) > S.NO_RESULTS_MAX_TEXT:
        return None
    line = next((line for line in _lines(rendered) if S.NO_RESULTS.search(line)), None)
    if line:
        return f"a search page that found nothing ({_quote(line)!r}), not an author page"
    return None


def classify(tree, html: str, rendered: str, title: str | None) -> tuple[str, str] | None:
    """(reason code, what the page is) for a page that is not an author page, else None."""
    lines = _lines(rendered)
    for code, found in (("sign_in_page", lambda: sign_in(tree, lines, title)),
                        ("captcha_page", lambda: captcha(html, rendered)),
                        ("consent_page", lambda: consent(tree, rendered)),
                        ("search_no_results", lambda: no_results(rendered))):
        what = found()
        if what:
            return code, what
    return None


def describe(title: str | None, size: int) -> str:
    """'<title> "X", 12,345 bytes' for reasons."""
    shown = repr(_quote(title)) if title else "(none)"
    return f"<title> {shown}, {size:,} bytes"
