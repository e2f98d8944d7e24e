"""Google Scholar search-result pages (2016, goscholar) plus hand-written edge pages.

Expected values were read off the saved HTML by eye/grep, not produced by this parser."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from papertrail.pipelines.errors import ParseError
from papertrail.pipelines.sources import crossref, google_scholar, openalex, semanticscholar

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "apis"

# page -> (title, venue, year, citation_count, [(author, scholar user id)], arxiv_id, snippet start)
PAGES = {
    "fetch_test.html": ("Deep learning", "Nature", 2015, 409,
                        [("Y LeCun", "WLN3QrAAAAAJ"), ("Y Bengio", "kukA0LcAAAAJ"),
                         ("G Hinton", "JicYPdAAAAAJ")], None,
                        "Deep learning allows computational models that are composed of multiple "
                        "processing layers"),
    "parse_test_case1.html": ("Learning deep architectures for AI",
                              "Foundations and trends® in Machine Learning", 2009, 2441,
                              [("Y Bengio", "kukA0LcAAAAJ")], None,
                              "Abstract Theoretical results suggest"),
    "parse_test_case2.html": ("Unsupervised feature learning and deep learning: A review and new "
                              "perspectives", "CoRR, abs/1206.5538", 2012, 139,
                              [("Y Bengio", "kukA0LcAAAAJ"), ("AC Courville", "km6CP8cAAAAJ"),
                               ("P Vincent", "WBCKQMsAAAAJ")], "1206.5538", None),
}


def test_every_saved_page(realdata_dir, load_capture):
    root = realdata_dir / "google_scholar" / "goscholar"
    assert sorted(p.name for p in root.glob("*.html")) == sorted(PAGES)
    for name, (title, venue, year, cites, authors, arxiv, snippet) in PAGES.items():
        capture = load_capture(root / name)
        head = capture.content.decode("utf-8")[:8192]
        assert google_scholar.sniff(head), name
        assert not any(m.sniff(head) for m in (openalex, semanticscholar, crossref)), name
        batch = google_scholar.parse(capture)
        assert (len(batch.papers), len(batch.rejects)) == (1, 0), name
        paper = batch.papers[0]
        assert (paper["title"], paper["venue"], paper["citation_count"]) == (title, venue, cites)
        assert (paper["published_on"], paper["date_precision"]) == (date(year, 1, 1), "year")
        assert [(a["name"], a["source_author_id"]) for a in paper["authors"]] == authors
        assert [a["position"] for a in paper["authors"]] == list(range(1, len(authors) + 1))
        assert paper["arxiv_id"] == arxiv
        assert paper["source"] == "google_scholar" and paper["authors_truncated"] is False
        if snippet:
            assert paper["abstract"].startswith(snippet) and paper["abstract"].endswith("...")
        else:
            assert paper["abstract"] is None  # a [CITATION] entry has no snippet
        batch.to_arrow()


def test_readme_is_not_claimed(realdata_dir):
    text = (realdata_dir / "google_scholar" / "goscholar" / "README.md").read_text()
    assert not google_scholar.sniff(text)


def test_edge_page_truncated_byline_badges_and_reject(load_capture):
    batch = google_scholar.parse(load_capture(FIXTURES / "scholar_edge.html"))
    assert len(batch.papers) == 2
    first, second = batch.papers
    assert first["title"] == "Attention is all you need"  # the [PDF] badge is not the title
    assert first["authors_truncated"] is True
    assert [a["name"] for a in first["authors"]] == ["A Vaswani", "N Shazeer", "N Parmar"]
    assert [a["source_author_id"] for a in first["authors"]] == ["AAAA", None, None]
    assert (first["venue"], first["arxiv_id"], first["citation_count"]) == (
        "Advances in neural …", "1706.03762", 12345)
    assert (second["title"], second["venue"], second["doi"], second["published_on"]) == (
        "Second paper", None, "10.1000/xyz", None)
    assert [r["reason"] for r in batch.rejects] == [
        "google_scholar: result 1 has neither title nor snippet"]
    assert "X Nobody" in batch.rejects[0]["payload"]


def test_no_results_page_and_captcha(load_capture):
    empty = google_scholar.parse(load_capture(FIXTURES / "scholar_no_results.html"))
    assert empty.papers == empty.rejects == []
    with pytest.raises(ParseError) as err:
        google_scholar.parse(load_capture(FIXTURES / "scholar_captcha.html"))
    assert err.value.reason == "no_results_found"


def test_profile_pages_are_left_to_other_parsers():
    head = ('<html><head><title>Ada Lovelace - Google Scholar</title></head><body>'
            '<div id="gsc_prf_in">Ada Lovelace</div>')
    assert not google_scholar.sniff(head)
