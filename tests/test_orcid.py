"""ORCID public API v3.0 answers from ../shared/realdata/orcid (rorcid's recordings, as extracted
bodies and as the vcr cassettes themselves; values read by hand from the files), and the live
source over real HTTP on 127.0.0.1."""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import polars as pl
import pytest

from papertrail.pipelines.config import load_config
from papertrail.pipelines.sources import cassette, orcid, registry
from papertrail.pipelines.sources.orcid.paging import orcid_id
from papertrail.pipelines.stages.fetch import fetch_config, read_fetch_log
from papertrail.pipelines.stages.parse import parse_pending, read_parsed
from papertrail.pipelines.workspace import Workspace

RECORDED = datetime(2020, 2, 5, 22, 22, 35, tzinfo=timezone.utc)


@pytest.fixture
def bodies(realdata_dir: Path) -> Path:
    return realdata_dir / "orcid" / "rorcid" / "bodies"


@pytest.fixture
def cassettes(realdata_dir: Path) -> Path:
    return realdata_dir / "orcid" / "rorcid" / "cassettes"


def parse(load_capture, path: Path):
    capture = load_capture(path)
    batch = registry.parse_capture(capture)
    batch.to_arrow()
    return capture, batch


def row_of(batch, title: str) -> dict:
    [row] = [r for r in batch.papers if r["title"] == title]
    return row


# --- /person -------------------------------------------------------------------------------------

def test_person_scott_chamberlain(bodies, load_capture):
    capture, batch = parse(load_capture, bodies / "0000-0003-1444-9135_person.json")
    assert (batch.format, batch.papers, batch.rejects) == ("orcid_person", [], [])
    [p] = batch.profiles
    assert (p["name"], p["orcid"], p["source_author_id"], p["url"]) == (
        "Scott A Chamberlain", "0000-0003-1444-9135", "orcid:0000-0003-1444-9135",
        "https://orcid.org/0000-0003-1444-9135")
    # one keyword string holding a comma-separated list
    assert p["interests"] == ["ecology", "open access", "bioinformatics", "evolution", "R"]
    assert p["extra"] == {"countries": "US", "Scopus Author ID": "16229564500"}
    assert [l["url"] for l in p["links"]][1:] == ["http://ropensci.org/", "http://recology.info/",
                                                  "http://scottchamberlain.info/",
                                                  "https://github.com/sckott"]


@pytest.mark.parametrize("name,expected", [
    ("0000-0001-8607-8025_person.json", ("Stephen Eglen", [], {"countries": "GB"})),
    ("0000-0002-9341-7985_person.json", ("Peter Binfield", [], {"countries": "US",
                                                                "Scopus Author ID": "55224382400"})),
    ("0000-0003-1620-1408_person.json", ("Thomas Johnson", [], {"countries": "US"})),
    ("0000-0002-1642-628X_person.json", ("Carl Boettiger",
                                         ["Ecology", "Evolution", "Regime Shifts", "Stochastic Dynamics"],
                                         {"countries": "US", "Scopus Author ID": "15753693500"})),
])
def test_other_person_records(bodies, load_capture, name, expected):
    _, batch = parse(load_capture, bodies / name)
    [p] = batch.profiles
    assert (p["name"], p["interests"], p["extra"]) == expected
    assert p["orcid"] == name[:19]


# --- /works --------------------------------------------------------------------------------------

