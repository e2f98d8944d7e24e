"""Run the real pipeline on a benchmark's captures and score the warehouse it publishes.

The pipeline runs as users run it (`.venv/bin/papertrail run --captures DIR --db FILE`, cold, in a
work directory of its own, timed with GNU time for wall seconds and peak RSS). The warehouse is then
opened read-only; `core.sightings` maps every benchmark record back to the paper it became and
`core.authorships` every author mention to the person it became.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

from . import baselines
from . import datasets as D
from .convert_aminer import compatible, name_tokens
from .metrics import cross_pair_counts, pair_counts, per_block, prf, within_side_pairs

PAPERTRAIL = D.ROOT / ".venv" / "bin" / "papertrail"
PYTHON = D.ROOT / ".venv" / "bin" / "python"
EXAMPLES = 12


# --- running the pipeline ---------------------------------------------------------------------

def export_code(rev: str) -> tuple[Path, str]:
    """A clean copy of the project at `rev` (git archive, nothing in the checkout touched), so a
    committed state can be scored while the working tree holds someone's unfinished changes."""
    sha = subprocess.run(["git", "-C", str(D.ROOT), "rev-parse", "--verify", f"{rev}^{{commit}}"],
                         capture_output=True, text=True, check=True).stdout.strip()
    target = D.DATA / "code" / sha[:12]
    if not (target / "pipelines" / "cli.py").exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(D.ROOT), "archive", "--format=tar", sha],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target, sha


def import_path(code: Path) -> tuple[str, str]:
    """(PYTHONPATH, CLI module) that run an exported project: since setup.py ships the top-level
    folders as `papertrail.*`, through a `papertrail` link to the export; before, `pipelines`."""
    if not (code / "setup.py").exists():
        return str(code), "pipelines.cli"
    link = code.parent / f"{code.name}-import" / "papertrail"
    if not link.is_symlink():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(code, target_is_directory=True)
    return str(link.parent), "papertrail.pipelines.cli"


def run_pipeline(captures: Path, work: Path, code: Path | None = None, timeout: int = 3600) -> dict:
    """A cold `papertrail run` over `captures` into `work/warehouse.duckdb` (work is emptied first).
    With `code`, the project at that directory runs (first on PYTHONPATH) instead of the checkout."""
    if work.exists():
        shutil.rmtree(work)
    (work / ".dagster").mkdir(parents=True)
    db = work / "warehouse.duckdb"
    env = {**os.environ, "DAGSTER_HOME": str(work / ".dagster")}
    env.setdefault("POLARS_MAX_THREADS", "2")  # shared machines: two cores
    papertrail = [str(PAPERTRAIL)]
    if code is not None:
        env["PYTHONPATH"], module = import_path(code)
        papertrail = [str(PYTHON), "-c", f"import sys; from {module} import main; sys.exit(main())"]
    cmd = ["/usr/bin/time", "-v", *papertrail, "run", "--captures", str(captures), "--db", str(db)]
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": [f"timeout after {timeout}s"], "db": str(db)}
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    out = {"ok": proc.returncode == 0 and db.exists(), "seconds": round(time.perf_counter() - started, 2),
           "cpu_seconds": cpu_seconds(proc.stderr),
           "max_rss_mb": int(rss.group(1)) // 1024 if rss else None, "db": str(db),
           "code": str(code or D.ROOT),
           "command": f"papertrail run --captures {captures} --db {db}",
           "summary": proc.stdout.strip().splitlines()[-12:]}
    if proc.returncode:
        own = proc.stderr.split("\tCommand being timed")[0]
        out["error"] = [line for line in own.splitlines() if line.strip()][-12:]
    return out


def cpu_seconds(time_v: str) -> float | None:
    """User + system CPU seconds from GNU `time -v` output: steadier than wall time on a shared
    machine."""
    found = re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", time_v)
    return round(sum(map(float, found)), 2) if len(found) == 2 else None


