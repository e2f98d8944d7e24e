"""The bench's tables: one section per measurement, then issue 15's targets, each met or missed
with its numbers."""
from __future__ import annotations


def _f(x, spec=".1f") -> str:
    return "—" if x is None else format(x, spec)


def _why(run: dict) -> str:
    return run.get("error") or run.get("skipped") or "failed"


def _by_size(rows: dict) -> list[tuple[int, dict]]:
    return sorted(((int(n), row) for n, row in rows.items()), key=lambda kv: kv[0])


def render(r: dict, targets: dict, met) -> str:
    lines = [f"papertrail bench {r['date']} — {r['machine']['cpu']}, {r['machine']['cores']} cores, "
             f"{r['machine']['mem_mb']} MB, Python {r['machine']['python']}, "
             f"load at start {r['machine']['loadavg_at_start']}; memory guard {r.get('guard_mb', '—')} MB", ""]
    goals: list[str] = []
    slack = targets.get("linear_slack", 1.25)
    lines += ["| lines | MB | papertrail cold s | rec/s | peak RSS MB | no-op s | no-op/cold | DuckDB read_json s "
              "| rec/s | ours/DuckDB | dlt s | dlt rec/s |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    largest = None
    for n, row in _by_size(r.get("snapshot", {})):
        cold, noop, duck, dlt = row["cold"], row.get("noop") or {}, row["duckdb"], row.get("dlt") or {}
        ok = cold.get("ok")
        rate = n / cold["seconds"] if ok else None
        duck_rate = n / duck["seconds"] if duck.get("ok") else None
        share = noop["seconds"] / cold["seconds"] if ok and noop.get("ok") else None
        ratio = rate / duck_rate if rate and duck_rate else None
        dlt_rate = n / dlt["seconds"] if dlt.get("ok") else None
        lines.append(f"| {n:,} | {row['bytes'] / 1e6:,.0f} | {_f(cold['seconds']) if ok else _why(cold)} "
                     f"| {_f(rate, ',.0f')} | {_f(cold.get('max_rss_mb'), ',')} | {_f(noop.get('seconds'))} "
                     f"| {_f(share, '.1%')} | {_f(duck.get('seconds'))} | {_f(duck_rate, ',.0f')} | {_f(ratio, '.2f')} "
                     f"| {_f(dlt.get('seconds'))} | {_f(dlt_rate, ',.0f')} |")
        largest = (n, row, ratio, share)
    stage_peaks = {}
    if r.get("stages"):
        st = r["stages"]
        rep = st.get("report") or {}
        lines += ["", f"Each stage at {int(st['lines']):,} lines (bench/direct.py: the stage functions, no Dagster), "
                      f"{_f(st.get('seconds'))} s in all, peak RSS {_f(st.get('max_rss_mb'), ',')} MB"
                      + ("" if st.get("ok") else f" — {_why(st)}"), "",
                  "| stage | seconds | RSS at start MB | peak RSS MB |", "|---|---:|---:|---:|"]
        for name, seconds in (rep.get("stages") or {}).items():
            if name == "check":
                continue
            stage_peaks[name] = rep["stage_peak_rss_mb"][name]
            lines.append(f"| {name} | {seconds:.1f} | {rep['stage_start_rss_mb'][name]:,} | {stage_peaks[name]:,} |")
    if largest:
        n, row, ratio, share = largest
        cold = row["cold"]
        top = max(stage_peaks, key=stage_peaks.get) if stage_peaks else None
        where = f"; the largest stage peak: {top} {stage_peaks[top]:,} MB" if top else ""
        goals += [
            f"- {n:,} lines end to end ≥ 1/3 of DuckDB read_json's rate: "
            f"{met(ratio >= targets['throughput_vs_duckdb'] if ratio else False if not cold.get('ok') else None)} "
            + (f"({_f(ratio, '.2f')}: {_f(cold.get('seconds'))} s vs {_f(row['duckdb'].get('seconds'))} s)"
               if cold.get("ok") else f"({_why(cold)}; DuckDB {_f(row['duckdb'].get('seconds'))} s)"),
            f"- {n:,} lines peak RSS ≤ 2 GB: "
            f"{met(bool(cold.get('ok')) and cold.get('max_rss_mb', 1e9) <= targets['max_rss_mb'])} "
            f"({_f(cold.get('max_rss_mb'), ',')} MB{'' if cold.get('ok') else ', ' + _why(cold)}{where})",
            f"- no-op rerun ≤ 10 % of cold: {met(share <= targets['noop_share'] if share is not None else None)} "
            f"({_f(share, '.1%')})"]
    if r.get("large"):
        big = r["large"]
        n, cold = int(big["lines"]), big["cold"]
        sized = _by_size(r.get("snapshot", {}))
        base_n, base = sized[-1] if sized else (None, None)
        lines += ["", f"{n:,} lines{' (the full arXiv snapshot' + chr(39) + 's size)' if n >= 2_500_000 else ''}, cold: "
                      f"{_f(cold.get('seconds')) + ' s' if cold.get('ok') else _why(cold)}, "
                      f"peak RSS {_f(cold.get('max_rss_mb'), ',')} MB"]
        if base and base["cold"].get("ok") and cold.get("ok"):
            lines_x = n / base_n
            t = cold["seconds"] / base["cold"]["seconds"]
            m = cold["max_rss_mb"] / base["cold"]["max_rss_mb"]
            goals.append(f"- {n:,} lines grow linearly from {base_n:,}: {met(t <= lines_x * slack and m <= lines_x * slack)} "
                         f"(×{lines_x:.1f} lines: time ×{t:.2f}, peak RSS ×{m:.2f})")
        else:
            goals.append(f"- {n:,} lines grow linearly from {base_n or 0:,}: {met(False)} "
                         f"({f'{base_n:,} did not finish' if not (base and base['cold'].get('ok')) else _why(cold)})")
    if r.get("resolution"):
        lines += ["", "Resolution alone (a fresh process on a parsed workspace; bench/resolution_scale.py):", "",
                  "| byline shape | lines | byline slots | resolve s | peak RSS MB | × lines | × time | × memory above start |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for shape, rows in r["resolution"].items():
            sized = _by_size(rows)
            growth = []
            for i, (n, row) in enumerate(sized):
                res = row.get("resolve") or {}
                cells = ["—", "—", "—"]
                if i:
                    prev = sized[i - 1][1].get("resolve") or {}
                    cells[0] = f"{n / sized[i - 1][0]:.2f}"
                    if prev.get("ok") and res.get("ok"):
                        above = lambda m: (m["report"]["stage_peak_rss_mb"]["resolve"]  # noqa: E731
                                           - m["report"]["stage_start_rss_mb"]["resolve"])
                        t, mem = res["seconds"] / prev["seconds"], above(res) / max(1, above(prev))
                        cells[1:] = [f"{t:.2f}", f"{mem:.2f}"]
                        growth.append((n / sized[i - 1][0], t, mem))
                lines.append(f"| {shape} | {n:,} | {row['byline_slots']:,} | "
                             f"{_f(res.get('seconds')) if res.get('ok') else _why(res)} | "
                             f"{_f(res.get('peak_rss_mb'), ',') if res.get('ok') else '—'} | {' | '.join(cells)} |")
            n, row = sized[-1]
            res = row.get("resolve") or {}
            linear = bool(growth) and len(growth) == len(sized) - 1 and all(
                t <= x * slack and m <= x * slack for x, t, m in growth)
            label = "heavily repeated bylines" if shape == "repeated" else "realistic bylines"
            goals.append(f"- {label}, resolution linear and ≤ 2 GB at {n:,} lines: "
                         f"{met(linear and bool(res.get('ok')) and res['peak_rss_mb'] <= targets['max_rss_mb'])} "
                         f"({_f(res.get('peak_rss_mb'), ',') + ' MB' if res.get('ok') else _why(res)}; growth per step "
                         f"{', '.join(f'×{x:.1f} lines: ×{t:.1f} time, ×{m:.1f} memory' for x, t, m in growth) or 'n/a'})")
    bulk = r.get("bulk") or {}
    if bulk.get("stages"):
        n, duck = int(bulk["lines"]), bulk.get("duckdb") or {}
        lines += ["", f"The bulk path without resolution at {n:,} lines ({bulk['bytes'] / 1e6:,.0f} MB; bench/bulk_stages.py: "
                      f"land + parse of the realistic lines, validate + publish of {bulk.get('staging')}), "
                      f"each stage in a fresh process:", "",
                  "| stage | seconds | RSS at start MB | peak RSS MB |", "|---|---:|---:|---:|"]
        for name, seconds in bulk["stages"].items():
            lines.append(f"| {name} | {_f(seconds)} | {_f(bulk['stage_start_rss_mb'].get(name), ',')} "
                         f"| {_f(bulk['stage_peak_rss_mb'].get(name), ',')} |")
        lines.append(f"| **all four** | **{_f(bulk.get('seconds'))}** | | **{_f(bulk.get('max_rss_mb'), ',')}** |")
        lines.append(f"| DuckDB read_json (the floor) | {_f(duck.get('seconds'))} | | {_f(duck.get('max_rss_mb'), ',')} |")
        ratio = bulk.get("ratio_vs_duckdb")
        why = "" if bulk.get("ok") else "; " + "; ".join(f"{k}: {_why(v)}" for k, v in bulk["runs"].items() if not v.get("ok"))
        slowest = max((k for k, v in bulk["stages"].items() if v is not None), key=lambda k: bulk["stages"][k], default=None)
        goals += [
            f"- bulk path without resolution (land+parse+validate+publish), {n:,} lines, ≥ 1/3 of DuckDB read_json's rate: "
            f"{met(ratio >= targets['throughput_vs_duckdb'] if ratio else None)} ({_f(ratio, '.2f')}: "
            f"{_f(bulk.get('seconds'))} s vs {_f(duck.get('seconds'))} s; slowest stage {slowest} "
            f"{_f(bulk['stages'].get(slowest) if slowest else None)} s{why})",
            f"- bulk path without resolution, {n:,} lines, peak RSS ≤ 2 GB: "
            f"{met(bulk.get('max_rss_mb', 1e9) <= targets['max_rss_mb'] if bulk.get('ok') else None)} "
            f"({_f(bulk.get('max_rss_mb'), ',')} MB, the largest stage process)"]
    if r.get("views"):
        views = {k: v for k, v in r["views"].items() if k != "lines"}
        lines += ["", f"| analytics view at {int(r['views']['lines']):,} lines | seconds (median of 3) | rows | ≤ 0.5 s |", "|---|---:|---:|---|"]
        lines += [f"| {name} | {v['seconds']:.3f} | {v['rows']:,} | {met(v['seconds'] <= targets['view_s'])} |"
                  for name, v in views.items()]
        slowest = max(views, key=lambda k: views[k]["seconds"])
        goals.append(f"- every analytics view ≤ 0.5 s at {int(r['views']['lines']):,} lines: "
                     f"{met(all(v['seconds'] <= targets['view_s'] for v in views.values()))} "
                     f"(slowest {slowest} {views[slowest]['seconds']:.3f} s)")
    synthetic = (r.get("views_synthetic") or {}).get("report") or {}
    if synthetic.get("views"):
        views = synthetic["views"]
        lines += ["", f"| analytics view, synthetic warehouse of {int(synthetic['papers']):,} papers (bench/views_bench.py) "
                      f"| Arrow s (median) | first s | rows | ≤ 0.5 s |", "|---|---:|---:|---:|---|"]
        lines += [f"| {name} | {v['arrow_s']:.3f} | {v['arrow_first_s']:.3f} | {v['rows']:,} | "
                  f"{met(v['arrow_s'] <= targets['view_s'])} |" for name, v in views.items()]
        slowest = max(views, key=lambda k: views[k]["arrow_s"])
        goals.append(f"- every analytics view ≤ 0.5 s at {int(synthetic['papers']):,} papers (synthetic warehouse, "
                     f"median of 3): {met(all(v['arrow_s'] <= targets['view_s'] for v in views.values()))} "
                     f"(slowest {slowest} {views[slowest]['arrow_s']:.3f} s)")
    if r.get("dagster"):
        d = r["dagster"]
        lines += ["", f"Dagster: `papertrail run` {_f(d['cli'].get('seconds'))} s vs the stage functions called directly "
                      f"{_f(d['direct'].get('seconds'))} s → {_f(d.get('dagster_seconds'))} s fixed cost "
                      f"(direct stages: {(d['direct'].get('report') or {}).get('stages')}, imports "
                      f"{(d['direct'].get('report') or {}).get('imports')} s)"]
    if r.get("pages"):
        lines += ["", "| pages | KB/page | parse stage pages/s, 1 process | pages/s, all CPUs | processes | per process | ≥ 500 per core "
                      "| pages per CPU-second, all CPUs | BeautifulSoup pages/s | ratio | ≥ 25× | same records |",
                  "|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|---|"]
        for p, row in _by_size(r["pages"]):
            ours, theirs = row["ours"].get("report") or {}, row["bs4"].get("report") or {}
            per = ours.get("pages_per_s_per_process")
            ours_rate = theirs.get("subset_pages_per_s") or theirs.get("pages_per_s")
            ratio = ours_rate / theirs["bs4_pages_per_s"] if theirs.get("bs4_pages_per_s") else None
            same = [run.get("same_records_as_first") for run in (ours.get("runs") or {}).values()][1:]
            lines.append(f"| {p:,} | {_f(ours.get('mean_kb'))} | {_f(ours.get('one_process_pages_per_s'), ',.0f')} | "
                         f"{_f(ours.get('pages_per_s'), ',.0f')} | {ours.get('workers', '—')} | {_f(per, ',.0f')} | "
                         f"{met(per >= targets['pages_per_s_core'] if per else None)} | "
                         f"{_f(ours.get('pages_per_cpu_s'), ',.0f')} | "
                         f"{_f(theirs.get('bs4_pages_per_s'), ',.1f')} | {_f(ratio, '.1f')} | "
                         f"{met(ratio >= targets['bs4_ratio'] if ratio else None)} | "
                         f"{theirs.get('bs4_same_records', '—')}{'' if all(same) else ' (stage runs differ!)'} |")
        p, row = _by_size(r["pages"])[-1]
        ours = row["ours"].get("report") or {}
        per, workers = ours.get("pages_per_s_per_process"), ours.get("workers")
        goals.append(f"- author pages ≥ 500 pages/s per core at {p:,} pages using both cores: "
                     f"{met(bool(per) and per >= targets['pages_per_s_core'] and (workers or 0) >= 2)} "
                     f"({_f(ours.get('pages_per_s'), ',.0f')} pages/s on {workers} processes = {_f(per, ',.0f')} per core "
                     f"by the wall clock, {_f(ours.get('pages_per_cpu_s'), ',.0f')} per CPU-second; "
                     f"one process {_f(ours.get('one_process_pages_per_s'), ',.0f')}; load average "
                     f"{_f(max((x.get('loadavg_after') or 0) for x in (ours.get('runs') or {}).values()) if ours.get('runs') else None, '.1f')})")
    if goals:
        lines += ["", "Targets (issue 15):", *goals]
    return "\n".join(lines)
