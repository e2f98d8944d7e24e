"""The four seed layouts read from HTML they have never seen: any page is rendered to text
(`sources.html_text`) and handed to the layout's text form, so a page built by a template other
than `render.py` parses to the same records as the text capture of the same page.

The templates below are deliberately unlike `render.py`: other tags and classes, other nesting,
lists instead of cards, `<br>` instead of blocks, site chrome (navigation, cookie dialog, side
bars, toolbars, footers, scripts, styles, hidden elements) around and inside the content, and no
`<main>` on some pages. None carries a marker the layouts' CSS fast paths know."""
from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path

import pytest

from papertrail.pipelines.demo.corpus import PAGE_DAY, demo_profiles
from papertrail.pipelines.demo.model import DemoPaper, DemoProfile
from papertrail.pipelines.errors import ParseError
from papertrail.pipelines.records import Capture
from papertrail.pipelines.sources import (abstract_list, aitopics, catalyzex, html_page, html_text, registry,
                               scored_profile)
from papertrail.pipelines.sources.aitopics import render as at_render
from papertrail.pipelines.sources.catalyzex import render as cx_render
from papertrail.pipelines.sources.scored_profile import render as sp_render
from tests.conftest import CAPTURED_AT

LAYOUTS = {m.NAME: m for m in (catalyzex, aitopics, scored_profile, abstract_list)}
RENDER_TEXT = {"catalyzex": cx_render.render_text, "aitopics": at_render.render_text,
               "scored_profile": sp_render.render_text,
               "abstract_list": __import__("papertrail.pipelines.sources.abstract_list.render",
                                           fromlist=["render_text"]).render_text}
WHEN = CAPTURED_AT.replace(year=PAGE_DAY.year, month=PAGE_DAY.month, day=PAGE_DAY.day)

CHROME_TOP = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body {{ font: 14px sans-serif }} .hidden {{ display: none }}</style>
<script>window.__STATE__ = {{"page": "author", "text": "Alert button"}};</script>
<script type="application/ld+json">{{"@type": "Person", "name": "{title}"}}</script>
</head><body>
<a class="skip" href="#content" hidden>Skip to content</a>
<nav class="top"><a href="/">Home</a> <a href="/search">Search</a> <a href="/login">Sign in</a></nav>
<div role="dialog" class="consent"><p>We use cookies.</p><button>Accept all</button></div>
"""
CHROME_BOTTOM = """<footer class="site"><p>&copy; 2026 Example</p><a href="/terms">Terms</a></footer>
<script>document.querySelectorAll('a').forEach(function (a) {{ a.rel = 'noopener'; }});</script>
<noscript>Please enable JavaScript</noscript>
</body></html>
"""


def _page(title: str, body: str) -> str:
    return CHROME_TOP.format(title=escape(title)) + body + CHROME_BOTTOM.format()


# --- the second templates ------------------------------------------------------------------------

def catalyzex_page(profile: DemoProfile, captured_on: date) -> str:
    """An ordered list of entries; date and authors on one block split by <br>; thumbnails as a
    list; page count and source in the entry's own footer; a toolbar with buttons."""
    name = escape(profile.name)
    out = ['<div id="root" role="main"><div class="who">',
           '<div><button type="button" aria-label="follow">Alert button</button></div>',
           f'<figure class="avatar"><img src="/a.png" alt="Picture for {name}"></figure>',
           f'<h1 class="display-name">{name}</h1>',
           '<div><button type="button">Alert button</button></div></div>',
           '<aside class="related"><h4>Similar authors</h4><ul><li>Someone Else</li></ul></aside>',
           '<ol class="entries">']
    for p in profile.papers:
        who = ", ".join(f'<a href="/u/{escape(a)}">{escape(a)}</a>' for a in p.authors)
        thumbs = "".join(f'<li><img loading="lazy" alt="Figure {n} for {escape(p.title)}"></li>'
                         for n in range(1, cx_render.FIGURES_SHOWN + 1))
        foot = []
        if p.page_count:
            foot.append(f"<span>* {p.page_count} pages&nbsp;</span>")
        slug = cx_render.via_slug(p)
        if slug:
            foot.append(f'<a href="/go/{slug}">Via<img src="/i/{slug}.svg" alt="{slug} icon"></a>')
        out.append(
            '<li class="entry">'
            f'<h3><a href="/paper/{escape(p.title)}">{escape(p.title)}</a></h3>'
            f'<div class="meta"><span class="date">{cx_render.page_date(p.published_on)}</span>'
            f'<br><span class="who">{who}</span></div>'
            f'<ul class="thumbs">{thumbs}</ul>'
            f'<div class="summary"><p>{escape(p.abstract)}</p></div>'
            + (f'<footer class="entry-foot">{"<br>".join(foot)}</footer>' if foot else "")
            + '<div role="toolbar"><button>Get code</button><button>Bookmark</button></div>'
            '<span class="hidden" style="display:none">tracking pixel</span></li>')
    out.append("</ol></div>")
    return _page(f"{profile.name} | papers", "\n".join(out))


