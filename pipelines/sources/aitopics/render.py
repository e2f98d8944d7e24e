"""Demo pages in the AITopics-style layout, as saved text and as HTML. The layout shows no authors
and no dates, so only titles, venues (with their arXiv category) and abstracts survive a parse."""
from __future__ import annotations

from datetime import date
from html import escape

from ...demo.model import DemoPaper, DemoProfile
from ...normalize.topics import arxiv_taxonomy
from . import settings as S


def venue_line(paper: DemoPaper) -> str:
    """The venue as the site prints it: arXiv papers are listed under their category's name."""
    venue = (paper.venue or "").strip()
    if venue and (S.ARXIV_VENUE.match(venue) or not venue.lower().startswith("arxiv")):
        return venue
    category = arxiv_taxonomy().get(paper.topic or "")
    return f"arXiv.org {category}" if category else "arXiv.org"


def render_text(profile: DemoProfile, captured_on: date) -> str:
    gap = "\n" * (S.PAPER_GAP + 1)
    # The owner's name is indented by an NBSP, as the seed captures show it.
    header = f"{S.GOTO}\n\n{S.COLLABORATING}\n\n\u00a0{profile.name}"
    blocks = [f"{p.title}\n\n{venue_line(p)}\n\n{p.abstract}" for p in profile.papers]
    return gap.join([header, *blocks])


_HEAD = """<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="generator" content="aitopics-portal">
<title>{name} | AITopics</title>
<link rel="stylesheet" href="/sites/all/themes/aitopics/css/style.css">
<script src="/misc/jquery.js"></script>
<script>jQuery.extend(Drupal.settings, {{"basePath": "/", "pathPrefix": ""}});</script>
</head>
<body class="page-author">
<a class="skip-link" href="#main">Skip to main content</a>
<div id="navbar"><a class="brand" href="/">AITopics</a><ul class="menu">
<li><a href="/search">Search</a></li><li><a href="/news">AI News</a></li>
<li><a href="/about">About</a></li></ul></div>
<div id="main" class="container">
"""
_FOOT = """</div>
<footer id="footer"><p>AITopics is a service of the Association for the Advancement of Artificial
Intelligence.</p><a href="/contact">Contact</a></footer>
<script>(function(){{var s=document.createElement('script');s.src='/stats.js';}})();</script>
</body>
</html>
"""


def render_html(profile: DemoProfile, captured_on: date) -> str:
    name = escape(profile.name)
    out = [_HEAD.format(name=name),
           '<div class="at-author-header">\n'
           f'<a class="at-goto" href="#results">{S.GOTO}</a>\n'
           f'<h2 class="at-section-title">{S.COLLABORATING}</h2>\n'
           f'<h1 class="at-author-name">&nbsp;{name}</h1>\n'
           '</div>\n<div class="at-facets"><h4>Industry</h4><ul><li>Technology</li></ul></div>\n'
           '<ul class="at-results" id="results">\n']
    for paper in profile.papers:
        out.append(_paper_html(paper))
    out.append('</ul>\n<nav class="pager"><a href="?page=1">next &rsaquo;</a></nav>\n')
    out.append(_FOOT.format())
    return "".join(out)


def _paper_html(paper: DemoPaper) -> str:
    href = f"https://arxiv.org/abs/{paper.arxiv_id}" if paper.arxiv_id else "/redirect"
    return (
        '<li class="at-result">\n'
        f'<h3 class="at-result-title"><a href="/doc/{escape(paper.title)}">'
        f'{escape(paper.title)}</a></h3>\n'
        f'<div class="at-result-source"><a href="{escape(href)}">'
        f'{escape(venue_line(paper))}</a></div>\n'
        f'<div class="at-result-summary">{escape(paper.abstract)}</div>\n'
        '<div class="at-result-footer"><span class="at-tag">Technology</span></div>\n'
        '</li>\n')
