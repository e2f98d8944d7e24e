"""arXiv API Atom feeds: every real response in realdata/arxiv_atom, exact counts and fields.

Expected numbers were counted independently of the parser (grep -c '<entry' per raw_xml file;
the cassette bodies are byte-identical to the raw_xml files of the same name)."""
from __future__ import annotations

from datetime import date

import pytest

from papertrail.pipelines.errors import ApiErrorPayload
from papertrail.pipelines.sources.arxiv import atom

# raw_xml entries per file (grep -c '<entry'); the cassettes hold the same bodies minus legacy_*
ENTRIES = {
    "id_0000.0000_s0_m100_8b51d9633a68": 0, "id_0808.05394_s0_m100_7b0c7d0a7cdd": 0,
    "id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af": 1, "id_1605.08386_s0_m100_199195aa31ad": 1,
    "id_1707.08567_s0_m100_6a1afebfc6a3": 1, "id_2104.12255v1_s0_m100_6ae69987ffe1": 1,
    "id_astro-ph_0601001_s0_m100_3150dca9dc76": 1, "id_quant-ph_0201082v1_s0_m100_86989fe779ef": 1,
    "q_testing_s0_m100_cfe7536492ca": 100, "q_testing_s0_m10_bc5a6c384fe9": 10,
    "q_testing_s0_m15_80c242b59d59": 15, "q_testing_s10_m10_34e56e15aaac": 10,
    "q_testing_s20_m10_348a237fecab": 10, "q_testing_s30_m10_f2e39f0143dc": 10,
    "q_testing_s40_m10_96dd32eb854c": 10, "q_testing_s50_m10_7f488ab8598c": 10,
    "q_testing_s5_m10_c0e94a259d4a": 10, "q_testing_s5_m15_bbcf6b23085b": 15,
    "q_testing_s9_m15_0b78d4b4d476": 15,
}
LEGACY = {"legacy_id_list=1111.2011v2.xml": 1, "legacy_search_query=au_del_maestro.xml": 10,
          "legacy_search_query=au_del_maestro_ANDNOT__28ti_checkerboard_OR_ti_Pyrochlore_29.xml": 10,
          "legacy_search_query=au_del_maestro_AND_ti__quantum_criticality_.xml": 2,
          "legacy_search_query=au_del_maestro_AND_ti_checkerboard.xml": 1}
ERROR_REASON = "api_error_payload: arXiv API error: incorrect id format for abc"


def _parse(path, load_capture):
    capture = load_capture(path)
    assert atom.sniff(capture.content.decode("utf-8")[:8192]), path
    return atom.parse(capture)


@pytest.fixture
def atom_dir(realdata_dir):
    return realdata_dir / "arxiv_atom"


@pytest.mark.parametrize("folder,suffix", [("raw_xml", ".atom.xml"), ("cassettes_json", ".json")])
def test_every_response_parses_to_its_entry_count(atom_dir, load_capture, folder, suffix):
    for stem, expected in ENTRIES.items():
        batch = _parse(atom_dir / folder / f"{stem}{suffix}", load_capture)
        assert len(batch.papers) == expected, stem
        assert batch.rejects == [], stem
        assert len(batch.topic_labels) == sum(len(p["topics"]) for p in batch.papers)
        batch.to_arrow()  # exactly the schema's columns and types


def test_legacy_2016_feeds(atom_dir, load_capture):
    for name, expected in LEGACY.items():
        assert len(_parse(atom_dir / "raw_xml" / name, load_capture).papers) == expected, name
    papers = _parse(atom_dir / "raw_xml" / "legacy_search_query=au_del_maestro.xml", load_capture).papers
    first = papers[0]
    assert first["arxiv_id"] == "1201.4869"
    assert first["title"] == "A Luttinger Liquid Core Inside Helium-4 Filled Nanopores"
    assert first["abstract"].startswith("As helium-4 is cooled below 2.17 K it undergoes a phase transition to a fundamentally")
    assert "\n" not in first["abstract"]
    assert first["doi"] == "10.1142/s021797921244002x"
    assert first["venue"] == "Int. J. Mod. Phys. B, 26, 1244002 (2012)"
    assert first["primary_topic"] == "cond-mat.mes-hall"
    assert first["topics"] == ["cond-mat.mes-hall", "cond-mat.other"]
    assert first["published_on"] == date(2012, 1, 23)
    assert first["page_count"] == 26
    assert [a["name"] for a in first["authors"]] == ["Adrian Del Maestro"]
    assert papers[1]["arxiv_id"] == "cond-mat/0412498"


def test_totals_across_the_kind(atom_dir, load_capture):
    total = 0
    for path in sorted(atom_dir.rglob("*")):
        if path.is_file() and path.suffix in (".xml", ".json") and "id_abc_" not in path.name:
            total += len(_parse(path, load_capture).papers)
    assert total == 466  # 245 in raw_xml (24 legacy) + 221 in the cassettes