def aitopics_page(profile: DemoProfile, captured_on: date) -> str:
    """No <main>: a table-free grid of result boxes (repeated <section>s) after a heading
    block; facets in an <aside>; a pager in a <nav>."""
    out = ['<div class="page">',
           '<p class="jump"><a href="#results">Goto</a></p>',
           '<h2 class="label">Collaborating Authors</h2>',
           f'<h1 class="person">&nbsp;{escape(profile.name)}</h1>',
           '<aside><h4>Industry</h4><ul><li>Technology</li></ul></aside>',
           '<div id="results" class="grid">']
    for p in profile.papers:
        out.append(
            '<section class="box">'
            f'<h4><a href="/doc/x">{escape(p.title)}</a></h4>'
            f'<p class="origin"><a href="/src">{escape(at_render.venue_line(p))}</a></p>'
            f'<blockquote>{escape(p.abstract)}</blockquote>'
            '<div role="toolbar"><a href="#">Share</a></div>'
            '</section>')
    out.append('</div><nav class="pager"><a href="?page=2">next &rsaquo;</a></nav></div>')
    return _page(f"{profile.name} | AI topics", "\n".join(out))


def scored_profile_page(profile: DemoProfile, captured_on: date) -> str:
    """Metrics as inline label/value pairs in a list, each paper an <article> whose meta line is
    three inline elements and whose title is a plain <div> right under it."""
    out = ['<main>', f'<div class="hero"><h1>{escape(profile.name)}</h1>']
    if profile.main_topic:
        out.append(f'<p class="field"><abbr title="{profile.main_topic}">'
                   f'{escape(sp_render.short_topic(profile.main_topic))}</abbr></p>')
    out.append('<ul class="numbers">')
    for key, label, value in sp_render._metric_lines(profile):
        if key in ("h_index", "novelty_pct", "ai_score"):
            pct = "%" if key == "novelty_pct" else ""
            out.append(f'<li><span class="k">{label}</span><strong>{value}</strong>{pct}</li>')
        else:
            out.append(f'<li><strong>{value}</strong><span class="k">{label}</span></li>')
    out.append(f'</ul><button class="follow">Follow</button></div>'
               f'<h2 class="count"><b>{sp_render._listed(profile)}</b> Papers</h2>')
    for p in profile.papers:
        shown, more = sp_render._byline(p)
        byline = ", ".join(f'<a href="/a">{escape(a)}</a>' for a in shown)
        if more:
            byline += " et al."
        if p.affiliations:
            byline += " \u00b7 " + ", ".join(f"<em>{escape(a)}</em>" for a in p.affiliations)
        code = '<a class="pill" href="/code">Code</a>' if p.has_code else ""
        out.append(
            '<article class="row">'
            f'<div class="row-meta"><span>{escape(sp_render.short_topic(p.topic))}</span>'
            f'<time datetime="{p.published_on.isoformat()}">'
            f'{sp_render.page_date(p.published_on, captured_on)}</time>{code}</div>'
            f'<div class="row-title"><a href="/p">{escape(p.title)}</a></div>'
            f'<p class="row-by">{byline}</p>'
            f'<p class="row-abs">{escape(p.abstract)}</p>'
            '<div role="toolbar"><button>Save</button><button>Share</button></div>'
            '</article>')
    out.append('<nav aria-label="pagination"><a href="?p=2">Load more</a></nav></main>')
    return _page(f"{profile.name} - profile", "\n".join(out))


def abstract_list_page(profile: DemoProfile, captured_on: date) -> str:
    """A definition-list-free plain page: the name in a heading inside <main>'s own header, each
    abstract an <article> with an inline bold label glued to the text."""
    out = ['<main><header><h2 class="nm">' + escape(profile.name) + '</h2></header><section>']
    for p in profile.papers:
        out.append(f'<article><b>Abstract:</b>{escape(p.abstract)}'
                   '<div role="toolbar"><button>Copy</button></div></article>')
    out.append('</section></main>')
    return _page(f"Papers by {profile.name}", "\n".join(out))


