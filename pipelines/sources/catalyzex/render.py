"""Demo pages in the CatalyzeX-style layout, as saved text and as HTML."""
from __future__ import annotations

from datetime import date
from html import escape

from ...demo.model import DemoPaper, DemoProfile
from . import settings as S

FIGURES_SHOWN = 4  # the site shows the first four figure thumbnails of every paper
_SLUGS = {venue.lower(): slug for slug, venue in S.VENUES.items()}


def page_date(day: date) -> str:
    """'May 05, 2022': this site zero-pads the day and always prints the year."""
    return f"{day:%b %d, %Y}"


def via_slug(paper: DemoPaper) -> str | None:
    """The source icon a paper links to: arXiv for anything with an arXiv id or venue."""
    venue = (paper.venue or "").strip()
    if venue.lower().startswith("arxiv") or (not venue and paper.arxiv_id):
        return "arxiv"
    if not venue:
        return None
    return _SLUGS.get(venue.lower(), venue.lower().replace(" ", ""))


def _figures(paper: DemoPaper) -> list[str]:
    return [f"Figure {n} for {paper.title}" for n in range(1, FIGURES_SHOWN + 1)]


def render_text(profile: DemoProfile, captured_on: date) -> str:
    header = f"{S.ALERT}\nPicture for {profile.name}\n\n{profile.name}\n\n{S.ALERT}"
    blocks = [header]
    for paper in profile.papers:
        lines = [paper.title, "", page_date(paper.published_on), ", ".join(paper.authors), "",
                 *_figures(paper), "", paper.abstract]
        tail = []
        if paper.page_count:
            tail.append(f"* {paper.page_count} pages\u00a0")  # the seed pages keep this NBSP
        slug = via_slug(paper)
        if slug:
            tail.append(f"Via{slug} icon")
        if tail:
            lines += ["", *tail]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="generator" content="catalyzex-author-page">
<title>{name}'s research papers | CatalyzeX</title>
<link rel="preconnect" href="https://fonts.gstatic.com">
<link rel="stylesheet" href="/_next/static/css/8a1f3b.css">
<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}}
gtag('js', new Date()); gtag('config', 'G-XXXXXXX');</script>
</head>
<body>
<div id="__next">
<header class="cx-navbar"><a class="cx-logo" href="/">CatalyzeX</a>
<form class="cx-search" action="/search"><input type="search" name="query"
placeholder="Search papers, code and authors"></form>
<a class="cx-login" href="/login">Sign in</a></header>
<main class="cx-author-page">
"""
_FOOT = """</main>
<footer class="cx-footer"><ul><li><a href="/about">About</a></li><li><a href="/extension">Browser
extension</a></li><li><a href="/privacy">Privacy</a></li></ul><p>&copy; CatalyzeX</p></footer>
</div>
<script id="__NEXT_DATA__" type="application/json">{"props": {"pageProps": {}}, "page": "/author"}
</script>
</body>
</html>
"""


def render_html(profile: DemoProfile, captured_on: date) -> str:
    name = escape(profile.name)
    out = [_HEAD.format(name=name),
           '<section class="cx-author-header">\n'
           f'<button class="cx-alert" type="button">{S.ALERT}</button>\n'
           f'<img class="cx-author-picture" alt="Picture for {name}" src="/avatars/default.png">\n'
           f'<h1 class="cx-author-name">{name}</h1>\n'
           f'<button class="cx-alert" type="button">{S.ALERT}</button>\n'
           '</section>\n<section class="cx-paper-list">\n']
    for paper in profile.papers:
        out.append(_paper_html(paper))
    out.append('</section>\n')
    out.append(_FOOT)
    return "".join(out)


def _paper_html(paper: DemoPaper) -> str:
    title = escape(paper.title)
    authors = ", ".join(f'<a class="cx-paper-author" href="/author/{escape(a)}">{escape(a)}</a>'
                        for a in paper.authors)
    figures = "".join(f'<img class="cx-figure" alt="{escape(alt)}" loading="lazy" '
                      f'src="/figures/{n}.png">' for n, alt in enumerate(_figures(paper), 1))
    parts = [
        '<div class="cx-paper-card">\n',
        f'<h2 class="cx-paper-title"><a href="/paper/{title}">{title}</a></h2>\n',
        f'<div class="cx-paper-date">{page_date(paper.published_on)}</div>\n',
        f'<div class="cx-paper-authors">{authors}</div>\n',
        f'<div class="cx-figures">{figures}</div>\n',
        f'<p class="cx-paper-abstract">{escape(paper.abstract)}</p>\n',
    ]
    if paper.page_count:
        parts.append(f'<span class="cx-paper-pages">* {paper.page_count} pages&nbsp;</span>\n')
    slug = via_slug(paper)
    if slug:
        href = (f"https://arxiv.org/abs/{paper.arxiv_id}" if slug == "arxiv" and paper.arxiv_id
                else f"/redirect?source={slug}")
        parts.append(f'<a class="cx-paper-via" href="{escape(href)}">Via<img alt="{slug} icon" '
                     f'src="/icons/{slug}.svg"></a>\n')
    parts.append('<div class="cx-paper-actions"><a href="#code">Get code</a>'
                 '<button type="button">Bookmark</button></div>\n</div>\n')
    return "".join(parts)
