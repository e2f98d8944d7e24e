"""splink 5 beside papertrail's resolver on the public benchmarks (issue 12): the numbers to choose by.

    .venv/bin/python -m bench.linkage.splink_compare [--datasets dblp-acm,aminer] [--ours run|skip]
                                                      [--rev HEAD] [--threshold 0.99]

For each benchmark (`make bench-data` first) a splink 5 model runs unsupervised on the DuckDB backend
(inputs through `DuckDBAPI.register`, results read with DuckDB, no pandas) in a child process whose
wall seconds, CPU seconds and peak RSS are taken once it has linked and clustered (the oracle sweep
and the scoring are not counted), and is scored with bench.linkage's own pairwise code:

- papers, DBLP-ACM: title (exact with term-frequency adjustment, near, token overlap), author family
  names, year, venue words; prior from a deterministic rule with a recall guessed beforehand, u by
  random sampling, m by EM; clustered by connected components and, where splink has it, by
  `cluster_using_single_best_links` (at most one record per library in a cluster);
- people, AMiner: every mention of an ambiguous name (blocked on the name) compared on the written
  name, co-authors, venue, title words, year and organisation; prior from a rule, EM, connected
  components. Scored per name and macro-averaged, as bench.linkage scores papertrail.

The cut is fixed beforehand (`--threshold`, match probability 0.99). A sweep over cuts is reported
beside it as **best threshold (oracle)**: chosen knowing the labels, a ceiling, not a result.
papertrail's side is a real `papertrail run` of the committed project (`--rev`, default HEAD; clean
export, as `make bench-linkage LINKAGE_ARGS="--rev HEAD"`). Everything goes to
bench/results/splink-compare-<UTC time>.json and a table is printed. Without splink installed
(`pip install -c constraints.txt -e '.[bench]'`) it says so and exits 0.
"""
from __future__ import annotations

import argparse
import html
import importlib.util
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from datetime import datetime, timezone
from pathlib import Path

from . import datasets as D
from .metrics import cross_pair_counts, pair_counts, per_block, prf, within_side_pairs
from .score import cpu_seconds

THRESHOLD = 0.99   # match probability cut, fixed before any run (splink's usual high-precision cut)
SWEEP = (0.1, 0.2, 0.3, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 0.9999, 0.99999, 0.999999)  # for the oracle line only
PREDICT_FLOOR = 0.05 # pairs below this probability are not kept from predict (all cuts are above)
U_MAX_PAIRS = 2e6
SEED = 12
# Recall guessed for the deterministic rules that set the prior (not measured: no labels are read).
PAPER_RULE_RECALL = 0.8   # same folded title and year
PEOPLE_RULE_RECALL = 0.3  # same name and two shared co-authors
INSTALL_HINT = "pip install -c constraints.txt -e '.[bench]'  (splink==5.0.0, the optional bench extra)"
# English function words only (no domain words): dropped from title and venue word lists.
STOPWORDS = frozenset("a an and are as at by for from in into is of on or the to with via its".split())


def splink_available() -> bool:
    return importlib.util.find_spec("splink") is not None


# --- input frames (plain rows; splink gets them through db_api.register) ----------------------

