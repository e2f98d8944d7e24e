"""catalyzex layout: hand-written text and HTML pages, renderer round trips, bad input, seeds."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from papertrail.pipelines.demo.model import DemoPaper, DemoProfile
from papertrail.pipelines.errors import TruncatedCapture
from papertrail.pipelines.records import Capture
from papertrail.pipelines.sources import catalyzex, registry
from papertrail.pipelines.sources.catalyzex import render, settings
from tests.conftest import CAPTURED_AT, FIXTURES

PAGES = FIXTURES / "pages"
MODULE = catalyzex
TODAY = CAPTURED_AT.date()


def cap(text: str, name: str = "inline.txt") -> Capture:
    return Capture(capture=name, content=text.encode("utf-8"), captured_at=CAPTURED_AT)


def names(row: dict) -> list[str]:
    return [a["name"] for a in row["authors"]]


# --- hand-written fixtures -----------------------------------------------------------------------

def test_text_fixture(load_capture):
    capture = load_capture(PAGES / "catalyzex_page.txt")
    batch = catalyzex.parse(capture)
    assert batch.rejects == []
    [profile] = batch.profiles
    assert profile["name"] == "Ada Q. Lovelace"
    assert profile["record_ref"] == capture.ref("profile")
    assert profile.get("h_index") is None and profile.get("extra") is None
    p = batch.papers
    # the second title carries a trailing space on the page
    assert [r["title"] for r in p] == ["Sparse Gradients for Tiny Recurrent Models",
                                       "Counting Sheep with Transformers: A Benchmark",
                                       "A Note on Learned Index Structures"]
    assert [r["published_on"] for r in p] == [date(2024, 3, 4), date(2021, 11, 30),
                                              date(2019, 1, 15)]
    assert {r["date_precision"] for r in p} == {"day"}
    assert names(p[0]) == ["Ada Q. Lovelace", "Brendan O'Neill", "Chen Wei", "Dana Okafor"]
    assert [a["position"] for a in p[0]["authors"]] == [1, 2, 3, 4]
    assert names(p[1]) == ["Zoë Martín-Sánchez", "Ada Q. Lovelace"]
    assert names(p[2]) == ["Ada Q. Lovelace"]
    assert [r["authors_truncated"] for r in p] == [False, False, False]
    assert [r["page_count"] for r in p] == [12, None, None]  # "* 12 pages" ends in an NBSP
    assert [r["venue"] for r in p] == ["arXiv", "arXiv", None]
    assert [r["has_code"] for r in p] == [None, None, None]  # the layout shows no code badge
    assert p[0]["abstract"].startswith("We study how sparse gradient updates")
    assert p[0]["abstract"].endswith("a dense model of half the size.")
    assert p[1]["abstract"].endswith("we show why and offer a simple fix.")
    assert [r["record_ref"] for r in p] == [capture.ref(i) for i in range(3)]
    assert {r["profile_ref"] for r in p} == {capture.ref("profile")}
    assert {r["source"] for r in p} == {"catalyzex"}
    assert batch.to_arrow()["papers"].num_rows == 3


def test_html_fixture(load_capture):
    batch = catalyzex.parse(load_capture(PAGES / "catalyzex_page.html"))
    assert batch.rejects == []
    assert batch.profiles[0]["name"] == "Grace B. Hopper"
    first, second = batch.papers
    assert first["title"] == "Compilers That Explain Their Own Errors"  # wrapped inside the <a>
    assert first["published_on"] == date(2023, 8, 2)
    assert names(first) == ["Grace B. Hopper", "Jean E. Sammet", "Émile Durand"]
    assert first["abstract"] == ("Error messages are the user interface of a compiler. We train a "
                                 "small model to rewrite them & measure how fast novices fix "
                                 "their programs.")
    assert (first["page_count"], first["venue"], first["arxiv_id"]) == (9, "arXiv", "2308.01234")
    assert (second["page_count"], second["venue"], second["arxiv_id"]) == (None, None, None)
    assert second["published_on"] == date(2019, 12, 9) and names(second) == ["Grace B. Hopper"]


def test_html_picture_alt_names_the_owner_when_the_heading_is_missing(load_capture):
    page = (PAGES / "catalyzex_page.html").read_text("utf-8")
    start = page.index('<h1 class="cx-author-name">')
    page = page[:start] + page[page.index("</h1>", start) + 5:]
    assert catalyzex.parse(cap(page, "x.html")).profiles[0]["name"] == "Grace B. Hopper"


def test_html_saved_with_a_leading_comment_is_still_html(load_capture):
    page = "<!-- saved from url=(0040)https://www.catalyzex.com/author/x -->\n" + \
        (PAGES / "catalyzex_page.html").read_text("utf-8")
    capture = cap(page, "saved.html")
    assert registry.detect(capture) is catalyzex
    assert [r["title"] for r in catalyzex.parse(capture).papers] == [
        "Compilers That Explain Their Own Errors", "COBOL at Sixty"]


def test_html_selectors_are_the_only_markup_knowledge(load_capture, monkeypatch):
    page = (PAGES / "catalyzex_page.html").read_text("utf-8").replace("cx-paper-date", "cx-when")
    assert {r["published_on"] for r in catalyzex.parse(cap(page, "x.html")).papers} == {None}
    monkeypatch.setitem(settings.SELECTORS, "date", ".cx-when")
    assert catalyzex.parse(cap(page, "x.html")).papers[0]["published_on"] == date(2023, 8, 2)


# --- round trips ---------------------------------------------------------------------------------

def demo_profile() -> DemoProfile:
    papers = (
        DemoPaper("Tiny Parsers at Scale", "We parse pages fast. It works.", date(2026, 3, 3),
                  "cs.CL", tuple(f"Author {n}" for n in range(1, 41)), venue="arXiv",
                  page_count=55, arxiv_id="2603.01234"),
        DemoPaper("Llama 2, Revisited", "A title with a number and a comma.", date(2022, 5, 5),
                  "cs.LG", ("Zoë Ñandú", "B Two"), arxiv_id="2205.00001"),
        DemoPaper("An OpenReview Paper", "Not on arXiv at all.", date(2019, 12, 20), "cs.AI",
                  ("Solo Author",), venue="OpenReview", page_count=8),
        DemoPaper("Nowhere Linked", "No source icon for this one.", date(2024, 2, 29), "cs.AI",
                  ("C Three",)),
    )
    return DemoProfile(name="Punit Q. Example", layout="catalyzex", papers=papers)


@pytest.mark.parametrize("renderer,suffix", [(render.render_text, "txt"),
                                             (render.render_html, "html")])
def test_round_trip(renderer, suffix):
    demo = demo_profile()
    capture = cap(renderer(demo, TODAY), f"demo.{suffix}")
    assert registry.detect(capture) is catalyzex
    batch = catalyzex.parse(capture)
    assert batch.rejects == []
    assert batch.profiles[0]["name"] == demo.name
    assert len(batch.papers) == len(demo.papers)
    for paper, row in zip(demo.papers, batch.papers):
        assert row["title"] == paper.title and row["abstract"] == paper.abstract
        assert (row["published_on"], row["date_precision"]) == (paper.published_on, "day")
        assert names(row) == list(paper.authors) and row["authors_truncated"] is False
        assert row["page_count"] == paper.page_count
    assert [r["venue"] for r in batch.papers] == ["arXiv", "arXiv", "OpenReview", None]
    if suffix == "html":
        assert [r["arxiv_id"] for r in batch.papers] == ["2603.01234", "2205.00001", None, None]


def test_render_text_style():
    lines = render.render_text(demo_profile(), TODAY).split("\n")
    assert lines[:9] == ["Alert button", "Picture for Punit Q. Example", "", "Punit Q. Example",
                         "", "Alert button", "", "Tiny Parsers at Scale", ""]
    assert lines[9] == "Mar 03, 2026"  # zero-padded, always with its year on this site
    assert lines[12:16] == [f"Figure {n} for Tiny Parsers at Scale" for n in range(1, 5)]
    assert "* 55 pages\u00a0" in lines and "Viaarxiv icon" in lines
    assert "Viaopenreview icon" in lines


# --- bad input -----------------------------------------------------------------------------------

HEADER = "Alert button\nPicture for Ada Lovelace\n\nAda Lovelace\n\nAlert button\n\n"
GOOD = ("First Paper\n\nJan 05, 2020\nA One, B Two\n\nFigure 1 for First Paper\n\nAn abstract.\n\n"
        "Viaarxiv icon")


def test_truncated_after_title():
    batch = catalyzex.parse(cap(HEADER + GOOD + "\n\nSecond Paper\n"))
    assert [r["title"] for r in batch.papers] == ["First Paper"]
    [rej] = batch.rejects
    assert rej["reason"] == ("truncated_capture: catalyzex: paper 2: the page ends inside this "
                             "paper (no abstract)")
    assert rej["payload"] == "Second Paper"


def test_truncated_after_title_when_no_source_line_closes_the_paper_before():
    no_via = GOOD.replace("\n\nViaarxiv icon", "")
    batch = catalyzex.parse(cap(HEADER + no_via + "\n\nSecond Paper\n"))
    assert [(r["title"], r["abstract"]) for r in batch.papers] == [("First Paper", "An abstract.")]
    assert batch.rejects[0]["reason"].startswith("truncated_capture: catalyzex: paper 2: ")
    assert batch.rejects[0]["payload"] == "Second Paper"


@pytest.mark.parametrize("tail", ["Second Paper\n\nFeb 01, 2021",
                                  "Second Paper\n\nFeb 01, 2021\nC Three, D Four\n\n"
                                  "Figure 1 for Second Paper\n"])
def test_truncated_after_date_or_figures(tail):
    batch = catalyzex.parse(cap(HEADER + GOOD + "\n\n" + tail))
    assert len(batch.papers) == 1
    assert batch.rejects[0]["reason"].startswith("truncated_capture: catalyzex: paper 2: ")


def test_block_with_no_title_and_no_abstract():
    bad = "Mar 04, 2024\nA One, B Two\n\nFigure 1 for Lost Title\n\nViaarxiv icon"
    batch = catalyzex.parse(cap(HEADER + GOOD + "\n\n" + bad + "\n\n" + GOOD))
    assert [r["title"] for r in batch.papers] == ["First Paper", "First Paper"]
    [rej] = batch.rejects
    assert rej["reason"] == "catalyzex: paper 2: no title and no abstract"
    assert rej["payload"] == bad and rej["record_ref"].endswith(":1")


def test_bad_date():
    bad = GOOD.replace("Jan 05, 2020", "Foo 99, 2020")
    batch = catalyzex.parse(cap(HEADER + "\n\n".join([GOOD, GOOD, bad, GOOD])))
    assert len(batch.papers) == 3
    [rej] = batch.rejects
    assert rej["reason"] == "catalyzex: paper 3: unparseable date 'Foo 99, 2020'"
    assert rej["payload"] == bad


def test_header_only_page_raises():
    with pytest.raises(TruncatedCapture):
        catalyzex.parse(cap(HEADER))
    assert registry.parse_capture(cap(HEADER)).rejects[0]["reason"].startswith(
        "truncated_capture: ")


@pytest.mark.parametrize("head", [
    '{"alt": "Alert button", "img": "Picture for Ada"}',
    '<?xml version="1.0"?><feed><title>Alert button</title></feed>',
    "Some notes.\nPicture for a slide deck\nnothing else here\n",
    "<!DOCTYPE html><html><body><img alt='Picture for Ada'></body></html>",
    (PAGES / "aitopics_page.txt").read_text("utf-8"),
    (PAGES / "scored_profile_page.txt").read_text("utf-8"),
])
def test_sniff_rejects_other_content(head):
    assert not catalyzex.sniff(head)


# --- real seeds ----------------------------------------------------------------------------------

def test_seed(seeds_dir: Path, load_capture):
    capture = load_capture(seeds_dir / "000_b7183a3f9a081e79.txt")
    assert registry.detect(capture) is catalyzex
    batch = catalyzex.parse(capture)
    assert batch.rejects == []
    assert [p["name"] for p in batch.profiles] == ["Punit Singh Koura"]
    papers = batch.papers
    assert [r["title"] for r in papers] == [
        "Llama 2: Open Foundation and Fine-Tuned Chat Models",
        "A Theory on Adam Instability in Large-Scale Machine Learning",
        "OPT-IML: Scaling Language Model Instruction Meta Learning through the Lens of "
        "Generalization",
        "OPT: Open Pre-trained Transformer Language Models",
        "Efficient Large Scale Language Modeling with Mixtures of Experts",
        "Few-shot Learning with Multilingual Language Models"]
    assert [r["published_on"] for r in papers] == [
        date(2023, 7, 19), date(2023, 4, 25), date(2022, 12, 28), date(2022, 5, 5),
        date(2021, 12, 20), date(2021, 12, 20)]
    assert [len(r["authors"]) for r in papers] == [68, 17, 18, 19, 24, 21]
    assert [r["page_count"] for r in papers] == [None, None, 55, None, None, 36]
    assert {r["venue"] for r in papers} == {"arXiv"}
    assert {r["authors_truncated"] for r in papers} == {False}
    assert {r["has_code"] for r in papers} == {None}
    # the owner's place in each full author list
    assert [[a["position"] for a in r["authors"] if a["name"] == "Punit Singh Koura"]
            for r in papers] == [[33], [7], [10], [16], [18], [13]]
    assert papers[0]["authors"][0] == {"name": "Hugo Touvron", "position": 1}
    assert papers[0]["authors"][-1] == {"name": "Thomas Scialom", "position": 68}
    assert papers[1]["abstract"].startswith("We present a theory for the previously unexplained")
    assert papers[5]["abstract"].endswith("comparable sized GPT-3 models.")


def test_seed_round_trips_through_the_text_renderer(seeds_dir: Path, load_capture):
    capture = load_capture(seeds_dir / "000_b7183a3f9a081e79.txt")
    batch = catalyzex.parse(capture)
    papers = tuple(DemoPaper(r["title"], r["abstract"], r["published_on"], "cs.CL",
                             tuple(names(r)), venue=r["venue"], page_count=r["page_count"])
                   for r in batch.papers)
    demo = DemoProfile(batch.profiles[0]["name"], "catalyzex", papers)
    assert render.render_text(demo, TODAY) == capture.content.decode("utf-8")


def test_detect_fixtures(load_capture):
    assert registry.detect(load_capture(PAGES / "catalyzex_page.html")) is catalyzex
    assert registry.detect(load_capture(PAGES / "catalyzex_page.txt")) is catalyzex
