"""bench.linkage.splink_compare's input frames on hand-made records (no benchmark data, no splink
needed), and its skip when splink is absent."""
from __future__ import annotations

from bench.linkage import splink_compare as S


def test_paper_rows_fold_titles_families_venues_and_years():
    rows = S.paper_rows([
        {"id": "p1", "title": "Caf\u00e9 Queries:  the (Demo) Edition", "authors": "Ana B. L\u00f3pez, Li Wei",
         "venue": "The VLDB Journal &mdash; Special Issue", "year": "2001"},
        {"id": "p2", "title": "", "authors": "", "venue": "", "year": ""},
    ], "acm")
    first, empty = rows
    assert first["unique_id"] == "acm:p1" and first["source_dataset"] == "acm"
    assert first["title"] == "cafe queries the demo edition"
    assert first["title_words"] == ["cafe", "queries", "demo", "edition"]  # function words dropped
    assert first["title_prefix"] == "cafe queries the"
    assert first["families"] == ["lopez", "wei"] and first["first_family"] == "lopez"
    assert first["families_key"] == "lopez wei"
    assert first["year"] == 2001
    assert first["venue_words"] == ["vldb", "journal", "special", "issue"]  # &mdash; decoded
    # nothing known is NULL, never '' or [] (splink's NullLevel takes [] for a value)
    assert {k: v for k, v in empty.items() if k not in ("unique_id", "source_dataset")} == {
        "title": None, "title_words": None, "title_prefix": None, "families": None,
        "first_family": None, "families_key": None, "year": None, "venue_words": None}


def test_mention_rows_leave_out_the_name_itself_and_the_label():
    mentions = {
        "c:0": {"name": "Jos\u00e9 Silva", "label": "7", "position0": 1, "written": "Jos\u00e9 Silva",
                "authors": ["Mary Ode", "Jos\u00e9 Silva", "mary ode", "Kim Lee"], "venue": "ICDE",
                "title": "On Joins in a Stream", "year": 2004, "org": "Univ. of Porto"},
        "c:1": {"name": "Jos\u00e9 Silva", "label": "8", "position0": None, "written": None,
                "authors": ["J. Silva", "Kim Lee"], "venue": None, "title": None, "year": None,
                "org": None},
        "c:2": {"name": "Jos\u00e9 Silva", "label": "8", "position0": 0, "written": "Jos\u00e9 Silva",
                "authors": ["Jos\u00e9 Silva"], "venue": "", "title": "Of the", "year": 1999, "org": ""},
    }
    a, b, c = S.mention_rows(mentions)
    assert a == {"unique_id": "c:0", "name_key": "jose silva", "name_written": "jose silva",
                 "first_initial": "j", "coauthors": ["mary ode", "kim lee"], "venue": "icde",
                 "venue_words": ["icde"], "title_words": ["joins", "stream"], "year": 2004,
                 "org": "univ of porto", "org_words": ["univ", "porto"]}
    assert "label" not in a
    # name not found in the byline: every byline name is a co-author, the written name unknown
    assert b["name_written"] is None and b["first_initial"] is None
    assert b["coauthors"] == ["j silva", "kim lee"]
    # single author, empty fields: NULL
    assert c["coauthors"] is None and c["venue"] is None and c["org"] is None
    assert c["title_words"] is None


def test_pairwise_scoring_reads_clusters_like_bench_linkage():
    gold = {"records": {"r1": {"side": "dblp", "id": "1"}, "r2": {"side": "acm", "id": "a"},
                        "r3": {"side": "dblp", "id": "2"}, "r4": {"side": "acm", "id": "b"}},
            "matches": [["1", "a"], ["2", "b"]]}
    truth, side = S.paper_truth(gold)
    # one right link, one wrong: dblp:2 with acm:a's cluster
    s = S.score_paper_clusters({"dblp:1": "x", "acm:a": "x", "dblp:2": "x", "acm:b": "y"}, truth, side)
    assert (s["tp"], s["pred"], s["gold"]) == (1, 2, 2)
    assert s["within_source_false_merges"]["dblp"]["pairs"] == 1


def test_skips_with_a_message_without_splink(monkeypatch, capsys):
    monkeypatch.setattr(S, "splink_available", lambda: False)
    assert S.main(["--datasets", "dblp-acm"]) == 0
    out = capsys.readouterr().out
    assert "splink is not installed" in out and ".[bench]" in out


def test_cpu_seconds_from_gnu_time():
    from bench.linkage.score import cpu_seconds

    text = "\tUser time (seconds): 10.25\n\tSystem time (seconds): 0.50\n\tPercent of CPU this job got: 90%\n"
    assert cpu_seconds(text) == 10.75
    assert cpu_seconds("no timing here") is None
