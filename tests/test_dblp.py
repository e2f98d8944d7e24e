"""dblp: the person XML export, the search API (JSON and XML) and BibTeX, from the real samples in
../shared/realdata/dblp (values read by hand from the files), and the live source over real HTTP
on 127.0.0.1."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from werkzeug import Response

from papertrail.pipelines.config import HostLimit, load_config
from papertrail.pipelines.sources import dblp, registry
from papertrail.pipelines.sources.dblp.paging import person_pid
from papertrail.pipelines.stages.fetch import fetch_config, read_fetch_log
from papertrail.pipelines.stages.parse import parse_pending, read_parsed
from papertrail.pipelines.workspace import Workspace


@pytest.fixture
def folder(realdata_dir: Path) -> Path:
    return realdata_dir / "dblp"


def person(folder: Path, name: str) -> Path:
    return folder / "person_xml" / "ntu-ccds-faculty" / name


def parse(load_capture, path: Path):
    capture = load_capture(path)
    batch = registry.parse_capture(capture)
    batch.to_arrow()
    return capture, batch


def byline(row: dict) -> list[tuple]:
    return [(a["name"], a["source_author_id"], a["orcid"]) for a in row["authors"]]


def by_key(batch) -> dict[str, dict]:
    return {r["source_id"]: r for r in batch.papers}


# --- person XML ----------------------------------------------------------------------------------

def test_chin_ann_ong(folder, load_capture):
    capture, batch = parse(load_capture, person(folder, "Ong_Chin_Ann.xml"))
    assert batch.format == "dblp_person" and batch.rejects == []
    [p] = batch.profiles
    assert (p["name"], p["orcid"], p["source_author_id"], p["paper_count"]) == (
        "Chin Ann Ong", "0000-0003-0335-9011", "dblp:59/4829", 6)
    assert p["url"] == "https://dblp.org/pid/59/4829.html"
    assert p["affiliations"] == ["Swinburne University of Technology, School of Engineering, "
                                 "Computing and Science, Kuching, Malaysia"]
    assert p["extra"]["name_variants"] == "Chin Ann Ong; Ong Chin Ann"
    assert p["extra"]["homonyms"] == "0"
    assert len(batch.papers) == 6  # n="6": never more records than the export lists
    papers = by_key(batch)
    first = papers["journals/joeuc/OngTN19"]
    assert first["title"] == ("A Study on Satisfaction Level Among Amateur Web Application "
                              "Developers Towards Pigeon-Table as Nano Web Development Framework")
    assert byline(first) == [("Chin Ann Ong", "dblp:59/4829", "0000-0003-0335-9011"),
                             ("Fu Swee Tee", "dblp:192/8306", None),
                             ("Voon Yang Nen", "dblp:242/3406", None)]
    assert (first["venue"], first["published_on"], first["doi"], first["page_count"]) == (
        "J. Organ. End User Comput.", date(2019, 1, 1), "10.4018/joeuc.2019070106", 16)
    second = papers["conf/iccsce/OngL14"]
    assert second["title"] == "Human activity recognition: A review"
    assert byline(second) == [("Ong Chin Ann", "dblp:59/4829", "0000-0003-0335-9011"),
                              ("Lau Bee Theng", "dblp:78/2228", "0000-0002-6071-6399")]
    assert (second["venue"], second["published_on"].year, second["doi"]) == (
        "ICCSCE", 2014, "10.1109/iccsce.2014.7072750")
    third = papers["journals/tip/OngC99"]
    assert third["title"] == "An enhanced NAS-RIF algorithm for blind image deconvolution"
    assert byline(third) == [("Chin Ann Ong", "dblp:59/4829", None),
                             ("Jonathon A. Chambers", "dblp:92/4907", None)]
    assert (third["venue"], third["published_on"].year, third["doi"]) == (
        "IEEE Trans. Image Process.", 1999, "10.1109/83.772250")
    assert {l["kind"] for l in third["links"]} == {"page", "doi", "ee"}  # + the Wikidata ee
    assert {r["profile_ref"] for r in batch.papers} == {capture.ref("profile")}


def test_timothy_van_bremen_accents_and_arxiv(folder, load_capture):
    _, batch = parse(load_capture, person(folder, "Timothy_van_Bremen.xml"))
    [p] = batch.profiles
    assert (p["name"], p["paper_count"], p["affiliations"], p["links"]) == (
        "Timothy van Bremen", 14, [], [])
    # no <url>: the ORCID the export attaches to the person's own bylines
    assert p["orcid"] == "0009-0004-0538-3044"
    papers = by_key(batch)
    assert len(papers) == 14
    ilp = papers["conf/ilp/BarvinekB0ZK21"]
    assert ilp["title"] == "Automatic Conjecturing of P-Recursions Using Lifted Inference"
    assert [a["name"] for a in ilp["authors"]] == [
        "Jáchym Barvínek", "Timothy van Bremen", "Yuyi Wang", "Filip Zelezný", "Ondrej Kuzelka"]
    assert ilp["authors"][2]["source_author_id"] == "dblp:118/4761-1"  # "Yuyi Wang 0001"
    assert (ilp["venue"], ilp["published_on"].year, ilp["doi"]) == (
        "ILP", 2021, "10.1007/978-3-030-97454-1_2")
    corr = papers["journals/corr/abs-2001-05263"]
    assert (corr["venue"], corr["arxiv_id"]) == ("CoRR", "2001.05263")


def test_bo_an_homonyms_are_other_people(folder, load_capture):
    path = person(folder, "Bo_An.xml")
    capture, batch = parse(load_capture, path)
    [p] = batch.profiles
    assert (p["name"], p["source_author_id"], p["orcid"], p["paper_count"]) == (
        "Bo An", "dblp:42/6178-1", "0000-0002-7064-7438", 396)
    assert p["extra"]["homonyms"] == "14" and p["extra"]["dblp_name"] == "Bo An 0001"
    assert p["affiliations"] == ["Nanyang Technological University, Singapore"]
    assert {l["kind"]: l["url"] for l in p["links"]}["scholar"] == \
        "https://scholar.google.com/citations?user=PEEpuNwAAAAJ"
    raw = path.read_text("ascii")
    homonyms = raw[raw.index("<homonyms"): raw.index("</homonyms>")]
    other_pids = set(re.findall(r'<author[^>]*pid="([^"]+)"', homonyms))
    assert len(other_pids) == 13 and "42/6178-1" not in other_pids  # 14 <h>, one only a name
    # nothing of the other Bo Ans is the person's: not their ORCIDs, affiliations, nor records
    assert "0000-0003-0805-4268" in homonyms and p["orcid"] != "0000-0003-0805-4268"
    assert "Chinese Academy of Sciences, Institute of Software, Beijing, China" in homonyms
    assert all("Chinese Academy" not in a for a in p["affiliations"])
    assert len(batch.profiles) == 1
    pids = {a["source_author_id"] for r in batch.papers for a in r["authors"]}
    assert not pids & {f"dblp:{x}" for x in other_pids}
    assert len(batch.papers) == 396
    own = [r for r in batch.papers if ("Bo An", "dblp:42/6178-1") in
           [(a["name"], a["source_author_id"]) for a in r["authors"]]]
    assert len(own) == 389  # the other 7 are proceedings he edited: editors are no authors
    assert sum(1 for r in batch.papers if r["authors"] == []) == 7
    s2ac = [r for r in batch.papers if r["title"].startswith("S2AC")]
    assert [r["title"] for r in s2ac][0] == ("S2AC: Energy-Based Reinforcement Learning with Stein "
                                            "Soft Actor Critic")  # S<sup>2</sup>AC
    aamas = by_key(batch)["conf/atal/2023"]
    assert (aamas["authors"], aamas["venue"], aamas["published_on"].year) == ([], "AAMAS", 2023)


def test_yang_liu_340_namesakes(folder, load_capture):
    path = person(folder, "Liu_Yang.xml")
    _, batch = parse(load_capture, path)
    [p] = batch.profiles
    assert (p["name"], p["source_author_id"], p["orcid"], p["paper_count"]) == (
        "Yang Liu", "dblp:51/3710-3", "0000-0001-7300-9215", 911)
    assert p["extra"]["homonyms"] == "340"
    assert p["affiliations"] == [
        "Nanyang Technological University, School of Computer Engineering, Singapore",
        "National University of Singapore, Singapore (former)"]
    assert len(batch.papers) == 911
    raw = path.read_text("ascii")
    homonyms = raw[raw.index("<homonyms"): raw.index("</homonyms>")]
    other_pids = {f"dblp:{x}" for x in re.findall(r'<author[^>]*pid="([^"]+)"', homonyms)}
    assert len(other_pids) == 340
    listed = [a["source_author_id"] for r in batch.papers for a in r["authors"]]
    assert not set(listed) & other_pids
    assert listed.count("dblp:51/3710-3") == 906  # + 5 proceedings he edited = 911
    titles = {r["title"] for r in batch.papers}
    assert "CSim2: Compositional Top-down Verification of Concurrent Systems using " \
           "Rely-Guarantee" in titles  # CSim<sup><i>2</i></sup>
    assert "&#" not in repr(batch.papers)  # numeric entities are decoded
    assert sum(1 for r in batch.papers if r["venue"] == "CoRR") == 300  # <journal>CoRR</journal>


# --- search API ----------------------------------------------------------------------------------

def test_search_json(folder, load_capture):
    _, batch = parse(load_capture, folder / "search" / "zotero-validate" / "dblp.json")
    assert (batch.format, batch.profiles, batch.rejects) == ("dblp_search", [], [])
    [row] = batch.papers
    assert (row["source_id"], row["title"]) == (
        "conf/dac/ZhangYY21",
        "Attentional Transfer is All You Need: Technology-aware Layout Pattern Generation")
    assert byline(row) == [("Xiaopeng Zhang", "dblp:167/1261-9", None),
                           ("Haoyu Yang", "dblp:17/8386", None),
                           ("Evangeline F. Y. Young", "dblp:y/EFYYoung", None)]
    assert (row["venue"], row["published_on"], row["doi"], row["page_count"]) == (
        "DAC", date(2021, 1, 1), "10.1109/dac18074.2021.9586227", 6)
    assert row.get("profile_ref") is None  # a search lists hits, not a person


def test_search_json_single_author_is_an_object(load_capture):
    from papertrail.pipelines.records import Capture
    from tests.conftest import CAPTURED_AT
    text = ('{"result":{"query":"x","hits":{"@total":"1","@sent":"1","hit":{"info":{"authors":'
            '{"author":{"@pid":"1/2","text":"Solo Author 0002"}},"title":"Alone.","year":"2020",'
            '"key":"journals/x/A20","venue":"X","ee":"https://arxiv.org/abs/2001.00001"}}}}}')
    batch = dblp.parse(Capture("s.json", text.encode(), CAPTURED_AT))
    [row] = batch.papers
    assert byline(row) == [("Solo Author", "dblp:1/2", None)]
    assert (row["title"], row["arxiv_id"]) == ("Alone", "2001.00001")


def test_search_xml(folder, load_capture):
    _, batch = parse(load_capture, folder / "search" / "fastpaper-cli" / "dblp_search.xml")
    assert batch.format == "dblp_search" and len(batch.papers) == 3  # sent="3" of total 6154
    first, second, third = batch.papers
    assert first["title"] == ("Rethinking Attention Mechanism: Channel Re-attention and Spatial "
                              "Multi-region Attention for Fine-grained Visual Classification")
    assert [a["name"] for a in first["authors"]][:3] == ["Xiaohui Wang", "Yulin Sun", "Xin Liu"]
    assert (first["venue"], first["published_on"].year, first["doi"]) == (
        "Neural Process. Lett.", 2025, "10.1007/s11063-025-11757-7")
    # two dblp records of one paper: both kept, the same DOI joins them downstream
    assert (second["source_id"], third["source_id"]) == ("journals/sis/ShiLZYL25",
                                                         "journals/sis/ShiLZYL25a")
    assert second["doi"] == third["doi"] == "10.4108/eetsis.9117"


# --- BibTeX --------------------------------------------------------------------------------------

def test_bibtex_person_export(folder, load_capture):
    _, batch = parse(load_capture, folder / "bib" / "bibtex-dblp" / "test_input.bib")
    assert batch.format == "dblp_bibtex" and batch.rejects == [] and batch.profiles == []
    assert len(batch.papers) == 32
    papers = by_key(batch)
    oxpath = papers["conf/jcdl/MichelsFLSS17"]
    assert oxpath["title"] == "OXPath-Based Data Acquisition for dblp"
    assert [a["name"] for a in oxpath["authors"]] == [
        "Christopher Michels", "Ruslan R. Fayzrakhmanov", "Michael Ley", "Emanuel Sallinger",
        "Ralf Schenkel"]
    assert (oxpath["venue"], oxpath["published_on"].year, oxpath["doi"]) == (
        "2017 ACM/IEEE Joint Conference on Digital Libraries, JCDL 2017, Toronto, ON, Canada, "
        "June 19-23, 2017", 2017, "10.1109/jcdl.2017.7991609")
    lessons = papers["journals/pvldb/Ley09"]
    assert (lessons["title"], lessons["venue"], lessons["published_on"].year) == (
        "DBLP - Some Lessons Learned", "PVLDB", 2009)
    gvd = papers["conf/gvd/Ley07"]
    assert gvd["title"] == ("Datenqualität: Eine organisatorische und technische Herausforderung "
                            "- Erfahrungen von der DBLP-Bibliographie")
    assert "Baden-Württemberg" in gvd["venue"]


@pytest.mark.parametrize("name,venue,doi", [
    ("standard.bib", "String Processing and Information Retrieval, 13th International "
                     "Conference, SPIRE 2006, Glasgow, UK, October 11-13, 2006, Proceedings",
     "10.1007/11880561_13"),
    ("crossref.bib", "String Processing and Information Retrieval, 13th International "
                     "Conference, SPIRE 2006, Glasgow, UK, October 11-13, 2006, Proceedings",
     "10.1007/11880561_13"),
    ("condensed.bib", "SPIRE", None)])
def test_bibtex_flavours_of_one_record(folder, load_capture, name, venue, doi):
    _, batch = parse(load_capture, folder / "bib" / "bibtex-dblp" / name)
    [row] = batch.papers  # crossref.bib's @proceedings is the volume the entry points to
    assert (row["source_id"], row["title"]) == ("conf/spire/BastMW06",
                                                "Output-Sensitive Autocompletion Search")
    assert [a["name"] for a in row["authors"]] == ["H. Bast", "Christian Worm Mortensen",
                                                   "Ingmar Weber"]
    assert (row["venue"], row["doi"], row["published_on"], row["page_count"]) == (
        venue, doi, date(2006, 1, 1), 13)


def test_every_dblp_sample_is_read(folder, load_capture):
    outcomes = {p.name: registry.parse_capture(load_capture(p)) for p in sorted(folder.rglob("*"))
                if p.is_file() and p.name != "PROVENANCE.md"}
    assert {n: (b.format, len(b.papers), len(b.profiles), len(b.rejects))
            for n, b in outcomes.items()} == {
        "Bo_An.xml": ("dblp_person", 396, 1, 0), "Liu_Yang.xml": ("dblp_person", 911, 1, 0),
        "Ong_Chin_Ann.xml": ("dblp_person", 6, 1, 0),
        "Timothy_van_Bremen.xml": ("dblp_person", 14, 1, 0),
        "dblp.json": ("dblp_search", 1, 0, 0), "dblp_search.xml": ("dblp_search", 3, 0, 0),
        "test_input.bib": ("dblp_bibtex", 32, 0, 0), "standard.bib": ("dblp_bibtex", 1, 0, 0),
        "crossref.bib": ("dblp_bibtex", 1, 0, 0), "condensed.bib": ("dblp_bibtex", 1, 0, 0)}


def test_disambiguation_page_claims_no_owner(load_capture):
    from papertrail.pipelines.records import Capture
    from tests.conftest import CAPTURED_AT
    xml = ('<?xml version="1.0"?>\n<dblpperson name="Bo An" pid="42/6178" n="1">\n'
           '<person key="homepages/42/6178" mdate="2020-01-01" publtype="disambiguation">'
           '<author pid="42/6178">Bo An</author></person>\n<r><article key="j/x/A20" mdate="x">'
           '<author pid="42/6178">Bo An</author><title>Unassigned.</title><year>2020</year>'
           '<journal>X</journal></article></r>\n</dblpperson>\n')
    batch = dblp.parse(Capture("d.xml", xml.encode(), CAPTURED_AT))
    assert batch.profiles == [] and batch.papers[0]["profile_ref"] is None


# --- live --------------------------------------------------------------------------------------

def test_person_pid_from_urls():
    assert person_pid("42/6178-1") == "42/6178-1"
    assert person_pid("https://dblp.org/pid/42/6178-1.html") == "42/6178-1"
    assert person_pid("https://dblp.uni-trier.de/pid/w/MelanieWeis.xml") == "w/MelanieWeis"


def test_dblp_keeps_its_published_pace(tmp_path):
    path = tmp_path / "papertrail.yaml"
    path.write_text("authors:\n  - {name: Bo An, dblp: 42/6178-1}\n")
    config = load_config(path, {})
    assert config.sources["dblp"].base_url == "https://dblp.org"
    assert config.sources["dblp"].options == {"respect_robots": True}
    assert config.host_limits()["dblp.org"] == HostLimit(0.5, 1)  # one request per 2 s


def test_live_dblp_over_http(loopback_server, folder, tmp_path):
    srv = loopback_server
    body = person(folder, "Ong_Chin_Ann.xml").read_bytes()
    srv.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /pid/00/\n", content_type="text/plain")
    calls = {"n": 0}

    def person_xml(request):
        calls["n"] += 1
        if calls["n"] == 1:  # dblp's answer to a crawler going too fast
            return Response("", status=429, headers={"Retry-After": "1"})
        return Response(body, content_type="application/xml; charset=utf-8")

    srv.expect_request("/pid/59/4829.xml").respond_with_handler(person_xml)
    base = srv.url_for("").rstrip("/")
    path = tmp_path / "papertrail.yaml"
    path.write_text(f"""
