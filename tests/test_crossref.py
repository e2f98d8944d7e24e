"""Crossref parser against every real body and cassette, plus edge fixtures.

Expected numbers were derived with jq from the raw JSON (not with this parser)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from papertrail.pipelines.errors import ApiErrorPayload
from papertrail.pipelines.sources import crossref, google_scholar, openalex, semanticscholar

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "apis"

BODIES = {  # file -> papers (no body yields rejects)
    "test_content_negotiation_citeproc_json_1.json": 1, "test_cursor_0.json": 20,
    "test_works_field_queries_0.json": 20, "test_works_no_id_withlimit_0.json": 2,
    "test_works_query_0.json": 2, "test_works_with_many_ids_0.json": 1,
    "test_works_with_many_ids_1.json": 1, "test_works_with_many_ids_2.json": 1,
    "test_works_with_many_ids_3.json": 1, "test_works_with_many_ids_4.json": 1,
    "test_works_with_one_id_0.json": 1, "test_works_with_select_param_0.json": 20,
}
CASSETTES = {  # file -> (papers, rejects)
    "test_content_negotiation.yaml": (0, 2),  # a 302 redirect, then a BibTeX body
    "test_content_negotiation_citeproc_json.yaml": (1, 1),  # a 301 redirect, then CSL-JSON
    "test_cursor.yaml": (20, 0), "test_works_bad_id_warn.yaml": (0, 1),
    "test_works_field_queries.yaml": (20, 0), "test_works_no_id_withlimit.yaml": (2, 0),
    "test_works_query.yaml": (2, 0), "test_works_with_many_ids.yaml": (5, 0),
    "test_works_with_one_id.yaml": (1, 0), "test_works_with_select_param.yaml": (20, 0),
}


def _root(realdata_dir):
    return realdata_dir / "crossref" / "habanero"


def _claimed_only_by_crossref(capture) -> bool:
    head = capture.content.decode("utf-8")[:8192]
    return crossref.sniff(head) and not any(
        m.sniff(head) for m in (openalex, semanticscholar, google_scholar))


def test_every_body(realdata_dir, load_capture):
    bodies = _root(realdata_dir) / "bodies"
    assert sorted(p.name for p in bodies.glob("*.json")) == sorted(BODIES)
    for name, papers in BODIES.items():
        capture = load_capture(bodies / name)
        assert _claimed_only_by_crossref(capture), name
        batch = crossref.parse(capture)
        assert (len(batch.papers), len(batch.rejects)) == (papers, 0), name
        assert batch.topic_labels == [], name  # every real `subject` is empty or absent
        batch.to_arrow()


def test_single_work_fields(realdata_dir, load_capture):
    batch = crossref.parse(load_capture(_root(realdata_dir) / "bodies" / "test_works_with_one_id_0.json"))
    work = batch.papers[0]
    assert work["title"] == ("Methylphenidate Exposure Induces Dopamine Neuron Loss and Activation "
                             "of Microglia in the Basal Ganglia of Mice")
    assert (work["doi"], work["venue"], work["citation_count"]) == (
        "10.1371/journal.pone.0033693", "PLoS ONE", 72)
    assert (work["published_on"], work["date_precision"]) == (date(2012, 3, 21), "day")
    assert work["page_count"] is None  # "e33693" is an article number
    assert len(work["authors"]) == 6
    assert work["authors"][0]["name"] == "Shankar Sadasivan"


def test_dates_and_names_of_the_many_ids(realdata_dir, load_capture):
    bodies = _root(realdata_dir) / "bodies"
    got = [crossref.parse(load_capture(bodies / f"test_works_with_many_ids_{i}.json")).papers[0]
           for i in range(5)]
    assert [(w["published_on"], w["date_precision"]) for w in got] == [
        (date(2012, 3, 1), "month"), (date(1997, 7, 1), "month"), (date(2015, 11, 19), "day"),
        (None, None), (date(2009, 6, 26), "day")]  # issued [[null]] and no other date
    assert [w["page_count"] for w in got] == [15, 9, None, 6, None]
    assert [len(w["authors"]) for w in got] == [11, 12, 8, 2, 1]
    assert got[4]["authors"][0]["name"] == "Stravopodis"  # family name only
    assert got[2]["title"].endswith("of Parkinson’s disease genetically related mutants")


def test_markup_entities_and_orcid(realdata_dir, load_capture):
    batch = crossref.parse(load_capture(_root(realdata_dir) / "bodies" / "test_works_field_queries_0.json"))
    treebase = batch.papers[5]
    assert treebase["title"] == ("Treebase: an R package for discovery, access and manipulation "
                                 "of online phylogenies")
    assert treebase["authors"][0]["name"] == "Carl Boettiger"
    assert treebase["authors"][0]["orcid"] is None  # this record carries no ORCID
    assert batch.papers[0]["title"] == "The forecast trap"
    assert batch.papers[0]["authors"][0]["orcid"] == "0000-0002-1642-628X"  # from a URL
    assert batch.papers[0]["authors"][0]["affiliations"] == [
        "Department of Environmental Science, Policy, and Management University of California "
        "Berkeley California USA"]  # the double space squashed
    assert treebase["page_count"] == 7
    assert batch.papers[11]["venue"] == "Big Data & Society"
    assert all("<" not in (p["title"] + (p["abstract"] or "")) for p in batch.papers)


def test_csl_json_body(realdata_dir, load_capture):
    batch = crossref.parse(load_capture(
        _root(realdata_dir) / "bodies" / "test_content_negotiation_citeproc_json_1.json"))
    work = batch.papers[0]
    assert (work["title"], work["doi"], work["venue"]) == (
        "The Structure of Ordinary Water", "10.1126/science.169.3946.635", "Science")
    assert (work["published_on"], work["page_count"], work["citation_count"]) == (
        date(1970, 8, 14), 7, 92)
    assert work["abstract"].startswith("The train of thought pursued in this article")
    assert work["authors"] == [{
        "name": "Henry S. Frank", "position": 1, "orcid": None, "source_author_id": None,
        "affiliations": ["University of Pittsburgh, Mellon Institute of Carnegie-Mellon University"]}]


def test_every_cassette(realdata_dir, load_capture):
    root = _root(realdata_dir) / "cassettes"
    assert sorted(p.name for p in root.glob("*.yaml")) == sorted(CASSETTES)
    for name, expected in CASSETTES.items():
        capture = load_capture(root / name)
        assert _claimed_only_by_crossref(capture), name
        batch = crossref.parse(capture)
        assert (len(batch.papers), len(batch.rejects)) == expected, name


def test_cassette_gzip_bodies_match_the_bare_bodies(realdata_dir, load_capture):
    root = _root(realdata_dir)
    from_cassette = crossref.parse(load_capture(root / "cassettes" / "test_works_with_many_ids.yaml"))
    bare = [crossref.parse(load_capture(root / "bodies" / f"test_works_with_many_ids_{i}.json"))
            .papers[0] for i in range(5)]
    assert [p["doi"] for p in from_cassette.papers] == [p["doi"] for p in bare]
    assert [p["title"] for p in from_cassette.papers] == [p["title"] for p in bare]


def test_plain_text_404(realdata_dir, load_capture):
    capture = load_capture(_root(realdata_dir) / "cassettes" / "test_works_bad_id_warn.yaml")
    batch = crossref.parse(capture)
    assert [(r["reason"], r["payload"]) for r in batch.rejects] == [(
        "cassette: interaction 0 (GET https://api.crossref.org/works/10.1371/notarealdoi): "
        "HTTP 404: crossref: API error: Resource not found.", "Resource not found.")]
    bare = load_capture(FIXTURES / "crossref_not_found.txt")
    assert crossref.sniff(bare.content.decode())
    with pytest.raises(ApiErrorPayload) as err:
        crossref.parse(bare)
    assert err.value.describe() == "api_error_payload: crossref: API error: Resource not found."


def test_redirect_and_bibtex_interactions_are_explained(realdata_dir, load_capture):
    batch = crossref.parse(load_capture(_root(realdata_dir) / "cassettes" / "test_content_negotiation.yaml"))
    reasons = [r["reason"] for r in batch.rejects]
    assert reasons[0] == ("cassette: interaction 0 (GET https://doi.org/10.1126/science.169.3946.635): "
                          "HTTP 302 redirect, no record in the body")
    assert reasons[1].endswith("content-type application/x-bibtex is not a crossref JSON response")


def test_edge_fixtures(load_capture):
    batch = crossref.parse(load_capture(FIXTURES / "crossref_edge_list.json"))
    assert [r["reason"] for r in batch.rejects] == ["crossref: record 1 has neither title nor abstract"]
    first, year_only = batch.papers
    assert first["title"] == "Tree models in deep learning"
    assert first["abstract"] == "We study trees."
    assert (first["arxiv_id"], first["doi"]) == ("2301.00002", "10.48550/arxiv.2301.00002")
    assert (first["published_on"], first["date_precision"], first["page_count"]) == (
        date(2023, 1, 1), "month", 10)
    assert first["venue"] == "Trees & Forests"
    assert [(a["name"], a["orcid"]) for a in first["authors"]] == [
        ("Ana Gómez", "0000-0002-1642-628X"), ("The Tree Consortium", None)]
    assert [(r["topic"], r["scheme"]) for r in batch.topic_labels] == [
        ("Ecology", "crossref.subject"), ("Forestry", "crossref.subject")]
    assert (year_only["published_on"], year_only["date_precision"]) == (date(1999, 1, 1), "year")
    assert year_only["page_count"] is None
    with pytest.raises(ApiErrorPayload, match="validation-failure"):
        crossref.parse(load_capture(FIXTURES / "crossref_failed.json"))
