"""End to end on the five real seed captures, through the real CLI and Dagster.

Expected values were established by reading the pages: 000 (catalyzex, Punit Singh Koura) lists
6 papers; 001 (aitopics, "Koura, Punit Singh") 8; 002 and 003 (abstract-only, "Jack") 10 and 5;
004 (scored_profile, Mike Lewis) 50 of its 82. Titles shared: Llama 2, Adam Instability, OPT-IML,
Few-shot, Mixture of Experts (000 & 001), BTS and Optimizing Data Mixtures (001 & 004). The
abstract-only pages repeat Llama 2, Adam Instability (000) and the Llama 3 Herd (004); their
other 9 abstracts appear nowhere else. So 6 + 3 + 48 titled papers + 9 title-less = 66.
"""
from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import CAPTURED_AT
from tests.helpers import copy_with_mtime, fingerprint, rows, run_cli, scalar


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    from tests.conftest import SHARED
    seeds = SHARED / "seeds"
    if not seeds.exists():
        pytest.skip(f"{seeds} is absent: the seed end-to-end test needs ../shared/seeds")
    root = tmp_path_factory.mktemp("seeds")
    captures = copy_with_mtime(seeds, root / "captures", CAPTURED_AT)
    db = root / "w.duckdb"
    first = run_cli("run", "--captures", str(captures), "--db", str(db), cwd=root)
    assert first.returncode == 0, first.stderr
    return root, captures, db, first


def test_every_record_of_every_seed_lands(seeded):
    _, _, db, _ = seeded
    per_capture = rows(db, "SELECT source, regexp_extract(capture, '[^/]+$'), count(*) FROM core.sightings "
                           "GROUP BY ALL ORDER BY 2")
    assert per_capture == [
        ("catalyzex", "000_b7183a3f9a081e79.txt", 6),
        ("aitopics", "001_a5c5e8a8fe2e9e84.txt", 8),
        ("abstract_list", "002_0f4fec206367fafd.txt", 10),
        ("abstract_list", "003_e5c809fa73142f6b.txt", 5),
        ("scored_profile", "004_58d9026157403e85.txt", 50),
    ]
    assert scalar(db, "SELECT count(*) FROM audit.quarantine") == 0


def test_the_same_paper_on_several_captures_is_one_row(seeded):
    _, _, db, _ = seeded
    assert scalar(db, "SELECT count(*) FROM core.papers") == 66
    assert scalar(db, "SELECT count(*) FROM core.papers WHERE title IS NULL") == 9
    merged = dict(rows(db, "SELECT title, records FROM core.papers WHERE records > 1"))
    assert merged == {
        "Llama 2: Open Foundation and Fine-Tuned Chat Models": 4,
        "A Theory on Adam Instability in Large-Scale Machine Learning": 4,
        "The Llama 3 Herd of Models": 3,
        "OPT-IML: Scaling Language Model Instruction Meta Learning through the Lens of Generalization": 2,
        "Few-shot Learning with Multilingual Language Models": 2,
        "Efficient Large Scale Language Modeling with Mixtures of Experts": 2,
        "BTS: Harmonizing Specialized Experts into a Generalist LLM": 2,
        "Optimizing Pretraining Data Mixtures with LLM-Estimated Utility": 2,
    }
    # The title-less abstract of Llama 2 on both "Jack" pages joined the titled paper.
    assert rows(db, "SELECT count(DISTINCT s.capture) FROM core.sightings s JOIN core.papers p USING (paper_id) "
                    "WHERE p.title LIKE 'Llama 2:%' AND s.source = 'abstract_list'") == [(2,)]


def test_dates_resolve_against_the_capture_time(seeded):
    _, _, db, _ = seeded
    dates = dict(rows(db, "SELECT title, published_on FROM core.papers WHERE title IN (?, ?, ?, ?, ?)", [
        "Llama 2: Open Foundation and Fine-Tuned Chat Models",
        "Nonparametric Masked Language Modeling",
        "Beyond Language Modeling: An Exploration of Multimodal Pretraining",
        "Compute Optimal Tokenization",
        "OPT: Open Pre-trained Transformer Language Models"]))
    assert dates == {
        "Llama 2: Open Foundation and Fine-Tuned Chat Models": date(2023, 7, 19),
        "Nonparametric Masked Language Modeling": date(2022, 12, 2),
        "Beyond Language Modeling: An Exploration of Multimodal Pretraining": date(2026, 3, 3),  # "Mar 3"
        "Compute Optimal Tokenization": date(2026, 5, 2),  # "May 2"
        "OPT: Open Pre-trained Transformer Language Models": date(2022, 5, 5),  # "May 05, 2022"
    }


