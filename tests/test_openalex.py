"""OpenAlex parser against every real sample in ../shared/realdata/openalex, plus edge fixtures.

Expected numbers were derived with jq from the raw JSON (not with this parser)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from papertrail.pipelines.errors import ParseError, TruncatedCapture
from papertrail.pipelines.sources import crossref, google_scholar, openalex, semanticscholar

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "apis"

# file -> (papers, profiles, counts_by_year rows, topic_labels rows); no file yields rejects
EXPECTED = {
    "b-vitamins_openalex-python/A-api-response.json": (0, 1, 2, 0),
    "b-vitamins_openalex-python/A5023888391.json": (0, 1, 14, 0),
    "b-vitamins_openalex-python/A5317838346.json": (0, 1, 0, 0),
    "b-vitamins_openalex-python/C71924100.json": (0, 0, 0, 0),
    "b-vitamins_openalex-python/F4320332161.json": (0, 0, 0, 0),
    "b-vitamins_openalex-python/I27837315.json": (0, 0, 0, 0),
    "b-vitamins_openalex-python/P4310319965.json": (0, 0, 0, 0),
    "b-vitamins_openalex-python/S137773608.json": (0, 0, 0, 0),
    "b-vitamins_openalex-python/T11636.json": (0, 0, 0, 4),
    "b-vitamins_openalex-python/W-api-response.json": (1, 0, 7, 4),
    "b-vitamins_openalex-python/W2741809807.json": (1, 0, 9, 10),
    "b-vitamins_openalex-python/cardiac-imaging.json": (0, 0, 0, 0),
    "researchhub-backend/openalex_author_works.json": (4, 0, 36, 30),
    "researchhub-backend/openalex_authors.json": (0, 6, 78, 0),
    "researchhub-backend/openalex_empty_response.json": (0, 0, 0, 0),
    "researchhub-backend/openalex_sample_get_by_doi_response.json": (1, 0, 9, 10),
    "researchhub-backend/openalex_sample_response.json": (3, 0, 32, 19),
    "researchhub-backend/openalex_single_work.json": (1, 0, 0, 9),
    "researchhub-backend/openalex_works.json": (3, 0, 39, 26),
    "researchhub-backend/user_openalex_authors.json": (0, 1, 13, 0),
    "researchhub-backend/user_openalex_works.json": (2, 0, 26, 16),
    "researchhub-backend/work_by_doi.json": (1, 0, 3, 0),
}


def _parse(realdata_dir, load_capture, rel):
    return openalex.parse(load_capture(realdata_dir / "openalex" / rel))


def test_every_real_file_is_covered_and_counts_match(realdata_dir, load_capture):
    files = sorted(str(p.relative_to(realdata_dir / "openalex"))
                   for p in (realdata_dir / "openalex").rglob("*.json"))
    assert files == sorted(EXPECTED)
    for rel, (papers, profiles, counts, labels) in EXPECTED.items():
        capture = load_capture(realdata_dir / "openalex" / rel)
        head = capture.content.decode("utf-8")[:8192]
        assert openalex.sniff(head), rel
        assert not any(m.sniff(head) for m in (semanticscholar, crossref, google_scholar)), rel
        batch = openalex.parse(capture)
        got = (len(batch.papers), len(batch.profiles), len(batch.counts_by_year),
               len(batch.topic_labels))
        assert got == (papers, profiles, counts, labels), rel
        assert batch.rejects == [], rel
        tables = batch.to_arrow()  # the rows fit the schemas exactly
        assert tables["papers"].num_rows == papers


def test_2025_work_fields_and_rebuilt_abstract(realdata_dir, load_capture):
    batch = _parse(realdata_dir, load_capture, "b-vitamins_openalex-python/W2741809807.json")
    work = batch.papers[0]
    assert work["title"] == ("The state of OA: a large-scale analysis of the prevalence and "
                             "impact of Open Access articles")
    assert work["abstract"].startswith(
        "Despite growing interest in Open Access (OA) to scholarly literature, there is")
    assert work["abstract"].endswith("to inform OA policy and practice.")
    assert len(work["abstract"].split()) == 258
    assert (work["doi"], work["openalex_id"], work["citation_count"]) == (
        "10.7717/peerj.4375", "W2741809807", 962)
    assert (work["published_on"], work["date_precision"]) == (date(2018, 2, 13), "day")
    assert work["venue"] == "PeerJ"
    assert work["primary_topic"] is None and work["arxiv_id"] is None
    assert len(work["authors"]) == 9
    assert work["authors"][0] == {
        "name": "Heather Piwowar", "position": 1,
        "affiliations": ["Impact Technology Development (United States)"],
        "orcid": "0000-0003-1613-5981", "source_author_id": "A5048491430"}
    assert work["authors"][3]["name"] == "Juan Pablo Alperín"
    assert [(r["year"], r["cited_by_count"]) for r in batch.counts_by_year][:3] == [
        (2025, 30), (2024, 118), (2023, 142)]
    topic = {(r["topic"], r["scheme"]): r for r in batch.topic_labels}
    assert topic[("T10102", "openalex.topic")]["parent"] == "subfields/1804"
    assert topic[("T10102", "openalex.topic")]["score"] == 0.9969
    assert topic[("subfields/1804", "openalex.subfield")]["label"] == (
        "Statistics, Probability and Uncertainty")
    assert topic[("subfields/1804", "openalex.subfield")]["parent"] == "fields/18"
    assert topic[("domains/2", "openalex.domain")]["parent"] is None


def test_2023_work_uses_host_venue_era_fields(realdata_dir, load_capture):
    batch = _parse(realdata_dir, load_capture, "b-vitamins_openalex-python/W-api-response.json")
    work = batch.papers[0]
    assert work["openalex_id"] == "W2755950973"
    assert work["doi"] == "10.1103/physrevlett.118.091101"
    assert work["venue"] == "Physical Review Letters"
    assert work["citation_count"] == 850
    assert len(work["abstract"].split()) == 67
    assert work["abstract"].startswith("We present the observation of GW170104")
    assert work["authors"][0]["affiliations"] == ["California Institute of Technology"]
    assert work["page_count"] is None  # 221101-221101 is an article number, not one page


def test_list_of_works_keeps_each_result(realdata_dir, load_capture):
    batch = _parse(realdata_dir, load_capture, "researchhub-backend/openalex_sample_response.json")
    assert [p["openalex_id"] for p in batch.papers] == ["W3001118548", "W3008827533", "W3001897055"]
    assert batch.papers[0]["abstract"] is None  # this work has no abstract_inverted_index
    assert batch.papers[0]["citation_count"] == 50056
    assert len(batch.papers[0]["authors"]) == 29
    assert len({p["record_ref"] for p in batch.papers}) == 3


def test_authors_both_schema_generations(realdata_dir, load_capture):
    old = _parse(realdata_dir, load_capture, "b-vitamins_openalex-python/A-api-response.json")
    new = _parse(realdata_dir, load_capture, "b-vitamins_openalex-python/A5023888391.json")
    assert old.profiles[0]["name"] == "B. P. Abbott"
    assert old.profiles[0]["extra"]["last_known_institution"] == "California Institute of Technology"
    assert (old.profiles[0]["paper_count"], old.profiles[0]["citation_count"]) == (523, 28451)
    assert old.profiles[0]["h_index"] is None  # 2023 shape had no summary_stats
    assert [(r["year"], r["works_count"], r["cited_by_count"]) for r in old.counts_by_year] == [
        (2023, 15, 2150), (2022, 18, 2543)]
    p = new.profiles[0]
    assert (p["name"], p["openalex_id"], p["orcid"]) == ("Jason Priem", "A5023888391",
                                                         "0000-0001-6187-6610")
    assert (p["h_index"], p["i10_index"], p["paper_count"], p["citation_count"]) == (17, 20, 62, 3890)
    assert p["extra"]["2yr_mean_citedness"] == "6.0"
    assert p["extra"]["last_known_institution"] == "OurResearch"


def test_deleted_author_stub_and_empty_list(realdata_dir, load_capture):
    stub = _parse(realdata_dir, load_capture, "b-vitamins_openalex-python/A5317838346.json")
    assert (stub.profiles[0]["name"], stub.profiles[0]["paper_count"]) == ("Deleted Author", 0)
    empty = _parse(realdata_dir, load_capture, "researchhub-backend/openalex_empty_response.json")
    assert empty.papers == empty.profiles == empty.rejects == []


def test_topic_entity_gives_its_hierarchy(realdata_dir, load_capture):
    batch = _parse(realdata_dir, load_capture, "b-vitamins_openalex-python/T11636.json")
    assert [(r["topic"], r["scheme"]) for r in batch.topic_labels] == [
        ("T11636", "openalex.topic"), ("subfields/2718", "openalex.subfield"),
        ("fields/27", "openalex.field"), ("domains/4", "openalex.domain")]
    assert batch.topic_labels[0]["label"] == "Artificial Intelligence in Healthcare and Education"


def test_edge_fixture_rejects_and_derivations(load_capture):
    batch = openalex.parse(load_capture(FIXTURES / "openalex_edge_works.json"))
    assert len(batch.papers) == 1 and len(batch.rejects) == 2
    reasons = [r["reason"] for r in batch.rejects]
    assert reasons[0] == "openalex: record 0: work has neither title nor abstract"
    assert reasons[1] == "openalex: record 2: result is a str, not an object"
    assert '"https://openalex.org/W100"' in batch.rejects[0]["payload"]
    work = batch.papers[0]
    assert work["title"] == "Dirk Wübben on attention"  # mojibake repaired, spaces squashed
    assert work["authors"][0]["name"] == "Dirk Wübben"
    assert work["authors"][0]["affiliations"] == ["Uni Bremen"]
    assert work["abstract"] == "Attention matters words matters"
    assert work["arxiv_id"] == "2101.00001"
    assert (work["primary_topic"], work["topics"]) == ("cs.AI", ["cs.AI"])
    assert (work["published_on"], work["date_precision"]) == (date(2021, 1, 1), "year")
    assert work["page_count"] == 10


def test_malformed_and_truncated_json(load_capture):
    with pytest.raises(ParseError) as err:
        openalex.parse(load_capture(FIXTURES / "openalex_malformed.json"))
    assert err.value.reason == "malformed_json"
    with pytest.raises(TruncatedCapture):
        openalex.parse(load_capture(FIXTURES / "openalex_truncated.json"))
