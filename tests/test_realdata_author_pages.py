"""Real saved author pages (../shared/realdata/author_pages, see its PROVENANCE.md): two Google
Scholar profiles, a Google sign-in page served under a profile URL, an ACL Anthology author page.
Every expected value below was read by hand from the saved HTML."""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from papertrail.pipelines.records import Capture
from papertrail.pipelines.sources import (acl_anthology, google_scholar, google_scholar_profile, html_page,
                               registry)

from .helpers import copy_with_mtime, rows, run_cli


@pytest.fixture
def pages(realdata_dir: Path) -> Path:
    return realdata_dir / "author_pages"


def parse(load_capture, path: Path):
    capture = load_capture(path)
    batch = registry.parse_capture(capture)
    batch.to_arrow()  # every row fits the record schema
    return capture, batch


def names(row: dict) -> list[str]:
    return [a["name"] for a in row["authors"]]


def shown(row: dict) -> tuple:
    return (row["title"], names(row), row["venue"],
            row["published_on"].year if row["published_on"] else None, row["citation_count"])


# --- Google Scholar profiles ---------------------------------------------------------------------

def test_scholar_profile_doaa_elmatary(pages, load_capture):
    capture, batch = parse(load_capture, pages / "gscholar_profile_LZ5D_p4AAAAJ.html")
    assert batch.format == "google_scholar_profile" and batch.rejects == []
    [p] = batch.profiles
    assert p["name"] == "Doaa Elmatary"
    assert p["affiliations"] == ["مدرس هندسة الاتصالات في معهد الصفوة العالي للهندسة"]
    assert p["interests"] == ["AI-Wireless networks-IoT"]
    assert (p["citation_count"], p["h_index"], p["i10_index"], p["paper_count"]) == (56, 4, 2, None)
    assert p["extra"] == {
        "since_year": "2021", "citation_count_since": "30", "h_index_since": "2",
        "i10_index_since": "1", "articles_range": "1\u201312", "articles_shown": "12",
        "show_more": "disabled", "list_partial": "false", "verified_email_domain": "alsafwa.edu.eg"}
    assert p["url"] == "https://scholar.google.com/citations?user=LZ5D_p4AAAAJ"
    assert p["source_author_id"] == "scholar:LZ5D_p4AAAAJ"
    assert p["record_ref"] == capture.ref("profile")
    # the citations-per-year bars (a year without a bar had none)
    assert [(r["year"], r["cited_by_count"]) for r in batch.counts_by_year] == [
        (2012, 4), (2013, 4), (2014, 5), (2015, 4), (2016, 2), (2017, 0), (2018, 3), (2019, 3),
        (2020, 0), (2021, 2), (2022, 3), (2023, 9), (2024, 7), (2025, 9)]
    papers = batch.papers
    assert len(papers) == 12  # "Articles 1–12": never more records than the page lists
    assert shown(papers[0]) == (
        "Performance comparison of various machine learning approaches to identify the best one "
        "in predicting heart disease", ["EM Abd Allah", "DE El-Matary", "EM Eid", "AST El Dien"],
        "Journal of Computer and Communications 10 (2), 1-18", 2022, 25)
    assert shown(papers[1]) == (
        "Energy efficient key management scheme based on elliptic curve signcryption for wireless "
        "sensor networks", ["EAAA Hagras", "D El-Saied", "HH Aly"],
        "2011 28th National Radio Science Conference (NRSC), 1-9", 2011, 15)
    assert shown(papers[9]) == (
        "Polar coded Interleave Division Multiple Access Ultra Wide Band (IDMA-UWB) communication "
        "system", ["DE El Matary", "EAA Hagras", "HM Abdel-Kader"],
        "2018 35th National Radio Science Conference (NRSC), 283-292", 2018, 0)
    # the last row shows neither venue nor year; an empty "Cited by" is no citation yet
    assert shown(papers[11]) == (
        "Non-Gaussian Noisy Channel Effect on Multi-user IDMA-UWB Communication System",
        ["DEE Matary", "EAA Hagras", "HM Abdel-Kader"], None, None, 0)
    assert [r["citation_count"] for r in papers] == [25, 15, 6, 4, 3, 2, 1, 0, 0, 0, 0, 0]
    assert {r["authors_truncated"] for r in papers} == {False}  # no "..." on this page
    assert {r["profile_ref"] for r in papers} == {capture.ref("profile")}
    assert papers[0]["source_id"] == "scholar:LZ5D_p4AAAAJ:u-x6o8ySG0sC"
    assert {(r["date_precision"], r["captured_at"]) for r in papers[:11]} == {
        ("year", capture.captured_at)}


