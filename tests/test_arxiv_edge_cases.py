"""Hand-written arXiv edge cases (tests/fixtures/arxiv/): unsafe XML, truncation, per-record
failures that must not sink the rest of the capture, TeX that must not be mangled."""
from __future__ import annotations

from datetime import date

import pytest

from papertrail.pipelines.errors import ApiErrorPayload, ParseError, TruncatedCapture
from papertrail.pipelines.records import Capture
from papertrail.pipelines.sources.arxiv import abs as abs_parser
from papertrail.pipelines.sources.arxiv import atom, oai, snapshot
from papertrail.pipelines.sources.arxiv.helpers import page_count, split_authors
from papertrail.pipelines.sources.arxiv.tex import accents

from tests.conftest import CAPTURED_AT, FIXTURES

ARXIV = FIXTURES / "arxiv"


def _capture(name: str) -> Capture:
    return Capture(capture=str(ARXIV / name), content=(ARXIV / name).read_bytes(), captured_at=CAPTURED_AT)


@pytest.mark.parametrize("module,name", [(atom, "bomb.atom.xml"), (oai, "external_entity.oai.xml")])
def test_entity_declarations_are_refused(module, name):
    capture = _capture(name)
    assert module.sniff(capture.content.decode())
    with pytest.raises(ParseError) as err:
        module.parse(capture)
    assert err.value.reason == "unsafe_xml"
    assert "XML refused, it declares entities" in str(err.value)


def test_truncated_xml_and_abs():
    with pytest.raises(TruncatedCapture, match="XML ends early"):
        atom.parse(_capture("truncated.atom.xml"))
    with pytest.raises(TruncatedCapture, match="has 2 of the 3"):
        abs_parser.parse(_capture("truncated.abs"))


def test_bad_entries_are_rejected_and_the_rest_parses():
    capture = _capture("partial_records.atom.xml")
    batch = atom.parse(capture)
    (paper,) = batch.papers
    assert (paper["arxiv_id"], paper["title"], paper["published_on"]) == (
        "9999.00004", "A complete entry", date(2024, 2, 29))
    assert paper["captured_at"] == CAPTURED_AT and paper["record_ref"] == capture.ref(0)
    assert [(r["reason"], r["record_ref"]) for r in batch.rejects] == [
        ("missing_title_and_abstract: record 1 has neither a title nor an abstract", capture.ref(1)),
        ("missing_arxiv_id: record 2 has no arXiv identifier", capture.ref(2))]
    assert "9999.00005v1" in batch.rejects[0]["payload"] and "Nobody Wrote A Title" in batch.rejects[0]["payload"]


def test_snapshot_lines_fail_one_at_a_time():
    capture = _capture("partial.jsonl")
    batch = snapshot.parse(capture)
    (paper,) = batch.papers
    assert paper["title"] == "A title with 50% of it \\emph{kept} and Schrödinger"
    assert paper["abstract"] == "We find 50% of cases, $\\alpha$ stays."
    assert [(a["name"], a["affiliations"]) for a in paper["authors"]] == [
        ("J. Müller", []), ("A. N. Other", ["Inst. (Sub) Dept"])]
    assert paper["authors_truncated"] is True
    assert paper["doi"] == "10.1000/abc" and paper["topics"] == ["cs.DL", "cs.IR"]
    assert paper["page_count"] == 1 and paper["published_on"] == date(2024, 2, 29)
    reasons = [r["reason"].split(":", 1)[0] for r in batch.rejects]
    assert reasons == ["missing_title_and_abstract", "malformed_json", "malformed_record"]
    assert [r["record_ref"] for r in batch.rejects] == [capture.ref(1), capture.ref(3), capture.ref(4)]
    assert batch.rejects[1]["payload"] == '{"id":"9999.00008","submitter":"C","authors":"C. Cut'


def test_abs_tex_percent_and_numbered_affiliations():
    (paper,) = abs_parser.parse(_capture("tex.abs")).papers
    assert paper["title"] == "Accents in École and Gödel, 50% kept"  # % is not a TeX comment here
    assert paper["abstract"] == "An abstract with 50% of $\\frac{a}{b}$ and \\\\ a TeX line break."
    assert [(a["name"], a["affiliations"]) for a in paper["authors"]] == [
        ("C. Balázs", ["Univ. A", "Lab B"]), ("M. Bjørn", ["Lab B"]), ("W. Plaß", [])]
    assert paper["published_on"] == date(2024, 2, 29) and paper["topics"] == ["hep-th", "math-ph"]


def test_cassette_with_http_error_and_no_error_entry():
    body = '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>arXiv Query</title></feed>'
    content = ('{"url": "https://export.arxiv.org/api/query?id_list=x", "status_code": 503, "body": %s}'
               % __import__("json").dumps(body)).encode()
    capture = Capture(capture="mem://503", content=content, captured_at=CAPTURED_AT)
    assert atom.sniff(content.decode())
    with pytest.raises(ApiErrorPayload, match="HTTP 503"):
        atom.parse(capture)


def test_oai_error_codes():
    def oai_doc(error: str) -> Capture:
        text = ('<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
                f'<request metadataPrefix="arXiv">http://export.arxiv.org/oai2</request>{error}</OAI-PMH>')
        return Capture(capture="mem://oai", content=text.encode(), captured_at=CAPTURED_AT)
    empty = oai.parse(oai_doc('<error code="noRecordsMatch">nothing</error>'))
    assert empty.papers == [] and empty.rejects == []
    with pytest.raises(ApiErrorPayload, match="badArgument: Illegal argument"):
        oai.parse(oai_doc('<error code="badArgument">Illegal argument</error>'))


@pytest.mark.parametrize("raw,expected", [
    ("A. Smith (MIT)", [("A. Smith", ["MIT"])]),
    ("A. Smith, B. Jones, and C. Brown", [("A. Smith", []), ("B. Jones", []), ("C. Brown", [])]),
    ("D0 Collaboration: V. Abazov, et al", [("D0 Collaboration", []), ("V. Abazov", [])]),
    ("J. Anderson and K. Sand", [("J. Anderson", []), ("K. Sand", [])]),
    ("P. Erd\\H{o}s and {\\L}ukasz Nowak", [("P. Erdős", []), ("Łukasz Nowak", [])]),
])
def test_split_authors(raw, expected):
    assert split_authors(raw) == expected


@pytest.mark.parametrize("comment,pages", [
    ("12 pages, 3 figures", 12), ("1 page", 1), ("2023 IEEE ICSTW, 8 pages, 2 tables", 8),
    ("Proc. pp. 12-20", None), ("no length given", None), (None, None)])
def test_page_count(comment, pages):
    assert page_count(comment) == pages


def test_fast_accents_leave_math_alone():
    assert accents("Mart\\'{\\i}nez, Schr\\\"odinger, \\c{C}elik") == "Martínez, Schrödinger, Çelik"
    math = "$\\vec{v} \\cdot \\rho$ \\cite{x} \\textbf{y}"
    assert accents(math) == math
