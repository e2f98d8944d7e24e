"""The bench's table: one section per measurement, each target at the largest size marked."""
from __future__ import annotations


def _f(x, spec=".1f") -> str:
    return "—" if x is None else format(x, spec)


def render(r: dict, targets: dict, met) -> str:
    lines = [f"papertrail bench {r['date']} — {r['machine']['cpu']}, {r['machine']['cores']} cores, "
             f"{r['machine']['mem_mb']} MB, Python {r['machine']['python']}, "
             f"load at start {r['machine']['loadavg_at_start']}", ""]
    lines += ["| lines | MB | papertrail cold s | rec/s | peak RSS MB | no-op s | no-op/cold | DuckDB read_json s "
              "| rec/s | ours/DuckDB | dlt s | dlt rec/s |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    verdicts = {}
    for n, row in sorted(r["snapshot"].items(), key=lambda kv: int(kv[0])):
        n = int(n)
        cold, noop, duck, dlt = row["cold"], row.get("noop") or {}, row["duckdb"], row.get("dlt") or {}
        ok = cold.get("ok")
        rate = n / cold["seconds"] if ok else None
        duck_rate = n / duck["seconds"] if duck.get("ok") else None
        share = noop["seconds"] / cold["seconds"] if ok and noop.get("ok") else None
        ratio = rate / duck_rate if rate and duck_rate else None
        dlt_rate = n / dlt["seconds"] if dlt.get("ok") else None
        lines.append(f"| {n:,} | {row['bytes'] / 1e6:,.0f} | {_f(cold['seconds']) if ok else cold.get('error', 'failed')} "
                     f"| {_f(rate, ',.0f')} | {_f(cold.get('max_rss_mb'), ',')} | {_f(noop.get('seconds'))} "
                     f"| {_f(share, '.1%')} | {_f(duck['seconds'])} | {_f(duck_rate, ',.0f')} | {_f(ratio, '.2f')} "
                     f"| {_f(dlt.get('seconds'))} | {_f(dlt_rate, ',.0f')} |")
        verdicts = {"throughput": (ratio, ratio is not None and ratio >= targets["throughput_vs_duckdb"]),
                    "rss": (cold.get("max_rss_mb"), ok and cold.get("max_rss_mb", 1e9) <= targets["max_rss_mb"]),
                    "noop": (share, share is not None and share <= targets["noop_share"]), "largest": n}
    if verdicts:
        n = verdicts["largest"]
        lines += ["", f"Targets at {n:,} lines: throughput ≥ 1/3 of DuckDB: {met(verdicts['throughput'][1])} "
                      f"({_f(verdicts['throughput'][0], '.2f')}); peak RSS ≤ 2 GB: {met(verdicts['rss'][1])} "
                      f"({verdicts['rss'][0]} MB); no-op ≤ 10 %: {met(verdicts['noop'][1])} "
                      f"({_f(verdicts['noop'][0], '.1%')})"]
    if r.get("views"):
        views = {k: v for k, v in r["views"].items() if k != "lines"}
        lines += ["", f"| analytics view at {int(r['views']['lines']):,} lines | seconds | rows | ≤ 0.5 s |", "|---|---:|---:|---|"]
        lines += [f"| {name} | {v['seconds']:.3f} | {v['rows']:,} | {met(v['seconds'] <= targets['view_s'])} |"
                  for name, v in views.items()]
    if r.get("dagster"):
        d = r["dagster"]
        lines += ["", f"Dagster: `papertrail run` {d['cli']['seconds']:.1f} s vs the stage functions called directly "
                      f"{d['direct']['seconds']:.1f} s → {d['dagster_seconds']:.1f} s fixed cost "
                      f"(direct stages: {(d['direct'].get('report') or {}).get('stages')}, imports "
                      f"{(d['direct'].get('report') or {}).get('imports')} s)"]
    if r.get("pages"):
        lines += ["", "| pages | KB/page | parse stage pages/s, 1 process | pages/s, all CPUs | processes | per process | ≥ 500 per core "
                      "| BeautifulSoup pages/s | ratio | ≥ 25× | same records |",
                  "|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---|"]
        for p, row in sorted(r["pages"].items(), key=lambda kv: int(kv[0])):
            ours, theirs = row["ours"].get("report") or {}, row["bs4"].get("report") or {}
            per = ours.get("pages_per_s_per_process")
            ours_rate = theirs.get("subset_pages_per_s") or theirs.get("pages_per_s")
            ratio = ours_rate / theirs["bs4_pages_per_s"] if theirs.get("bs4_pages_per_s") else None
            same = [run.get("same_records_as_first") for run in (ours.get("runs") or {}).values()][1:]
            lines.append(f"| {int(p):,} | {_f(ours.get('mean_kb'))} | {_f(ours.get('one_process_pages_per_s'), ',.0f')} | "
                         f"{_f(ours.get('pages_per_s'), ',.0f')} | {ours.get('workers', '—')} | {_f(per, ',.0f')} | "
                         f"{met(per >= targets['pages_per_s_core'] if per else None)} | "
                         f"{_f(theirs.get('bs4_pages_per_s'), ',.1f')} | {_f(ratio, '.1f')} | "
                         f"{met(ratio >= targets['bs4_ratio'] if ratio else None)} | "
                         f"{theirs.get('bs4_same_records', '—')}{'' if all(same) else ' (stage runs differ!)'} |")
    return "\n".join(lines)
