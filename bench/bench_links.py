"""Benchmark: the links panel (GET /api/passages/<id>/links) on the configured index.

    python bench/bench_links.py [--passages 300] [--seed 1]

Opens the live build (KB_INDEX_DIR, default var/index) as a server worker does (warmed), then
times the panel for a sample of passages that have links — national articles cited or
implemented, local articles, judicial interpretations — and every bulletin paragraph (their
相关规定 are searched when the library is warmed), through the Flask app in-process (routing,
the Library, JSON), and the Library alone. "first call" includes aligning each work's
versions (kept per build: kb/compare/same_article.py) unless warming did it.
"""

from __future__ import annotations

import argparse
import random
import time

from kb.config import load_settings
from kb.library import Library
from kb.links.reading.table import link_table
from kb.search.evaluation import latency_summary
from web import create_app


def sample(library: Library, size: int, seed: int) -> list[str]:
    """Passage ids with links: cited, citing, implemented, implementing, bulletin."""
    snap = library.snapshot()
    table = link_table(snap)
    pools = [
        sorted(table.by_target),  # cited or implemented articles
        sorted(table.by_source),  # citing or implementing passages
    ]
    rng = random.Random(seed)
    chosen = {pid for pool in pools for pid in rng.sample(pool, min(size // 2, len(pool)))}
    for row, rec in enumerate(snap.docs.records):  # every bulletin paragraph too
        if rec["kind"] == "工作简报":
            chosen |= set(snap.passage_ids(row))
    return sorted(chosen)


def timed(call, ids: list[str]) -> list[float]:
    """Milliseconds per call."""
    out = []
    for pid in ids:
        started = time.perf_counter()
        call(pid)
        out.append((time.perf_counter() - started) * 1000)
    return out


def report(name: str, ms: list[float]) -> None:
    lat = latency_summary(ms)
    print(
        f"{name:<28} n={len(ms):>4}  p50 {lat['p50']:6.2f} ms  "
        f"p95 {lat['p95']:6.2f} ms  max {lat['max']:7.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    settings = load_settings()
    library = Library(settings.index_dir)
    started = time.perf_counter()
    library.warm()
    print(f"warm-up (texts, postings, links.json) {time.perf_counter() - started:.2f} s")
    ids = sample(library, args.passages, args.seed)
    client = create_app({"LIBRARY": library, "TESTING": True}).test_client()
    first = timed(lambda pid: client.get(f"/api/passages/{pid}/links"), ids)
    report("API, first call", first)
    report("API, again", timed(lambda pid: client.get(f"/api/passages/{pid}/links"), ids))
    report("Library.links, again", timed(library.links, ids))


if __name__ == "__main__":
    main()
