"""scored_profile layout: hand-written text and HTML pages, round trips, bad input, seeds."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from papertrail.pipelines.demo.model import DemoPaper, DemoProfile
from papertrail.pipelines.errors import TruncatedCapture
from papertrail.pipelines.records import Capture
from papertrail.pipelines.sources import registry, scored_profile
from papertrail.pipelines.sources.scored_profile import render, settings
from tests.conftest import CAPTURED_AT, FIXTURES

PAGES = FIXTURES / "pages"
MODULE = scored_profile
TODAY = CAPTURED_AT.date()


def cap(text: str, name: str = "inline.txt") -> Capture:
    return Capture(capture=name, content=text.encode("utf-8"), captured_at=CAPTURED_AT)


def names(row: dict) -> list[str]:
    return [a["name"] for a in row["authors"]]


def positions(row: dict) -> list[int]:
    return [a["position"] for a in row["authors"]]


# --- hand-written fixtures -----------------------------------------------------------------------

def test_text_fixture(load_capture):
    capture = load_capture(PAGES / "scored_profile_page.txt")
    batch = scored_profile.parse(capture)
    assert batch.rejects == []
    [profile] = batch.profiles
    assert profile["name"] == "Ada Q. Lovelace"
    assert (profile["h_index"], profile["paper_count"], profile["citation_count"]) == (17, 41, 2310)
    assert profile["extra"] == {"novelty_pct": "71", "ai_score": "58", "papers_listed": "41",
                                "main_topic": "cs.LG"}
    assert profile["record_ref"] == capture.ref("profile")
    p = batch.papers
    assert [r["title"] for r in p] == [
        "Sparse Gradients for Tiny Recurrent Models", "Walking Robots That Count Their Steps",
        "Counting Sheep with Transformers: A Benchmark", "A Note on Learned Index Structures"]
    # "Feb 9" and "Dec 1" carry no year: the latest such day not after the capture (2026-11-23)
    assert [r["published_on"] for r in p] == [date(2026, 2, 9), date(2025, 12, 1),
                                              date(2021, 11, 30), date(2019, 1, 15)]
    assert {r["date_precision"] for r in p} == {"day"}
    assert [r["primary_topic"] for r in p] == ["cs.LG", "cs.RO", "cs.CL", "cs.DB"]
    assert [r["topics"] for r in p] == [["cs.LG"], ["cs.RO"], ["cs.CL"], ["cs.DB"]]
    assert [r["has_code"] for r in p] == [True, False, False, True]
    assert [r["affiliations"] for r in p] == [["eth-zurich", "mit"], [], [], ["mit"]]
    assert names(p[0]) == ["Ada Q. Lovelace", "Brendan O'Neill", "Chen Wei"]
    assert positions(p[0]) == [1, 2, 3]
    assert names(p[2]) == ["Zoë Martín-Sánchez", "Ada Q. Lovelace"]
    assert [r["authors_truncated"] for r in p] == [True, True, False, False]
    assert p[1]["abstract"] == ("Legged robots drift when they lose track of their steps. A tiny "
                                "counter network fixes most of the drift.")
    assert [r["record_ref"] for r in p] == [capture.ref(i) for i in range(4)]
    assert {r["profile_ref"] for r in p} == {capture.ref("profile")}
    assert {r["source"] for r in p} == {"scored_profile"}
    assert {r["captured_at"] for r in p} == {CAPTURED_AT}
    assert {r.get("venue") for r in p} == {None} and {r.get("page_count") for r in p} == {None}
    tables = batch.to_arrow()
    assert tables["papers"].num_rows == 4 and tables["profiles"].num_rows == 1


def test_html_fixture(load_capture):
    capture = load_capture(PAGES / "scored_profile_page.html")
    batch = scored_profile.parse(capture)
    assert batch.rejects == []
    [profile] = batch.profiles
    assert profile["name"] == "Grace B. Hopper"
    assert (profile["h_index"], profile["paper_count"], profile["citation_count"]) == (23, 57, 4096)
    assert profile["extra"] == {"novelty_pct": "80", "ai_score": "42", "papers_listed": "57",
                                "main_topic": "cs.PL"}
    first, second = batch.papers
    assert first["title"] == "Compilers That Explain Their Own Errors"
    assert first["published_on"] == date(2026, 6, 30)
    assert first["primary_topic"] == "cs.PL" and second["primary_topic"] == "cs.SE"
    assert first["has_code"] is True and second["has_code"] is False
    assert names(first) == ["Grace B. Hopper", "Jean E. Sammet", "Émile Durand"]
    assert first["authors_truncated"] is True and second["authors_truncated"] is False
    assert first["affiliations"] == ["navy", "yale"] and second["affiliations"] == []
    assert first["arxiv_id"] == "2606.00042" and second["arxiv_id"] is None
    assert second["published_on"] == date(2019, 12, 9)
    assert second["abstract"] == "A look back at sixty years of business programming."


def test_html_selectors_are_the_only_markup_knowledge(load_capture, monkeypatch):
    page = (PAGES / "scored_profile_page.html").read_text("utf-8")
    changed = page.replace('class="sp-abstract"', 'class="sp-summary"')
    assert scored_profile.parse(cap(changed, "x.html")).rejects  # the old selector finds nothing
    monkeypatch.setitem(settings.SELECTORS, "abstract", ".sp-summary")
    batch = scored_profile.parse(cap(changed, "x.html"))
    assert batch.papers[1]["abstract"] == "A look back at sixty years of business programming."


# --- round trips ---------------------------------------------------------------------------------

def demo_profile() -> DemoProfile:
    papers = (
        DemoPaper("Tiny Parsers at Scale", "We parse pages fast. It works.", date(2026, 3, 3),
                  "cs.CL", ("A One", "B Two", "C Three", "D Four", "E Five"), has_code=True,
                  affiliations=("uw", "meta-ai"), arxiv_id="2603.01234"),
        DemoPaper("Late in the Year", "A paper from last December.", date(2025, 12, 24), "stat.ML",
                  ("A One", "B Two"), affiliations=("cmu",)),
        DemoPaper("Exactly Three", "Three authors fit without et al.", date(2019, 2, 28),
                  "cs.CV", ("Zoë Ñandú", "B Two", "C Three")),
        DemoPaper("Leap Day Results", "Dated on a leap day.", date(2024, 2, 29), "cs.AI",
                  ("Solo Author",), has_code=True),
    )
    return DemoProfile(name="Ada Q. Lovelace", layout="scored_profile", papers=papers, h_index=12,
                       paper_count=1234, citation_count=98765, main_topic="cs.CL",
                       extra={"novelty_pct": 63, "ai_score": 65})


@pytest.mark.parametrize("renderer,suffix", [(render.render_text, "txt"),
                                             (render.render_html, "html")])
def test_round_trip(renderer, suffix):
    demo = demo_profile()
    page = renderer(demo, TODAY)
    capture = cap(page, f"demo.{suffix}")
    assert registry.detect(capture) is scored_profile
    batch = scored_profile.parse(capture)
    assert batch.rejects == []
    [profile] = batch.profiles
    assert profile["name"] == demo.name
    assert (profile["h_index"], profile["paper_count"], profile["citation_count"]) == \
        (12, 1234, 98765)
    assert profile["extra"] == {"novelty_pct": "63", "ai_score": "65", "papers_listed": "1234",
                                "main_topic": "cs.CL"}
    assert len(batch.papers) == len(demo.papers)
    for paper, row in zip(demo.papers, batch.papers):
        assert row["title"] == paper.title and row["abstract"] == paper.abstract
        assert (row["published_on"], row["date_precision"]) == (paper.published_on, "day")
        assert row["primary_topic"] == paper.topic and row["topics"] == [paper.topic]
        assert row["has_code"] is paper.has_code
        assert row["affiliations"] == list(paper.affiliations)
        assert names(row) == list(paper.authors[:3])
        assert row["authors_truncated"] is (len(paper.authors) > 3)
    if suffix == "html":
        assert batch.papers[0]["arxiv_id"] == "2603.01234"


def test_render_text_style():
    page = render.render_text(demo_profile(), TODAY)
    lines = page.split("\n")
    assert lines[:12] == ["Ada Q. Lovelace", "", "CL", "h-index12", "1,234papers",
                          "98,765citations", "Novelty63%", "AI Score65", "", "1234 Papers", "",
                          "CLMar 3Code"]
    assert "MLDec 24, 2025" in lines  # stat.ML: shown without its archive, read back as stat.ML
    assert "A One, B Two, C Three et al. \u00b7 uw, meta-ai" in lines
    assert "Zoë Ñandú, B Two, C Three" in lines
    assert "Solo Author" in lines
    assert not page.endswith("\n")


# --- bad input -----------------------------------------------------------------------------------

HEADER = ("Ada Q. Lovelace\n\nLG\nh-index17\n41papers\n2,310citations\nNovelty71%\nAI Score58\n\n"
          "41 Papers\n\n")
GOOD = "LGFeb 9Code\nFirst Paper\n\nA One, B Two\n\nAn abstract."


def test_truncated_after_title():
    batch = scored_profile.parse(cap(HEADER + GOOD + "\n\nCLJan 5, 2020\nSecond Paper"))
    assert [r["title"] for r in batch.papers] == ["First Paper"]
    [rej] = batch.rejects
    assert rej["reason"] == ("truncated_capture: scored_profile: paper 2: the page ends inside "
                             "this paper (no abstract)")
    assert rej["payload"] == "CLJan 5, 2020\nSecond Paper"
    assert rej["stage"] == "parse" and rej["source"] == "scored_profile"


def test_truncated_after_date_line():
    batch = scored_profile.parse(cap(HEADER + GOOD + "\n\nCLJan 5, 2020\n"))
    assert len(batch.papers) == 1
    assert batch.rejects[0]["reason"].startswith("truncated_capture: scored_profile: paper 2:")


def test_truncated_inside_a_meta_line():
    batch = scored_profile.parse(cap(HEADER + GOOD + "\n\nCLDec 2, 20"))
    assert [(r["title"], r["abstract"]) for r in batch.papers] == [("First Paper", "An abstract.")]
    [rej] = batch.rejects
    assert rej["reason"].startswith("truncated_capture: scored_profile: paper 2: ")
    assert rej["payload"] == "CLDec 2, 20"


def test_truncated_html():
    page = (PAGES / "scored_profile_page.html").read_text("utf-8")
    cut = page[: page.index('<p class="sp-abstract">A look back')]
    batch = scored_profile.parse(cap(cut, "cut.html"))
    assert [r["title"] for r in batch.papers] == ["Compilers That Explain Their Own Errors"]
    assert batch.rejects[0]["reason"] == ("truncated_capture: scored_profile: paper 2: the page "
                                          "ends inside this paper (no abstract)")
    assert batch.rejects[0]["payload"].startswith('<article class="sp-paper">')
    assert "COBOL at Sixty" in batch.rejects[0]["payload"]


def test_block_with_no_title_and_no_abstract():
    bad = "CVMar 3\n\nA One, B Two et al. \u00b7 uw"
    batch = scored_profile.parse(cap(HEADER + bad + "\n\n" + GOOD))
    assert [r["title"] for r in batch.papers] == ["First Paper"]
    [rej] = batch.rejects
    assert rej["reason"] == "scored_profile: paper 1: no title and no abstract"
    assert rej["payload"] == bad
    assert rej["record_ref"].endswith(":0")


def test_bad_date():
    bad = "CLFoo 99\nA Paper With A Bad Date\n\nA One\n\nStill an abstract."
    page = HEADER + "\n\n".join([GOOD] * 6 + [bad, GOOD])
    batch = scored_profile.parse(cap(page))
    assert len(batch.papers) == 7
    [rej] = batch.rejects
    assert rej["reason"] == "scored_profile: paper 7: unparseable date 'Foo 99'"
    assert rej["payload"] == bad


def test_header_only_keeps_profile_and_flags_missing_list():
    batch = scored_profile.parse(cap(HEADER.rstrip()))
    assert batch.papers == [] and batch.profiles[0]["h_index"] == 17
    assert batch.rejects[0]["reason"] == ("truncated_capture: scored_profile: the page ends before "
                                          "its paper list (header announces 41 papers)")


def test_no_profile_and_no_paper_raises():
    with pytest.raises(TruncatedCapture):
        scored_profile.parse(cap("h-index17\n41papers\n2,310citations\n"))
    batch = registry.parse_capture(cap("h-index17\n41papers\n2,310citations\n"))
    assert batch.rejects[0]["reason"].startswith("truncated_capture: ")


@pytest.mark.parametrize("head", [
    '{"name": "Mike Lewis", "h-index": 48, "papers": 82, "citations": 111894}',
    '<?xml version="1.0"?><author><h-index>48</h-index><papers>82</papers></author>',
    "Mike Lewis\nsome notes about h-index and papers and citations\n",
    "<!DOCTYPE html><html><body><p>h-index48</p></body></html>",
    (PAGES / "catalyzex_page.txt").read_text("utf-8"),
    (PAGES / "aitopics_page.txt").read_text("utf-8"),
])
def test_sniff_rejects_other_content(head):
    assert not scored_profile.sniff(head)


# --- real seeds ----------------------------------------------------------------------------------

def test_seed(seeds_dir: Path, load_capture):
    capture = load_capture(seeds_dir / "004_58d9026157403e85.txt")
    assert registry.detect(capture) is scored_profile
    batch = scored_profile.parse(capture)
    assert batch.rejects == []
    [profile] = batch.profiles
    assert profile["name"] == "Mike Lewis"
    assert (profile["h_index"], profile["paper_count"], profile["citation_count"]) == \
        (48, 82, 111894)
    assert profile["extra"] == {"novelty_pct": "63", "ai_score": "65", "papers_listed": "82",
                                "main_topic": "cs.CL"}
    papers = batch.papers
    assert len(papers) == 50
    by_title = {r["title"]: r for r in papers}
    first = papers[0]
    assert first["title"] == "LLM.int8(): 8-bit Matrix Multiplication for Transformers at Scale"
    assert first["published_on"] == date(2022, 8, 15) and first["primary_topic"] == "cs.LG"
    assert first["has_code"] is True and first["affiliations"] == ["uw"]
    assert names(first) == ["Tim Dettmers", "Mike Lewis", "Younes Belkada"]
    assert first["authors_truncated"] is True
    # year-less dates resolve against the capture date 2026-11-23
    assert by_title["Beyond Language Modeling: An Exploration of Multimodal Pretraining"][
        "published_on"] == date(2026, 3, 3)
    assert by_title["An Empirical Study on Noisy Data and LLM Pretraining Loss Divergence"][
        "published_on"] == date(2026, 2, 2)
    assert by_title["Compute Optimal Tokenization"]["published_on"] == date(2026, 5, 2)
    assert by_title["Beyond Language Modeling: An Exploration of Multimodal Pretraining"][
        "primary_topic"] == "cs.CV"
    assert sum(r["has_code"] for r in papers) == 6
    assert sum(r["authors_truncated"] for r in papers) == 49
    obrien = by_title["Contrastive Decoding Improves Reasoning in Large Language Models"]
    assert names(obrien) == ["Sean O'Brien", "Mike Lewis"] and obrien["authors_truncated"] is False
    assert sum(1 for r in papers if r["affiliations"]) == 28
    assert by_title["Contrastive Decoding: Open-ended Text Generation as Optimization"][
        "affiliations"] == ["cmu", "microsoft-research"]
    assert names(by_title["MEGABYTE: Predicting Million-byte Sequences with Multiscale "
                          "Transformers"])[1] == "Dániel Simig"
    topics = [r["primary_topic"] for r in papers]
    assert {t: topics.count(t) for t in set(topics)} == {
        "cs.CL": 37, "cs.LG": 6, "cs.AI": 4, "cs.CV": 2, "cs.SE": 1}
    assert papers[-1]["title"] == ("Sparse Distillation: Speeding Up Text Classification by Using "
                                   "Bigger Student Models")
    assert batch.to_arrow()["papers"].num_rows == 50


def test_seed_round_trips_through_the_text_renderer(seeds_dir: Path, load_capture):
    """Rendering what the seed says reproduces the seed byte for byte: the renderer writes the
    real site's style, not an approximation of it."""
    capture = load_capture(seeds_dir / "004_58d9026157403e85.txt")
    batch = scored_profile.parse(capture)
    papers = tuple(
        DemoPaper(r["title"], r["abstract"], r["published_on"], r["primary_topic"],
                  tuple(names(r)) + (("more",) if r["authors_truncated"] else ()),
                  has_code=r["has_code"], affiliations=tuple(r["affiliations"]))
        for r in batch.papers)
    p = batch.profiles[0]
    demo = DemoProfile(p["name"], "scored_profile", papers, h_index=p["h_index"],
                       paper_count=p["paper_count"], citation_count=p["citation_count"],
                       main_topic=p["extra"]["main_topic"],
                       extra={"novelty_pct": 63, "ai_score": 65})
    assert render.render_text(demo, TODAY) == capture.content.decode("utf-8")


def test_detect_html_fixture(load_capture):
    assert registry.detect(load_capture(PAGES / "scored_profile_page.html")) is scored_profile
    assert registry.detect(load_capture(PAGES / "scored_profile_page.txt")) is scored_profile