def test_single_id_fields(atom_dir, load_capture):
    (paper,) = _parse(atom_dir / "raw_xml" / "id_1605.08386_s0_m100_199195aa31ad.atom.xml", load_capture).papers
    assert paper["title"] == "Heat-bath random walks with Markov bases"
    assert paper["arxiv_id"] == "1605.08386"
    assert paper["published_on"] == date(2016, 5, 26) and paper["date_precision"] == "day"
    assert paper["primary_topic"] == "math.CO" and paper["topics"] == ["math.CO", "math.ST"]
    assert paper["doi"] is None and paper["venue"] == "arXiv" and paper["page_count"] == 20
    assert [(a["name"], a["position"]) for a in paper["authors"]] == [("Caprice Stanley", 1), ("Tobias Windisch", 2)]
    assert paper["source"] == "arxiv_atom" and paper["authors_truncated"] is False


def test_old_style_ids_and_affiliations(atom_dir, load_capture):
    (paper,) = _parse(atom_dir / "cassettes_json" / "id_astro-ph_0601001_s0_m100_3150dca9dc76.json", load_capture).papers
    assert paper["arxiv_id"] == "astro-ph/0601001" and paper["primary_topic"] == "astro-ph"
    assert [(a["name"], a["affiliations"]) for a in paper["authors"]] == [
        ("Andrew Gould", ["Ohio State"]), ("Susan Dorsher", ["Ohio State"]),
        ("B. Scott Gaudi", ["CfA"]), ("Andrzej Udalski", ["Warsaw University Observatory"])]
    assert paper["venue"] == "ActaAstron.56:1-50,2006" and paper["page_count"] == 62
    (paper,) = _parse(atom_dir / "raw_xml" / "id_quant-ph_0201082v1_s0_m100_86989fe779ef.atom.xml", load_capture).papers
    assert paper["arxiv_id"] == "quant-ph/0201082"


def test_mojibake_is_repaired(atom_dir, load_capture):
    (paper,) = _parse(atom_dir / "cassettes_json" / "id_1707.08567_s0_m100_6a1afebfc6a3.json", load_capture).papers
    assert paper["authors"][32]["name"] == "Dirk Wübben" and len(paper["authors"]) == 34
    names = {a["name"] for p in _parse(atom_dir / "raw_xml" / "q_testing_s0_m100_cfe7536492ca.atom.xml",
                                         load_capture).papers for a in p["authors"]}
    assert {"Oliver Weißl", "Mika V. Mäntylä", "José Raúl Romero", "Sébastien Lafond"} <= names
    for path in (p for p in (atom_dir / "raw_xml").glob("*.xml") if "id_abc_" not in p.name):
        for p in _parse(path, load_capture).papers:
            text = " ".join([p["title"], p["abstract"]] + [a["name"] for a in p["authors"]])
            assert "Ã" not in text and "â€" not in text, (path.name, p["arxiv_id"])


def test_topic_label_rows(atom_dir, load_capture):
    batch = _parse(atom_dir / "raw_xml" / "id_1605.08386_s0_m100_199195aa31ad.atom.xml", load_capture)
    assert [(t["topic"], t["label"], t["scheme"], t["parent"]) for t in batch.topic_labels] == [
        ("math.CO", "Combinatorics", "arxiv", "math"), ("math.ST", "Statistics Theory", "arxiv", "math")]
    assert {t["record_ref"] for t in batch.topic_labels} == {batch.papers[0]["record_ref"]}


@pytest.mark.parametrize("name", ["raw_xml/id_abc_s0_m100_b79c8dcf6bc3.atom.xml",
                                  "cassettes_json/id_abc_s0_m100_b79c8dcf6bc3.json"])
def test_invalid_id_error_entry_is_an_api_error(atom_dir, load_capture, name):
    with pytest.raises(ApiErrorPayload) as err:
        _parse(atom_dir / name, load_capture)
    assert err.value.describe() == ERROR_REASON


def test_zero_results_is_an_empty_batch(atom_dir, load_capture):
    for name in ("raw_xml/id_0000.0000_s0_m100_8b51d9633a68.atom.xml",
                 "cassettes_json/id_0808.05394_s0_m100_7b0c7d0a7cdd.json"):
        batch = _parse(atom_dir / name, load_capture)
        assert (batch.papers, batch.rejects, batch.format) == ([], [], "arxiv_atom")


def test_sniff_is_specific():
    assert atom.sniff('{"url": "https://export.arxiv.org/api/query?id_list=1", "status_code": 200, "body": "<?xml"}')
    assert not atom.sniff('{"url": "https://api.openalex.org/works", "body": "<?xml"}')
    assert not atom.sniff('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title></feed>')
    assert not atom.sniff('<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">')
