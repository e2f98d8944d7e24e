"""`papertrail run | sql | ui` — the contract's command line."""
from __future__ import annotations

import argparse
import errno
import json
import os
import sys
from pathlib import Path

from . import progress
from .errors import PapertrailError, WarehouseError
from .paths import PROJECT_ROOT, in_checkout
from .instance import dagster_home  # noqa: F401  (cli.dagster_home, as before)
from .workspace import Workspace


def _fail(message: str, code: int = 1) -> int:
    print(f"papertrail: error: {message}", file=sys.stderr)
    return code


def cmd_run(args: argparse.Namespace) -> int:
    from .runner import run_pipeline

    ws = Workspace.for_db(args.db)
    progress.enable()  # on a terminal only: each stage's counts, rate and time left
    try:
        outcome = run_pipeline(ws, captures=args.captures or [], config_path=args.config,
                               ephemeral=bool(os.environ.get("PAPERTRAIL_EPHEMERAL_DAGSTER")))
    except PapertrailError as err:
        return _fail(str(err))
    finally:
        progress.disable()
    if outcome.summary:  # published, even when the run is partial or loaded nothing
        print(outcome.summary, flush=True)
    if not outcome.success:
        return _fail(outcome.message)
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    from .warehouse.query import StatementError, run_user_sql

    ws = Workspace.for_db(args.db)
    try:
        results = run_user_sql(ws.db_path, args.query)
    except StatementError as err:
        _print_results(err.results, args.format, numbered=True)
        return _fail(str(err))
    except WarehouseError as err:
        return _fail(str(err))
    _print_results(results, args.format, numbered=len(results) > 1)
    return 0


def _print_results(results, fmt: str, numbered: bool) -> None:
    """Each statement's result in turn: tables (several headed by their statement), CSV blocks
    separated by a blank line, or one JSON array of rows per line."""
    from .warehouse.query import format_table

    for number, result in enumerate(results, 1):
        if fmt == "csv":
            sys.stdout.write(("\n" if number > 1 else "") + _flat(result.frame).write_csv())
        elif fmt == "json":
            sys.stdout.write(result.frame.write_json() + "\n")
        else:
            if numbered:
                print(("\n" if number > 1 else "") + f"-- {number}: " + " ".join(result.statement.split()))
            print(format_table(result.frame))
    sys.stdout.flush()


def _flat(frame):
    """CSV holds no lists or structs: those columns are written as their JSON text."""
    import polars as pl

    nested = [c for c, t in frame.schema.items() if isinstance(t, (pl.List, pl.Array, pl.Struct))]
    return frame.with_columns(pl.col(c).map_elements(lambda v: json.dumps(v if not hasattr(v, "to_list") else v.to_list(),
                                                                       default=str, ensure_ascii=False),
                                                     return_dtype=pl.String) for c in nested)


def cmd_ui(args: argparse.Namespace) -> int:
    if args.db:  # what the code server's PapertrailResource opens
        os.environ["PAPERTRAIL_DB"] = str(Workspace.for_db(args.db).db_path)
    if in_checkout():  # as always: the checkout's own warehouse.duckdb unless --db/$PAPERTRAIL_DB
        os.chdir(PROJECT_ROOT)
    dagster_home()
    argv = [sys.executable, "-m", "dagster", "dev", "-m", "papertrail.pipelines.definitions",
            "-h", args.host, "-p", str(args.port)]
    os.execv(sys.executable, argv)
    return 0  # not reached


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="papertrail", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run every stage through Dagster and publish the warehouse")
    run.add_argument("--config", help="papertrail.yaml naming live sources and tracked authors")
    run.add_argument("--captures", action="append", metavar="DIR",
                     help="ingest every file under DIR (repeatable); format detected from content")
    run.add_argument("--db", help="warehouse file (default $PAPERTRAIL_DB, else ./warehouse.duckdb)")
    run.set_defaults(func=cmd_run)
    sql = sub.add_parser("sql", help="query the published warehouse read-only")
    sql.add_argument("--db", help="warehouse file (default $PAPERTRAIL_DB, else ./warehouse.duckdb)")
    sql.add_argument("--format", choices=["table", "csv", "json"], default="table")
    sql.add_argument("query", help="one or more SQL statements; every statement's result is shown")
    sql.set_defaults(func=cmd_sql)
    ui = sub.add_parser("ui", help="the Dagster UI for this project on 127.0.0.1")
    ui.add_argument("--port", type=int, default=3000)
    ui.add_argument("--host", default="127.0.0.1",
                    help="address to listen on (default 127.0.0.1; 0.0.0.0 in a container)")
    ui.add_argument("--db", help="warehouse file (default $PAPERTRAIL_DB, else ./warehouse.duckdb)")
    ui.set_defaults(func=cmd_ui)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # `papertrail sql ... | head` closed the pipe: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as err:  # a read-only folder, a full disk, permissions: one line, no traceback
        from .environment import describe
        env = describe(err)
        if env is None:
            raise
        home = os.environ.get("DAGSTER_HOME")
        hint = (f"the Dagster instance folder (DAGSTER_HOME={home}) must be writable"
                if home and env.path and env.code not in (errno.ENOSPC, errno.EDQUOT)
                and Path(env.path).resolve().is_relative_to(Path(home).resolve()) else None)
        return _fail(env.line("nothing was published" if args.command == "run" else None, hint))


if __name__ == "__main__":
    sys.exit(main())