def test_works_scott_chamberlain(bodies, load_capture):
    capture, batch = parse(load_capture, bodies / "0000-0003-1444-9135_works.json")
    assert batch.format == "orcid_works" and batch.rejects == []
    assert len(batch.papers) == 111  # 111 groups, 114 summaries: a group is one work
    [p] = batch.profiles
    # named by the works the person added themself
    assert (p["name"], p["orcid"], p["paper_count"]) == ("Scott A Chamberlain", "0000-0003-1444-9135", 111)
    first = batch.papers[0]
    assert (first["title"], first["published_on"], first["venue"], first["doi"]) == (
        "Phylogeny Based Biodiversity Data Queries", date(2018, 5, 21),
        "Biodiversity Information Science and Standards", "10.3897/biss.2.25589")
    # two versions of one F1000 article are two ORCID groups (two DOIs): two rows
    taxize = [r for r in batch.papers if r["title"] == "taxize: taxonomic search and retrieval in R"]
    assert sorted(r["doi"] for r in taxize) == ["10.12688/f1000research.2-191.v1",
                                                "10.12688/f1000research.2-191.v2"]
    v2 = [r for r in taxize if r["doi"].endswith("v2")][0]
    assert (v2["published_on"], v2["date_precision"], v2["venue"]) == (date(2013, 1, 1), "year", None)
    # a group with two summaries (Crossref Metadata Search and Crossref) is one row
    tree = [r for r in batch.papers
            if r["title"] == "Phylogenetic tree shape and the structure of mutualistic networks"]
    assert len(tree) == 1 and tree[0]["venue"] == "J Ecol"
    # no external id at all: kept by its title
    [poster] = [r for r in batch.papers if r["source_id"] == "0000-0003-1444-9135/work/9011418"]
    assert (poster["title"], poster["doi"], poster["published_on"]) == ("#ESA2012 poster", None, None)
    assert sum(1 for r in batch.papers if r["doi"]) == 97  # 14 figshare groups have no id
    assert {r["profile_ref"] for r in batch.papers} == {capture.ref("profile")}
    # summaries list no byline: the owner's tie to a work is the profile
    assert {(r["authors"], r["authors_truncated"]) for r in batch.papers} == {(None, None)}
    assert first["source_id"] == "0000-0003-1444-9135/work/44924450"


def test_works_stephen_eglen_and_peter_binfield(bodies, load_capture):
    _, eglen = parse(load_capture, bodies / "0000-0001-8607-8025_works.json")
    assert len(eglen.papers) == 74 and eglen.profiles[0]["name"] == "Stephen Eglen"
    code = row_of(eglen, "Toward standard practices for sharing computer code and programs in "
                         "neuroscience")
    assert (code["published_on"], code["venue"], code["doi"]) == (
        date(2017, 6, 25), "Nature Neuroscience", "10.1038/nn.4550")
    # two groups of one title told apart only by their other-ids: ORCID's groups, kept as given
    invariances = [r for r in eglen.papers if r["title"] == "Unsupervised Discovery of Invariances"]
    assert [(r["source_id"], r["doi"], r["published_on"]) for r in invariances] == [
        ("0000-0001-8607-8025/work/10043990", None, None),
        ("0000-0001-8607-8025/work/10043991", None, None)]
    _, binfield = parse(load_capture, bodies / "0000-0002-9341-7985_works.json")
    assert len(binfield.papers) == 8
    # named by the Scopus import asserted by the owner (assertion-origin)
    assert binfield.profiles[0]["name"] == "Peter Binfield"
    journal = row_of(binfield, "Academic journal publishing")
    assert (journal["published_on"], journal["venue"], journal["doi"]) == (
        date(2008, 1, 1), None, "10.1080/03615260801973992")
    holography = row_of(binfield, "Modern developments in holography and its materials")
    assert (holography["doi"], holography["published_on"].year) == (None, 1992)


def test_empty_works_loads_nothing(bodies, load_capture):
    _, batch = parse(load_capture, bodies / "0000-0003-1620-1408_works.json")
    assert (batch.papers, batch.profiles, batch.rejects) == ([], [], [])


def test_full_work_in_both_serialisations(bodies, load_capture):
    compact = parse(load_capture, bodies / "0000-0002-0734-2199_work_77226586.accept-json.json")[1]
    pretty = parse(load_capture, bodies / "0000-0002-0734-2199_work_77226586.accept-vnd-orcid-json.json")[1]
    strip = lambda b: [{k: v for k, v in r.items() if k not in ("record_ref", "capture")} for r in b.papers]
    assert strip(compact) == strip(pretty)
    [row] = compact.papers
    assert row["title"] == "Dose-Rate Estimation using α-Al2O3:C Chips: Aftermath"
    assert [(a["name"], a["orcid"]) for a in row["authors"]] == [
        ("Sebastian Kreutzer", "0000-0002-0734-2199"), ("Chantal Tribolo", None),
        ("Loïc Martin", None), ("Norbert Mercier", None)]
    assert (row["venue"], row["published_on"], row["date_precision"]) == (
        "Ancient TL", date(2020, 6, 1), "day")
    assert "α-Al2O3:C chips used to estimate" in row["abstract"]  # <sub> markup removed