def test_scholar_profile_wenrui_zuo(pages, load_capture):
    capture, batch = parse(load_capture, pages / "gscholar_profile_P1RwlvoAAAAJ.html")
    [p] = batch.profiles
    assert (p["name"], p["affiliations"]) == ("WENRUI ZUO", ["The University of Edinburgh"])
    assert p["interests"] == ["Web3", "Big Data Science", "Social Network Analysis", "NLP",
                              "Machine Learning"]
    assert (p["citation_count"], p["h_index"], p["i10_index"]) == (39, 4, 2)
    assert {k: p["extra"][k] for k in ("since_year", "citation_count_since", "h_index_since",
                                       "i10_index_since", "articles_shown", "list_partial")} == {
        "since_year": "2021", "citation_count_since": "38", "h_index_since": "4",
        "i10_index_since": "2", "articles_shown": "5", "list_partial": "false"}
    # the canonical link says hl=zh-CN: the profile URL keeps only the user
    assert p["url"] == "https://scholar.google.com/citations?user=P1RwlvoAAAAJ"
    assert [(r["year"], r["cited_by_count"]) for r in batch.counts_by_year] == [
        (2023, 4), (2024, 7), (2025, 25), (2026, 2)]
    papers = batch.papers
    assert len(papers) == 5
    assert shown(papers[0]) == (
        "Set in stone: Analysis of an immutable web3 social media platform",
        ["W Zuo", "A Raman", "RJ Mondragón", "G Tyson"],
        "Proceedings of the ACM Web Conference 2023, 1865-1874", 2023, 18)
    # Scholar cut the venue itself with "…" (kept as shown)
    assert shown(papers[1]) == (
        "Understanding and improving content moderation in web3 platforms",
        ["W Zuo", "RJ Mondragon", "A Raman", "G Tyson"],
        "Proceedings of the International AAAI Conference on Web and Social Media 18 \u2026",
        2024, 10)
    assert shown(papers[3])[1:] == (["Y Liu", "RM Williams", "G Xie", "Y Wang", "W Zuo"],
                                    "arXiv preprint arXiv:2410.03532", 2024, 4)
    assert papers[3]["arxiv_id"] == "2410.03532"
    assert shown(papers[4]) == (
        "Understanding and Improving User-controlled Content Moderation Systems on Social Media",
        ["W Zuo"], "Queen Mary University of London", 2025, 0)


def test_scholar_profile_rows_match_what_the_page_lists(pages, load_capture):
    for name in ("gscholar_profile_LZ5D_p4AAAAJ.html", "gscholar_profile_P1RwlvoAAAAJ.html"):
        capture, batch = parse(load_capture, pages / name)
        tree = LexborHTMLParser(capture.content.decode("utf-8"))
        listed = len(tree.css("tr.gsc_a_tr"))
        assert len(batch.papers) == listed == int(batch.profiles[0]["extra"]["articles_shown"])


