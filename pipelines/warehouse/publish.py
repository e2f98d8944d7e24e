"""Atomic publish: build `.<db>.next-<pid>` from staging Parquet and sql/, then rename it over
the published file. Readers (papertrail sql, the UI, the duckdb CLI) open the published file
read-only and never see a half-built state; a crash leaves the previous file intact and its
leftover is swept by the next publish."""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from pathlib import Path
from typing import Callable, Iterator

import duckdb
import polars as pl

from ..errors import WarehouseError
from ..progress import Bar, task as progress_line
from ..workspace import Workspace
from .catalog import comment_statements
from .statements import sql_statements

LOADED = {  # staged table -> warehouse table
    "papers": "core.papers", "authors": "core.authors", "authorships": "core.authorships",
    "paper_topics": "core.paper_topics", "topic_labels": "core.topic_labels",
    "sightings": "core.sightings", "author_profiles": "core.author_profiles",
    "profile_papers": "core.profile_papers", "citation_snapshots": "core.citation_snapshots",
    "citations_by_year": "core.citations_by_year", "paper_relations": "core.paper_relations",
    "quarantine": "audit.quarantine",
    "merges": "audit.merges",
}
# Test hook (tests/test_publish_safety.py): seconds to sleep after the first table is loaded, so
# that a SIGKILL or a reader deterministically lands in the middle of the load. Unset in real use.
PAUSE_ENV = "PAPERTRAIL_TEST_PUBLISH_PAUSE"
_NEXT = re.compile(r"^\.(?P<name>.+)\.next-(?P<pid>\d+)(\.wal)?$")


def check_published(db_path: Path) -> None:
    """Refuse to replace a file that is not a DuckDB warehouse or that a writer holds locked."""
    if not db_path.exists():
        return
    try:
        con = duckdb.connect(str(db_path), read_only=True)
        con.close()
    except duckdb.IOException as err:
        text = str(err)
        if "lock" in text.lower():
            raise WarehouseError(f"{db_path} is locked by another writer process; close it "
                                 f"(e.g. a read-write duckdb session) and run again") from None
        raise WarehouseError(f"{db_path} cannot be opened ({text.splitlines()[0]}); refusing to "
                             f"overwrite it — move it away or choose another --db") from None
    except duckdb.Error as err:
        raise WarehouseError(f"{db_path} is not a readable DuckDB database "
                             f"({str(err).splitlines()[0]}); refusing to overwrite it — move it "
                             f"away or choose another --db") from None


def sweep_leftovers(db_path: Path) -> list[Path]:
    """Remove staging files of publishes whose process is gone (killed mid-build)."""
    removed = []
    for path in db_path.parent.glob(f".{db_path.name}.next-*"):
        m = _NEXT.match(path.name)
        if not m or m["name"] != db_path.name:
            continue
        if int(m["pid"]) != os.getpid() and _alive(int(m["pid"])):
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def _swapped_in(db_path: Path) -> Iterator[tuple[Path, dict]]:
    """Yields the path of the next warehouse file and a progress dict whose "step" names what is
    being done. When the body returns, the file is fsynced and renamed over `db_path`. Any
    failure (a bad statement, a full disk, a directory that cannot be written) raises a one-line
    WarehouseError, removes the half-built file and leaves the published file as it was."""
    check_published(db_path)
    next_path = db_path.with_name(f".{db_path.name}.next-{os.getpid()}")
    progress = {"step": "creating it"}
    try:
        sweep_leftovers(db_path)
        _remove(next_path)
        yield next_path, progress
        progress["step"] = "writing it to disk"
        _fsync(next_path)
        os.replace(next_path, db_path)
    except duckdb.Error as err:  # IO errors of the build itself: full disk, file size limit
        _remove(next_path)
        raise WarehouseError(f"cannot build the warehouse next to {db_path} ({progress['step']}): "
                             f"{_first_line(err)} — the published file is unchanged") from None
    except OSError as err:
        _remove(next_path)
        raise WarehouseError(f"cannot write the warehouse next to {db_path}: {err.strerror or err}"
                             f" — the published file is unchanged") from None
    except BaseException:
        _remove(next_path)
        raise
    # The rename is done and visible; a failing directory sync only weakens durability.
    with contextlib.suppress(OSError):
        _fsync(db_path.parent)


