"""Progress on a terminal: `papertrail run` draws one line per stage — fetch, land, parse,
resolve, validate, publish — with counts, rate and time left; when its output is not a terminal
(piped, redirected, a test) it prints none, and PAPERTRAIL_PROGRESS=0 turns it off on one."""
from __future__ import annotations

import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

from papertrail.pipelines import progress
from tests.helpers import REPO, run_cli

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
BAR = "━"


def run_on_a_terminal(args: list[str], cwd: Path, env: dict | None = None, timeout: float = 240) -> tuple[int, str]:
    """The CLI with a pseudo-terminal as stdout and stderr; (exit code, what the terminal showed,
    without colours, each redraw on its own line)."""
    leader, follower = pty.openpty()
    full_env = {**os.environ, "PAPERTRAIL_EPHEMERAL_DAGSTER": "1", "COLUMNS": "120", **(env or {})}
    full_env.pop("PAPERTRAIL_DB", None)
    proc = subprocess.Popen([sys.executable, "-m", "papertrail.pipelines.cli", *args], cwd=cwd, env=full_env,
                            stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, close_fds=True)
    os.close(follower)
    chunks, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:  # the follower side closed: the process is done
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(leader)
    code = proc.wait(timeout=30)
    text = ANSI.sub("", b"".join(chunks).decode("utf-8", "replace")).replace("\r", "\n")
    return code, text


def final_lines(text: str) -> dict[str, str]:
    """The last drawn line of each stage."""
    lines = {}
    for line in text.splitlines():
        if BAR in line:
            lines[line.split()[0]] = line.strip()
    return lines


def test_a_terminal_shows_each_stage_with_counts_rate_and_time_left(tmp_path):
    code, text = run_on_a_terminal(["run", "--db", str(tmp_path / "w.duckdb")], tmp_path)
    assert code == 0, text
    lines = final_lines(text)
    assert {"fetch", "land", "parse", "resolve", "validate", "publish"} <= set(lines), text
    assert re.search(r"fetch .* 25/25 plans [\d.,]+ plans/s \d+:\d\d:\d\d left \d+:\d\d:\d\d "
                     r"57 requests, 0 failed for good", lines["fetch"]), lines["fetch"]
    assert re.search(r"parse .* 58/58 captures [\d.,]+ captures/s \d+:\d\d:\d\d left \d+:\d\d:\d\d", lines["parse"])
    assert re.search(r"validate .* (\d+)/\1 tables [\d.,]+ tables/s", lines["validate"])
    assert re.search(r"publish .* (\d+)/\1 steps [\d.,]+ steps/s", lines["publish"])
    # while it ran, a stage showed how much was left
    assert re.search(r"fetch .* (\d+)/25 plans .* left \d+:\d\d:\d\d", text)
    assert f"published {tmp_path / 'w.duckdb'}" in text


def test_no_progress_when_output_is_not_a_terminal_or_it_is_turned_off(tmp_path):
    captures = tmp_path / "captures"
    captures.mkdir()
    shutil.copy2(REPO / "tests" / "fixtures" / "pages" / "catalyzex_page.txt", captures)
    piped = run_cli("run", "--captures", str(captures), "--db", str(tmp_path / "a.duckdb"), cwd=tmp_path)
    assert piped.returncode == 0, piped.stderr
    assert BAR not in piped.stdout + piped.stderr and "/s " not in piped.stdout + piped.stderr
    assert piped.stdout.startswith(f"published {tmp_path / 'a.duckdb'}\n")
    code, text = run_on_a_terminal(["run", "--captures", str(captures), "--db", str(tmp_path / "b.duckdb")],
                                   tmp_path, env={progress.DISABLE_ENV: "0"})
    assert code == 0 and BAR not in text and f"published {tmp_path / 'b.duckdb'}" in text


def test_the_calls_are_no_ops_until_enabled():
    progress.disable()
    with progress.task("parse", total=3, unit="captures") as bar:
        assert list(bar.track([1, 2, 3])) == [1, 2, 3]
        bar.update(note="x")
    assert not progress.enabled()