def test_scholar_truncated_author_lists_and_more_to_show():
    """Scholar cuts long author lists with '...'; an enabled "Show more" leaves the list partial."""
    html = ('<!doctype html><html><head><title>\u202aAda Lovelace\u202c - \u202aGoogle Scholar\u202c'
            '</title><link rel="canonical" href="https://scholar.google.com/citations?user=ABC&amp;'
            'hl=en"></head><body><div id="gsc_prf_i"><div id="gsc_prf_in">Ada Lovelace</div>'
            '<div class="gsc_prf_il">Analytical Engines Ltd</div></div><table id="gsc_a_t"><tbody>'
            '<tr class="gsc_a_tr"><td class="gsc_a_t"><a class="gsc_a_at" href="/citations?view_op='
            'view_citation&amp;citation_for_view=ABC:x1">Notes on the Engine</a><div class="gs_gray">'
            'A Lovelace, C Babbage, L Menabrea, ...</div><div class="gs_gray">Taylor\'s Scientific '
            'Memoirs 3<span class="gs_oph">, 1843</span></div></td><td class="gsc_a_c"><a class='
            '"gsc_a_ac" href="x">1,234</a></td><td class="gsc_a_y"><span class="gsc_a_h">1843'
            '</span></td></tr></tbody></table><span id="gsc_a_nn">Articles 1–20</span>'
            '<button id="gsc_bpf_more" type="button">Show more</button></body></html>')
    capture = Capture("ada.html", html.encode("utf-8"), datetime(2026, 1, 1, tzinfo=timezone.utc))
    assert registry.detect(capture) is google_scholar_profile
    batch = google_scholar_profile.parse(capture)
    [paper] = batch.papers
    assert names(paper) == ["A Lovelace", "C Babbage", "L Menabrea"]
    assert paper["authors_truncated"] is True
    assert (paper["venue"], paper["published_on"], paper["citation_count"]) == (
        "Taylor's Scientific Memoirs 3", date(1843, 1, 1), 1234)
    extra = batch.profiles[0]["extra"]
    assert (extra["articles_range"], extra["show_more"], extra["list_partial"]) == (
        "1\u201320", "enabled", "true")


def test_scholar_search_pages_stay_with_the_search_parser(realdata_dir: Path, load_capture):
    for path in sorted((realdata_dir / "google_scholar").rglob("*.html")):
        assert registry.detect(load_capture(path)) is google_scholar, path.name


def test_sign_in_page_served_for_a_profile_loads_nothing(pages, load_capture):
    capture, batch = parse(load_capture, pages / "gscholar_signin_interstitial_AAAAAAAAAAAA.html")
    assert registry.detect(capture) is html_page
    assert (batch.papers, batch.profiles, batch.counts_by_year) == ([], [], [])
    [row] = batch.rejects
    assert row["reason"].startswith("sign_in_page: a sign-in page ('Sign in to continue to Google "
                                    "Scholar Citations') was served instead of the page asked for")
    assert "<title> 'Google Scholar Citations', 1,340,019 bytes" in row["reason"]


# --- ACL Anthology -------------------------------------------------------------------------------

def test_acl_anthology_andreas_madsack(pages, load_capture):
    capture, batch = parse(load_capture, pages / "aclanthology_people_andreas-madsack_2021.html")
    assert batch.format == "acl_anthology" and batch.rejects == []
    [p] = batch.profiles
    assert (p["name"], p["paper_count"]) == ("Andreas Madsack", 5)
    assert (p["url"], p["source_author_id"]) == (
        "https://aclanthology.org/people/a/andreas-madsack/", "acl:andreas-madsack")
    papers = batch.papers
    assert [r["source_id"] for r in papers] == ["W19-4201", "K18-3004", "W18-3607", "W18-6560",
                                                "W17-3524"]
    assert [r["published_on"] for r in papers] == [date(2019, 1, 1), date(2018, 1, 1),
                                                   date(2018, 1, 1), date(2018, 1, 1),
                                                   date(2017, 1, 1)]
    first, second, fifth = papers[0], papers[1], papers[4]
    assert first["title"] == "AX Semantics’ Submission to the SIGMORPHON 2019 Shared Task"
    assert names(first) == ["Andreas Madsack", "Robert Weißgraeber"]
    assert first["venue"] == ("Proceedings of the 16th Workshop on Computational Research in "
                              "Phonetics, Phonology, and Morphology")
    assert first["abstract"].startswith("This paper describes the AX Semantics’ submission")
    assert {(l["kind"], l["url"]) for l in first["links"]} == {
        ("page", "https://www.aclweb.org/anthology/W19-4201/"),
        ("pdf", "https://www.aclweb.org/anthology/W19-4201.pdf"),
        ("bib", "https://www.aclweb.org/anthology/W19-4201.bib"),
        ("volume", "https://www.aclweb.org/anthology/volumes/W19-42/")}
    assert second["title"] == ("AX Semantics’ Submission to the CoNLL–SIGMORPHON 2018 Shared "
                               "Task")
    assert names(second) == ["Andreas Madsack", "Alessia Cavallo", "Johanna Heininger",
                             "Robert Weißgraeber"]
    assert second["abstract"] is None  # this entry has no abstract on the page
    assert second["venue"] == ("Proceedings of the CoNLL–SIGMORPHON 2018 Shared Task: Universal "
                               "Morphological Reinflection")
    assert fifth["title"] == ("A working, non-trivial, topically indifferent NLG System for 17 "
                              "languages")
    assert names(fifth) == ["Robert Weißgraeber", "Andreas Madsack"]
    assert [a["source_author_id"] for a in fifth["authors"]] == ["acl:robert-weissgraeber",
                                                                 "acl:andreas-madsack"]
    assert names(papers[2]) == ["Andreas Madsack", "Johanna Heininger", "Nyamsuren Davaasambuu",
                                "Vitaliia Voronik", "Michael Käufl", "Robert Weißgraeber"]
    assert {r["profile_ref"] for r in papers} == {capture.ref("profile")}
    # the co-author side bar's people links are no papers
    assert len(papers) == p["paper_count"] == 5


