"""Paper and author resolution measured against the labelled set of bench/evalset.py.

    .venv/bin/python -m bench.resolution_eval [--shared ../shared]

Prints pairwise precision / recall / F1 for paper merges (overall and per view) and author merges
(overall and per scope), and writes the figures to bench/results/resolution_eval.json.
Targets (issue 4): papers precision >= 0.99 and recall >= 0.98; authors precision >= 0.98.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import polars as pl

from papertrail.pipelines.resolve.authors import resolve_authors
from papertrail.pipelines.resolve.papers import CROSSWALK_SCHEMA, resolve_papers

from .evalset import build

REPO = Path(__file__).resolve().parents[1]
TARGETS = {"papers": {"precision": 0.99, "recall": 0.98}, "authors": {"precision": 0.98}}


def pair_counts(frame: pl.DataFrame, pred: str, gold: str) -> dict[str, int]:
    """Pairs predicted together, pairs truly together, and both (from cluster-size counts)."""
    def pairs(cols: list[str]) -> int:
        sizes = frame.group_by(cols).len()["len"]
        return int((sizes * (sizes - 1) // 2).sum())
    return {"pred": pairs([pred]), "gold": pairs([gold]), "tp": pairs([pred, gold])}


def scores(c: dict[str, int]) -> dict[str, float | int]:
    p = c["tp"] / c["pred"] if c["pred"] else 1.0
    r = c["tp"] / c["gold"] if c["gold"] else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {**c, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def add(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    return {k: a.get(k, 0) + b[k] for k in b}


def paper_scores(records: pl.DataFrame, gold: pl.DataFrame) -> dict[str, dict]:
    everything = records.select("record_ref", "paper_id").join(gold, on="record_ref")
    joined = everything.filter(pl.col("scored"))
    left_out = everything.filter(~pl.col("scored"))
    result = {"all": scores(pair_counts(joined, "paper_id", "gold")),
              "s2_versions_left_out": {"records": left_out.height, "papers": left_out["paper_id"].n_unique()}}
    # Per view: pairs with at least one record seen through that view.
    for view in sorted(joined["view"].unique().to_list()):
        touched = joined.filter(pl.col("gold").is_in(joined.filter(pl.col("view") == view)["gold"].implode())
                                | pl.col("paper_id").is_in(joined.filter(pl.col("view") == view)["paper_id"].implode()))
        result[f"view:{view}"] = scores(pair_counts(touched, "paper_id", "gold"))
    return result


def author_scores(mentions: pl.DataFrame, gold: pl.DataFrame) -> dict[str, dict]:
    labelled = (mentions.select("record_ref", "position", "author_id")
                .join(gold.filter(pl.col("position").is_not_null()), on=["record_ref", "position"]))
    owners = (mentions.filter(pl.col("owner")).select("record_ref", "author_id")
              .join(gold.filter(pl.col("position").is_null()).drop("position"), on="record_ref"))
    labelled = pl.concat([labelled.select("scope", "author_id", "gold"), owners.select("scope", "author_id", "gold")])
    total: dict[str, int] = {}
    groups: dict[str, dict[str, int]] = {}
    for (scope,), part in labelled.group_by("scope"):
        counts = pair_counts(part, "author_id", "gold")
        total = add(total, counts)
        group = "arxiv_same_paper" if scope.startswith("arxiv:") else scope
        groups[group] = add(groups.get(group, {}), counts)
    return {"all": scores(total), **{f"scope:{k}": scores(v) for k, v in sorted(groups.items())}}


def run(shared: Path) -> dict:
    started = time.perf_counter()
    evalset = build(shared)
    built = time.perf_counter()
    resolved = resolve_papers(evalset.papers, pl.DataFrame(schema=CROSSWALK_SCHEMA))
    people = resolve_authors(resolved["records"], resolved["papers"], evalset.profiles)
    done = time.perf_counter()
    return {
        "records": evalset.papers.height, "mentions": people["mentions"].height,
        "papers": paper_scores(resolved["records"], evalset.paper_gold),
        "authors": author_scores(people["mentions"], evalset.author_gold),
        "seconds": {"build": round(built - started, 2), "resolve": round(done - built, 2)},
        "targets": TARGETS,
    }


def table(result: dict) -> str:
    lines = [f"{'entity':8} {'slice':26} {'pred pairs':>10} {'gold pairs':>10} {'tp':>8} "
             f"{'precision':>9} {'recall':>7} {'f1':>7}"]
    for entity in ("papers", "authors"):
        for name, s in result[entity].items():
            if "pred" not in s:
                lines.append(f"{entity:8} {name:26} " + ", ".join(f"{k} {v}" for k, v in s.items()))
                continue
            lines.append(f"{entity:8} {name:26} {s['pred']:>10} {s['gold']:>10} {s['tp']:>8} "
                         f"{s['precision']:>9.4f} {s['recall']:>7.4f} {s['f1']:>7.4f}")
    lines.append(f"records {result['records']}, author mentions {result['mentions']}, "
                 f"build {result['seconds']['build']} s, resolve {result['seconds']['resolve']} s")
    return "\n".join(lines)


def met(result: dict) -> bool:
    return all(result[e]["all"][k] >= v for e, t in TARGETS.items() for k, v in t.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    result = run(args.shared)
    print(table(result))
    print("targets met" if met(result) else "TARGETS NOT MET")
    out = REPO / "bench" / "results" / "resolution_eval.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"wrote {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