def test_search_and_error_are_quarantined_as_what_they_are(bodies, load_capture):
    _, search = parse(load_capture, bodies / "search_given-names_carl_rows10.json")
    [r] = search.rejects
    assert r["reason"] == ("orcid_search_ids_only: orcid: an ORCID search answer listing 10 ORCID "
                           "iDs of 1840 found, with no names and no works: nothing to load (each "
                           "person's /person and /works hold the records)")
    _, error = parse(load_capture, bodies / "error_404_person_asdfadf.json")
    [r] = error.rejects
    assert r["reason"] == ("api_error_payload: ORCID API error 404 (error-code 9016): 404 Not "
                           "Found: The resource was not found. Full validation error: ORCID iD "
                           "asdfadf not found")
    assert (error.papers, error.profiles) == ([], [])


# --- cassettes -----------------------------------------------------------------------------------

def test_cassette_replays_each_response_at_its_recording_time(cassettes, load_capture):
    capture, batch = parse(load_capture, cassettes / "works.yml")
    assert registry.detect(capture) is cassette
    assert len(batch.papers) == 111 and batch.rejects == []
    assert sorted((p["name"], p.get("paper_count") or 0) for p in batch.profiles) == [
        ("Scott A Chamberlain", 0), ("Scott A Chamberlain", 111), ("Thomas Johnson", 0)]
    assert {r["captured_at"] for r in batch.papers} == {RECORDED}
    assert {r["capture"] for r in batch.papers} == {f"{capture.capture}#3"}
    # refs of its own: the same body saved as a file never collides with it
    assert len({r["record_ref"] for r in batch.papers}) == 111


def test_cassette_repeats_and_errors(cassettes, load_capture):
    _, repeated = parse(load_capture, cassettes / "identifiers_output_from_or_cid.yml")
    assert len(repeated.papers) == 8  # the works answer recorded three times is read once
    _, bad = parse(load_capture, cassettes / "orcid_id_bad_orcid.yml")
    [r] = bad.rejects
    assert r["reason"].startswith("api_error_payload: HTTP 404 Not Found for GET "
                                  "https://pub.orcid.org/v3.0/asdfadf/person (interaction 0 of ")
    assert r["reason"].endswith(": ORCID API error 404 (error-code 9016): 404 Not Found: The "
                                "resource was not found. Full validation error: ORCID iD asdfadf "
                                "not found")
    _, search = parse(load_capture, cassettes / "orcid_search.yml")
    assert [r["reason"].split(":")[0] for r in search.rejects] == ["orcid_search_ids_only"]
    assert [p["name"] for p in search.profiles] == [
        "Carl Beringer", "Carl Westin", "Carl Jacob Liebersohn", "CARL HIMPSEL", "Carl Sheperis",
        "Carl McGowan", "carl mattacola", "Carl Andrews", "Carl Wierks", "Carl Phillips"]


def test_every_orcid_sample_is_read(realdata_dir, load_capture):
    folder = realdata_dir / "orcid"
    got = {p.name: registry.parse_capture(load_capture(p)) for p in sorted(folder.rglob("*"))
           if p.is_file() and p.suffix in (".json", ".yml")}
    assert {n: (b.format, len(b.papers), len(b.profiles), len(b.rejects)) for n, b in got.items()} == {
        "0000-0001-8607-8025_person.json": ("orcid_person", 0, 1, 0),
        "0000-0001-8607-8025_works.json": ("orcid_works", 74, 1, 0),
        "0000-0002-0734-2199_work_77226586.accept-json.json": ("orcid_work", 1, 0, 0),
        "0000-0002-0734-2199_work_77226586.accept-vnd-orcid-json.json": ("orcid_work", 1, 0, 0),
        "0000-0002-1642-628X_person.json": ("orcid_person", 0, 1, 0),
        "0000-0002-9341-7985_person.json": ("orcid_person", 0, 1, 0),
        "0000-0002-9341-7985_works.json": ("orcid_works", 8, 1, 0),
        "0000-0003-1444-9135_person.json": ("orcid_person", 0, 1, 0),
        "0000-0003-1444-9135_works.json": ("orcid_works", 111, 1, 0),
        "0000-0003-1620-1408_person.json": ("orcid_person", 0, 1, 0),
        "0000-0003-1620-1408_works.json": ("orcid_works", 0, 0, 0),
        "error_404_person_asdfadf.json": ("orcid", 0, 0, 1),
        "search_given-names_carl_rows10.json": ("orcid", 0, 0, 1),
        "identifiers.yml": ("cassette", 74, 2, 0),
        "identifiers_output_from_or_cid.yml": ("cassette", 8, 2, 0),
        "orcid_citations_with_bibtex.yml": ("cassette", 2, 0, 0),
        "orcid_id_bad_orcid.yml": ("cassette", 0, 0, 1),
        "orcid_id_keywords_data.yml": ("cassette", 0, 1, 0),
        "orcid_search.yml": ("cassette", 0, 10, 1),
        "works.yml": ("cassette", 111, 3, 0)}


