"""Fetch throughput over loopback: the papertrail Fetcher with politeness off against a bare httpx
loop in the same run, and the Fetcher under a per-host limit (achieved rate vs configured).

    .venv/bin/python -m bench.fetch_bench [--requests 2000] [--concurrency 8] [--rate 5]

The server runs in its own process (stdlib http.server, HTTP/1.1 keep-alive, a fixed 8 KB JSON
body), so client and server do not share a GIL. Prints a table; writes bench/results/fetch_bench.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import platform
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from papertrail.pipelines.config import HostLimit
from papertrail.pipelines.http import Fetcher, Request

BODY = json.dumps({"results": [{"id": i, "title": "x" * 60} for i in range(100)]}).encode()[:8192]
RESULTS = Path(__file__).resolve().parent / "results"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms ACK wait

    def do_GET(self):  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args):
        pass


def _serve(port_out) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    port_out.put(server.server_address[1])
    server.serve_forever()


async def bare_httpx(base: str, n: int, concurrency: int) -> float:
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits) as client:
        async def one(i: int) -> None:
            async with gate:
                response = await client.get(f"{base}/page/{i}")
                response.raise_for_status()
                assert len(response.content) == len(BODY)
        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(n)))
        return time.perf_counter() - started


async def fetcher_run(base: str, n: int, limit: HostLimit, concurrency: int) -> tuple[float, list[float]]:
    host = base.split("//", 1)[1]
    done: list[float] = []
    async with Fetcher(allowed_hosts=["127.0.0.1"], host_limits={host: limit},
                       max_concurrency=concurrency, max_attempts=1) as fetcher:
        async def one(i: int) -> None:
            result = await fetcher.fetch(Request(f"{base}/page/{i}", expect="json"))
            assert result.error is None and result.bytes == len(BODY), result.error
            done.append(time.perf_counter())
        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(n)))
        return time.perf_counter() - started, sorted(done)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--rate", type=float, default=5.0, help="per-host limit for the paced run (req/s)")
    ap.add_argument("--paced-requests", type=int, default=26)
    args = ap.parse_args(argv)

    ports = multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(ports,), daemon=True)
    server.start()
    try:
        base = f"http://127.0.0.1:{ports.get(timeout=10)}"
        n, c = args.requests, args.concurrency
        asyncio.run(bare_httpx(base, 50, c))  # warm up both paths (imports, first connections)
        asyncio.run(fetcher_run(base, 50, HostLimit(1e6, c, 10**6), c))
        bare = asyncio.run(bare_httpx(base, n, c))
        ours, _ = asyncio.run(fetcher_run(base, n, HostLimit(1e6, c, 10**6), c))
        paced_n = args.paced_requests
        paced, done = asyncio.run(fetcher_run(base, paced_n, HostLimit(args.rate, 1, 1), c))
    finally:
        server.terminate()
        server.join(5)
    achieved = (len(done) - 1) / (done[-1] - done[0])
    report = {
        "machine": {"python": platform.python_version(), "cpus": multiprocessing.cpu_count()},
        "requests": n, "concurrency": c, "body_bytes": len(BODY),
        "bare_httpx": {"seconds": round(bare, 3), "pages_per_s": round(n / bare, 1)},
        "fetcher_unlimited": {"seconds": round(ours, 3), "pages_per_s": round(n / ours, 1),
                              "relative_to_bare": round(bare / ours, 3)},
        "fetcher_paced": {"configured_rps": args.rate, "requests": paced_n,
                          "seconds": round(paced, 3), "achieved_rps": round(achieved, 3),
                          "error_pct": round(100 * (achieved - args.rate) / args.rate, 2)},
    }
    print(f"loopback fetch, {n} requests x {len(BODY)} B, concurrency {c}")
    print(f"{'run':<34}{'seconds':>9}{'pages/s':>10}")
    print(f"{'bare httpx loop':<34}{bare:>9.2f}{n / bare:>10.0f}")
    print(f"{'Fetcher, politeness off':<34}{ours:>9.2f}{n / ours:>10.0f}"
          f"   ({100 * bare / ours:.0f}% of bare)")
    print(f"{f'Fetcher, limit {args.rate:g} req/s (1 conn)':<34}{paced:>9.2f}{paced_n / paced:>10.2f}"
          f"   achieved {achieved:.3f} req/s between first and last response")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "fetch_bench.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"wrote {out}")
    return report


if __name__ == "__main__":
    main()