ACL_2024 = """<!DOCTYPE html><html lang="en-us"><head><meta charset="utf-8">
<title>Zoë Example - ACL Anthology</title></head><body>
<nav class="navbar"><a href="/">ACL Anthology</a><a href="/people/">People</a></nav>
<main class="container"><h1 class="h2">Zoë <strong>Example</strong></h1>
<div class="grid"><section class="papers">
<h3 id="y2023">2023</h3>
<div class="paper"><div class="buttons"><a class="badge text-bg-primary" href="https://aclanthology.org/2023.acl-long.12.pdf">pdf</a>
<a class="badge text-bg-secondary" href="/2023.acl-long.12.bib">bib</a>
<a class="badge text-bg-info" href="#abstract-2023--acl-long--12">abs</a></div>
<span class="d-block"><strong><a class="align-middle" href="/2023.acl-long.12/">Counting <span class="acl-fixed-case">NLP</span> Things</a></strong><br>
<a href="/people/z/zoe-example/">Zoë Example</a> | <a href="/people/j/jan-novak/">Jan Novák</a><br>
<a href="/volumes/2023.acl-long/" class="text-muted">Proceedings of the 61st Annual Meeting of the ACL (Volume 1: Long Papers)</a></span>
<div class="card collapse" id="abstract-2023--acl-long--12"><div class="card-body">We count things.</div></div></div>
<h3 id="y2021">2021</h3>
<div class="paper"><div class="buttons"><a href="https://aclanthology.org/2021.findings-emnlp.7.pdf">pdf</a></div>
<span class="d-block"><strong><a href="/2021.findings-emnlp.7/">Older Work</a></strong><br>
<a href="/people/j/jan-novak/">Jan Novák</a> | <a href="/people/z/zoe-example/">Zoë Example</a><br>
<a href="/volumes/2021.findings-emnlp/">Findings of EMNLP 2021</a></span></div>
</section><aside class="coauthors"><h5>Co-authors</h5><ul><li><a href="/people/j/jan-novak/">Jan Novák</a></li></ul></aside>
</div></main></body></html>"""