# --- live --------------------------------------------------------------------------------------

def test_orcid_ids_from_urls():
    assert orcid_id("https://orcid.org/0000-0002-1825-0097") == "0000-0002-1825-0097"
    assert orcid_id("0000-0003-4575-321X") == "0000-0003-4575-321X"


def test_live_orcid_over_http(loopback_server, bodies, tmp_path):
    srv = loopback_server
    json_type = "application/json;charset=UTF-8"
    for endpoint in ("person", "works"):
        srv.expect_request(f"/v3.0/0000-0002-9341-7985/{endpoint}",
                           headers={"Accept": "application/json"}).respond_with_data(
            (bodies / f"0000-0002-9341-7985_{endpoint}.json").read_bytes(), content_type=json_type)
    error = (bodies / "error_404_person_asdfadf.json").read_bytes()
    for endpoint in ("person", "works"):
        srv.expect_request(f"/v3.0/asdfadf/{endpoint}").respond_with_data(
            error, status=404, content_type=json_type)
    base = srv.url_for("").rstrip("/")
    path = tmp_path / "papertrail.yaml"
    path.write_text(f"""
http:
  allowed_hosts: ["127.0.0.1"]
  max_attempts: 1
sources:
  orcid: {{base_url: {base}/v3.0}}
authors:
  - {{name: Peter Binfield, orcid: "https://orcid.org/0000-0002-9341-7985"}}
  - {{name: Nobody, orcid: asdfadf}}
""")
    config = load_config(path, {})
    ws = Workspace.for_db(tmp_path / "w.duckdb")
    result = fetch_config(ws, config, "run-1")
    log = read_fetch_log(ws).with_columns(pl.col("url").str.replace(base, "B"))
    assert sorted(log.select("tag", "url", "status", "error").rows(), key=str) == sorted([
        ("orcid", "B/v3.0/0000-0002-9341-7985/person", 200, None),
        ("orcid", "B/v3.0/0000-0002-9341-7985/works", 200, None),
        ("orcid", "B/v3.0/asdfadf/person", 404, "http_error: HTTP 404 after 1 attempt"),
        ("orcid", "B/v3.0/asdfadf/works", 404, "http_error: HTTP 404 after 1 attempt")], key=str)
    # the failed fetches are quarantined with the body saying what went wrong
    assert {r["source"] for r in result.failed} == {"orcid"}
    assert all("ORCID iD asdfadf not found" in r["payload"] for r in result.failed)
    counts = parse_pending(ws).counts
    assert (counts["papers"], counts["profiles"], counts["rejects"]) == (8, 2, 0)
    profiles = read_parsed(ws, "profiles").sort("capture").to_dicts()
    assert [(p["name"], p["orcid"], p["capture"]) for p in profiles] == [
        ("Peter Binfield", "0000-0002-9341-7985", f"{base}/v3.0/0000-0002-9341-7985/person"),
        ("Peter Binfield", "0000-0002-9341-7985", f"{base}/v3.0/0000-0002-9341-7985/works")]


def test_other_orcid_shapes_are_named_not_misread():
    from papertrail.pipelines.records import Capture
    from tests.conftest import CAPTURED_AT
    record = ('{"orcid-identifier": {"path": "0000-0002-1825-0097"}, "activities-summary": '
              '{"works": {"group": [{"work-summary": [{"put-code": 1}]}]}}, "person": {}}')
    batch = registry.parse_capture(Capture("r.json", record.encode(), CAPTURED_AT))
    assert batch.papers == []
    [row] = batch.rejects
    assert row["reason"].startswith("orcid_unsupported_shape: orcid: an ORCID answer of another "
                                    "shape (top-level keys: orcid-identifier, activities-summary, "
                                    "person)")