http:
  allowed_hosts: ["127.0.0.1"]
  backoff_initial: 0.01
  backoff_max: 0.05
  hosts: {{"127.0.0.1:{srv.port}": {{requests_per_second: 100, max_connections: 1}}}}
sources:
  dblp: {{base_url: {base}}}
authors:
  - {{name: Chin Ann Ong, dblp: "https://dblp.org/pid/59/4829.html"}}
  - {{name: Hidden Person, dblp: "00/0001"}}
""")
    config = load_config(path, {})
    ws = Workspace.for_db(tmp_path / "w.duckdb")
    result = fetch_config(ws, config, "run-1")
    log = read_fetch_log(ws).with_columns(pl.col("url").str.replace(base, "B"))
    assert sorted(log.select("tag", "url", "status", "attempts", "error").rows(), key=str) == sorted([
        ("dblp", "B/pid/59/4829.xml", 200, 2, None),  # 429 + Retry-After, then the export
        ("dblp", "B/pid/00/0001.xml", None, 0,
         f"robots_disallowed: {base}/pid/00/0001.xml is disallowed by {base}/robots.txt")], key=str)
    assert [r["reason"].split(":")[0] for r in result.failed] == ["robots_disallowed"]
    counts = parse_pending(ws).counts
    assert (counts["papers"], counts["profiles"], counts["rejects"]) == (6, 1, 0)
    [profile] = read_parsed(ws, "profiles").to_dicts()
    assert (profile["name"], profile["source_author_id"], profile["capture"]) == (
        "Chin Ann Ong", "dblp:59/4829", f"{base}/pid/59/4829.xml")