def fold(text: str | None) -> str:
    """Lower case, HTML entities decoded, accents dropped, punctuation to spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", html.unescape(text).lower()).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def words(text: str | None) -> list[str] | None:
    """Distinct folded words minus function words, in first-seen order; None when none (splink's
    NullLevel takes [] for a value)."""
    out = list(dict.fromkeys(w for w in fold(text).split() if w not in STOPWORDS))
    return out or None


def family(name: str) -> str:
    parts = fold(name).split()
    return parts[-1] if parts else ""


def split_authors(value: str | None) -> list[str]:
    return [a.strip() for a in (value or "").split(",") if a.strip()]


def paper_rows(rows: list[dict], side: str) -> list[dict]:
    """Benchmark CSV rows (id, title, authors, venue, year) -> splink input rows of one library."""
    out = []
    for row in rows:
        names = split_authors(row.get("authors"))
        fams = list(dict.fromkeys(f for f in map(family, names) if f))
        year = str(row.get("year") or "").strip()
        title = fold(row.get("title")) or None
        out.append({"unique_id": f"{side}:{row['id']}", "source_dataset": side, "title": title,
                    "title_words": words(row.get("title")),
                    "title_prefix": " ".join(title.split()[:3]) if title else None,
                    "families": fams or None, "first_family": fams[0] if fams else None,
                    "families_key": " ".join(sorted(fams)) or None,
                    "year": int(year) if year.isdigit() else None,
                    "venue_words": words(row.get("venue"))})
    return out


def mention_rows(mentions: dict) -> list[dict]:
    """AMiner mentions (gold.json records: name, byline, position, venue, title, year, org) ->
    splink input rows. The person label is not copied."""
    out = []
    for ref, m in mentions.items():
        at = m.get("position0")
        co = [fold(a) for i, a in enumerate(m.get("authors") or []) if i != at]
        co = list(dict.fromkeys(c for c in co if c))
        written = fold(m.get("written")) or None
        out.append({"unique_id": ref, "name_key": fold(m["name"]), "name_written": written,
                    "first_initial": written[0] if written else None,
                    "coauthors": co or None, "venue": fold(m.get("venue")) or None,
                    "venue_words": words(m.get("venue")), "title_words": words(m.get("title")),
                    "year": m.get("year"), "org": fold(m.get("org")) or None,
                    "org_words": words(m.get("org"))})
    return out


# --- splink models ----------------------------------------------------------------------------

def _jaccard(col: str, at: float) -> str:
    l, r = f"{col}_l", f"{col}_r"
    return (f"len(list_intersect({l}, {r})) >= {at} * "
            f"len(list_distinct(list_concat({l}, {r})))")


def paper_settings():
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    title = cl.CustomComparison(output_column_name="title", comparison_levels=[
        cll.NullLevel("title"),
        cll.ExactMatchLevel("title", term_frequency_adjustments=True),
        cll.JaroWinklerLevel("title", 0.97),
        cll.CustomLevel(_jaccard("title_words", 0.8), "title words jaccard >= 0.8"),
        cll.CustomLevel(_jaccard("title_words", 0.5), "title words jaccard >= 0.5"),
        cll.ElseLevel()])
    authors = cl.CustomComparison(output_column_name="families", comparison_levels=[
        cll.NullLevel("families"), cll.ExactMatchLevel("families_key"),
        cll.CustomLevel(_jaccard("families", 0.5), "family names jaccard >= 0.5"),
        cll.ArrayIntersectLevel("families", 1), cll.ElseLevel()])
    year = cl.CustomComparison(output_column_name="year", comparison_levels=[
        cll.NullLevel("year"), cll.ExactMatchLevel("year"), cll.AbsoluteDifferenceLevel("year", 1),
        cll.ElseLevel()])
    return SettingsCreator(
        link_type="link_only",
        comparisons=[title, authors, year,
                     cl.ArrayIntersectAtSizes("venue_words", [2, 1])],
        blocking_rules_to_generate_predictions=[block_on("title"), block_on("title_prefix"),
                                                block_on("first_family", "year")],
        retain_matching_columns=False)


def people_settings():
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    name = cl.CustomComparison(output_column_name="name_written", comparison_levels=[
        cll.NullLevel("name_written"), cll.ExactMatchLevel("name_written"),
        cll.ExactMatchLevel("first_initial"), cll.ElseLevel()])
    venue = cl.CustomComparison(output_column_name="venue", comparison_levels=[
        cll.NullLevel("venue"), cll.ExactMatchLevel("venue", term_frequency_adjustments=True),
        cll.ArrayIntersectLevel("venue_words", 2), cll.ArrayIntersectLevel("venue_words", 1),
        cll.ElseLevel()])
    year = cl.CustomComparison(output_column_name="year", comparison_levels=[
        cll.NullLevel("year"), cll.AbsoluteDifferenceLevel("year", 1),
        cll.AbsoluteDifferenceLevel("year", 4), cll.AbsoluteDifferenceLevel("year", 10),
        cll.ElseLevel()])
    org = cl.CustomComparison(output_column_name="org", comparison_levels=[
        cll.NullLevel("org"), cll.ExactMatchLevel("org", term_frequency_adjustments=True),
        cll.ArrayIntersectLevel("org_words", 2), cll.ElseLevel()])
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[name, cl.ArrayIntersectAtSizes("coauthors", [2, 1]), venue,
                     cl.ArrayIntersectAtSizes("title_words", [3, 2, 1]), year, org],
        blocking_rules_to_generate_predictions=[block_on("name_key")],
        retain_matching_columns=False)


PROCESS_STARTED = time.perf_counter()


class Timer:
    def __init__(self) -> None:
        self.steps: dict[str, float] = {}
        self._t = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.steps[step] = round(now - self._t, 2)
        self._t = now


def cost_so_far() -> dict:
    """This process's cost up to now: wall seconds since the module was imported (the child's
    start), user+system CPU seconds and peak RSS. Taken when linking and clustering are done, so
    the oracle sweep and the scoring (label work) are not counted."""
    import resource

    use = resource.getrusage(resource.RUSAGE_SELF)
    return {"seconds": round(time.perf_counter() - PROCESS_STARTED, 2),
            "cpu_seconds": round(use.ru_utime + use.ru_stime, 2), "max_rss_mb": use.ru_maxrss // 1024}


def _connect():
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads = 2")  # the shared machine's two cores
    return con


def clusters_of(con, sdf) -> dict:
    """{unique_id: cluster_id} of a splink clustering result, read with DuckDB."""
    return dict(con.execute(f"SELECT unique_id, cluster_id FROM {sdf.physical_name}").fetchall())


def link_papers(dblp: list[dict], acm: list[dict], threshold: float, sweep: bool) -> dict:
    from splink import DuckDBAPI, Linker, block_on

    t = Timer()
    con = _connect()
    db_api = DuckDBAPI(connection=con)
    sdfs = [db_api.register(paper_rows(dblp, "dblp"), dataset_display_name="dblp"),
            db_api.register(paper_rows(acm, "acm"), dataset_display_name="acm")]
    linker = Linker(sdfs, paper_settings())
    t.lap("load")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("title", "year")], recall=PAPER_RULE_RECALL)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
    t.lap("estimate_u")
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("title"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("title_prefix"))
    t.lap("em")
    pred = linker.inference.predict(threshold_match_probability=PREDICT_FLOOR)
    t.lap("predict")
    cc = clusters_of(con, linker.clustering.cluster_pairwise_predictions_at_threshold(
        pred, threshold_match_probability=threshold))
    t.lap("cluster_connected_components")
    best = None
    if hasattr(linker.clustering, "cluster_using_single_best_links"):
        best = clusters_of(con, linker.clustering.cluster_using_single_best_links(
            pred, duplicate_free_datasets=["dblp", "acm"], threshold_match_probability=threshold))
        t.lap("cluster_single_best_links")
    out = _summary(t, con, pred, linker, {"connected_components": cc, "single_best_links": best})
    if sweep:  # label work, kept out of the cost
        out["sweep"] = {"connected_components": {}, "single_best_links": {}}
        for p in SWEEP:
            out["sweep"]["connected_components"][p] = clusters_of(
                con, linker.clustering.cluster_pairwise_predictions_at_threshold(
                    pred, threshold_match_probability=p))
            if best is not None:
                out["sweep"]["single_best_links"][p] = clusters_of(
                    con, linker.clustering.cluster_using_single_best_links(
                        pred, duplicate_free_datasets=["dblp", "acm"], threshold_match_probability=p))
    out["model"] = json.loads(json.dumps(linker.misc.save_model_to_json(), default=str))
    return out


def _summary(t, con, pred, linker, clusters: dict) -> dict:
    """Step times, predicted pairs, the prior, the clusters and the cost so far of one model."""
    return {"steps_seconds": dict(t.steps),
            "pairs_predicted": con.execute(f"SELECT count(*) FROM {pred.physical_name}").fetchone()[0],
            "probability_two_random_records_match": linker._settings_obj._probability_two_random_records_match,
            "clusters": clusters, "cost": cost_so_far()}


def link_people(mentions: dict, threshold: float, sweep: bool) -> dict:
    from splink import DuckDBAPI, Linker, block_on

    t = Timer()
    con = _connect()
    db_api = DuckDBAPI(connection=con)
    sdf = db_api.register(mention_rows(mentions), dataset_display_name="mentions")
    linker = Linker([sdf], people_settings())
    t.lap("load")
    rule = "l.name_key = r.name_key AND len(list_intersect(l.coauthors, r.coauthors)) >= 2"
    linker.training.estimate_probability_two_random_records_match([rule], recall=PEOPLE_RULE_RECALL)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
    t.lap("estimate_u")
    # The prior stays the rule's during EM: left free inside a name block, EM calls every pair of
    # the name one person (lambda -> 1) and learns same-name-ness, not same-person-ness.
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("name_key"), fix_probability_two_random_records_match=True)
    t.lap("em")
    pred = linker.inference.predict(threshold_match_probability=PREDICT_FLOOR)
    t.lap("predict")
    cc = clusters_of(con, linker.clustering.cluster_pairwise_predictions_at_threshold(
        pred, threshold_match_probability=threshold))
    t.lap("cluster_connected_components")
    out = _summary(t, con, pred, linker, {"connected_components": cc})
    if sweep:
        out["sweep"] = {"connected_components": {
            p: clusters_of(con, linker.clustering.cluster_pairwise_predictions_at_threshold(
                pred, threshold_match_probability=p)) for p in SWEEP}}
    out["model"] = json.loads(json.dumps(linker.misc.save_model_to_json(), default=str))
    return out


# --- scoring (bench.linkage's pairwise code) --------------------------------------------------

def paper_truth(gold: dict) -> tuple[dict, dict]:
    """({(side, id): gold entity}, {(side, id): side}) exactly as bench.linkage.score_papers."""
    key = [(r["side"], r["id"]) for r in gold["records"].values()]
    matched = {}
    for d, a in gold["matches"]:
        matched[("dblp", d)] = matched[("acm", a)] = ("match", d)
    return {k: matched.get(k, k) for k in key}, {k: k[0] for k in key}


def score_paper_clusters(clusters: dict, truth: dict, side: dict) -> dict:
    pred = {tuple(uid.split(":", 1)): c for uid, c in clusters.items()}
    s = prf(cross_pair_counts(pred, truth, side, "dblp", "acm"))
    s["all_pairs"] = prf(pair_counts(pred, truth))
    s["within_source_false_merges"] = within_side_pairs(pred, side)
    return s


def people_truth(gold: dict) -> tuple[dict, dict]:
    """As bench.linkage.score_authors: mentions whose name is found in the byline, per name."""
    scored = {ref: m for ref, m in gold["records"].items() if m["position0"] is not None}
    return ({ref: (m["name"], m["label"]) for ref, m in scored.items()},
            {ref: m["name"] for ref, m in scored.items()})


def _best(sweep: dict, score) -> dict:
    scored = {p: score(c) for p, c in sweep.items()}
    p = max(scored, key=lambda k: scored[k]["f1"])
    return {"threshold": p, **scored[p], "f1_by_threshold": {k: v["f1"] for k, v in scored.items()}}


def score_dataset(name: str, gold: dict, linked: dict) -> dict:
    if name == "dblp-acm":
        truth, side = paper_truth(gold)
        score = lambda c: score_paper_clusters(c, truth, side)  # noqa: E731
        flat = lambda s: {k: s[k] for k in ("precision", "recall", "f1")}  # noqa: E731
    else:
        truth, block = people_truth(gold)
        score = lambda c: per_block(c, truth, block)  # noqa: E731
        flat = lambda s: {**s["macro"], "micro_f1": s["micro"]["f1"]}  # noqa: E731
    out = {}
    for method, clusters in linked["clusters"].items():
        if clusters is not None:
            s = score(clusters)
            out[method] = s if name == "dblp-acm" else {"macro": s["macro"], "micro": s["micro"]}
    for method, by_p in (linked.get("sweep") or {}).items():
        if by_p:
            best = _best(by_p, lambda c: flat(score(c)))
            out[f"{method}_oracle"] = best
    return out


# --- running --------------------------------------------------------------------------------

def load_gold(name: str) -> dict | None:
    path = D.gold_path(D.DATASETS[name])
    return json.loads(path.read_text()) if path.exists() else None


def child(name: str, out: Path, threshold: float, sweep: bool) -> None:
    """One dataset in this process (the parent times it): link, score, write JSON."""
    if name == "dblp-acm":
        from .convert_dblp_acm import read_csv

        raw = D.raw_dir(D.DBLP_ACM)
        linked = link_papers(read_csv((raw / "DBLP2.csv").read_bytes()),
                             read_csv((raw / "ACM.csv").read_bytes()), threshold, sweep)
        gold = load_gold(name)  # labels: only for scoring, after the clock
    else:
        gold = load_gold(name)  # the mentions are the input (their labels are not copied)
        linked = link_people(gold["records"], threshold, sweep)
    result = {"threshold_match_probability": threshold, **linked["cost"],
              "steps_seconds": linked["steps_seconds"], "pairs_predicted": linked["pairs_predicted"],
              "probability_two_random_records_match": linked["probability_two_random_records_match"],
              "scores": score_dataset(name, gold, linked), "model": linked["model"]}
    out.write_text(json.dumps(result, default=str))


def run_splink(name: str, threshold: float, sweep: bool) -> dict:
    """The child process: its cost up to linked-and-clustered (imports, reading the benchmark,
    splink; `cost_so_far`), as bench.linkage measures a whole `papertrail run`; GNU time's figures
    for the whole child (with the oracle sweep and scoring) are kept as `process_total`."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "bench.linkage.splink_compare",
               "--child", name, "--out", str(out), "--threshold", str(threshold)]
        if not sweep:
            cmd.append("--no-sweep")
        started = time.perf_counter()
        proc = subprocess.run(cmd, cwd=D.ROOT, capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(D.ROOT)})
        seconds = round(time.perf_counter() - started, 2)
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
        if proc.returncode or not out.exists():
            return {"ok": False, "error": proc.stderr.split("\tCommand being timed")[0].splitlines()[-15:]}
        result = json.loads(out.read_text())
    return {"ok": True, **result,
            "process_total": {"seconds": seconds, "cpu_seconds": cpu_seconds(proc.stderr),
                              "max_rss_mb": int(rss.group(1)) // 1024 if rss else None}}


def run_ours(name: str, gold: dict, rev: str | None) -> dict:
    from . import baselines
    from .__main__ import evaluate
    from .score import export_code

    code = export_code(rev)[0] if rev else None
    r = evaluate(name, gold, None, baselines.THRESHOLD, code)
    run, sc = r.get("run") or {}, r.get("scores")
    if not sc:
        return {"ok": False, "run": run}
    ours = sc["papertrail"]
    s = ({k: ours[k] for k in ("precision", "recall", "f1", "all_pairs", "within_source_false_merges")}
         if name == "dblp-acm" else {"macro": ours["macro"], "micro": ours["micro"]})
    base = {k: v for k, v in sc.items() if k.startswith("baseline")}
    if name == "aminer":
        base = {k: {"macro": v["macro"], "micro": v["micro"]} for k, v in base.items()}
    return {"ok": True, "seconds": run.get("seconds"), "cpu_seconds": run.get("cpu_seconds"),
            "max_rss_mb": run.get("max_rss_mb"), "code": run.get("code"), "steps_seconds": pipeline_steps(D.DATA / name / "run" / ".dagster"),
            "scores": s, "baselines": base}


def pipeline_steps(dagster_home: Path) -> dict:
    """Seconds of each step of the run (its resolution alone is `resolved_tables`), from the run's
    Dagster event log; {} when it cannot be read."""
    try:
        from dagster import DagsterInstance

        from bench.parts import _step_seconds

        instance = DagsterInstance.from_config(str(dagster_home))
        runs = instance.get_runs(limit=1)
        return _step_seconds(instance, runs[0].run_id) if runs else {}
    except Exception as exc:  # noqa: BLE001 - a missing timing must not lose the scores
        return {"error": repr(exc)[:200]}


def _fmt(s: dict | None) -> str:
    if not s:
        return f"{'-':>6} {'-':>6} {'-':>6}"
    s = s.get("macro", s)
    return f"{s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f}"


SHORT = {"connected_components": "components", "single_best_links": "1:1"}


def table(results: dict, threshold: float) -> str:
    lines = [f"  {'':<58} {'P':>6} {'R':>6} {'F1':>6}  {'wall':>7} {'CPU':>7} {'peak RSS':>9}"]
    cost = lambda r: (f"{r['seconds']:>6.1f}s {r.get('cpu_seconds') or 0:>6.1f}s {r['max_rss_mb']:>6} MB"  # noqa: E731
                      if r and r.get("seconds") is not None else "")
    for name, r in results.items():
        ours, spl = r.get("papertrail") or {}, r.get("splink") or {}
        label = "cross-source pairs" if name == "dblp-acm" else "macro pairwise over names"
        lines.append(f"{name} ({label})")
        if ours.get("ok"):
            lines.append(f"  {'papertrail (papertrail run, whole pipeline)':<58} {_fmt(ours['scores'])}  {cost(ours)}")
            if ours.get("steps_seconds"):
                lines.append(f"  papertrail steps (s): {ours['steps_seconds']}")
        if spl.get("ok"):
            sc = spl["scores"]
            lines.append(f"  {f'splink 5, connected components, p >= {threshold:g}':<58} "
                         f"{_fmt(sc['connected_components'])}  {cost(spl)}")
            if "single_best_links" in sc:
                lines.append(f"  {f'splink 5, single best links (1:1), p >= {threshold:g}':<58} "
                             f"{_fmt(sc['single_best_links'])}  (same run)")
            for method in ("connected_components", "single_best_links"):
                o = sc.get(f"{method}_oracle")
                if o:
                    label = f"  best threshold (oracle: labels used), {SHORT[method]}, p >= {o['threshold']:g}"
                    lines.append(f"  {label:<58} {_fmt(o)}")
            lines.append(f"  splink steps (s): {spl['steps_seconds']}; pairs kept: {spl['pairs_predicted']}")
        elif spl:
            lines.append("  splink: failed: " + " | ".join(spl.get("error", [])[-3:]))
        for key, b in (ours.get("baselines") or {}).items():
            if isinstance(b, dict) and ("f1" in b or "macro" in b):
                lines.append(f"  {'  baseline: ' + key.removeprefix('baseline_'):<58} {_fmt(b)}")
        pub = [p for p in D.DATASETS[name]["published"] if p.get("f1")]
        if pub:
            lines.append("  published/recorded (F1 %): " + ", ".join(f"{p['system'].split(' (')[0]} {p['f1']}"
                                                                   for p in pub))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=",".join(D.DATASETS))
    parser.add_argument("--threshold", type=float, default=THRESHOLD,
                        help="match probability cut for clustering (fixed beforehand)")
    parser.add_argument("--ours", choices=("run", "skip"), default="run",
                        help="also run papertrail's pipeline on the same data (default) or not")
    parser.add_argument("--rev", default="HEAD",
                        help="git revision of papertrail to run (clean export); '' = the working tree")
    parser.add_argument("--no-sweep", action="store_true", help="skip the oracle threshold sweep")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not splink_available():
        print(f"bench.linkage.splink_compare: skip: splink is not installed ({INSTALL_HINT})")
        return 0
    if args.child:
        child(args.child, args.out, args.threshold, not args.no_sweep)
        return 0
    names = [n.strip() for n in args.datasets.split(",") if n.strip()]
    started = datetime.now(timezone.utc)
    results = {}
    for name in names:
        gold = load_gold(name)
        if gold is None:
            print(f"bench.linkage.splink_compare: skip {name}: no data (run `make bench-data` first)")
            continue
        print(f"bench.linkage.splink_compare: {name}: splink 5 ...", flush=True)
        results[name] = {"splink": run_splink(name, args.threshold, not args.no_sweep)}
        if args.ours == "run":
            results[name]["papertrail"] = run_ours(name, gold, args.rev or None)
    if not results:
        print("bench.linkage.splink_compare: nothing to compare")
        return 0
    import duckdb
    import splink

    head = subprocess.run(["git", "-C", str(D.ROOT), "rev-parse", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    report = {"started": started.isoformat(timespec="seconds"), "papertrail_rev": args.rev or "working tree",
              "head": head, "versions": {"splink": splink.__version__, "duckdb": duckdb.__version__,
                                         "python": platform.python_version()},
              "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
              "threshold_match_probability": args.threshold,
              "note": "'*_oracle' entries pick the cut knowing the labels: a ceiling, not a result. "
                      "papertrail's time/RSS are a whole `papertrail run` (ETL + resolution + publish); "
                      "splink's are a process that reads the benchmark, links and clusters.",
              "datasets": results}
    D.RESULTS.mkdir(parents=True, exist_ok=True)
    out = D.RESULTS / f"splink-compare-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False, default=str) + "\n")
    print(table(results, args.threshold))
    print(f"bench.linkage.splink_compare: wrote {D.rel(out)}")
    return 0 if all(r["splink"].get("ok") for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