def test_names_resolve_to_one_author_and_bare_names_stay_apart(seeded):
    _, _, db, _ = seeded
    koura = rows(db, "SELECT author_id, name_variants FROM core.authors WHERE display_name = 'Punit Singh Koura'")
    assert len(koura) == 1
    author_id, variants = koura[0]
    assert variants == ["Koura, Punit Singh", "Punit Singh Koura"]
    # Both of his pages are profiles of that one author, and he is on 7 bylines (6 + 1 on 004).
    assert scalar(db, "SELECT count(*) FROM core.author_profiles WHERE author_id = ?", [author_id]) == 2
    assert scalar(db, "SELECT count(*) FROM core.authorships WHERE author_id = ?", [author_id]) == 7
    # The two "Jack" pages are two authors, merged with nobody.
    assert scalar(db, "SELECT count(*) FROM core.authors WHERE display_name = 'Jack'") == 2
    lewis = rows(db, "SELECT h_index, paper_count, citation_count, extra->>'novelty_pct', extra->>'ai_score' "
                     "FROM core.author_profiles JOIN core.authors USING (author_id) WHERE display_name = 'Mike Lewis'")
    assert lewis == [(48, 82, 111894, "63", "65")]


def test_page_fields_reach_the_warehouse(seeded):
    _, _, db, _ = seeded
    assert rows(db, "SELECT page_count FROM core.papers WHERE title LIKE 'OPT-IML%'") == [(55,)]
    assert rows(db, "SELECT primary_topic, has_code FROM core.papers WHERE title LIKE 'LLM.int8()%'") == [("cs.LG", True)]
    assert scalar(db, "SELECT count(*) FROM core.papers WHERE has_code") == 6
    # "et al." bylines are kept as the prefix they are, flagged, never completed by invention.
    assert rows(db, "SELECT authors_seen, authors_truncated_seen FROM core.sightings "
                    "WHERE title_seen LIKE 'LLM.int8()%'") == [(["Tim Dettmers", "Mike Lewis", "Younes Belkada"], True)]


def test_the_four_views_answer(seeded):
    _, _, db, _ = seeded
    for view in ("citation_counts", "author_citations", "topic_trends", "author_timeline"):
        assert scalar(db, f"SELECT count(*) FROM analytics.{view}") > 0
    assert rows(db, "SELECT papers FROM analytics.topic_trends WHERE topic = 'cs.CL' AND year = 2023") == [(13,)]


def test_rerun_on_the_same_captures_changes_no_row(seeded):
    root, captures, db, _ = seeded
    tables = ["core.papers", "core.authors", "core.authorships", "core.sightings", "core.paper_topics",
              "core.author_profiles", "audit.quarantine"]
    before = {t: fingerprint(db, t) for t in tables}
    again = run_cli("run", "--captures", str(captures), "--db", str(db), cwd=root)
    assert again.returncode == 0, again.stderr
    after = {t: fingerprint(db, t) for t in tables}
    assert after == before
    # The rerun landed nothing new: resolve/validate/publish were skipped ("unchanged"), and the
    # run row was appended to audit.runs (a small warehouse is copied with it; see stages/publish.py).
    assert rows(db, "SELECT rows_in, captures_seen, captures_new, status FROM audit.runs ORDER BY started_at") == [
        (79 + 5, 5, 5, "success"), (0, 5, 0, "unchanged")]
    for table, key in [("core.papers", "paper_id"), ("core.authors", "author_id"),
                       ("core.sightings", "record_ref"), ("core.authorships", "paper_id || ':' || position")]:
        total, distinct = rows(db, f"SELECT count(*), count(DISTINCT {key}) FROM {table}")[0]
        assert total == distinct
