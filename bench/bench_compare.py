"""Benchmark: comparing versions (新旧对照) and an article's history on the configured index.

    python bench/bench_compare.py [--runs 20]

Uses the built index (KB_INDEX_DIR, default var/index; run `kb index` first). Times, per case:
the first comparison (passages read from the index, aligned and diffed; the caches are emptied
before each run) and a cached one (the same request again), as Library.compare serves them and
as GET /api/compare answers (in-process test client: routing, JSON, headers; no sockets).
Targets: under 300 ms first, under 20 ms cached.
Cases: 民法典 (one version in eight 编 files, compared with itself: 1,260 articles), the two
largest multi-version works, and 代表法.
"""

from __future__ import annotations

import argparse
import time

from kb.compare import service
from kb.config import load_settings
from kb.library import Library
from kb.search.evaluation import latency_summary
from web import compare_api, create_app

CASES = (
    ("民法典 (8 parts, itself)", "民法典", "民法典"),
    ("刑事诉讼法解释 2012→2021", "最高人民法院关于适用《中华人民共和国刑事诉讼法》的解释2012", "最高人民法院关于适用《中华人民共和国刑事诉讼法》的解释"),
    ("民事诉讼法解释 2020→2022", "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释2020", "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释"),
    ("代表法 2015→2025", "代表法2015", "代表法"),
)  # fmt: skip


def timed(call) -> float:
    """Milliseconds one call takes."""
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def summary(times: list[float]) -> str:
    lat = latency_summary(times)
    return f"p50 {lat['p50']:7.1f}  p95 {lat['p95']:7.1f}  max {lat['max']:7.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    library = Library(load_settings().index_dir)
    library.warm()
    client = create_app({"LIBRARY": library}).test_client()
    library.history("代表法第四十四条")  # first citation look-up builds the alias table
    for name, old, new in CASES:
        a, b = library.find_version(old), library.find_version(new)
        url = f"/api/compare?from={a}&to={b}"
        times: dict[str, list[float]] = {
            k: [] for k in ("first", "cached", "api first", "api cached")
        }
        for _ in range(args.runs):
            service._cache.clear()  # a first request each run
            times["first"].append(timed(lambda: library.compare(a, b)))  # noqa: B023
            times["cached"].append(timed(lambda: library.compare(a, b)))  # noqa: B023
            service._cache.clear()
            compare_api._bodies.clear()
            times["api first"].append(timed(lambda: client.get(url)))  # noqa: B023
            times["api cached"].append(timed(lambda: client.get(url)))  # noqa: B023
        c = library.compare(a, b)
        size = len(client.get(url).data) / 1e6
        print(f"{name}: {len(c.old.passages)} → {len(c.new.passages)} passages, {size:.2f} MB JSON")
        print(f"  {c.summary}")
        for label, values in times.items():
            print(f"  {label:10} ms {summary(values)}")
    service._cache.clear()
    history = [timed(lambda: library.history("代表法第四十四条")) for _ in range(args.runs)]
    print(f"history 代表法第四十四条 (first builds the comparison): ms {summary(history)}")


if __name__ == "__main__":
    main()
