"""arXiv .abs records: all 1,192 files in realdata/arxiv_abs, exact counts and fields.

Counts from find: 1,132 files under ftp/ (one, math-ph/0509037, is 0 bytes) and 60 superseded
versions under orig/ (`<id>vN.abs`), so 1,191 records parse. They hold 1,130 distinct ids: the
1,131 non-empty ftp files less one upstream quirk (ftp/cs/papers/0006/0006007.abs says
`arXiv:cs/0006008`), and every orig/ id also has its ftp/ file."""
from __future__ import annotations

from datetime import date

import pytest

from papertrail.pipelines.errors import EmptyCapture
from papertrail.pipelines.sources.arxiv import abs as abs_parser
from papertrail.pipelines.sources.base import HEAD_CHARS, decode

EMPTY = "ftp/math-ph/papers/0509/0509037.abs"


@pytest.fixture
def abs_dir(realdata_dir):
    return realdata_dir / "arxiv_abs" / "arxiv-browse"


def _paper(path, load_capture):
    capture = load_capture(path)
    assert abs_parser.sniff(decode(capture)[:HEAD_CHARS]), path
    batch = abs_parser.parse(capture)
    assert batch.rejects == [], path
    (paper,) = batch.papers
    return paper


def test_every_abs_file(abs_dir, load_capture):
    papers = [_paper(p, load_capture) for p in sorted(abs_dir.rglob("*.abs")) if p.stat().st_size]
    assert len(papers) == 1191
    assert len({p["arxiv_id"] for p in papers}) == 1130
    assert all(p["title"] and p["abstract"] and p["published_on"] and p["authors"] for p in papers)
    # 13 superseded versions have no Categories line: their old-style id names the archive
    assert all(p["topics"] and p["primary_topic"] == p["topics"][0] for p in papers)
    assert sum(1 for p in papers if p["venue"] != "arXiv") == 611  # grep -c '^Journal-ref:'
    # 649 '^DOI:' lines; one holds a Handle ("21.11130/...") that is no DOI
    assert sum(1 for p in papers if p["doi"]) == 648


def test_zero_byte_file_is_an_empty_capture(abs_dir, load_capture):
    with pytest.raises(EmptyCapture) as err:
        abs_parser.parse(load_capture(abs_dir / EMPTY))
    assert err.value.describe().startswith("empty_capture: ") and err.value.describe().endswith(
        "0509037.abs: file is empty (0 bytes)")


def test_0704_0001(abs_dir, load_capture):
    paper = _paper(abs_dir / "ftp/arxiv/papers/0704/0704.0001.abs", load_capture)
    assert paper["title"] == ("Calculation of prompt diphoton production cross sections at Tevatron "
                              "and LHC energies")
    assert [a["name"] for a in paper["authors"]] == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"]
    assert paper["published_on"] == date(2007, 4, 2)  # the first Date line, not "revised v2"
    assert paper["doi"] == "10.1103/physrevd.76.013009"
    assert paper["venue"] == "Phys.Rev.D76:013009,2007"
    assert paper["topics"] == ["hep-ph"] and paper["primary_topic"] == "hep-ph"
    assert paper["page_count"] == 37 and paper["source"] == "arxiv_abs"
    assert paper["abstract"].startswith("A fully differential calculation in perturbative quantum")
    assert paper["abstract"].endswith("can be obtained with judicious selection of events.")


def test_superseded_version_without_categories(abs_dir, load_capture):
    paper = _paper(abs_dir / "orig/hep-th/papers/9709/9709111v1.abs", load_capture)
    assert paper["arxiv_id"] == "hep-th/9709111" and paper["topics"] == ["hep-th"]
    assert paper["published_on"] == date(1997, 9, 16)
    assert [(a["name"], a["affiliations"]) for a in paper["authors"]] == [
        ("Andrea Brignole", ["CERN-TH"]), ("Ferruccio Feruglio", ["Padua Univ."]), ("Fabio Zwirner", ["INFN-Padua"])]


def test_numbered_affiliations(abs_dir, load_capture):
    paper = _paper(abs_dir / "ftp/arxiv/papers/0704/0704.0234.abs", load_capture)
    assert [(a["name"], a["affiliations"]) for a in paper["authors"]] == [
        ("G. Ghirlanda", ["Osserv. Astr. di Brera"]),
        ("L. Nava", ["Osserv. Astr. di Brera", "Univ. degli Studi dell'Insubria"]),
        ("G. Ghisellini", ["Osserv. Astr. di Brera"]),
        ("C. Firmani", ["Osserv. Astr. di Brera", "U.N.A.M."])]


def test_abstract_with_tex_line_breaks(abs_dir, load_capture):
    # 2004.02153 has a `\\` line inside its abstract: the abstract runs to the last separator
    paper = _paper(abs_dir / "ftp/arxiv/papers/2004/2004.02153.abs", load_capture)
    assert paper["title"] == ("When do Keller-Segel systems with heterogeneous logistic sources "
                              "admit generalized solutions?")
    assert [a["name"] for a in paper["authors"]] == ["Jianlu Yan", "Mario Fuest"]
    assert "\\begin{align*}" in paper["abstract"]
    assert paper["abstract"].endswith("collapse into a persistent Dirac distribution.")


def test_collaboration_prefix_and_tex_in_long_author_lists(abs_dir, load_capture):
    paper = _paper(abs_dir / "ftp/arxiv/papers/2103/2103.11058.abs", load_capture)
    names = [a["name"] for a in paper["authors"]]
    assert names[:3] == ["LHCb collaboration", "R. Aaij", "C. Abellán Beteta"]
    assert "M. Bjørn" in names and "J. Crkovská" in names
    assert not any("\\" in n or "{" in n for n in names)


def test_et_al_marks_the_author_list_truncated(abs_dir, load_capture):
    paper = _paper(abs_dir / "ftp/arxiv/papers/0704/0704.0020.abs", load_capture)
    assert [a["name"] for a in paper["authors"]] == ["The BABAR Collaboration", "B. Aubert"]
    assert paper["authors_truncated"] is True
