"""Running a measured command: wall seconds and the kernel's peak RSS, killed past a memory or
time budget (the machine is shared: a run that would take 20 GB must not take the others down)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_guarded(cmd: list, cwd: Path | None = None, env: dict | None = None, max_rss_mb: int = 8192,
                timeout: float = 7200) -> dict:
    """{"ok", "seconds", "max_rss_mb", "report" (the last stdout line when it is JSON), "error"}.
    max_rss_mb is the kernel's count (wait4) for the process and the children it waited for,
    the largest single process; the command runs in its own session and its whole group is
    killed when that process's resident size passes max_rss_mb or it runs past `timeout`."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=env, stdout=stdout, stderr=stderr,
                                text=True, start_new_session=True)
        killed, seen_kb = None, 0
        while True:
            # reaped here, not by Popen, so that wait4 hands over the child's own peak RSS
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            seen_kb = max(seen_kb, _rss_kb(proc.pid))
            elapsed = time.perf_counter() - started
            if not killed and seen_kb > max_rss_mb * 1024:
                killed = f"killed: RSS above {max_rss_mb:,} MB after {elapsed:.0f} s"
            elif not killed and elapsed > timeout:
                killed = f"killed: still running after {timeout:.0f} s"
            if killed:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        out_text, err_text = stdout.read(), stderr.read()
    out = {"ok": proc.returncode == 0 and not killed, "seconds": round(time.perf_counter() - started, 2),
           "max_rss_mb": max(usage.ru_maxrss, seen_kb) // 1024}
    if killed:
        out["error"] = killed
    elif proc.returncode:
        out["error"] = (err_text.strip().splitlines() or ["?"])[-1][:300]
    last = out_text.strip().splitlines()[-1:] or [""]
    if last[0].startswith("{"):
        try:
            out["report"] = json.loads(last[0])
        except ValueError:
            pass
    return out
