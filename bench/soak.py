"""Soak test: a bounded loopback run of `kb serve` under steady load, minute by minute.

    .venv/bin/python bench/soak.py [--minutes 10] [--concurrency 16] [--max-requests 3000000]

Starts its own `kb serve` (127.0.0.1, a free port) on the configured index (KB_INDEX_DIR, else
kb.config's default), drives /api/search with the mix of bench/load.py (long questions, short
words, citations, kind/as_of/versions filters from ../shared/eval) from `--concurrency` keep-alive
clients, and prints per minute: requests, req/s, p50/p95/p99, errors and the server's RSS summed
over its processes (from /proc). Ends with RSS at start and end and its growth; exits 1 on any
failed request. Stops by itself after --minutes or --max-requests, whichever comes first.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time

from bench.load import HOST, Server, Tally, query_mix, run, server_usage
from kb.config import load_settings
from kb.search.evaluation import latency_summary


def sample_rss(pid: int, stop: threading.Event, out: list[tuple[float, float]]) -> None:
    """Record (time, server RSS in MB) every five seconds until stopped."""
    while not stop.is_set():
        out.append((time.monotonic(), server_usage(pid)["rss_mb"]))
        stop.wait(5.0)


def minute_rows(began: float, tally: Tally, rss: list[tuple[float, float]]) -> list[dict]:
    """Requests, rates, latency percentiles, errors and RSS for each minute of the run."""
    rows = []
    last = max([t for t, _ in tally.done] + [began])
    for m in range(int((last - began) // 60) + 1):
        lo, hi = began + 60 * m, began + 60 * (m + 1)
        ms = [s * 1000 for t, s in tally.done if lo <= t < hi]
        span = min(hi, last) - lo
        if span < 10 and m:  # the last few seconds: too few requests for percentiles
            continue
        mem = [mb for t, mb in rss if t < hi] or [0.0]
        lat = latency_summary(ms)
        rows.append(
            {
                "minute": m + 1,
                "requests": len(ms),
                "rps": len(ms) / max(span, 1e-9),
                "p50": lat["p50"],
                "p95": lat["p95"],
                "p99": lat["p99"],
                "errors": sum(lo <= t < hi for t, _ in tally.errors),
                "rss": mem[-1],
            }
        )
    return rows


def report(rows: list[dict], rss: list[tuple[float, float]], tally: Tally) -> None:
    """Print the per-minute table and the memory summary."""
    print(
        f"{'min':>3} {'reqs':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'errors':>6} {'RSS MB':>7}"
    )
    for r in rows:
        print(
            f"{r['minute']:>3} {r['requests']:>7} {r['rps']:>7.1f} {r['p50']:>7.1f} "
            f"{r['p95']:>7.1f} {r['p99']:>7.1f} {r['errors']:>6} {r['rss']:>7.0f}"
        )
    p95 = [r["p95"] for r in rows if r["requests"]]
    start, end, peak = rss[0][1], rss[-1][1], max(mb for _t, mb in rss)
    half = [mb for t, mb in rss if t >= (rss[0][0] + rss[-1][0]) / 2]
    print(
        f"total {len(tally.done)} requests, {len(tally.errors)} errors; p95 per minute "
        f"{min(p95):.1f}–{max(p95):.1f} ms"
    )
    print(
        f"server RSS: start {start:.0f} MB, end {end:.0f} MB, growth {end - start:+.0f} MB "
        f"({(end - start) / start * 100:+.1f}%), peak {peak:.0f} MB, "
        f"growth over the second half {half[-1] - half[0]:+.0f} MB"
    )
    for _t, sample in tally.errors[:5]:
        print(f"  error: {sample}")


def main() -> int:
    """Parse options, start the server, warm it, soak it, print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--max-requests", type=int, default=3_000_000)
    ap.add_argument("--warmup", type=float, default=20.0, help="unmeasured seconds first")
    ap.add_argument("--workers", type=int)
    ap.add_argument("--threads", type=int)
    args = ap.parse_args()
    index_dir, paths = load_settings().index_dir, query_mix()
    print(
        f"index {index_dir}; {len(paths)} distinct requests; {args.minutes:g} min at "
        f"concurrency {args.concurrency}",
        flush=True,
    )
    with Server(index_dir, workers=args.workers, threads=args.threads) as server:
        print(
            f"kb serve pid {server.pid} on {HOST}:{server.port} (ready in {server.ready_s:.1f}s)",
            flush=True,
        )
        warmup = Tally(budget=args.max_requests)
        run(server.port, paths, args.concurrency, args.warmup, warmup)
        print(f"warm-up: {len(warmup.done)} requests, {len(warmup.errors)} errors", flush=True)
        tally, rss, stop = Tally(budget=args.max_requests), [], threading.Event()
        sampler = threading.Thread(target=sample_rss, args=(server.pid, stop, rss))
        sampler.start()
        began = time.monotonic()
        run(server.port, paths, args.concurrency, args.minutes * 60, tally)
        stop.set()
        sampler.join()
        rss.append((time.monotonic(), server_usage(server.pid)["rss_mb"]))
    report(minute_rows(began, tally, rss), rss, tally)
    return 1 if tally.errors or warmup.errors else 0


if __name__ == "__main__":
    sys.exit(main())
