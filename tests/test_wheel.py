"""A built wheel runs anywhere: built from this checkout, installed into a fresh venv with the
pinned constraints (from the configured package index), it runs `papertrail run --captures` on
hand-made captures in a folder outside the checkout, then `papertrail sql`; it ships under the
`papertrail` name only, with every data file, and writes its state beside the warehouse.

Slow (a fresh venv is ~1 GB of dependencies): `make wheel-test` runs it (CI does, after
`make test`); `PAPERTRAIL_WHEEL_TEST=1 pytest tests/test_wheel.py` does the same.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not os.environ.get("PAPERTRAIL_WHEEL_TEST"),
                                reason="builds and installs the wheel into a fresh venv (~1 min): "
                                       "`make wheel-test` runs it")

# Files a run reads besides the code (as the repository holds them -> as the wheel ships them).
DATA_FOLDERS = ("pipelines", "assets", "sql", "expectations")
INSTANCE_TEMPLATES = ("dagster.yaml", "dagster.postgres.yaml")

# Hand-made captures: two arXiv snapshot lines, a Crossref answer for the first paper (by its
# arXiv DOI: one paper seen twice) and a file no parser reads (quarantined).
SNAPSHOT = [
    {"id": "2401.00001", "submitter": "Ann Lee", "authors": "Ann Lee and Bo Chen",
     "title": "Shortest Paths in Sparse Graphs", "comments": None, "journal-ref": None,
     "doi": None, "report-no": None, "categories": "cs.DS", "license": None,
     "abstract": "We study shortest paths in sparse graphs and give a near-linear algorithm.",
     "versions": [{"version": "v1", "created": "Mon, 1 Jan 2024 10:00:00 GMT"}],
     "update_date": "2024-01-02", "authors_parsed": [["Lee", "Ann", ""], ["Chen", "Bo", ""]]},
    {"id": "2402.00002", "submitter": "Bo Chen", "authors": "Bo Chen and Cy Diaz",
     "title": "Streaming Matchings with Few Passes", "comments": None, "journal-ref": None,
     "doi": None, "report-no": None, "categories": "cs.DS cs.DM", "license": None,
     "abstract": "We give a two-pass streaming algorithm for approximate maximum matching.",
     "versions": [{"version": "v1", "created": "Thu, 1 Feb 2024 09:00:00 GMT"}],
     "update_date": "2024-02-02", "authors_parsed": [["Chen", "Bo", ""], ["Diaz", "Cy", ""]]},
]
CROSSREF = {"status": "ok", "message-type": "work-list", "message-version": "1.0.0",
            "message": {"total-results": 1, "items-per-page": 20, "items": [
                {"DOI": "10.48550/arXiv.2401.00001", "title": ["Shortest Paths in Sparse Graphs"],
                 "author": [{"given": "Ann", "family": "Lee", "sequence": "first"},
                            {"given": "Bo", "family": "Chen", "sequence": "additional"}],
                 "issued": {"date-parts": [[2024, 1, 1]]}, "is-referenced-by-count": 7}]}}


def _source_files() -> list[str]:
    """The checkout's files as a fresh clone has them (plus new, not ignored ones)."""
    out = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others",
                          "--exclude-standard"], capture_output=True, check=True).stdout
    return [name for name in out.decode().split("\0") if name and (REPO / name).is_file()]


