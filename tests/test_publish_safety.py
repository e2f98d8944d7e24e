"""Publishing never blocks or misleads readers, survives SIGKILL, and fails cleanly on IO errors.

The "old" state is the hand-built dataset of test_views published in-process (15 papers, 16
sightings); the "new" state is whatever a real `papertrail run` on the demo corpus publishes.
PAPERTRAIL_TEST_PUBLISH_PAUSE holds the build open after its first table, so a reader or a
SIGKILL lands mid-load deterministically (a half-loaded `.next-<pid>` file then exists on disk).
"""
from __future__ import annotations

import errno
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from papertrail.pipelines.demo.corpus import write_demo_captures
from papertrail.pipelines.errors import WarehouseError
from papertrail.pipelines.warehouse import publish as publish_module
from papertrail.pipelines.warehouse.publish import PAUSE_ENV, publish
from papertrail.pipelines.workspace import Workspace
from tests.helpers import PAPERTRAIL, REPO, fingerprint, rows, run_cli
from tests.test_views import dataset, publish_dataset, runs_frame, stage

PAIR = "SELECT (SELECT count(*) FROM core.papers) AS papers, (SELECT count(*) FROM core.sightings) AS sightings"
OLD = (15, 16)
DUCKDB_CLI = REPO / ".venv" / "bin" / "duckdb"
TABLES = ["core.papers", "core.authors", "core.authorships", "core.paper_topics", "core.topic_labels",
          "core.sightings", "core.author_profiles", "core.profile_papers", "core.citation_snapshots",
          "core.citations_by_year", "audit.quarantine", "audit.merges", "audit.runs",
          "analytics.citation_counts", "analytics.author_papers", "analytics.author_citations",
          "analytics.topic_trends", "analytics.author_timeline"]


def state(db: Path) -> tuple[int, int]:
    return rows(db, PAIR)[0]


def fingerprints(db: Path) -> dict[str, tuple[int, str]]:
    return {table: fingerprint(db, table) for table in TABLES}


def leftovers(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.glob(f".{db.name}.next-*"))