TEMPLATES = {"catalyzex": catalyzex_page, "aitopics": aitopics_page,
             "scored_profile": scored_profile_page, "abstract_list": abstract_list_page}


# --- comparing -----------------------------------------------------------------------------------

def cap(text: str, name: str, when=WHEN) -> Capture:
    return Capture(capture=name, content=text.encode("utf-8"), captured_at=when)


def normalised(batch, capture: Capture) -> dict:
    """The batch's records with the capture's own name and digest taken out (they differ between
    the text and the HTML capture of one page by construction); rejects by reason only."""
    prefix = capture.sha256[:16]

    def clean(row: dict) -> dict:
        out = {}
        for k, v in row.items():
            if k == "capture":
                continue
            if isinstance(v, str) and v.startswith(prefix + ":"):
                v = "ref:" + v[len(prefix) + 1:]
            out[k] = v
        return out

    return {"format": batch.format, "papers": [clean(r) for r in batch.papers],
            "profiles": [clean(r) for r in batch.profiles],
            "rejects": [r["reason"] for r in batch.rejects],
            "counts": [clean(r) for r in batch.counts_by_year]}


def both(profile: DemoProfile, captured_on: date = PAGE_DAY):
    text = RENDER_TEXT[profile.layout](profile, captured_on)
    html = TEMPLATES[profile.layout](profile, captured_on)
    text_cap, html_cap = cap(text, f"{profile.layout}.txt"), cap(html, f"{profile.layout}.html")
    return text_cap, html_cap


PROFILES = demo_profiles()


@pytest.mark.parametrize("profile", PROFILES, ids=[f"{p.layout}-{p.name}" for p in PROFILES])
def test_second_template_parses_like_the_text_form(profile):
    text_cap, html_cap = both(profile)
    layout = LAYOUTS[profile.layout]
    # The page is not claimed by the layout's CSS fast path (no marker of render.py in it) ...
    head = html_cap.content.decode("utf-8")[:8192]
    assert not layout.sniff(head)
    assert registry.detect(html_cap) is html_page
    # ... yet it parses to exactly the records of the text capture
    text_batch, html_batch = registry.parse_capture(text_cap), registry.parse_capture(html_cap)
    assert text_batch.format == html_batch.format == profile.layout
    assert text_batch.papers and not text_batch.rejects
    assert normalised(html_batch, html_cap) == normalised(text_batch, text_cap)
    assert len(html_batch.papers) == len(profile.papers)


TRICKY = DemoPaper(
    title="Ça marche & ça « casse »: Zoë's <Transformers> at 1.5\u00d7 Scale",
    abstract="We test O'Brien's claim that A < B & C > D holds; it does not. Authors "
             "disagree.\u00a0Results vary by 3\u20135%.",
    published_on=date(2026, 3, 3), topic="cs.CL",
    authors=("Zoë Martín-Sánchez", "Brendan O'Neill", "Chen Wei", "Dana Okafor"),
    venue="arXiv", has_code=True, page_count=12, affiliations=("uw", "cmu"),
    arxiv_id="2603.01234")
PLAIN = DemoPaper(title="A Note on Learned Index Structures", abstract="Short and plain.",
                  published_on=date(2019, 1, 15), topic="cs.DB", authors=("Ada Lovelace",))


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_second_template_with_markup_significant_text(layout):
    """Escaped characters, NBSPs, non-ASCII names, a year-less date, a paper without a source
    or page count: still the text form's records."""
    name = {"aitopics": "Martín-Sánchez, Zoë", "abstract_list": "Zoë"}.get(layout, "Zoë Martín-Sánchez")
    profile = DemoProfile(name=name, layout=layout, papers=(TRICKY, PLAIN), h_index=7,
                          paper_count=2, citation_count=1234, main_topic="cs.CL",
                          extra={"novelty_pct": "50", "ai_score": "61"})
    text_cap, html_cap = both(profile, CAPTURED_AT.date())
    text_batch = registry.parse_capture(cap(text_cap.content.decode(), "t.txt", CAPTURED_AT))
    html_cap = cap(html_cap.content.decode(), "t.html", CAPTURED_AT)
    html_batch = registry.parse_capture(html_cap)
    assert normalised(html_batch, html_cap) == normalised(
        text_batch, cap(text_cap.content.decode(), "t.txt", CAPTURED_AT))
    assert html_batch.papers[0].get("title") == (None if layout == "abstract_list" else TRICKY.title)
    assert html_batch.papers[-1]["abstract"] == "Short and plain."


