"""One line for every environmental failure: a read-only folder, a full disk, missing permissions,
a file size or open-file limit. The machine, not the data, is at fault, so the line says which path
and what to do, and nothing more (no traceback).

`describe(err)` reads a live exception (and its causes); `describe_text(text)` reads an error that
only survives as text, like a failed Dagster step's serialised error or a DuckDB/polars message.
"""
from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass

# errno -> (what could not be done, a hint)
_KINDS = {
    errno.EACCES: ("cannot access", "a read-only or protected folder? choose another --db or fix its permissions"),
    errno.EPERM: ("cannot access", "a read-only or protected folder? choose another --db or fix its permissions"),
    errno.EROFS: ("cannot write", "a read-only file system: choose another --db"),
    errno.ENOSPC: ("cannot write", "the disk is full: free some space and run again"),
    errno.EDQUOT: ("cannot write", "the disk quota is used up: free some space and run again"),
    errno.EFBIG: ("cannot write", "a file size limit (ulimit -f) stopped the write"),
    errno.EMFILE: ("cannot open", "too many open files: raise the limit (ulimit -n)"),
    errno.ENFILE: ("cannot open", "the system is out of file handles"),
}
# How DuckDB, polars and others word them when only text reaches us.
_PHRASES = {os.strerror(code).lower(): code for code in _KINDS}
_PHRASES.update({"read-only file system": errno.EROFS, "disk quota exceeded": errno.EDQUOT,
                 "no space left on device": errno.ENOSPC, "file too large": errno.EFBIG,
                 "permission denied": errno.EACCES, "operation not permitted": errno.EPERM,
                 "too many open files": errno.EMFILE})
_ERRNO = re.compile(r"\[Errno (\d+)\][^:]*(?::\s*'(?P<path>[^']+)')?")
_OS_ERROR = re.compile(r"\(os error (\d+)\)(?::\s*(?P<path>/\S+))?")  # polars/Rust: "... (os error 28): /path"
_QUOTED_PATH = re.compile(r"""["'](?P<path>/[^"']+)["']""")


@dataclass(frozen=True)
class EnvironmentFailure:
    code: int
    path: str | None = None

    def line(self, consequence: str | None = None, hint: str | None = None) -> str:
        """E.g. `cannot write /data/.w.duckdb.papertrail/landing: No space left on device — the
        disk is full: free some space and run again; the published warehouse is unchanged`."""
        what, default_hint = _KINDS[self.code]
        hint = hint or default_hint
        where = f" {self.path}" if self.path else " a file"
        return f"{what}{where}: {os.strerror(self.code)} — {hint}" + (f"; {consequence}" if consequence else "")


def describe(err: BaseException | None) -> EnvironmentFailure | None:
    """The environmental failure behind an exception (it or any exception it was raised from)."""
    seen = set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        if isinstance(err, OSError) and err.errno in _KINDS:
            path = err.filename if isinstance(err.filename, str) else None
            return EnvironmentFailure(err.errno, path)
        found = describe_text(str(err)) if isinstance(err, OSError) or type(err).__module__.startswith(
            ("duckdb", "_duckdb", "polars", "pyarrow")) else None
        if found:
            return found
        err = err.__cause__ or err.__context__
    return None


def describe_text(text: str | None) -> EnvironmentFailure | None:
    """The environmental failure an error message names, if it names one."""
    if not text:
        return None
    if (m := _ERRNO.search(text)) and int(m.group(1)) in _KINDS:
        return EnvironmentFailure(int(m.group(1)), m.group("path"))
    if (m := _OS_ERROR.search(text)) and int(m.group(1)) in _KINDS:
        return EnvironmentFailure(int(m.group(1)), m.group("path") or _path_in(text))
    lowered = text.lower()
    for phrase, code in _PHRASES.items():
        if phrase in lowered:
            return EnvironmentFailure(code, _path_in(text))
    return None


def _path_in(text: str) -> str | None:
    m = _QUOTED_PATH.search(text)
    return m.group("path") if m else None
