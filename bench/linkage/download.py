"""Copy the benchmarks from fetched git snapshots into bench/data/<name>/raw/ (gitignored).

    .venv/bin/python -m bench.linkage.download [--mirror DIR]

The snapshots are the bare git directories the `fetch` tool leaves under $PAPERTRAIL_MIRROR
(default /work/.mirror/<owner>+<name>/repo). Every file is read at the pinned commit and checked
against its pinned blob (or tree) id, so the data scored is exactly the data described in
bench/linkage/datasets.py. Where a snapshot is absent (CI has no fetch tool) the dataset is
skipped with a message and the command still exits 0.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from . import datasets as D


def git(git_dir: Path, *args: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], check=True,
                          capture_output=True).stdout


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(content)
    tmp.replace(path)


def _check(git_dir: Path, commit: str, path: str, expected: str) -> None:
    found = git(git_dir, "rev-parse", f"{commit}:{path}").decode().strip()
    if found != expected:
        raise SystemExit(f"bench.linkage.download: {path} at {commit[:10]} is {found}, pinned {expected}")


def fetch_dblp_acm(git_dir: Path, out: Path) -> list[str]:
    ds = D.DBLP_ACM
    copied = []
    for local, (path, blob) in ds["files"].items():
        _check(git_dir, ds["commit"], path, blob)
        _write(out / local, git(git_dir, "cat-file", "blob", blob))
        copied.append(local)
    return copied


def fetch_aminer(git_dir: Path, out: Path) -> list[str]:
    ds = D.AMINER
    _check(git_dir, ds["commit"], ds["dir"], ds["tree"])
    listing = git(git_dir, "ls-tree", "-r", "-z", ds["tree"]).split(b"\0")
    copied = []
    for entry in filter(None, listing):
        meta, name = entry.split(b"\t", 1)
        blob, rel = meta.split()[2].decode(), name.decode()
        _write(out / rel, git(git_dir, "cat-file", "blob", blob))
        copied.append(rel)
    return copied


FETCHERS = {"dblp-acm": fetch_dblp_acm, "aminer": fetch_aminer}


def download(names: list[str]) -> dict[str, str]:
    status = {}
    for name in names:
        ds = D.DATASETS[name]
        git_dir = D.mirror_git_dir(ds)
        if not (git_dir / "HEAD").exists():
            print(f"bench.linkage.download: skip {name}: no snapshot of {ds['repo']} at {git_dir} "
                  f"(fetch github:{ds['repo']} first)")
            status[name] = "skipped"
            continue
        try:
            git(git_dir, "cat-file", "-e", f"{ds['commit']}^{{commit}}")
        except subprocess.CalledProcessError:
            print(f"bench.linkage.download: skip {name}: the snapshot of {ds['repo']} lacks commit "
                  f"{ds['commit'][:10]}")
            status[name] = "skipped"
            continue
        out = D.raw_dir(ds)
        files = FETCHERS[name](git_dir, out)
        provenance = {k: ds[k] for k in ("title", "repo", "commit", "origin", "license", "citation")}
        provenance["files"] = len(files)
        (out / "PROVENANCE.json").write_text(json.dumps(provenance, indent=2, ensure_ascii=False) + "\n")
        print(f"bench.linkage.download: {name}: {len(files)} files from {ds['repo']}@{ds['commit'][:10]} "
              f"-> {D.rel(out)}")
        status[name] = "ok"
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=",".join(D.DATASETS))
    parser.add_argument("--mirror", type=Path, help="snapshot root (default $PAPERTRAIL_MIRROR or /work/.mirror)")
    args = parser.parse_args(argv)
    if args.mirror:
        D.MIRROR = args.mirror
    download([n.strip() for n in args.datasets.split(",") if n.strip()])
    return 0


if __name__ == "__main__":
    sys.exit(main())