def test_real_seed_text_layouts_survive_a_second_template(seeds_dir: Path, load_capture):
    """Every real seed capture, its records rebuilt into a profile, rendered by the second
    template: the HTML gives the records the real text capture gives."""
    checked = 0
    for path in sorted(seeds_dir.glob("*.txt")):
        capture = load_capture(path)
        seed = registry.parse_capture(capture)
        if seed.format not in LAYOUTS or not seed.papers:
            continue
        profile = _profile_from(seed)
        html = TEMPLATES[seed.format](profile, capture.capture_date)
        html_cap = Capture(f"{path.name}.html", html.encode("utf-8"), capture.captured_at)
        again = registry.parse_capture(html_cap)
        assert again.format == seed.format, path.name
        keys = ("title", "abstract", "published_on", "authors", "authors_truncated", "venue",
                "primary_topic", "has_code", "page_count", "affiliations")
        assert [{k: r.get(k) for k in keys} for r in again.papers] == \
            [{k: r.get(k) for k in keys} for r in seed.papers], path.name
        assert [p["name"] for p in again.profiles] == [p["name"] for p in seed.profiles]
        checked += 1
    assert checked == 5


def _profile_from(batch) -> DemoProfile:
    """A DemoProfile that shows what a parsed seed page showed."""
    papers = []
    for r in batch.papers:
        authors = tuple(a["name"] for a in r.get("authors") or ())
        if r.get("authors_truncated"):
            authors += ("(more)",)
        venue = r.get("venue")
        if batch.format == "aitopics" and venue == "arXiv":
            venue = None  # the renderer names arXiv's listing by the paper's category
        papers.append(DemoPaper(
            title=r.get("title") or "", abstract=r.get("abstract") or "",
            published_on=r.get("published_on") or date(2000, 1, 1),
            topic=r.get("primary_topic"), authors=authors, venue=venue,
            has_code=bool(r.get("has_code")), page_count=r.get("page_count"),
            affiliations=tuple(r.get("affiliations") or ())))
    p = batch.profiles[0] if batch.profiles else {"name": ""}
    extra = p.get("extra") or {}
    return DemoProfile(
        name=p["name"], layout=batch.format, papers=tuple(papers), h_index=p.get("h_index"),
        paper_count=p.get("paper_count"), citation_count=p.get("citation_count"),
        main_topic=extra.get("main_topic"),
        extra={k: v for k, v in extra.items() if k in ("novelty_pct", "ai_score", "papers_listed")})


# --- the fast path stays a fast path -------------------------------------------------------------

def test_a_page_with_a_layout_marker_but_other_markup_reads_from_its_text():
    """The CSS selectors know render.py's markup only: a page that carries the marker but none
    of the selected parts is read from its rendered text, not lost."""
    profile = next(p for p in PROFILES if p.layout == "catalyzex")
    html = catalyzex_page(profile, PAGE_DAY).replace(
        "<head>", '<head><meta name="generator" content="catalyzex-author-page">', 1)
    capture = cap(html, "marked.html")
    assert registry.detect(capture) is catalyzex  # claimed by the marker...
    batch = catalyzex.parse(capture)
    text_cap, _ = both(profile)
    assert normalised(batch, capture) == normalised(registry.parse_capture(text_cap), text_cap)


# --- the renderer itself -------------------------------------------------------------------------

def test_renderer_rules():
    html = """<html><head><title>T</title><style>p{color:red}</style><script>var x = "no";</script>
    </head><body><nav>Menu</nav><header>Site</header>
    <h1>Head  line</h1><p>One <a href="/x">linked</a> <b>bold</b>text.<br>Next line</p>
    <div>Block <span>inline</span></div><div hidden>hidden</div><div aria-hidden="true">aria</div>
    <div style="display: none">none</div><ul><li>a</li><li>b</li></ul>
    <table><tr><td>c1</td><td>c2</td></tr><tr><th>h</th><td>d</td></tr></table>
    <pre>  keep
   spaces</pre><p><img alt="an image"> and&nbsp;nbsp</p><template><p>tpl</p></template>
    <footer>Footer</footer></body></html>"""
    assert html_text.render(html) == (
        "Head line\n\nOne linked boldtext.\nNext line\n\nBlock inline\n\na\nb\n\n"
        "c1\tc2\nh\td\n\n  keep\n   spaces\n\nan image and\u00a0nbsp")