def _run(cmd: list, **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The wheel, built from a copy of the checkout (no build/ leftovers, nothing written into it)."""
    root = tmp_path_factory.mktemp("wheel")
    src = root / "src"
    for name in _source_files():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, src / name)
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", root / "dist", src],
         timeout=600)
    (wheel,) = (root / "dist").glob("papertrail-*.whl")
    return root, wheel


@pytest.fixture(scope="module")
def installed(built):
    """A fresh venv with the wheel and its pinned dependencies; the checkout is not on its path."""
    root, wheel = built
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", venv], timeout=300)
    _run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", "-c", REPO / "constraints.txt",
          wheel], timeout=1200)
    return venv


def _env(home: Path) -> dict:
    """The user's environment, minus anything pointing at the checkout or a Dagster instance."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PAPERTRAIL_") and k not in {"DAGSTER_HOME", "PYTHONPATH", "VIRTUAL_ENV"}}
    return {**env, "HOME": str(home), "XDG_DATA_HOME": str(home / ".local" / "share")}


def test_the_wheel_ships_one_top_level_package_with_every_data_file(built):
    _, wheel = built
    names = zipfile.ZipFile(wheel).namelist()
    assert {name.split("/")[0] for name in names} == {"papertrail", "papertrail-0.1.0.dist-info"}
    assert not [name for name in names if name.startswith("papertrail/") and "/" not in name[11:]
                and name.endswith(".py")], "the top level of the repository is no module"
    meta = {name: zipfile.ZipFile(wheel).read(name).decode() for name in names if name.endswith(
        ("top_level.txt", "entry_points.txt"))}
    assert meta["papertrail-0.1.0.dist-info/top_level.txt"].split() == ["papertrail"]
    assert "papertrail = papertrail.pipelines.cli:main" in meta["papertrail-0.1.0.dist-info/entry_points.txt"]
    wanted = [name for name in _source_files()
              if name.split("/")[0] in DATA_FOLDERS and not name.endswith((".py", ".md"))]
    wanted += list(INSTANCE_TEMPLATES)
    assert "pipelines/normalize/arxiv_taxonomy.tsv" in wanted and "sql/columns.yaml" in wanted
    missing = [name for name in wanted if f"papertrail/{name}" not in names]
    assert not missing, f"files a run reads but the wheel lacks (setup.py package_data): {missing}"
    code = [name for name in _source_files() if name.split("/")[0] in {"pipelines", "assets"}
            and name.endswith(".py")]
    assert not [name for name in code if f"papertrail/{name}" not in names]


def test_installed_wheel_runs_captures_outside_the_checkout_then_answers_sql(built, installed, tmp_path):
    venv = installed
    purelib = Path(_run([venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
                        ).stdout.strip())
    package = purelib / "papertrail"
    shipped = sorted(p for p in package.rglob("*") if "__pycache__" not in p.parts)

    work = tmp_path / "analysis"  # a user's folder: not the checkout, not inside it
    captures = work / "captures"
    captures.mkdir(parents=True)
    (captures / "snapshot.jsonl").write_text("".join(json.dumps(line) + "\n" for line in SNAPSHOT))
    (captures / "crossref.json").write_text(json.dumps(CROSSREF))
    (captures / "notes.txt").write_text("Shopping list\n- eggs\n")
    env = _env(tmp_path / "home")
    papertrail = venv / "bin" / "papertrail"

    # it imports as papertrail.* from site-packages, and nothing generic is importable
    probe = _run([venv / "bin" / "python", "-c",
                  "import importlib.util as u, papertrail.pipelines as p, papertrail.assets as a; "
                  "print(p.__file__); print(a.__file__); "
                  "print(u.find_spec('pipelines'), u.find_spec('assets'))"], cwd=work, env=env).stdout.split("\n")
    assert probe[0].startswith(str(package)) and probe[1].startswith(str(package))
    assert probe[2] == "None None"

    run = _run([papertrail, "run", "--captures", "captures", "--db", "w.duckdb"], cwd=work, env=env,
               timeout=600)
    assert "1 quarantined" in run.stdout, run.stdout
    count = _run([papertrail, "sql", "--db", "w.duckdb", "--format", "csv",
                  "SELECT (SELECT count(*) FROM core.papers) AS papers, "
                  "(SELECT count(*) FROM core.sightings) AS sightings, "
                  "(SELECT count(*) FROM audit.quarantine) AS quarantined, "
                  "(SELECT citation_count FROM analytics.citation_counts "
                  " WHERE title = 'Shortest Paths in Sparse Graphs') AS citations"], cwd=work, env=env)
    assert count.stdout.split() == ["papers,sightings,quarantined,citations", "2,3,1,7"]
    table = _run([papertrail, "sql", "--db", "w.duckdb", "SELECT title FROM core.papers ORDER BY title"],
                 cwd=work, env=env)
    assert "Streaming Matchings with Few Passes" in table.stdout

    # state is per folder: the warehouse, its workspace, the reports and the Dagster instance
    assert (work / "w.duckdb").is_file() and (work / ".w.duckdb.papertrail").is_dir()
    assert (work / "w.reports" / "report.html").is_file()
    assert (work / ".dagster" / "dagster.yaml").read_bytes() == (REPO / "dagster.yaml").read_bytes()
    assert list((work / ".dagster").glob("storage/*")), "the run is recorded in the folder's instance"
    assert sorted(p for p in package.rglob("*") if "__pycache__" not in p.parts) == shipped, \
        "nothing is written into site-packages"
    assert not (tmp_path / "home").exists() or not any((tmp_path / "home").rglob("dagster.yaml"))

    again = _run([papertrail, "run", "--captures", "captures", "--db", "w.duckdb"], cwd=work, env=env,
                 timeout=600)
    assert _run([papertrail, "sql", "--db", "w.duckdb", "--format", "csv",
                 "SELECT count(*) AS n FROM core.papers"], cwd=work, env=env).stdout.split() == ["n", "2"], \
        again.stdout


def test_installed_dagster_definitions_load(installed, tmp_path):
    env = _env(tmp_path / "home")
    out = _run([installed / "bin" / "python", "-c",
                "from papertrail.pipelines.definitions import defs; "
                "print(len(defs.resolve_asset_graph().get_all_asset_keys()))"], cwd=tmp_path, env=env)
    assert int(out.stdout.split()[-1]) > 5