def start_run(captures: Path, db: Path, pause: float) -> subprocess.Popen:
    """A real `papertrail run` in its own process group (so SIGKILL reaches all of it)."""
    env = {**os.environ, "PAPERTRAIL_EPHEMERAL_DAGSTER": "1", PAUSE_ENV: str(pause)}
    env.pop("PAPERTRAIL_DB", None)
    return subprocess.Popen([*PAPERTRAIL, "run", "--captures", str(captures), "--db", str(db)],
                            cwd=db.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.fixture
def published(tmp_path) -> Path:
    """The old state, and a demo capture folder for a run to publish the new one."""
    db = publish_dataset(tmp_path / "wh")
    write_demo_captures(tmp_path / "captures")
    assert state(db) == OLD
    return db


def test_readers_see_old_or_new_state_never_blocked_during_a_run(published, tmp_path, capsys):
    db = published
    reads: list[tuple[str, tuple[int, int], bool]] = []  # (reader, state, wholly inside the build)
    errors: list[str] = []
    done = threading.Event()

    def building() -> bool:
        return bool(leftovers(db))

    def cli_reader(name: str, argv: list[str], parse, gap: float) -> None:
        while not done.is_set():
            before = building()
            out = subprocess.run(argv, capture_output=True, text=True, timeout=60)
            inside = before and building()
            if out.returncode != 0:
                errors.append(f"{name}: {out.stderr.strip()}")
            else:
                reads.append((name, parse(out.stdout), inside))
            time.sleep(gap)

    cli = [
        ("duckdb-cli", [str(DUCKDB_CLI), "-readonly", "-csv", "-noheader", str(db), "-c", PAIR],
         lambda out: tuple(int(v) for v in out.strip().split(",")), 0.05),
        ("papertrail-sql", [*PAPERTRAIL, "sql", "--db", str(db), "--format", "csv", PAIR],
         lambda out: tuple(int(v) for v in out.strip().splitlines()[1].split(",")), 0.2),
    ]
    proc = start_run(tmp_path / "captures", db, pause=3)
    threads = [threading.Thread(target=cli_reader, args=args, daemon=True) for args in cli]
    started = time.monotonic()
    try:
        for thread in threads:
            thread.start()
        while proc.poll() is None and time.monotonic() - started < 300:
            before = building()
            try:
                con = duckdb.connect(str(db), read_only=True)
                try:
                    got = con.execute(PAIR).fetchone()
                finally:
                    con.close()
                reads.append(("python", got, before and building()))
            except duckdb.Error as err:
                errors.append(f"python: {err}")
            time.sleep(0.01)
    finally:
        done.set()
        stop(proc)
        for thread in threads:
            thread.join(timeout=60)
    elapsed = time.monotonic() - started
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    new = state(db)
    assert new[0] == 56 and new != OLD  # the demo corpus has 56 distinct papers
    assert errors == []
    observed = {got for _, got, _ in reads}
    assert observed <= {OLD, new}, observed
    per_reader = {name: sum(1 for n, *_ in reads if n == name) for name, *_ in cli + [("python",)]}
    inside = {name: sum(1 for n, _, i in reads if n == name and i) for name in per_reader}
    assert all(per_reader[name] >= 2 for name in per_reader), per_reader
    assert inside["python"] > 0 and inside["duckdb-cli"] > 0, inside  # read while a half-loaded file existed
    assert {got for _, got, i in reads if i} == {OLD}
    assert leftovers(db) == []
    with capsys.disabled():
        print(f"\n  reader loop: {len(reads)} reads in {elapsed:.1f}s, per reader {per_reader}, "
              f"during the build {inside}, states seen "
              f"{ {s: sum(1 for _, g, _ in reads if g == s) for s in sorted(observed)} }, errors 0")


def test_sigkill_mid_load_leaves_the_published_file_and_the_next_run_cleans_up(published, tmp_path, capsys):
    db = published
    before = fingerprints(db)
    proc = start_run(tmp_path / "captures", db, pause=120)
    staging = db.with_name(f".{db.name}.next-{proc.pid}")
    started = time.monotonic()
    try:
        while not staging.exists() or not staging.with_name(staging.name + ".wal").exists():
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() - started < 180, "the run never reached the load"
            time.sleep(0.02)
        time.sleep(0.2)  # well inside the pause: core.papers loaded, the other tables not yet
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        killed_after = time.monotonic() - started
    finally:
        stop(proc)
    assert proc.returncode == -signal.SIGKILL
    left = leftovers(db)
    assert left == [staging.name, staging.name + ".wal"]
    sizes = {name: (db.parent / name).stat().st_size for name in left}
    assert fingerprints(db) == before
    cli = subprocess.run([str(DUCKDB_CLI), "-readonly", "-csv", "-noheader", str(db), "-c", PAIR],
                         capture_output=True, text=True, timeout=60)
    assert (cli.returncode, cli.stdout.strip()) == (0, "15,16")

    again = run_cli("run", "--captures", str(tmp_path / "captures"), "--db", str(db), cwd=db.parent)
    assert again.returncode == 0, again.stderr
    assert leftovers(db) == []
    assert state(db)[0] == 56
    with capsys.disabled():
        print(f"\n  SIGKILL: killed pid {proc.pid} {killed_after:.1f}s after start with "
              f"leftovers {sizes} (bytes); published file unchanged ({len(before)} fingerprints equal); "
              f"rerun rc 0, leftovers swept, state {state(db)}")


def _make_unwritable(folder: Path) -> str:
    """A directory the publish cannot create files in. Root ignores chmod, so as root the
    directory is made immutable instead (ext4's +i stops root too). Returns how."""
    folder.chmod(0o555)
    probe = folder / ".probe"
    try:
        probe.touch()
    except PermissionError:
        return "chmod"
    probe.unlink()
    folder.chmod(0o755)
    done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
    assert done.returncode == 0, f"cannot make {folder} unwritable as root: {done.stderr.strip()}"
    try:
        probe.touch()
    except PermissionError:
        return "chattr"
    probe.unlink()
    _make_writable(folder)
    pytest.fail(f"neither chmod nor chattr +i stops writes to {folder} on this file system")


def _make_writable(folder: Path) -> None:
    if shutil.which("chattr"):
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
    folder.chmod(0o755)


def test_unwritable_warehouse_folder_fails_with_one_line_and_keeps_the_file(tmp_path):
    db = publish_dataset(tmp_path / "wh")
    Workspace.for_db(db).ensure()  # the state folder beside it stays writable
    captures = tmp_path / "captures"
    write_demo_captures(tmp_path / "demo")
    (captures / "pages").mkdir(parents=True)
    shutil.copy2(tmp_path / "demo" / "pages" / "00_catalyzex.txt", captures / "pages")
    before = fingerprints(db)
    how = _make_unwritable(db.parent)
    try:
        out = run_cli("run", "--captures", str(captures), "--db", str(db), cwd=tmp_path)
    finally:
        _make_writable(db.parent)
    assert out.returncode == 1, out.stdout
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    cause = "Permission denied" if how == "chmod" else "Operation not permitted"
    assert re.fullmatch(r"papertrail: error: "
                        rf"cannot build the warehouse next to {re.escape(str(db))} \(creating it\): "
                        rf'IO Error: Cannot open file "[^"]+/\.w\.duckdb\.next-\d+": {cause} '
                        r"— the published file is unchanged", lines[0]), lines[0]
    assert fingerprints(db) == before
    assert leftovers(db) == []


def test_rename_failing_with_a_full_disk_keeps_the_file(tmp_path, monkeypatch):
    db = publish_dataset(tmp_path)
    before = fingerprints(db)

    def full(src, dst):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(publish_module.os, "replace", full)
    with pytest.raises(WarehouseError) as raised:
        publish(Workspace.for_db(db), stage(tmp_path / "again", dataset()), runs_frame("run-2"))
    monkeypatch.undo()
    assert str(raised.value) == (f"cannot write the warehouse next to {db}: No space left on device"
                                 " — the published file is unchanged")
    assert fingerprints(db) == before
    assert leftovers(db) == []


def test_write_error_inside_duckdb_during_the_build_keeps_the_file(tmp_path):
    """The file size limit makes DuckDB's own writes fail mid-build, as a full disk would."""
    db = publish_dataset(tmp_path)
    before = fingerprints(db)
    staged = stage(tmp_path / "again", dataset())
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a signal
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, hard))
    try:
        with pytest.raises(WarehouseError) as raised:
            publish(Workspace.for_db(db), staged, runs_frame("run-2"))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old_handler)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"cannot build the warehouse next to {db} ("), message
    assert "File too large" in message and message.endswith("the published file is unchanged"), message
    assert fingerprints(db) == before
    assert leftovers(db) == []


