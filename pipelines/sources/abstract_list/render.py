"""Demo pages in the abstract-list layout, as saved text and as HTML. Only the owner's name and
the abstracts are shown, so only those survive a parse."""
from __future__ import annotations

from datetime import date
from html import escape

from ...demo.model import DemoProfile
from . import settings as S


def render_text(profile: DemoProfile, captured_on: date) -> str:
    return "\n".join([profile.name, *(f"{S.ABSTRACT}{p.abstract}" for p in profile.papers)])


_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="generator" content="abstract-list 1.4">
<title>Papers by {name}</title>
<link rel="icon" href="/favicon.ico">
<style>.al-label{{font-weight:bold}} .al-paper{{margin:1em 0}}</style>
<script defer src="/assets/bundle.min.js"></script>
</head>
<body>
<nav class="al-nav"><a href="/">Home</a> &middot; <a href="/people">People</a> &middot;
<a href="/login">Log in</a></nav>
<main>
"""
_FOOT = """</main>
<footer class="al-footer"><small>Generated listing. Report a problem: <a
href="mailto:help@example.org">help@example.org</a></small></footer>
<script>document.querySelectorAll('.al-paper').forEach(function(e){e.tabIndex=0;});</script>
</body>
</html>
"""


def render_html(profile: DemoProfile, captured_on: date) -> str:
    name = escape(profile.name)
    out = [_HEAD.format(name=name),
           f'<div class="al-profile"><h1 class="al-name">{name}</h1></div>\n',
           '<ol class="al-papers">\n']
    for paper in profile.papers:
        out.append('<li class="al-paper"><span class="al-label">Abstract:</span>'
                   f'<p class="al-abstract">{escape(paper.abstract)}</p>'
                   '<div class="al-paper-tools"><button>Copy</button></div></li>\n')
    out.append("</ol>\n")
    out.append(_FOOT)
    return "".join(out)
