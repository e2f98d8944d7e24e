"""arXiv OAI-PMH (metadataPrefix=arXiv): every XML in realdata/arxiv_oai, exact counts and fields.

Counts come from grep -c '<record>' per file (sample_arxiv_record.xml: 12; the bare
arxiv_oai_metadata_sample.xml holds one <arXiv> element and no <record>)."""
from __future__ import annotations

from datetime import date

import pytest

from papertrail.pipelines.sources.arxiv import oai

RECORDS = {
    "hepcrawl/arxiv-physics-hep-ex.xml": 3, "hepcrawl/arxiv-physics-hep-th.xml": 3,
    "hepcrawl/arxiv-single.xml": 1, "hepcrawl/sample_arxiv_record.xml": 12,
    **{f"hepcrawl/sample_arxiv_record{i}.xml": 1 for i in range(11)},
    "researchhub-backend/arxiv_oai_empty_response.xml": 0,
    "researchhub-backend/arxiv_oai_metadata_sample.xml": 1,
    "researchhub-backend/arxiv_oai_sample_response.xml": 2,
    "researchhub-backend/arxiv_oai_with_resumption.xml": 1,
}


@pytest.fixture
def oai_dir(realdata_dir):
    return realdata_dir / "arxiv_oai"


def _parse(path, load_capture):
    capture = load_capture(path)
    assert oai.sniff(capture.content.decode("utf-8")[:8192]), path
    return oai.parse(capture)


def _one(oai_dir, load_capture, name, arxiv_id):
    papers = _parse(oai_dir / name, load_capture).papers
    (paper,) = [p for p in papers if p["arxiv_id"] == arxiv_id]
    return paper


def test_every_oai_file_parses_to_its_record_count(oai_dir, load_capture):
    total = 0
    for name, expected in RECORDS.items():
        batch = _parse(oai_dir / name, load_capture)
        assert len(batch.papers) == expected, name
        assert batch.rejects == [], name
        batch.to_arrow()
        total += expected
    assert total == 34


def test_list_records_fields(oai_dir, load_capture):
    paper = _one(oai_dir, load_capture, "hepcrawl/arxiv-physics-hep-ex.xml", "1706.09418")
    assert paper["title"] == "R-Parity Violation at the LHC"
    assert paper["published_on"] == date(2017, 6, 28)  # <created>, not <updated> 2017-11-26
    assert paper["doi"] == "10.1140/epjc/s10052-017-5414-4"
    assert paper["venue"] == "Eur. Phys. J. C (2017) 77:856"
    assert paper["topics"] == ["hep-ph", "hep-ex"] and paper["primary_topic"] == "hep-ph"
    assert paper["page_count"] == 43
    assert [a["name"] for a in paper["authors"]] == [
        "Daniel Dercks", "Herbi Dreiner", "Manuel E. Krauss", "Toby Opferkuch", "Annika Reinert"]
    assert paper["abstract"].startswith("We investigate the phenomenology of the MSSM extended")
    assert "$\\bar U\\bar D\\bar D$" in paper["abstract"]  # math stays verbatim
    first = _one(oai_dir, load_capture, "hepcrawl/arxiv-physics-hep-ex.xml", "1706.05371")
    assert first["title"] == ("Evaluation of Silicon Photomultipliers for use as Photosensors in "
                              "Liquid Xenon Detectors")
    assert first["venue"] == "arXiv" and first["doi"] is None and len(first["authors"]) == 13


def test_record_without_the_arxiv_namespace(oai_dir, load_capture):
    # hepcrawl's sample_arxiv_record0.xml writes <arXiv> with no xmlns: matched by local name
    paper = _one(oai_dir, load_capture, "hepcrawl/sample_arxiv_record0.xml", "1601.03238")
    assert paper["title"] == "Irreversible degradation of quantum coherence under relativistic motion"
    assert [a["name"] for a in paper["authors"]] == [
        "Planck Collaboration", "Jieci Wang", "Zehua Tian", "Jiliang Jing", "Heng Fan"]
    assert paper["doi"] == "10.1103/physrevd.93.016005"  # first of three listed DOIs
    assert paper["topics"] == ["quant-ph", "gr-qc", "hep-th", "chao-dyn", "nlin.CD"]
    assert paper["published_on"] == date(2016, 1, 13) and paper["page_count"] == 6


def test_affiliations_and_junk_authors(oai_dir, load_capture):
    paper = _one(oai_dir, load_capture, "hepcrawl/sample_arxiv_record7.xml", "1606.07066")
    assert [(a["name"], a["affiliations"]) for a in paper["authors"]] == [
        ("Curtis J. Saxton", ["Technion", "DESY"]), ("Ziri Younsi", ["U.Frankfurt"]), ("Kinwah Wu", [])]
    # 9 <author> elements, one of them hepcrawl's keyname ":" which names nobody
    paper = _one(oai_dir, load_capture, "hepcrawl/sample_arxiv_record.xml", "1808.04927")
    assert len(paper["authors"]) == 8 and ":" not in [a["name"] for a in paper["authors"]]
    assert paper["authors"][0] == {"name": "N. Abgrall", "position": 1, "orcid": None,
                                   "affiliations": ["The NA61/SHINE Collaboration"], "source_author_id": None}


def test_sniff_is_specific():
    assert not oai.sniff('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">arXiv Query')
    assert not oai.sniff('<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
                         '<request metadataPrefix="oai_dc">https://zenodo.org/oai2d</request>')