def test_acl_anthology_other_build_parses_by_structure():
    """Another build's markup (h1 name, h3 years, new-style ids, other classes, other link
    forms): the same fields, found by headings, paper-id links and people links."""
    capture = Capture("https://aclanthology.org/people/z/zoe-example/", ACL_2024.encode("utf-8"),
                      datetime(2026, 1, 1, tzinfo=timezone.utc))
    assert registry.detect(capture) is acl_anthology
    batch = acl_anthology.parse(capture)
    [p] = batch.profiles
    assert (p["name"], p["source_author_id"], p["paper_count"]) == (
        "Zoë Example", "acl:zoe-example", 2)
    first, second = batch.papers
    assert (first["source_id"], first["title"], first["published_on"]) == (
        "2023.acl-long.12", "Counting NLP Things", date(2023, 1, 1))
    assert names(first) == ["Zoë Example", "Jan Novák"] and first["abstract"] == "We count things."
    assert first["venue"] == "Proceedings of the 61st Annual Meeting of the ACL (Volume 1: Long Papers)"
    assert {l["kind"]: l["url"] for l in first["links"]} == {
        "page": "https://aclanthology.org/2023.acl-long.12/",
        "pdf": "https://aclanthology.org/2023.acl-long.12.pdf",
        "bib": "https://aclanthology.org/2023.acl-long.12.bib",
        "volume": "https://aclanthology.org/volumes/2023.acl-long/"}
    assert (second["source_id"], second["published_on"], names(second)) == (
        "2021.findings-emnlp.7", date(2021, 1, 1), ["Jan Novák", "Zoë Example"])


def test_acl_anthology_page_without_papers_is_not_an_author_page():
    html = ("<!doctype html><html><head><title>Search - ACL Anthology</title></head><body>"
            "<h2>Search</h2><p>Type a query.</p></body></html>")
    batch = registry.parse_capture(Capture("s.html", html.encode(), datetime(2026, 1, 1, tzinfo=timezone.utc)))
    [row] = batch.rejects
    assert row["reason"].startswith("not_an_author_page: acl_anthology: an ACL Anthology page "
                                    "(<title> 'Search - ACL Anthology', ")


# --- the three real folders through the whole pipeline -------------------------------------------

def test_papertrail_run_loads_every_real_page_and_response(realdata_dir: Path, tmp_path: Path):
    """`papertrail run --captures` over author_pages/, dblp/ and orcid/: every page and response
    is loaded or quarantined as what it is (the PROVENANCE/INDEX notes are no captures)."""
    when = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
    dirs = [copy_with_mtime(realdata_dir / sub, tmp_path / sub, when)
            for sub in ("author_pages", "dblp", "orcid")]
    args = [a for d in dirs for a in ("--captures", str(d))]
    done = run_cli("run", *args, "--db", str(tmp_path / "w.duckdb"), cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr
    db = tmp_path / "w.duckdb"
    # records that became papers, per source (a record is one sighting)
    assert dict(rows(db, "SELECT source, count(*) FROM core.sightings GROUP BY ALL")) == {
        "google_scholar_profile": 17, "acl_anthology": 5,
        "dblp": 396 + 911 + 6 + 14 + 3 + 1 + 32 + 1 + 1 + 1,
        # bodies: 74 + 8 + 111 works, 2 single works; cassettes: 74 + 8 + 111 works, 2 works
        "orcid": 2 * (74 + 8 + 111 + 2)}
    profiles = dict(rows(db, "SELECT source, count(*) FROM core.author_profiles GROUP BY ALL"))
    # Scholar 2, ACL 1, dblp 4; ORCID: 5 /person + 3 /works bodies, 5 + 3 + 10 in cassettes
    assert profiles == {"google_scholar_profile": 2, "acl_anthology": 1, "dblp": 4, "orcid": 26}
    quarantined = sorted((r.split(":", 1)[0], c.rsplit("/", 1)[-1]) for r, c in rows(
        db, "SELECT reason, capture FROM audit.quarantine"))
    assert quarantined == sorted([
        ("sign_in_page", "gscholar_signin_interstitial_AAAAAAAAAAAA.html"),
        ("api_error_payload", "error_404_person_asdfadf.json"),
        ("api_error_payload", "orcid_id_bad_orcid.yml#0"),
        ("orcid_search_ids_only", "search_given-names_carl_rows10.json"),
        ("orcid_search_ids_only", "orcid_search.yml#0"),
        ("unknown_format", "PROVENANCE.md"), ("unknown_format", "PROVENANCE.md"),
        ("unknown_format", "PROVENANCE.md"), ("unknown_format", "INDEX.tsv")])