def read_warehouse(db: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        return {
            "sightings": q("SELECT record_ref, paper_id, capture FROM core.sightings"),
            "authorships": q("SELECT paper_id, position, author_id, name_as_written FROM core.authorships"),
            "rows": {t: q(f"SELECT count(*) FROM {t}")[0][0]
                     for t in ("core.papers", "core.authors", "core.authorships", "core.sightings",
                               "audit.quarantine", "audit.merges")},
            "quarantine": q("SELECT stage, reason, count(*) FROM audit.quarantine GROUP BY ALL ORDER BY 3 DESC LIMIT 10"),
            "merge_rules": q("SELECT entity, rule, count(*) FROM audit.merges GROUP BY ALL "
                             "ORDER BY 1, 3 DESC"),
        }
    finally:
        con.close()


def paper_of(records: dict, sightings: list) -> dict:
    """record_ref of the benchmark -> paper_id. By record_ref; failing that (should the pipeline
    ever name records differently) by capture file and the record's index."""
    by_ref = {ref: pid for ref, pid, _ in sightings}
    by_file = {}
    for ref, pid, capture in sightings:
        index = ref.rsplit(":", 1)[-1]
        by_file[(Path(capture).name, index)] = pid
    out = {}
    for ref, rec in records.items():
        pid = by_ref.get(ref) or by_file.get((Path(rec["capture"]).name, str(rec["index"])))
        if pid is not None:
            out[ref] = pid
    return out


# --- papers: DBLP-ACM -------------------------------------------------------------------------

def score_papers(gold: dict, wh: dict, threshold: float = baselines.THRESHOLD) -> dict:
    records = gold["records"]
    key = {ref: (r["side"], r["id"]) for ref, r in records.items()}
    matched = {}
    for d, a in gold["matches"]:
        matched[("dblp", d)] = matched[("acm", a)] = ("match", d)
    truth = {k: matched.get(k, k) for k in key.values()}
    side = {k: k[0] for k in key.values()}
    paper = paper_of(records, wh["sightings"])
    pred = {key[ref]: pid for ref, pid in paper.items()}

    ours = prf(cross_pair_counts(pred, truth, side, "dblp", "acm"))
    ours["all_pairs"] = prf(pair_counts(pred, truth))
    ours["within_source_false_merges"] = within_side_pairs(pred, side)
    ours["records_not_in_warehouse"] = len(records) - len(paper)

    rows = gold["baseline_input"]
    base = baselines.fuzzy_title_clusters(rows["dblp"], rows["acm"], threshold)
    title_rule = prf(cross_pair_counts(base, truth, side, "dblp", "acm"))
    title_rule["within_source_false_merges"] = within_side_pairs(base, side)
    sweep = {t: prf(cross_pair_counts(baselines.fuzzy_title_clusters(rows["dblp"], rows["acm"], t), truth,
                                      side, "dblp", "acm"))["f1"] for t in (80, 85, 90, 95)}
    return {"papertrail": ours, "examples": paper_examples(pred, truth, rows),
            f"baseline_fuzzy_title_same_year_t{threshold:g}": title_rule,
            "baseline_fuzzy_title_threshold_sweep_f1": sweep}


def paper_examples(pred: dict, truth: dict, rows: dict) -> dict:
    """A few of each error kind, with titles and years, for reading."""
    info = {("dblp", r[0]): (r[1], r[2]) for r in rows["dblp"]} | {("acm", r[0]): (r[1], r[2]) for r in rows["acm"]}
    clusters = defaultdict(list)
    for k, pid in pred.items():
        clusters[pid].append(k)
    false_cross, within = [], []
    for members in clusters.values():
        if len(members) < 2:
            continue
        for a, b in combinations(sorted(members), 2):
            if a[0] == b[0]:
                within.append((a, b))
            elif truth[a] != truth[b]:
                false_cross.append((a, b))
    gold_groups = defaultdict(list)
    for k, t in truth.items():
        gold_groups[t].append(k)
    missed = [(a, b) for members in gold_groups.values() for a, b in combinations(sorted(members), 2)
              if pred.get(a) is None or pred.get(a) != pred.get(b)]
    show = lambda pairs: [{"a": f"{a[0]}:{a[1]}", "a_title": info[a][0], "a_year": info[a][1],  # noqa: E731
                           "b": f"{b[0]}:{b[1]}", "b_title": info[b][0], "b_year": info[b][1]}
                          for a, b in pairs[:EXAMPLES]]
    within_titles = Counter(info[a][0].lower() for a, _ in within)
    return {"false_cross_source": show(false_cross), "missed_gold_pairs": show(missed),
            "within_source": show(within), "within_source_pairs_by_title": dict(within_titles.most_common(10)),
            "counts": {"false_cross_source": len(false_cross), "missed_gold_pairs": len(missed),
                       "within_source_pairs": len(within)}}


# --- authors: AMiner --------------------------------------------------------------------------

def _folded(name: str | None) -> str:
    return " ".join(name_tokens(name or ""))


def author_of(mentions: dict, paper: dict, authorships: list) -> tuple[dict, Counter]:
    """record_ref of a mention -> author_id: the authorship of the mention's paper at the mention's
    byline position when its name fits; else the paper's authorship written the same way, else
    one compatible with the ambiguous name; else unresolved (scored as a person of its own)."""
    ships = defaultdict(list)
    for pid, pos, aid, written in authorships:
        ships[pid].append((pos, aid, written))
    how, out = Counter(), {}
    for ref, m in mentions.items():
        pid = paper.get(ref)
        if pid is None:
            how["record_not_in_warehouse"] += 1
            continue
        rows = ships.get(pid, [])
        at = [aid for pos, aid, w in rows if pos == m["position0"] + 1
              and (_folded(w) == _folded(m["written"]) or compatible(m["written"], w or ""))]
        if at:
            how["by_position"] += 1
        else:
            at = [aid for _, aid, w in rows if _folded(w) == _folded(m["written"])] \
                or [aid for _, aid, w in rows if compatible(m["name"], w or "")]
            how["by_name_in_merged_paper" if at else "unresolved"] += 1
        if at:
            out[ref] = at[0]
    return out, how


def score_authors(gold: dict, wh: dict) -> dict:
    mentions = {ref: m for ref, m in gold["records"].items() if m["position0"] is not None}
    truth = {ref: (m["name"], m["label"]) for ref, m in mentions.items()}
    block = {ref: m["name"] for ref, m in mentions.items()}
    paper = paper_of(mentions, wh["sightings"])
    pred, how = author_of(mentions, paper, wh["authorships"])
    ours = per_block(pred, truth, block)
    ours["mapping"] = dict(how)
    ours["mentions_sharing_a_paper"] = paper_sharing(mentions, paper)
    ours["error_kinds"] = author_error_kinds(mentions, pred, truth)
    result = {"papertrail": ours,
              "baseline_one_person_per_name": per_block(baselines.one_person_per_name(mentions), truth, block),
              "baseline_shared_coauthor_transitive": per_block(baselines.shared_coauthor(mentions), truth, block),
              "mentions_scored": len(mentions),
              "mentions_not_scored": len(gold["records"]) - len(mentions)}
    for name in ("baseline_one_person_per_name", "baseline_shared_coauthor_transitive"):
        result[name]["blocks"] = {b: {k: s[k] for k in ("precision", "recall", "f1")}
                                  for b, s in result[name]["blocks"].items()}
    return result


def paper_sharing(mentions: dict, paper: dict) -> dict:
    """Mention records the pipeline put into one paper: the same AMiner publication listed under two
    names is right; two different publications is a paper merge the benchmark did not ask for."""
    groups = defaultdict(list)
    for ref, pid in paper.items():
        groups[pid].append(mentions[ref])
    shared = [ms for ms in groups.values() if len(ms) > 1]
    different = [ms for ms in shared if len({m["pub_id"] for m in ms}) > 1]
    return {"papers_with_several_mentions": len(shared),
            "of_which_different_publications": len(different),
            "examples": [[f"{m['name']}: {m['title']} ({m['year']}, {m['venue']})" for m in ms]
                         for ms in different[:EXAMPLES]]}


def author_error_kinds(mentions: dict, pred: dict, truth: dict) -> dict:
    """False pairs (merged, different people) and missed pairs (same person, kept apart), split by
    whether the two mentions write the name identically (after case/diacritic folding) and whether
    they share a co-author."""
    by_name = defaultdict(list)
    for ref, m in mentions.items():
        by_name[m["name"]].append(ref)
    fp, fn = Counter(), Counter()
    for refs in by_name.values():
        co = {r: {_folded(a) for i, a in enumerate(mentions[r]["authors"]) if i != mentions[r]["position0"]}
              for r in refs}
        for a, b in combinations(refs, 2):
            together = pred.get(a, ("u", a)) == pred.get(b, ("u", b))
            same = truth[a] == truth[b]
            if together == same:
                continue
            kind = ("same_written_name" if _folded(mentions[a]["written"]) == _folded(mentions[b]["written"])
                    else "different_written_name")
            kind += "+shared_coauthor" if co[a] & co[b] else ""
            (fp if together else fn)[kind] += 1
    return {"false_pairs": dict(fp), "missed_pairs": dict(fn)}
