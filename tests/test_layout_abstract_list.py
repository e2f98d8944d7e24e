"""abstract_list layout: hand-written text and HTML pages, round trips, bad input, seeds."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from papertrail.pipelines.demo.model import DemoPaper, DemoProfile
from papertrail.pipelines.errors import TruncatedCapture
from papertrail.pipelines.records import Capture
from papertrail.pipelines.sources import abstract_list, registry
from papertrail.pipelines.sources.abstract_list import render, settings
from tests.conftest import CAPTURED_AT, FIXTURES

PAGES = FIXTURES / "pages"
MODULE = abstract_list
TODAY = CAPTURED_AT.date()


def cap(text: str, name: str = "inline.txt") -> Capture:
    return Capture(capture=name, content=text.encode("utf-8"), captured_at=CAPTURED_AT)


# --- hand-written fixtures -----------------------------------------------------------------------

def test_text_fixture(load_capture):
    capture = load_capture(PAGES / "abstract_list_page.txt")
    batch = abstract_list.parse(capture)
    assert batch.rejects == []
    assert [p["name"] for p in batch.profiles] == ["Ada"]
    assert [r["abstract"] for r in batch.papers] == [
        "We study how sparse gradient updates behave in very small recurrent networks. Keeping "
        "one update in ten loses almost nothing on three sequence tasks.",
        "A benchmark of synthetic counting tasks, from sheep in a field to tokens in a stream.",
        "We revisit learned index structures and report the cases in which they fail to beat a "
        "well-tuned B-tree."]
    for row in batch.papers:  # the layout shows nothing else: unknown, not empty
        for column in ("title", "authors", "published_on", "venue", "has_code", "topics"):
            assert row.get(column) is None
    assert [r["record_ref"] for r in batch.papers] == [capture.ref(i) for i in range(3)]
    assert {r["profile_ref"] for r in batch.papers} == {capture.ref("profile")}
    assert batch.to_arrow()["papers"].num_rows == 3


def test_hard_wrapped_abstract_and_blank_lines():
    page = "Ada\n\nAbstract:First line of an abstract\ncontinues here.\n\nAbstract: Second one.\n"
    batch = abstract_list.parse(cap(page))
    assert [r["abstract"] for r in batch.papers] == ["First line of an abstract continues here.",
                                                     "Second one."]


def test_html_fixture(load_capture):
    batch = abstract_list.parse(load_capture(PAGES / "abstract_list_page.html"))
    assert batch.rejects == []
    assert [p["name"] for p in batch.profiles] == ["Grace"]
    assert [r["abstract"] for r in batch.papers] == [
        "Error messages are the user interface of a compiler. We train a small model to rewrite "
        "them.",
        "A look back at sixty years of business programming."]


def test_html_selectors_are_the_only_markup_knowledge(monkeypatch):
    page = (PAGES / "abstract_list_page.html").read_text("utf-8").replace("al-name", "al-owner")
    assert abstract_list.parse(cap(page, "x.html")).profiles == []
    monkeypatch.setitem(settings.SELECTORS, "name", ".al-profile .al-owner")
    assert abstract_list.parse(cap(page, "x.html")).profiles[0]["name"] == "Grace"


# --- round trips ---------------------------------------------------------------------------------

def demo_profile() -> DemoProfile:
    papers = tuple(
        DemoPaper(f"Title {n}", text, date(2020, 1, n), "cs.CL", ("A One",))
        for n, text in enumerate(["We parse pages fast. It works.",
                                  "Abstract: a text that itself starts with the marker's word.",
                                  "Ünïcödé and <angle brackets> & ampersands survive."], start=1))
    return DemoProfile(name="Jack", layout="abstract_list", papers=papers)


@pytest.mark.parametrize("renderer,suffix", [(render.render_text, "txt"),
                                             (render.render_html, "html")])
def test_round_trip(renderer, suffix):
    demo = demo_profile()
    capture = cap(renderer(demo, TODAY), f"demo.{suffix}")
    assert registry.detect(capture) is abstract_list
    batch = abstract_list.parse(capture)
    assert batch.rejects == []
    assert [p["name"] for p in batch.profiles] == ["Jack"]
    assert [r["abstract"] for r in batch.papers] == [p.abstract for p in demo.papers]


def test_render_text_style():
    page = render.render_text(demo_profile(), TODAY)
    assert page.split("\n") == ["Jack", "Abstract:We parse pages fast. It works.",
                                "Abstract:Abstract: a text that itself starts with the marker's "
                                "word.",
                                "Abstract:Ünïcödé and <angle brackets> & ampersands survive."]


# --- bad input -----------------------------------------------------------------------------------

def test_truncated_after_the_marker():
    batch = abstract_list.parse(cap("Jack\nAbstract:One.\nAbstract:Two.\nAbstract:"))
    assert [r["abstract"] for r in batch.papers] == ["One.", "Two."]
    [rej] = batch.rejects
    assert rej["reason"] == ("truncated_capture: abstract_list: paper 3: the page ends inside this "
                             "paper (no abstract)")
    assert rej["payload"] == "Abstract:"


def test_truncated_html():
    page = (PAGES / "abstract_list_page.html").read_text("utf-8")
    cut = page[: page.index("sixty</em>")]
    batch = abstract_list.parse(cap(cut, "cut.html"))
    assert len(batch.papers) == 1
    assert batch.rejects[0]["reason"].startswith("truncated_capture: abstract_list: paper 2: ")


def test_empty_entry_mid_page():
    batch = abstract_list.parse(cap("Jack\nAbstract:One.\nAbstract:   \nAbstract:Three."))
    assert [r["abstract"] for r in batch.papers] == ["One.", "Three."]
    [rej] = batch.rejects
    assert rej["reason"] == "abstract_list: paper 2: no title and no abstract"
    assert rej["record_ref"].endswith(":1")


def test_header_only_page_raises():
    with pytest.raises(TruncatedCapture):
        abstract_list.parse(cap("Jack\n"))


@pytest.mark.parametrize("head", [
    '{"name": "Jack"}\nAbstract:not a page',
    "arXiv:2307.09288\nAbstract: In this work, we develop and release Llama 2.",
    "Title: A paper\nAbstract: text",
    "<abstracts><a>Abstract:x</a></abstracts>",
    "Jack\nNo abstract marker here\n",
    (PAGES / "scored_profile_page.txt").read_text("utf-8"),
    (PAGES / "aitopics_page.txt").read_text("utf-8"),
])
def test_sniff_rejects_other_content(head):
    assert not abstract_list.sniff(head)


# --- real seeds ----------------------------------------------------------------------------------

def test_seed_002(seeds_dir: Path, load_capture):
    capture = load_capture(seeds_dir / "002_0f4fec206367fafd.txt")
    assert registry.detect(capture) is abstract_list
    batch = abstract_list.parse(capture)
    assert batch.rejects == []
    assert [p["name"] for p in batch.profiles] == ["Jack"]
    papers = batch.papers
    assert len(papers) == 10
    assert papers[0]["abstract"].startswith("Modern artificial intelligence (AI) systems are "
                                            "powered by foundation models.")
    assert papers[1]["abstract"].startswith("We present Belebele, a multiple-choice machine "
                                            "reading comprehension (MRC) dataset")
    assert papers[-1]["abstract"].endswith("develop very large bidirectional models.")
    assert all(not r["abstract"].startswith("Abstract:") for r in papers)


def test_seed_003(seeds_dir: Path, load_capture):
    capture = load_capture(seeds_dir / "003_e5c809fa73142f6b.txt")
    assert registry.detect(capture) is abstract_list
    batch = abstract_list.parse(capture)
    assert batch.rejects == []
    assert [p["name"] for p in batch.profiles] == ["Jack"]
    papers = batch.papers
    assert len(papers) == 5
    assert papers[1]["abstract"].startswith("We present LayerSkip, an end-to-end solution")
    # TeX in an abstract is kept as the page shows it
    assert "Longformer~\\citep{longformer} with half of its pretraining compute." in \
        papers[4]["abstract"]


@pytest.mark.parametrize("seed", ["002_0f4fec206367fafd.txt", "003_e5c809fa73142f6b.txt"])
def test_seed_round_trips_through_the_text_renderer(seeds_dir: Path, load_capture, seed):
    capture = load_capture(seeds_dir / seed)
    batch = abstract_list.parse(capture)
    papers = tuple(DemoPaper("", r["abstract"], date(2020, 1, 1), "cs.CL", ())
                   for r in batch.papers)
    demo = DemoProfile("Jack", "abstract_list", papers)
    assert render.render_text(demo, TODAY) == capture.content.decode("utf-8")


def test_detect_fixtures(load_capture):
    assert registry.detect(load_capture(PAGES / "abstract_list_page.html")) is abstract_list
    assert registry.detect(load_capture(PAGES / "abstract_list_page.txt")) is abstract_list