def test_same_staging_published_twice_is_identical(tmp_path):
    db = publish_dataset(tmp_path)
    first = fingerprints(db)
    publish(Workspace.for_db(db), stage(tmp_path / "again", dataset()), runs_frame())
    assert fingerprints(db) == first
    assert first["core.papers"][0] == 15 and first["analytics.author_timeline"][0] == 13


def test_a_reader_holding_the_file_open_keeps_its_state_and_does_not_block_publish(tmp_path):
    db = publish_dataset(tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, duckdb\n"
         f"con = duckdb.connect(sys.argv[1], read_only=True)\nq = {PAIR!r}\n"
         "print(con.execute(q).fetchone(), flush=True)\nsys.stdin.readline()\n"
         "print(con.execute(q).fetchone(), flush=True)\n", str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "(15, 16)"
        more = dataset()
        more["papers"].append({"paper_id": "p16", "title": "Paper p16", "year": 2024})
        more["sightings"].append({"paper_id": "p16", "source": "arxiv", "capture": "arxiv/p16.xml",
                                  "record_ref": "p16-a", "captured_at": runs_frame()["started_at"][0]})
        publish(Workspace.for_db(db), stage(tmp_path / "more", more), runs_frame("run-2"))
        assert state(db) == (16, 17)
        out, _ = holder.communicate("\n", timeout=30)
        assert out.strip() == "(15, 16)"  # its connection still reads the file it opened
    finally:
        holder.kill() if holder.poll() is None else None