def test_renderer_keeps_only_main_when_marked_and_separates_records():
    html = ("<body><div>outside</div><main><section>"
            "<div class='r'><h3>A</h3><p>a1</p></div><div class='r'><h3>B</h3><p>b1</p></div>"
            "</section></main></body>")
    assert html_text.render(html) == "A\n\na1\n\n\nB\n\nb1"


def test_renderer_accepts_a_parsed_tree_and_leaves_it_alone():
    from selectolax.lexbor import LexborHTMLParser
    tree = LexborHTMLParser("<p>x <script>y</script></p>")
    assert html_text.render(tree) == "x" and tree.css_first("script") is not None


# --- pages that are not author pages -------------------------------------------------------------

def _reason(html: str, name: str = "page.html") -> str:
    batch = registry.parse_capture(cap(html, name))
    assert batch.papers == batch.profiles == []
    [row] = batch.rejects
    return row["reason"]


def test_sign_in_interstitial():
    html = ('<!doctype html><html><head><title>Sign in - Example Accounts</title></head><body>'
            '<form action="https://accounts.example.com/login" method="post"><h1>Sign in</h1>'
            '<p>to continue to Example Scholar</p><input type="email" name="identifier">'
            '<button>Next</button></form></body></html>')
    reason = _reason(html)
    assert reason.startswith("sign_in_page: a sign-in page ('Sign in to continue to Example "
                             "Scholar') was served instead of the page asked for")
    assert "<title> 'Sign in - Example Accounts'" in reason and f"{len(html):,} bytes" in reason


def test_captcha_page():
    html = ('<html><head><title>Please show you are not a robot</title>'
            '<script src="https://www.google.com/recaptcha/api.js"></script></head><body>'
            '<h1>Please show you\'re not a robot</h1><p>Our systems have detected unusual traffic '
            'from your computer network.</p><div class="g-recaptcha"></div></body></html>')
    assert _reason(html).startswith('captcha_page: a captcha / bot check ("Please show you\'re '
                                    'not a robot") was served instead of the page asked for')


def test_consent_interstitial():
    html = ('<html><head><title>Before you continue</title></head><body>'
            '<form action="https://consent.example.com/save"><h1>Before you continue to '
            'Example</h1><p>We use cookies and data to deliver our services.</p>'
            '<button>Reject all</button><button>Accept all</button></form></body></html>')
    assert _reason(html).startswith("consent_page: a cookie/consent interstitial was served")


def test_search_with_no_results():
    html = ('<html><head><title>Search - Example</title></head><body><main>'
            '<h1>Authors matching "Zzyzx Qwerty"</h1><p>No results found.</p></main></body></html>')
    assert _reason(html).startswith("search_no_results: a search page that found nothing "
                                    "('No results found.'), not an author page")


def test_unknown_page_names_its_title_and_size():
    html = ("<!DOCTYPE html><html><head><title>\u202aQuarterly Report\u202c</title></head>"
            "<body><main><h1>Revenue</h1><p>Up.</p></main></body></html>")
    reason = _reason(html, "report.html")
    assert reason == (f"unknown_format: report.html: an HTML page that no parser recognises "
                      f"(<title> 'Quarterly Report', {len(html.encode()):,} bytes); not one of "
                      "the known author-page layouts, even rendered to text")


def test_unknown_non_html_names_its_size():
    reason = _reason("just some notes\nnothing else\n", "notes.txt")
    assert reason == ("unknown_format: notes.txt: no parser recognises this content (29 bytes; "
                      "first line: 'just some notes')")


def test_real_sign_in_page_loads_nothing(realdata_dir: Path, load_capture):
    capture = load_capture(realdata_dir / "author_pages" / "gscholar_signin_interstitial_AAAAAAAAAAAA.html")
    batch = registry.parse_capture(capture)
    assert (batch.papers, batch.profiles, batch.counts_by_year) == ([], [], [])
    [row] = batch.rejects
    assert row["reason"] == (
        "sign_in_page: a sign-in page ('Sign in to continue to Google Scholar Citations') was "
        "served instead of the page asked for (<title> 'Google Scholar Citations', 1,340,019 "
        "bytes); nothing loaded")


def test_not_an_author_page_error_is_a_parse_error():
    with pytest.raises(ParseError) as err:
        html_page.parse(cap("<html><body><h1>Log in</h1><input type='password'></body></html>",
                            "x.html"))
    assert err.value.reason == "sign_in_page"
