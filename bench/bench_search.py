"""Benchmark: full-corpus build, index size, memory and query latency — ours and the tutorial stack.

    python bench/bench_search.py                 # ours only
    python bench/bench_search.py --baseline      # plus the tutorial stack over the same passages

Builds into a fresh temporary index (KB_CORPUS_DIR, default ../shared/corpus), so the numbers are
cold-build numbers; query latency is measured on a warmed library, as a running server sees it.
Lexical only (`--no-vectors`, KB_VECTORS=off): the semantic layer has bench/bench_semantic.py.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kb.search.evaluation import latency_summary, load_judged

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"


def du(path: Path) -> int:
    """Bytes under `path`."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def timed_child(args: list[str], env: dict) -> tuple[float, float]:
    """Run a child to completion; (seconds, its peak RSS in MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    subprocess.run(args, env=env, check=True, cwd=ROOT)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return time.monotonic() - started, max(peak, before) / 1024


def latency(search, queries) -> dict:
    """mean/p50/p95/p99 milliseconds of search(query) over the queries."""
    times = []
    for j in queries:
        started = time.perf_counter()
        search(j)
        times.append((time.perf_counter() - started) * 1000)
    return latency_summary(times) | {"n": len(times)}


def rss_mb() -> float:
    """This process's current resident memory."""
    with open("/proc/self/status") as f:
        return next(int(ln.split()[1]) for ln in f if ln.startswith("VmRSS")) / 1024


def report(name: str, build_s: float, peak_mb: float, size: int, lat: dict, mem: float) -> None:
    print(
        f"{name:<9} build {build_s:6.1f} s  peak build RSS {peak_mb:6.0f} MB  index "
        f"{size / 2**20:6.1f} MB  | query ms mean {lat['mean']:6.1f} p50 {lat['p50']:6.1f} "
        f"p95 {lat['p95']:6.1f} p99 {lat['p99']:6.1f} (n={lat['n']})  search RSS {mem:.0f} MB",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", action="store_true")
    ap.add_argument(
        "--baseline-sample",
        type=int,
        default=300,
        help="queries for the (slow) baseline latency; 0 = all",
    )
    args = ap.parse_args()
    queries = load_judged([EVAL / "stard-train.jsonl", EVAL / "domain-dev.jsonl"])
    tmp = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    env = dict(os.environ, KB_INDEX_DIR=str(tmp / "index"), KB_VECTORS="off")
    try:
        build_s, peak = timed_child(
            [sys.executable, "-m", "cli", "index", "--quiet", "--no-vectors"], env
        )
        os.environ["KB_INDEX_DIR"] = env["KB_INDEX_DIR"]
        os.environ["KB_VECTORS"] = "off"
        from kb.library import Library

        lib = Library(Path(env["KB_INDEX_DIR"]))
        lib.warm()
        lat = latency(lambda j: lib.search(j.query, limit=10, as_of=j.as_of), queries)
        report("kb", build_s, peak, du(tmp / "index"), lat, rss_mb())
        if args.baseline:
            bench_baseline(tmp, env, queries, args.baseline_sample)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def bench_baseline(tmp: Path, env: dict, queries, sample: int) -> None:
    """Build and query the tutorial stack over the same passages."""
    code = (
        "from kb.config import load_settings; from bench.baseline import build_baseline; "
        "build_baseline(load_settings())"
    )
    build_s, peak = timed_child([sys.executable, "-c", code], env)
    from bench.baseline import BaselineSearcher, build_baseline
    from kb.config import load_settings

    path, _ = build_baseline(load_settings())
    searcher = BaselineSearcher(path)
    picked = queries if not sample else queries[:: max(1, len(queries) // sample)]
    before = rss_mb()
    lat = latency(lambda j: searcher.search(j.query, limit=10), picked)
    report("baseline", build_s, peak, du(path), lat, max(before, rss_mb()))


if __name__ == "__main__":
    main()
