"""The Kaggle arXiv snapshot (JSON Lines): the real 200-line sample, its overlap with the .abs
records of the same papers, and streaming in chunks."""
from __future__ import annotations

import json
from datetime import date

import pytest

from papertrail.pipelines.sources.arxiv import abs as abs_parser
from papertrail.pipelines.sources.arxiv import snapshot

SAMPLE = "arxiv_kaggle_snapshot/arxiv-metadata-oai-snapshot.first200.jsonl"


@pytest.fixture
def sample(realdata_dir, load_capture):
    return load_capture(realdata_dir / SAMPLE)


def test_200_lines_200_papers(sample):
    assert snapshot.sniff(sample.content.decode("utf-8")[:8192])
    batch = snapshot.parse(sample)
    assert len(batch.papers) == 200 and batch.rejects == []
    assert [p["arxiv_id"] for p in batch.papers] == [f"0704.{n:04d}" for n in range(1, 201)]
    assert len({p["record_ref"] for p in batch.papers}) == 200
    assert len(batch.topic_labels) == sum(len(p["topics"]) for p in batch.papers)
    batch.to_arrow()


def test_0704_0001(sample):
    paper = snapshot.parse(sample).papers[0]
    assert paper["title"] == ("Calculation of prompt diphoton production cross sections at Tevatron "
                              "and LHC energies")
    assert [a["name"] for a in paper["authors"]] == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"]
    assert paper["published_on"] == date(2007, 4, 2) and paper["date_precision"] == "day"
    assert paper["doi"] == "10.1103/physrevd.76.013009"
    assert paper["venue"] == "Phys.Rev.D76:013009,2007"
    assert paper["topics"] == ["hep-ph"] and paper["primary_topic"] == "hep-ph"
    assert paper["page_count"] == 37 and paper["source"] == "arxiv_snapshot"
    assert paper["abstract"].startswith("A fully differential calculation") and "\n" not in paper["abstract"]


def test_tex_in_raw_authors_and_affiliations(sample):
    papers = {p["arxiv_id"]: p for p in snapshot.parse(sample).papers}
    assert [(a["name"], a["affiliations"]) for a in papers["0704.0199"]["authors"]] == [
        ("Christian Krattenthaler", ["Universität Wien"]),
        ("Thomas Müller", ["Queen Mary & Westfield College, University of London"])]
    # numbered affiliations resolved from the raw string, not "1 and 2" from authors_parsed
    assert papers["0704.0025"]["authors"][0]["affiliations"][0] == "CREST, Japan Science and Technology Agency"
    assert papers["0704.0002"]["topics"] == ["math.CO", "cs.CG"]
    assert papers["0704.0171"]["authors_truncated"] is True  # "F. Aharonian, et al"


def test_same_papers_as_the_abs_records(realdata_dir, sample, load_capture):
    abs_dir = realdata_dir / "arxiv_abs/arxiv-browse/ftp/arxiv/papers/0704"
    snap = snapshot.parse(sample).papers
    for paper in snap:
        (from_abs,) = abs_parser.parse(load_capture(abs_dir / f"{paper['arxiv_id']}.abs")).papers
        assert from_abs["arxiv_id"] == paper["arxiv_id"]
        assert from_abs["title"] == paper["title"]
        assert from_abs["published_on"] == paper["published_on"]
        assert from_abs["topics"] == paper["topics"]
        assert len(from_abs["authors"]) == len(paper["authors"])


def test_parse_lines_in_chunks_matches_parse(sample):
    whole = snapshot.parse(sample)
    lines = sample.content.splitlines()
    chunks = [snapshot.parse_lines(lines[i:i + 64], sample, start=i) for i in range(0, len(lines), 64)]
    assert [p for c in chunks for p in c.papers] == whole.papers
    as_text = snapshot.parse_lines((line.decode("utf-8") for line in lines), sample)
    assert as_text.papers == whole.papers


def test_sniff_is_specific():
    assert not snapshot.sniff(json.dumps({"id": "https://openalex.org/W1", "display_name": "x"}))
    assert not snapshot.sniff(json.dumps({"paperId": "abc", "externalIds": {"ArXiv": "0704.0001"}}))
    assert not snapshot.sniff(json.dumps({"status": "ok", "message-type": "work", "message": {}}))
    assert not snapshot.sniff('{\n  "id": "2507.00004",\n  "title": "researchhub parsed record"\n}')
