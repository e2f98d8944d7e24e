"""Every file in realdata/arxiv_* ends as papers, an empty answer or one specific reject: never an
exception, and never claimed by two arXiv parsers. Dispatch mirrors registry.parse_capture over the
four arXiv parsers only, so the result does not depend on the other sources' sniffers."""
from __future__ import annotations

from collections import Counter

import pytest

from papertrail.pipelines.errors import ParseError, UnknownFormat
from papertrail.pipelines.records import ParsedBatch, reject
from papertrail.pipelines.sources.arxiv import abs as abs_parser
from papertrail.pipelines.sources.arxiv import atom, oai, snapshot
from papertrail.pipelines.sources.base import HEAD_CHARS, decode

PARSERS = (atom, oai, abs_parser, snapshot)
KINDS = ("arxiv_atom", "arxiv_oai", "arxiv_abs", "arxiv_kaggle_snapshot")


def run(capture) -> ParsedBatch:
    source = None
    try:
        head = decode(capture)[:HEAD_CHARS]
        claimed = [m for m in PARSERS if m.sniff(head)]
        assert len(claimed) <= 1, (capture.capture, [m.NAME for m in claimed])
        if not claimed:
            raise UnknownFormat(f"{capture.capture}: no arXiv parser recognises this content")
        source = claimed[0].NAME
        return claimed[0].parse(capture)
    except ParseError as err:
        return ParsedBatch(rejects=[reject(capture, source, err.describe(), capture.content)], format=source)


@pytest.fixture
def outcomes(realdata_dir, load_capture):
    result = {}
    for kind in KINDS:
        for path in sorted((realdata_dir / kind).rglob("*")):
            if path.is_file() and path.name != "PROVENANCE.md":
                result[path.relative_to(realdata_dir).as_posix()] = run(load_capture(path))
    return result


def test_every_file_has_a_specific_outcome(outcomes):
    assert len(outcomes) == 45 + 23 + 1192 + 1  # README's file counts less the PROVENANCE.md files
    papers = Counter()
    for name, batch in outcomes.items():
        papers[(name.split("/", 1)[0], batch.format)] += len(batch.papers)
        for row in batch.rejects:
            assert row["reason"] and row["reason"].split(":", 1)[0] in {
                "api_error_payload", "empty_capture", "unknown_format"}, (name, row["reason"])
        batch.to_arrow()
    assert papers == {
        ("arxiv_atom", "arxiv_atom"): 466,
        ("arxiv_oai", "arxiv_oai"): 34,
        ("arxiv_oai", "arxiv_atom"): 2,  # researchhub's arxiv_sample_response.xml is an Atom feed
        ("arxiv_oai", None): 0,
        ("arxiv_abs", "arxiv_abs"): 1191,
        ("arxiv_abs", None): 0,  # the 0-byte file fails in decode, before any sniffer
        ("arxiv_kaggle_snapshot", "arxiv_snapshot"): 200,
    }


def test_the_files_that_are_not_papers(outcomes):
    not_papers = {name: [r["reason"] for r in b.rejects] for name, b in outcomes.items() if not b.papers}
    abc_reason = ["api_error_payload: arXiv API error: incorrect id format for abc"]
    empty = [name for name, reasons in not_papers.items() if not reasons]
    assert sorted(empty) == [
        "arxiv_atom/cassettes_json/id_0000.0000_s0_m100_8b51d9633a68.json",
        "arxiv_atom/cassettes_json/id_0808.05394_s0_m100_7b0c7d0a7cdd.json",
        "arxiv_atom/raw_xml/id_0000.0000_s0_m100_8b51d9633a68.atom.xml",
        "arxiv_atom/raw_xml/id_0808.05394_s0_m100_7b0c7d0a7cdd.atom.xml",
        "arxiv_oai/researchhub-backend/arxiv_empty_response.xml",
        "arxiv_oai/researchhub-backend/arxiv_oai_empty_response.xml",
    ]
    assert not_papers["arxiv_atom/raw_xml/id_abc_s0_m100_b79c8dcf6bc3.atom.xml"] == abc_reason
    assert not_papers["arxiv_atom/cassettes_json/id_abc_s0_m100_b79c8dcf6bc3.json"] == abc_reason
    (zero_byte,) = not_papers["arxiv_abs/arxiv-browse/ftp/math-ph/papers/0509/0509037.abs"]
    assert zero_byte.startswith("empty_capture: ") and zero_byte.endswith("file is empty (0 bytes)")
    # researchhub's own parsed output (JSON of dicts it built), not an arXiv wire format
    for name in ("arxiv_oai/researchhub-backend/arxiv_oai_parsed_record.json",
                 "arxiv_oai/researchhub-backend/arxiv_parsed_records.json"):
        (reason,) = not_papers[name]
        assert reason.startswith("unknown_format: ")
    assert len(not_papers) == 6 + 2 + 1 + 2
