"""Structure-only reading of an ACL Anthology author page."""
from __future__ import annotations

from collections import Counter
from datetime import date
from urllib.parse import urljoin, urlsplit

from ...normalize.text import clean, fold
from . import settings as S


def text_of(node) -> str | None:
    return clean(node.text(deep=True)) if node is not None else None


def paper_id_of(href: str | None) -> str | None:
    m = S.PAPER_PAGE.search(href or "")
    return m.group("id") if m else None


def year_of_id(paper_id: str) -> int | None:
    """'2021.acl-long.123' -> 2021; 'W19-4201' -> 2019, 'P98-1001' -> 1998."""
    if paper_id[:4].isdigit():
        return int(paper_id[:4])
    yy = int(paper_id[1:3])
    return (1900 if yy >= 50 else 2000) + yy


def owner_name(tree, title: str | None) -> str | None:
    """The page's first h1/h2 that is not a year, else the <title> without the site name."""
    for node in tree.css("h1, h2"):
        value = text_of(node)
        if value and not S.YEAR_HEADING.match(value):
            return value
    return clean(S.TITLE_SUFFIX.sub("", title)) if title else None


def entries(tree) -> list[tuple[str, object, object, int | None]]:
    """(paper id, title link, entry node, year heading above) per paper, in page order. The
    entry is the largest element around the title link holding no other paper's title link."""
    year = None
    found = []
    seen: set[str] = set()
    for node in tree.css(f"{S.HEADINGS}, a[href]"):
        if node.tag != "a":
            m = S.YEAR_HEADING.match(text_of(node) or "")
            if m:
                year = int(m.group(1))
            continue
        pid = paper_id_of(node.attributes.get("href"))
        if not pid or not text_of(node) or pid in seen:
            continue
        seen.add(pid)
        found.append((pid, node, year))
    out = []
    for pid, link, year in found:
        entry = link
        while entry.parent is not None and entry.parent.tag not in ("body", "html"):
            ids = {paper_id_of(a.attributes.get("href")) for a in entry.parent.css("a[href]")}
            if len(ids - {None}) > 1:
                break
            entry = entry.parent
        out.append((pid, link, entry, year))
    return out


def person(href: str | None) -> tuple[str, str] | None:
    """('andreas-madsack', 'a/andreas-madsack') from a people link."""
    m = S.PEOPLE.search(urlsplit(href or "").path)
    if not m:
        return None
    path = f"{m['dir']}/{m['slug']}" if m["dir"] else m["slug"]
    return m["slug"], path


def owner_slug(papers: list[dict], name: str | None) -> tuple[str, str] | None:
    """The owner's people link: the one, among the papers' authors, written as the owner's name
    (else the one on most papers)."""
    counts: Counter = Counter()
    named: Counter = Counter()
    for row in papers:
        for a in row["authors"]:
            if a.get("_person"):
                counts[a["_person"]] += 1
                if name and fold(a["name"]) == fold(name):
                    named[a["_person"]] += 1
    best = named or counts
    return best.most_common(1)[0][0] if best else None


def base_url(tree, capture_name: str) -> str:
    """What relative links resolve against: the capture's URL, else the host the page's own
    absolute PDF links name, else the site."""
    if capture_name.startswith(("http://", "https://")):
        return capture_name
    for a in tree.css("a[href]"):
        href = a.attributes.get("href") or ""
        if href.startswith(("http://", "https://")) and S.PAPER_FILE.search(href):
            parts = urlsplit(href)
            return f"{parts.scheme}://{parts.netloc}/"
    return S.SITE + "/"


def paper_fields(tree, pid: str, link, entry, heading_year: int | None, base: str) -> dict:
    """Title, authors (with their people paths), venue, year, abstract and links of one entry."""
    links = [{"kind": "page", "url": urljoin(base, link.attributes.get("href") or "")}]
    authors, venue, abstract = [], None, None
    for a in entry.css("a[href]"):
        href = a.attributes.get("href") or ""
        f = S.PAPER_FILE.search(href)
        if f and f.group("id") == pid:
            links.append({"kind": f.group("kind").lower(), "url": urljoin(base, href)})
            continue
        who = person(href)
        if who and text_of(a):
            authors.append({"name": text_of(a), "position": len(authors) + 1,
                            "source_author_id": f"acl:{who[0]}", "_person": who})
            continue
        if S.VOLUME.search(href) and text_of(a):
            venue = text_of(a)
            links.append({"kind": "volume", "url": urljoin(base, href)})
            continue
        target = S.ABSTRACT_TARGET.match(href)
        if target and abstract is None:
            node = tree.css_first(f'[id="{target.group("target")}"]')
            wanted = target.group("target")
            if node is not None and (pid in wanted or pid.replace(".", "--") in wanted):
                abstract = text_of(node)
    year = heading_year or year_of_id(pid)
    return {"title": text_of(link), "authors": authors, "venue": venue, "abstract": abstract,
            "published_on": date(year, 1, 1) if year else None,
            "date_precision": "year" if year else None, "links": links}
