"""Semantic Scholar parser against every real body, object and cassette, plus edge fixtures.

Expected numbers were derived with jq from the raw JSON (not with this parser)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from papertrail.pipelines.errors import ApiErrorPayload, TruncatedCapture
from papertrail.pipelines.sources import crossref, google_scholar, openalex, semanticscholar

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "apis"
S2 = "semanticscholar"

# file -> (papers, profiles, rejects, topic_labels)
BODIES = {
    "test_get_author_0.json": (0, 1, 0, 0),
    **{f"test_get_author_papers_{i}.json": (100, 0, 0, 0) for i in range(8)},
    "test_get_author_papers_8.json": (75, 0, 0, 0),
    "test_get_authors_0.json": (0, 3, 0, 0),
    "test_get_authors_return_not_found_0.json": (0, 3, 1, 0),
    "test_get_paper_0.json": (1, 0, 0, 0),
    "test_get_paper_authors_0.json": (0, 4, 0, 0),
    **{f"test_get_paper_citations_{i}.json": (100, 0, 0, 0) for i in range(18)},
    "test_get_paper_citations_18.json": (81, 0, 0, 0),
    "test_get_paper_references_0.json": (50, 0, 0, 0),
    "test_get_paper_references_1.json": (17, 0, 0, 0),
    "test_get_papers_0.json": (0, 0, 3, 0),  # fields=authors: ids without any text
    "test_get_papers_return_not_found_0.json": (3, 0, 1, 9),
    "test_get_recommended_papers_0.json": (100, 0, 0, 0),
    "test_search_author_0.json": (0, 59, 0, 0),
    "test_search_paper_0.json": (100, 0, 0, 0),
    "test_search_paper_bulk_retrieval_0.json": (1000, 0, 0, 0),
    "test_search_paper_fields_of_study_0.json": (0, 0, 100, 0),  # fields=s2FieldsOfStudy only
}
OBJECTS = {
    "Author.json": (60, 1, 0, 83),
    "Citation.json": (1, 0, 0, 2),
    "Paper.json": (1015, 0, 0, 2077),  # the paper + its 1000 citations + 14 references
    "PaperWithNullValues.json": (0, 0, 1, 0),
    "Reference.json": (1, 0, 0, 2),
}
NOT_FOUND = {"test_not_found_0.json": "Paper with id 0 not found",
             "test_not_found_1.json": "Author with id 0 not found"}
# cassette -> (papers, profiles, rejects): the sum of its interactions' bodies
CASSETTES = {
    "test_get_author.yaml": (0, 1, 0), "test_get_author_papers.yaml": (875, 0, 0),
    "test_get_authors.yaml": (0, 3, 0), "test_get_authors_return_not_found.yaml": (0, 3, 1),
    "test_get_paper.yaml": (1, 0, 0), "test_get_paper_authors.yaml": (0, 4, 0),
    "test_get_paper_citations.yaml": (1881, 0, 0), "test_get_paper_references.yaml": (67, 0, 0),
    "test_get_papers.yaml": (0, 0, 3), "test_get_papers_return_not_found.yaml": (3, 0, 1),
    "test_get_recommended_papers.yaml": (100, 0, 0), "test_not_found.yaml": (0, 0, 2),
    "test_search_author.yaml": (0, 59, 0), "test_search_paper.yaml": (100, 0, 0),
    "test_search_paper_bulk_retrieval.yaml": (1000, 0, 0),
    "test_search_paper_fields_of_study.yaml": (0, 0, 100),
}


def _claimed_only_by_s2(capture) -> bool:
    head = capture.content.decode("utf-8")[:8192]
    return semanticscholar.sniff(head) and not any(
        m.sniff(head) for m in (openalex, crossref, google_scholar))


def test_every_body_and_object(realdata_dir, load_capture):
    root = realdata_dir / S2
    assert sorted(p.name for p in (root / "bodies").glob("*.json")) == sorted({**BODIES, **NOT_FOUND})
    assert sorted(p.name for p in (root / "objects").glob("*.json")) == sorted(OBJECTS)
    for sub, table in (("bodies", BODIES), ("objects", OBJECTS)):
        for name, expected in table.items():
            capture = load_capture(root / sub / name)
            assert _claimed_only_by_s2(capture), name
            batch = semanticscholar.parse(capture)
            got = (len(batch.papers), len(batch.profiles), len(batch.rejects),
                   len(batch.topic_labels))
            assert got == expected, name
            batch.to_arrow()


def test_404_bodies_raise_with_the_api_message(realdata_dir, load_capture):
    for name, message in NOT_FOUND.items():
        capture = load_capture(realdata_dir / S2 / "bodies" / name)
        assert _claimed_only_by_s2(capture)
        with pytest.raises(ApiErrorPayload) as err:
            semanticscholar.parse(capture)
        assert err.value.describe() == f"api_error_payload: semanticscholar: API error: {message}"


def test_batch_nulls_become_exact_reject_rows(realdata_dir, load_capture):
    capture = load_capture(realdata_dir / S2 / "bodies" / "test_get_authors_return_not_found_0.json")
    batch = semanticscholar.parse(capture)
    assert [(r["reason"], r["payload"], r["record_ref"], r["stage"]) for r in batch.rejects] == [
        ("semanticscholar: batch item 0 is null (unknown id)", "null", capture.ref(0), "parse")]
    assert [p["name"] for p in batch.profiles] == ["E. Dijkstra", "D. Parnas", "I. Sommerville"]
    assert [p["s2_id"] for p in batch.profiles] == ["3234559", "1726629", "1711844"]


def test_paper_batch_fields(realdata_dir, load_capture):
    batch = semanticscholar.parse(load_capture(
        realdata_dir / S2 / "bodies" / "test_get_papers_return_not_found_0.json"))
    first, _, third = batch.papers
    assert first["s2_id"] == "c31c87c591a25c64fbaa82e8ac6a81831b6ac7ce"
    assert first["title"] == "How Much Should We Trust Differences-in-Differences Estimates?"
    assert first["doi"] == "10.2139/ssrn.288970"
    assert (first["citation_count"], first["influential_citation_count"]) == (10670, 578)
    assert (first["published_on"], first["date_precision"]) == (date(2001, 10, 1), "day")
    assert first["venue"] == "Experimental & Empirical Studies eJournal"  # venue "" -> journal
    assert first["authors"][0] == {"name": "Marianne Bertrand", "position": 1, "affiliations": [],
                                   "orcid": None, "source_author_id": "81141608"}
    assert (third["published_on"], third["date_precision"]) == (date(2023, 1, 1), "year")
    labels = [(r["topic"], r["scheme"]) for r in batch.topic_labels
              if r["record_ref"] == first["record_ref"]]
    assert labels == [("Psychology", "s2.field"), ("Economics", "s2.field"),
                      ("Mathematics", "s2.field")]


def test_full_paper_object_with_nested_citations(realdata_dir, load_capture):
    capture = load_capture(realdata_dir / S2 / "objects" / "Paper.json")
    batch = semanticscholar.parse(capture)
    paper = batch.papers[0]
    assert (paper["title"], paper["doi"], paper["s2_id"]) == (
        "Computing Machinery and Intelligence", "10.1093/mind/lix.236.433",
        "2d5673caa9e6af3a7b82a43f19ee920992db07ad")
    assert (paper["citation_count"], paper["influential_citation_count"]) == (10059, 530)
    assert (paper["published_on"], paper["page_count"]) == (date(1950, 10, 1), 28)
    assert paper["venue"] == "The Philosophy of Artificial Intelligence"
    assert paper["abstract"].startswith("I propose to consider the question, “Can machines think?”")
    assert paper["authors"][0]["name"] == "A. Turing"
    cited = {p["record_ref"]: p for p in batch.papers}[capture.ref("0.citations.1")]
    assert cited["arxiv_id"] == "2405.19561"
    assert cited["title"] == "Quo Vadis ChatGPT? From Large Language Models to Large Knowledge Models"


def test_author_object_links_its_papers(realdata_dir, load_capture):
    batch = semanticscholar.parse(load_capture(realdata_dir / S2 / "objects" / "Author.json"))
    profile = batch.profiles[0]
    assert (profile["name"], profile["s2_id"], profile["paper_count"], profile["citation_count"],
            profile["h_index"]) == ("A. Turing", "2262347", 60, 12415, 23)
    assert profile["extra"] == {"dblp": "Alan M. Turing"}
    assert {p["profile_ref"] for p in batch.papers} == {profile["record_ref"]}


def test_references_without_paper_id_keep_their_title(realdata_dir, load_capture):
    batch = semanticscholar.parse(load_capture(
        realdata_dir / S2 / "bodies" / "test_get_paper_references_1.json"))
    assert batch.papers[0]["s2_id"] is None
    assert batch.papers[0]["title"] == ("Does Gender Matter for Firm Performance? Evidence from "
                                        "Eastern Europe and Central Asia")
    assert sum(p["s2_id"] is None for p in batch.papers) == 13


def test_every_cassette(realdata_dir, load_capture):
    root = realdata_dir / S2 / "cassettes"
    assert sorted(p.name for p in root.glob("*.yaml")) == sorted(CASSETTES)
    for name, expected in CASSETTES.items():
        capture = load_capture(root / name)
        assert _claimed_only_by_s2(capture), name
        batch = semanticscholar.parse(capture)
        assert (len(batch.papers), len(batch.profiles), len(batch.rejects)) == expected, name
        assert len({p["record_ref"] for p in batch.papers}) == len(batch.papers), name


def test_cassette_404_interactions_are_quarantined(realdata_dir, load_capture):
    capture = load_capture(realdata_dir / S2 / "cassettes" / "test_not_found.yaml")
    batch = semanticscholar.parse(capture)
    base = "https://api.semanticscholar.org/graph/v1"
    assert [r["reason"] for r in batch.rejects] == [
        f"cassette: interaction 0 (GET {base}/paper/0?fields=t%2Ci%2Ct%2Cl%2Ce): HTTP 404: "
        "semanticscholar: API error: Paper with id 0 not found",
        f"cassette: interaction 1 (GET {base}/author/0?fields=n%2Ca%2Cm%2Ce): HTTP 404: "
        "semanticscholar: API error: Author with id 0 not found"]
    assert [r["record_ref"] for r in batch.rejects] == [capture.ref(0), capture.ref(1)]


def test_edge_fixtures(load_capture):
    capture = load_capture(FIXTURES / "s2_mixed_batch.json")
    batch = semanticscholar.parse(capture)
    assert [r["reason"] for r in batch.rejects] == [
        "semanticscholar: batch item 1 is null (unknown id)",
        "semanticscholar: record 2 could not be read: is a str, not an object",
        "semanticscholar: record 3 has neither title nor abstract"]
    paper = batch.papers[0]
    assert (paper["arxiv_id"], paper["doi"], paper["page_count"]) == ("1901.00001", "10.1000/abc", 5)
    assert (paper["published_on"], paper["date_precision"]) == (date(2019, 1, 1), "year")
    assert [r["topic"] for r in batch.topic_labels] == ["Physics"]
    assert semanticscholar.sniff((FIXTURES / "s2_rate_limited.json").read_text())
    with pytest.raises(ApiErrorPayload, match="Too Many Requests"):
        semanticscholar.parse(load_capture(FIXTURES / "s2_rate_limited.json"))
    with pytest.raises(TruncatedCapture):
        semanticscholar.parse(load_capture(FIXTURES / "s2_truncated.json"))
