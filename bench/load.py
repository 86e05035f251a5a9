"""Load test: start `kb serve` on a free loopback port and drive /api/search at rising concurrency.

    .venv/bin/python bench/load.py [--levels 1,4,16] [--seconds 20] [--workers 2] [--threads 8]

Uses the configured index (KB_INDEX_DIR, else kb.config's default) and a mix of the queries in
../shared/eval: long questions, short words, citations, and filtered searches (kind, as_of,
versions=all). Prints requests/s, latency percentiles, errors, server CPU and total RSS per level.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from kb.config import DEFAULT_CORPUS, load_settings
from loadserver import Server, server_usage

EVAL_DIR = DEFAULT_CORPUS.parent / "eval"
HOST = "127.0.0.1"  # loopback only


def query_mix(seed: int = 7) -> list[str]:
    """Request paths: questions, short queries, citations and filtered searches, shuffled."""
    rows = [json.loads(line) for name in ("domain-dev.jsonl", "stard-train.jsonl")
            for line in (EVAL_DIR / name).read_text(encoding="utf-8").splitlines() if line]
    rng = random.Random(seed)
    questions = [r["query"] for r in rows if len(r["query"]) > 12]
    short = [r["query"] for r in rows if len(r["query"]) <= 12 and r.get("kind") != "citation"]
    cites = [r["query"] for r in rows if r.get("kind") == "citation"]
    dated = [(r["query"], r["as_of"]) for r in rows if r.get("as_of")]
    paths = [_path(q=q) for q in rng.sample(questions, min(200, len(questions)))]
    paths += [_path(q=q) for q in short] + [_path(q=q) for q in cites] * 3
    paths += [_path(q=q, kind="法律") for q in rng.sample(questions, 40)]
    paths += [_path(q=q, versions="all") for q in rng.sample(questions, 40)]
    paths += [_path(q=q, as_of=d) for q, d in dated] * 3
    paths += [_path(q=q, as_of="2020-01-01") for q in rng.sample(questions, 20)]
    rng.shuffle(paths)
    return paths


def _path(**params: str) -> str:
    return "/api/search?" + urlencode(params)


def client(port: int, paths: list[str], start: int, stop: threading.Event, deadline: float,
           budget: list[int], out: list[float], errors: list[str]) -> None:
    """One keep-alive connection sending requests until the deadline or the request budget."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    i = start
    while not stop.is_set() and time.monotonic() < deadline:
        with LOCK:
            if budget[0] <= 0:
                break
            budget[0] -= 1
        path = paths[i % len(paths)]
        i += 1
        began = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"{response.status} {path}")
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"{type(exc).__name__} {path}")
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            continue
        out.append(time.perf_counter() - began)
    conn.close()


LOCK = threading.Lock()


def run_level(server: Server, paths: list[str], concurrency: int, seconds: float,
              max_requests: int) -> dict:
    """Drive the server at one concurrency; returns the measurements."""
    latencies: list[float] = []
    errors: list[str] = []
    stop = threading.Event()
    budget = [max_requests]
    cpu_before = server_usage(server.pid)["cpu"]
    began = time.monotonic()
    threads = [threading.Thread(target=client, args=(server.port, paths, k * 97, stop,
                                                     began + seconds, budget, latencies, errors))
               for k in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    usage = server_usage(server.pid)
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return {"concurrency": concurrency, "requests": len(latencies), "seconds": elapsed,
            "rps": len(latencies) / elapsed, "p50": pick(0.50), "p95": pick(0.95),
            "p99": pick(0.99), "errors": len(errors), "error_sample": errors[:3],
            "cpu": (usage["cpu"] - cpu_before) / elapsed * 100, "rss_mb": usage["rss_mb"],
            "processes": usage["processes"]}


def main() -> None:
    """Parse options, start the server, run the levels, print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--levels", default="1,4,16")
    ap.add_argument("--seconds", type=float, default=20.0, help="per level")
    ap.add_argument("--max-requests", type=int, default=50_000, help="per level")
    ap.add_argument("--warmup", type=float, default=3.0, help="seconds at the top level, unmeasured")
    ap.add_argument("--workers", type=int)
    ap.add_argument("--threads", type=int)
    args = ap.parse_args()
    index_dir = load_settings().index_dir
    paths = query_mix()
    print(f"index {index_dir}; {len(paths)} distinct requests in the mix")
    levels = [int(x) for x in args.levels.split(",")]
    with Server(index_dir, workers=args.workers, threads=args.threads) as server:
        print(f"kb serve pid {server.pid} on {HOST}:{server.port} (ready in {server.ready_s:.1f}s)")
        if args.warmup > 0:
            run_level(server, paths, max(levels), args.warmup, args.max_requests)
        print(f"{'conc':>4} {'reqs':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
              f"{'errors':>6} {'cpu %':>6} {'RSS MB':>7} procs")
        for level in levels:
            r = run_level(server, paths, level, args.seconds, args.max_requests)
            print(f"{r['concurrency']:>4} {r['requests']:>7} {r['rps']:>7.1f} {r['p50']:>7.1f} "
                  f"{r['p95']:>7.1f} {r['p99']:>7.1f} {r['errors']:>6} {r['cpu']:>6.0f} "
                  f"{r['rss_mb']:>7.0f} {r['processes']:>5}", flush=True)
            for sample in r["error_sample"]:
                print(f"     error: {sample}")


if __name__ == "__main__":
    main()
