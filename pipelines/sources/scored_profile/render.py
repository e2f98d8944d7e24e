"""Demo pages in the scored-profile layout, as saved text and as HTML. `parse` reads both back to
the profile's fields (authors beyond the third are lost to "et al.", as on the real site)."""
from __future__ import annotations

from datetime import date
from html import escape

from ...demo.model import DemoPaper, DemoProfile
from . import settings as S


def short_topic(code: str | None) -> str:
    """'cs.CL' -> 'CL': the site shows the category without its archive."""
    return code.rpartition(".")[2] if code else ""


def page_date(day: date, captured_on: date) -> str:
    """'Aug 15, 2022'; the site drops the year for dates in the current year ('Mar 3')."""
    text = f"{day:%b} {day.day}"
    if day.year == captured_on.year and day <= captured_on:
        return text
    return f"{text}, {day.year}"


def _listed(profile: DemoProfile) -> int:
    listed = profile.extra.get("papers_listed")
    if listed is not None:
        return int(listed)
    return profile.paper_count if profile.paper_count is not None else len(profile.papers)


def _metric_lines(profile: DemoProfile) -> list[tuple[str, str, str]]:
    """(key, label, value) in the order the header shows them; absent metrics are not shown."""
    metrics = [
        ("h_index", "h-index", profile.h_index),
        ("paper_count", "papers", profile.paper_count),
        ("citation_count", "citations", profile.citation_count),
        ("novelty_pct", "Novelty", profile.extra.get("novelty_pct")),
        ("ai_score", "AI Score", profile.extra.get("ai_score")),
    ]
    return [(key, label, f"{int(value):,}") for key, label, value in metrics if value is not None]


def _byline(paper: DemoPaper) -> tuple[list[str], bool]:
    shown = list(paper.authors[: S.BYLINE_AUTHORS])
    return shown, len(paper.authors) > S.BYLINE_AUTHORS


def render_text(profile: DemoProfile, captured_on: date) -> str:
    header = [profile.name, ""]
    if profile.main_topic:
        header.append(short_topic(profile.main_topic))
    for key, label, value in _metric_lines(profile):
        if key in ("h_index", "novelty_pct", "ai_score"):
            header.append(f"{label}{value}{'%' if key == 'novelty_pct' else ''}")
        else:
            header.append(f"{value}{label}")
    header += ["", f"{_listed(profile)} Papers"]
    blocks = ["\n".join(header)]
    for paper in profile.papers:
        names, more = _byline(paper)
        byline = ", ".join(names) + (f" {S.ET_AL}" if more else "")
        if paper.affiliations:
            byline += S.BYLINE_SEP + ", ".join(paper.affiliations)
        meta = (short_topic(paper.topic) + page_date(paper.published_on, captured_on)
                + ("Code" if paper.has_code else ""))
        blocks.append(f"{meta}\n{paper.title}\n\n{byline}\n\n{paper.abstract}")
    return "\n\n".join(blocks)


_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="generator" content="scored-profile 3.2">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{name} - Research Profile</title>
<link rel="stylesheet" href="/static/css/app.4f9c2e.css">
<script async src="/static/js/analytics.js"></script>
<script>window.__APP_STATE__ = {{"route": "/author", "flags": ["scores"]}};</script>
</head>
<body>
<div class="cookie-banner" role="dialog"><p>We use cookies to improve your experience.</p>
<button class="btn">Accept</button></div>
<nav class="topbar"><a class="logo" href="/">Scholar Scores</a>
<ul><li><a href="/trending">Trending</a></li><li><a href="/authors">Authors</a></li>
<li><a href="/about">About</a></li></ul>
<form class="search" action="/search"><input name="q" placeholder="Search papers"></form></nav>
<main class="sp-main">
"""
_FOOT = """</main>
<footer class="site-footer"><p>&copy; Scholar Scores. Scores are computed automatically and may
be wrong.</p><a href="/privacy">Privacy</a> <a href="/terms">Terms</a></footer>
<script src="/static/js/app.4f9c2e.js" defer></script>
</body>
</html>
"""


def render_html(profile: DemoProfile, captured_on: date) -> str:
    out = [_HEAD.format(name=escape(profile.name))]
    out.append('<header class="sp-profile">\n'
               f'<h1 class="sp-name">{escape(profile.name)}</h1>\n')
    if profile.main_topic:
        out.append(f'<span class="sp-main-topic" data-code="{escape(profile.main_topic)}">'
                   f'{escape(short_topic(profile.main_topic))}</span>\n')
    out.append('<ul class="sp-metrics">\n')
    for key, label, value in _metric_lines(profile):
        suffix = "%" if key == "novelty_pct" else ""
        out.append(f'<li class="sp-metric" {S.METRIC_ATTR}="{key}"><span class="sp-value">'
                   f'{value}</span>{suffix}<span class="sp-label">{label}</span></li>\n')
    out.append('</ul>\n<button class="sp-follow">Follow</button>\n</header>\n'
               '<section class="sp-papers">\n<h2 class="sp-papers-heading">'
               f'<span class="sp-count">{_listed(profile)}</span> Papers</h2>\n')
    for paper in profile.papers:
        out.append(_paper_html(paper, captured_on))
    out.append('<div class="sp-pager"><a href="?page=2" rel="next">Load more</a></div>\n'
               '</section>\n')
    out.append(_FOOT)
    return "".join(out)


def _paper_html(paper: DemoPaper, captured_on: date) -> str:
    names, more = _byline(paper)
    authors = ", ".join(f'<a class="sp-author" href="/author?name={escape(n)}">{escape(n)}</a>'
                        for n in names)
    if more:
        authors += f' <span class="sp-etal">{S.ET_AL}</span>'
    byline = f'<span class="sp-authors">{authors}</span>'
    if paper.affiliations:
        affils = ", ".join(f'<a class="sp-affil" href="/org/{escape(a)}">{escape(a)}</a>'
                           for a in paper.affiliations)
        byline += f'{escape(S.BYLINE_SEP)}<span class="sp-affils">{affils}</span>'
    code = ('<a class="sp-code" href="https://github.com/search?q='
            f'{escape(paper.title)}">Code</a>') if paper.has_code else ""
    link = f"https://arxiv.org/abs/{paper.arxiv_id}" if paper.arxiv_id else "#"
    return (
        '<article class="sp-paper">\n'
        f'<div class="sp-paper-meta"><span class="sp-topic">{escape(short_topic(paper.topic))}'
        f'</span><time class="sp-date" datetime="{paper.published_on.isoformat()}">'
        f'{page_date(paper.published_on, captured_on)}</time>{code}</div>\n'
        f'<h3 class="sp-title"><a href="{escape(link)}">{escape(paper.title)}</a></h3>\n'
        f'<p class="sp-byline">{byline}</p>\n'
        f'<p class="sp-abstract">{escape(paper.abstract)}</p>\n'
        '<div class="sp-actions"><button>Save</button><button>Share</button></div>\n'
        '</article>\n')
