"""Same inputs, same numbers: the current citation count and the reported profile figures follow a
rule that does not depend on the millisecond order captures landed in, so two runs of the demo
give identical analytics (every view fingerprinted; capture-time columns are the runs' clocks)."""
from __future__ import annotations

from datetime import timedelta

from papertrail.pipelines.warehouse.fingerprint import analytics_fingerprints
from tests.helpers import rows, run_cli
from tests.test_views import T1, T2, dataset, publish_dataset

VIEWS = {"author_citations", "author_papers", "author_timeline", "citation_counts",
         "citation_counts_by_source", "topic_trends"}


def test_two_demo_runs_give_identical_analytics(tmp_path):
    prints = []
    for name in ("first", "second"):
        folder = tmp_path / name
        folder.mkdir()
        out = run_cli("run", "--db", str(folder / "w.duckdb"), cwd=folder)
        assert out.returncode == 0, out.stderr
        prints.append(analytics_fingerprints(folder / "w.duckdb"))
    first, second = prints
    assert set(first) == VIEWS
    for view in sorted(VIEWS):
        print(f"{view}: {first[view]} | {second[view]}")
    assert first == second
    assert first["citation_counts"].rows == 55 and first["citation_counts"].skipped == ("as_of",)
    assert first["author_citations"].skipped == ("reported_as_of",)
    assert first["topic_trends"].skipped == first["author_timeline"].skipped == ()


def _shuffled(order: int) -> dict[str, list[dict]]:
    """The views' dataset plus same-day captures of one source that disagree (p05: openalex 2 at
    T2, 6 and 5 within the hour before) and two same-day profiles of Eve's from two sources; `order`
    permutes their capture times within the day."""
    tables = dataset()
    times = [T2, T2 - timedelta(minutes=30), T2 - timedelta(minutes=59)]
    times = times[order:] + times[:order]
    snaps = [s for s in tables["citation_snapshots"] if s["paper_id"] != "p05"]
    snaps += [{"paper_id": "p05", "source": "openalex", "captured_at": t, "citation_count": n}
              for t, n in zip(times, (2, 6, 5))]
    snaps.append({"paper_id": "p05", "source": "crossref", "captured_at": times[1], "citation_count": 6})
    tables["citation_snapshots"] = snaps
    profiles = [p for p in tables["author_profiles"] if p["author_id"] != "eve"]
    for (source, h, cites, n), t in zip((("scored_profile", 3, 12, 5), ("catalyzex", 4, 11, 6)), times):
        profiles.append({"author_id": "eve", "source": source, "capture": f"pages/eve-{source}",
                         "captured_at": t, "h_index": h, "citation_count": cites, "paper_count": n,
                         "record_ref": f"r-eve-{source}"})
    # a later page of the same source without figures (a second page of a paged profile)
    profiles.append({"author_id": "eve", "source": "catalyzex", "capture": "pages/eve-catalyzex-2",
                     "captured_at": T2 + timedelta(minutes=1), "h_index": None, "citation_count": None,
                     "paper_count": None, "record_ref": "r-eve-catalyzex-2"})
    tables["author_profiles"] = profiles
    return tables


def test_current_count_ignores_the_order_of_one_days_captures(tmp_path):
    results = []
    for order in range(3):
        db = publish_dataset(tmp_path / f"order{order}", _shuffled(order))
        results.append((
            rows(db, "SELECT paper_id, citation_count, source, sources FROM analytics.citation_counts "
                     "ORDER BY paper_id"),
            rows(db, "SELECT paper_id, source, citation_count, captures FROM analytics.citation_counts_by_source "
                     "ORDER BY ALL"),
            rows(db, "SELECT author_id, citations, h_index, reported_h_index, reported_citations, "
                     "reported_papers FROM analytics.author_citations ORDER BY author_id"),
            {v: f for v, f in analytics_fingerprints(db).items()},
        ))
    assert results[0] == results[1] == results[2]
    counts, by_source, authors, _ = results[0]
    # p05: openalex's highest of the day (6; the latest capture said 2 in one order), crossref's 6
    # ties it, and "crossref" sorts first
    assert ("p05", 6, "crossref", 2) in counts
    assert ("p05", "openalex", 6, 3) in by_source and ("p05", "crossref", 6, 1) in by_source
    # Eve: two sources' pages the same day; the higher citation count (12) is reported, a later
    # page without figures does not hide it
    assert ("eve", 0, 0, 3, 12, 5) in authors
    assert ("gus", 150, 2, 25, 1000, 45) in authors  # T2's profile, not T1's (older day)
    assert T1 < T2
