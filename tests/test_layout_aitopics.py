"""aitopics layout: hand-written text and HTML pages, renderer round trips, bad input, seeds."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from papertrail.pipelines.demo.model import DemoPaper, DemoProfile
from papertrail.pipelines.errors import TruncatedCapture
from papertrail.pipelines.normalize.names import display_name
from papertrail.pipelines.records import Capture
from papertrail.pipelines.sources import aitopics, registry
from papertrail.pipelines.sources.aitopics import render, settings
from tests.conftest import CAPTURED_AT, FIXTURES

PAGES = FIXTURES / "pages"
MODULE = aitopics
TODAY = CAPTURED_AT.date()


def cap(text: str, name: str = "inline.txt") -> Capture:
    return Capture(capture=name, content=text.encode("utf-8"), captured_at=CAPTURED_AT)


# --- hand-written fixtures -----------------------------------------------------------------------

def test_text_fixture(load_capture):
    capture = load_capture(PAGES / "aitopics_page.txt")
    batch = aitopics.parse(capture)
    assert batch.rejects == []
    [profile] = batch.profiles
    # headed "\u00a0Lovelace, Ada Q.": kept as spelled, NBSP dropped; resolution turns it around
    assert profile["name"] == "Lovelace, Ada Q."
    assert display_name(profile["name"]) == "Ada Q. Lovelace"
    p = batch.papers
    assert [r["title"] for r in p] == ["Sparse Gradients for Tiny Recurrent Models",
                                       "Counting Sheep with Transformers: A Benchmark",
                                       "A Note on Learned Index Structures"]
    assert [r["venue"] for r in p] == ["arXiv", "arXiv", "AAAI Conferences"]
    assert [r["primary_topic"] for r in p] == ["cs.LG", "cs.CL", None]
    assert [r["topics"] for r in p] == [["cs.LG"], ["cs.CL"], []]
    assert p[1]["abstract"] == ("A benchmark of synthetic counting tasks, from sheep in a field "
                                "to tokens in a stream.")
    # no authors, dates or code badges on this layout: unknown, not empty
    for row in p:
        for column in ("authors", "authors_truncated", "published_on", "has_code"):
            assert row.get(column) is None
    assert [r["record_ref"] for r in p] == [capture.ref(i) for i in range(3)]
    assert {r["profile_ref"] for r in p} == {capture.ref("profile")}
    assert batch.to_arrow()["papers"].num_rows == 3


def test_html_fixture(load_capture):
    batch = aitopics.parse(load_capture(PAGES / "aitopics_page.html"))
    assert batch.rejects == []
    assert batch.profiles[0]["name"] == "Hopper, Grace B."
    first, second = batch.papers
    assert first["title"] == "Compilers That Explain Their Own Errors"
    assert (first["venue"], first["primary_topic"], first["arxiv_id"]) == \
        ("arXiv", "cs.PL", "2308.01234")
    assert first["abstract"] == ("Error messages are the user interface of a compiler. We train a "
                                 "small model to rewrite them.")
    assert (second["venue"], second["primary_topic"], second["arxiv_id"]) == \
        ("Communications of the ACM", None, None)


def test_html_selectors_are_the_only_markup_knowledge(monkeypatch):
    page = (PAGES / "aitopics_page.html").read_text("utf-8").replace("at-result-title", "at-head")
    monkeypatch.setitem(settings.SELECTORS, "title", ".at-head")
    assert aitopics.parse(cap(page, "x.html")).papers[1]["title"] == "COBOL at Sixty"


# --- round trips ---------------------------------------------------------------------------------

def demo_profile() -> DemoProfile:
    papers = (
        DemoPaper("Tiny Parsers at Scale", "We parse pages fast. It works.", date(2026, 3, 3),
                  "cs.AI", ("A One",), venue="arXiv.org Artificial Intelligence",
                  arxiv_id="2603.01234"),
        DemoPaper("Robots, Again", "A robotics paper.", date(2022, 5, 5), "cs.RO", ("B Two",)),
        DemoPaper("A Conference Paper", "Listed under its conference.", date(2019, 1, 1),
                  "cs.AI", ("C Three",), venue="AAAI Conferences"),
    )
    return DemoProfile(name="Example, Punit Q.", layout="aitopics", papers=papers)


@pytest.mark.parametrize("renderer,suffix", [(render.render_text, "txt"),
                                             (render.render_html, "html")])
def test_round_trip(renderer, suffix):
    demo = demo_profile()
    capture = cap(renderer(demo, TODAY), f"demo.{suffix}")
    assert registry.detect(capture) is aitopics
    batch = aitopics.parse(capture)
    assert batch.rejects == []
    assert batch.profiles[0]["name"] == demo.name
    assert [(r["title"], r["abstract"]) for r in batch.papers] == \
        [(p.title, p.abstract) for p in demo.papers]
    assert [r["venue"] for r in batch.papers] == ["arXiv", "arXiv", "AAAI Conferences"]
    assert [r["primary_topic"] for r in batch.papers] == ["cs.AI", "cs.RO", None]
    if suffix == "html":
        assert batch.papers[0]["arxiv_id"] == "2603.01234"


def test_render_text_style():
    page = render.render_text(demo_profile(), TODAY)
    assert page.startswith("Goto\n\nCollaborating Authors\n\n\u00a0Example, Punit Q.\n\n\n"
                           "Tiny Parsers at Scale\n\narXiv.org Artificial Intelligence\n\n")
    assert "\n\n\nRobots, Again\n\narXiv.org Robotics\n\nA robotics paper.\n\n\n" in page
    assert page.endswith("AAAI Conferences\n\nListed under its conference.")


# --- bad input -----------------------------------------------------------------------------------

HEADER = "Goto\n\nCollaborating Authors\n\n\u00a0Lovelace, Ada\n\n\n"
GOOD = "First Paper\n\narXiv.org Machine Learning\n\nAn abstract."


@pytest.mark.parametrize("tail", ["Second Paper", "Second Paper\n\narXiv.org Robotics\n"])
def test_truncated_after_title_or_venue(tail):
    batch = aitopics.parse(cap(HEADER + GOOD + "\n\n\n" + tail))
    assert [r["title"] for r in batch.papers] == ["First Paper"]
    [rej] = batch.rejects
    assert rej["reason"] == ("truncated_capture: aitopics: paper 2: the page ends inside this "
                             "paper (no abstract)")
    assert rej["payload"] == tail.strip()


def test_block_with_no_title_and_no_abstract():
    page = HEADER + "\n\n\n".join([GOOD, "arXiv.org Robotics", GOOD])
    batch = aitopics.parse(cap(page))
    assert len(batch.papers) == 2
    [rej] = batch.rejects
    assert rej["reason"] == "aitopics: paper 2: no title and no abstract"
    assert rej["payload"] == "arXiv.org Robotics" and rej["record_ref"].endswith(":1")


def test_header_only_page_raises():
    with pytest.raises(TruncatedCapture):
        aitopics.parse(cap(HEADER))


@pytest.mark.parametrize("head", [
    '{"heading": "Collaborating Authors", "name": "Koura, Punit Singh"}',
    "<feed>\nCollaborating Authors\n</feed>",
    "Our project thanks its collaborating authors.\n",
    "<!DOCTYPE html><html><body><h2>Collaborating Authors</h2></body></html>",
    (PAGES / "catalyzex_page.txt").read_text("utf-8"),
    (PAGES / "abstract_list_page.txt").read_text("utf-8"),
])
def test_sniff_rejects_other_content(head):
    assert not aitopics.sniff(head)


# --- real seeds ----------------------------------------------------------------------------------

def test_seed(seeds_dir: Path, load_capture):
    capture = load_capture(seeds_dir / "001_a5c5e8a8fe2e9e84.txt")
    assert registry.detect(capture) is aitopics
    batch = aitopics.parse(capture)
    assert batch.rejects == []
    assert [p["name"] for p in batch.profiles] == ["Koura, Punit Singh"]
    assert display_name(batch.profiles[0]["name"]) == "Punit Singh Koura"
    papers = batch.papers
    assert [r["title"] for r in papers] == [
        "Correlating and Predicting Human Evaluations of Language Models from Natural Language "
        "Processing Benchmarks",
        "BTS: Harmonizing Specialized Experts into a Generalist LLM",
        "Optimizing Pretraining Data Mixtures with LLM-Estimated Utility",
        "Llama 2: Open Foundation and Fine-Tuned Chat Models",
        "A Theory on Adam Instability in Large-Scale Machine Learning",
        "OPT-IML: Scaling Language Model Instruction Meta Learning through the Lens of "
        "Generalization",
        "Few-shot Learning with Multilingual Language Models",
        "Efficient Large Scale Language Modeling with Mixtures of Experts"]
    assert {r["venue"] for r in papers} == {"arXiv"}
    assert {r["primary_topic"] for r in papers} == {"cs.AI"}
    assert papers[4]["abstract"].startswith("Training instability reported by Chowdhery et al.")
    assert papers[-1]["abstract"].endswith("publicly available for research use.")
    assert all(r.get("published_on") is None and r.get("authors") is None for r in papers)


def test_seed_round_trips_through_the_text_renderer(seeds_dir: Path, load_capture):
    capture = load_capture(seeds_dir / "001_a5c5e8a8fe2e9e84.txt")
    batch = aitopics.parse(capture)
    papers = tuple(DemoPaper(r["title"], r["abstract"], date(2020, 1, 1), r["primary_topic"], ())
                   for r in batch.papers)
    demo = DemoProfile("Koura, Punit Singh", "aitopics", papers)
    assert render.render_text(demo, TODAY) == capture.content.decode("utf-8")


def test_detect_fixtures(load_capture):
    assert registry.detect(load_capture(PAGES / "aitopics_page.html")) is aitopics
    assert registry.detect(load_capture(PAGES / "aitopics_page.txt")) is aitopics