def publish(ws: Workspace, staged: dict[str, Path], runs: pl.DataFrame,
            before_swap: Callable[[], None] | None = None) -> dict[str, int]:
    """Builds the next warehouse from staging Parquet and sql/ and swaps it in. Returns row
    counts per loaded table. `before_swap` runs once the file is built, before it replaces the
    published one: raising there abandons the build (the publish stage checks that the staging
    it validated did not change meanwhile)."""
    pause = float(os.environ.get(PAUSE_ENV) or 0)
    counts: dict[str, int] = {}
    derive = sql_statements("derive")
    with _swapped_in(ws.db_path) as (next_path, progress), \
            progress_line("publish", total=len(LOADED) + len(derive) + 2, unit="steps") as bar:
        con = duckdb.connect(str(next_path))
        try:
            # DuckDB draws a progress bar on stderr for statements over 2 s (the analytics at scale)
            con.execute("SET enable_progress_bar = false")
            _bound_memory(con, ws)
            _run_sql(con, sql_statements("schema"))
            for table, target in LOADED.items():
                progress["step"] = f"loading {target}"
                con.execute(f"INSERT INTO {target} BY NAME SELECT * FROM read_parquet(?)",
                            [str(staged[table])])
                counts[target] = con.execute(f"SELECT count(*) FROM {target}").fetchone()[0]
                bar.advance(note=target)
                if pause and len(counts) == 1:
                    time.sleep(pause)  # test hook: a crash or a reader lands mid-load
            progress["step"] = "checking keys and building the analytics tables"
            _run_sql(con, derive, bar)
            progress["step"] = "describing the tables and views"
            _describe(con)
            bar.advance(note="descriptions")
            _load_runs(con, runs, progress)
            bar.advance(note="audit.runs")
            counts["audit.runs"] = runs.height
        finally:
            _close_quietly(con)
        if before_swap:
            before_swap()
    return counts


def _describe(con: duckdb.DuckDBPyConnection) -> None:
    """COMMENT ON every table, view and column described in sql/columns.yaml."""

    for statement in comment_statements(con):
        con.execute(statement)


MEMORY_ENV = "PAPERTRAIL_PUBLISH_MEMORY_MB"
PUBLISH_MEMORY_MB = 1024


def _bound_memory(con: duckdb.DuckDBPyConnection, ws: Workspace) -> None:
    """DuckDB's buffer pool defaults to 80 % of RAM; the build is one batch job beside polars'
    own memory, so it gets a fixed budget and spills sorts and joins to the workspace instead."""
    mb = int(os.environ.get(MEMORY_ENV) or PUBLISH_MEMORY_MB)
    spill = ws.data_dir / "spill"
    spill.mkdir(parents=True, exist_ok=True)
    con.execute(f"SET memory_limit = '{mb}MB'")
    con.execute("SET temp_directory = ?", [str(spill)])


def _run_sql(con: duckdb.DuckDBPyConnection, statements: list[tuple[str, str]], bar: Bar | None = None) -> None:
    """A failing statement (a bad sql/ file, or a key check finding a duplicate) stops the
    publish with one line naming its file. Disk and memory errors are the build's, not the
    statement's: _swapped_in reports those."""
    for name, statement in statements:
        try:
            con.execute(statement)
        except (duckdb.IOException, duckdb.OutOfMemoryException):
            raise
        except duckdb.Error as err:
            raise WarehouseError(f"sql/{name}: {_first_line(err)}") from None
        if bar:
            bar.advance(note=f"sql/{name}")


def replace_runs(db_path: Path, runs: pl.DataFrame) -> None:
    """audit.runs := `runs`, in a copy of the published warehouse swapped in like a publish (for
    runs that changed nothing else, where a rebuild would be wasted work)."""
    with _swapped_in(db_path) as (next_path, progress):
        progress["step"] = "copying it"
        shutil.copyfile(db_path, next_path)
        con = duckdb.connect(str(next_path))
        try:
            con.execute("DELETE FROM audit.runs")
            _load_runs(con, runs, progress)
        finally:
            _close_quietly(con)


def _load_runs(con: duckdb.DuckDBPyConnection, runs: pl.DataFrame, progress: dict) -> None:
    progress["step"] = "loading audit.runs"
    con.register("runs_frame", runs.to_arrow())
    con.execute("INSERT INTO audit.runs BY NAME SELECT * FROM runs_frame")
    progress["step"] = "writing it to disk"
    con.execute("CHECKPOINT")


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def _close_quietly(con: duckdb.DuckDBPyConnection) -> None:
    """Close without masking the error that got us here (an invalidated database raises again)."""
    with contextlib.suppress(duckdb.Error):
        con.close()


def _remove(next_path: Path) -> None:
    """Delete a half-built file and its write-ahead log; never raises over the real error."""
    for path in (next_path, next_path.with_name(next_path.name + ".wal")):
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
