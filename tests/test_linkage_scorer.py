"""The public-benchmark scorer's arithmetic (bench/linkage/metrics.py, baselines.py) on hand-made
clusters with values worked out by hand. No benchmark data, no pipeline run."""
from __future__ import annotations

import pytest

from bench.linkage import baselines
from bench.linkage.metrics import (components, cross_pair_counts, pair_counts, per_block, prf,
                                   within_side_pairs)

# Gold: {a1, a2, a3} one entity, {b1, b2} another, c1 alone.
GOLD = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B", "c1": "C"}
# Predicted: a1+a2 together, a3+b1+b2 together (a3 wrongly), c1 alone.
PRED = {"a1": 1, "a2": 1, "a3": 2, "b1": 2, "b2": 2, "c1": 3}


def test_pair_counts_and_scores():
    counts = pair_counts(PRED, GOLD)
    # predicted pairs: C(2,2)+C(3,2) = 1+3 = 4; gold: C(3,2)+C(2,2) = 3+1 = 4;
    # true: (a1,a2) and (b1,b2) = 2
    assert counts == {"pred": 4, "gold": 4, "tp": 2}
    assert prf(counts) == {"pred": 4, "gold": 4, "tp": 2, "precision": 0.5, "recall": 0.5, "f1": 0.5}


def test_unpredicted_records_are_singletons_and_empty_conventions():
    counts = pair_counts({"a1": 1, "a2": 1}, GOLD)  # a3, b1, b2, c1 missing from pred
    assert counts == {"pred": 1, "gold": 4, "tp": 1}
    assert prf(counts)["precision"] == 1.0 and prf(counts)["recall"] == 0.25
    assert prf(counts)["f1"] == 0.4  # 2 * 1 * 0.25 / 1.25
    nothing = prf({"pred": 0, "gold": 0, "tp": 0})
    assert (nothing["precision"], nothing["recall"], nothing["f1"]) == (1.0, 1.0, 1.0)
    assert prf({"pred": 3, "gold": 0, "tp": 0})["f1"] == 0.0  # merged what should stay apart


def test_cross_source_pairs_and_within_source_merges():
    side = {"d1": "dblp", "d2": "dblp", "d3": "dblp", "x1": "acm", "x2": "acm"}
    gold = {"d1": "m1", "x1": "m1", "d2": "m2", "x2": "m2", "d3": "d3"}
    # d1, d3 and x1 in one paper; d2 and x2 in another.
    pred = {"d1": "p", "d3": "p", "x1": "p", "d2": "q", "x2": "q"}
    # cross pairs predicted: (d1,x1) (d3,x1) (d2,x2) = 3, gold: 2, true: 2
    assert cross_pair_counts(pred, gold, side, "dblp", "acm") == {"pred": 3, "gold": 2, "tp": 2}
    assert prf(cross_pair_counts(pred, gold, side, "dblp", "acm"))["precision"] == pytest.approx(0.6667)
    assert within_side_pairs(pred, side) == {
        "acm": {"pairs": 0, "records": 0, "clusters": 0},
        "dblp": {"pairs": 1, "records": 2, "clusters": 1}}
    # all pairs also count the within-source (d1, d3): predicted 4, true 2
    assert pair_counts(pred, gold) == {"pred": 4, "gold": 2, "tp": 2}


def test_per_block_macro_and_micro():
    block = {"a1": "n1", "a2": "n1", "a3": "n1", "b1": "n2", "b2": "n2", "c1": "n2"}
    gold = {"a1": "A", "a2": "A", "a3": "X", "b1": "B", "b2": "B", "c1": "C"}
    pred = {"a1": 1, "a2": 1, "a3": 1, "b1": 2, "b2": 3, "c1": 4}
    result = per_block(pred, gold, block)
    # n1: pred 3 pairs, gold 1, tp 1 -> P 1/3, R 1, F1 0.5
    assert result["blocks"]["n1"] == {"pred": 3, "gold": 1, "tp": 1, "precision": 0.3333, "recall": 1.0, "f1": 0.5}
    # n2: pred 0, gold 1, tp 0 -> P 1 (nothing merged), R 0, F1 0
    assert result["blocks"]["n2"] == {"pred": 0, "gold": 1, "tp": 0, "precision": 1.0, "recall": 0.0, "f1": 0.0}
    assert result["macro"] == {"precision": 0.6667, "recall": 0.5, "f1": 0.25}
    # micro pools the pairs: pred 3, gold 2, tp 1 -> P 1/3, R 1/2, F1 0.4
    assert result["micro"] == {"pred": 3, "gold": 2, "tp": 1, "precision": 0.3333, "recall": 0.5, "f1": 0.4}


def test_components_are_transitive():
    clusters = components(["a", "b", "c", "d", "e"], [("a", "b"), ("c", "b"), ("d", "e")])
    assert clusters["a"] == clusters["b"] == clusters["c"] != clusters["d"] == clusters["e"]


def test_author_baselines():
    m = lambda name, label, authors, at: {"name": name, "label": label, "authors": authors,  # noqa: E731
                                          "position0": at}
    mentions = {
        "r1": m("Ann Lee", 0, ["Ann Lee", "Bo Chen"], 0),
        "r2": m("Ann Lee", 0, ["Carl Diaz", "Ann Lee"], 1),
        "r3": m("Ann Lee", 0, ["Ann Lee", "Carl Díaz"], 0),  # diacritic folded: shares with r2
        "r4": m("Ann Lee", 1, ["Ann Lee", "Bo Chen"], 0),  # shares Bo Chen with r1: a false link
        "r5": m("Ann Lee", 2, ["Ann Lee"], 0),
    }
    one = baselines.one_person_per_name(mentions)
    assert len(set(one.values())) == 1
    linked = baselines.shared_coauthor(mentions)
    assert linked["r1"] == linked["r4"] and linked["r2"] == linked["r3"]
    assert linked["r1"] != linked["r2"] and linked["r5"] not in {linked["r1"], linked["r2"]}
    gold = {r: x["label"] for r, x in mentions.items()}
    block = {r: "Ann Lee" for r in mentions}
    # gold pairs: r1-r2, r1-r3, r2-r3 = 3; predicted: r1-r4, r2-r3 = 2; true: r2-r3 = 1
    assert per_block(linked, gold, block)["micro"]["f1"] == 0.4


def test_fuzzy_title_baseline_needs_same_year_and_mutual_best():
    dblp = [["d1", "Online Aggregation", 1997], ["d2", "Editor's Notes", 2002], ["d3", "Query Processing", 1999]]
    acm = [["x1", "Online aggregation", 1997], ["x2", "Editor's notes", 2003], ["x3", "Query processing.", 1999],
           ["x4", "Query processing", 1999]]
    links = set(baselines.fuzzy_title_links(dblp, acm, threshold=90))
    # d2/x2 differ in year; d3 takes one of its two equal-scoring matches, mutually best
    assert ("d1", "x1") in links and not any(d == "d2" for d, _ in links)
    assert len([1 for d, _ in links if d == "d3"]) == 1 and len(links) == 2
