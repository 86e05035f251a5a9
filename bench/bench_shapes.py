"""Benchmark: the API's answers built as dicts by hand (kb.shapes) vs through the pydantic models.

    python -m bench.bench_shapes [--rounds 20]

On the configured index (KB_INDEX_DIR), for a few searches (10 and 100 hits) and the largest
documents: the hand-written dict, the dict validated by its model (what any model-built answer
pays at least), and validated then dumped back to JSON-ready data (model_validate +
model_dump, the pydantic way to build the answer). Microseconds per answer, median of rounds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from pydantic import BaseModel

from kb.config import load_settings
from kb.library import Library
from kb.shapes.documents import DocumentEnvelope, document_envelope
from kb.shapes.search import SearchEnvelope, search_envelope

QUERIES = ("选举法第三十条", "人大代表的权利和义务", "补选代表", "行政处罚的种类", "地方性法规")


def per_call(fn: Callable[[], object], rounds: int) -> float:
    """Median microseconds of one call."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1e6)
    return statistics.median(times)


def compare(name: str, build: Callable[[], dict], model: type[BaseModel], rounds: int) -> None:
    """Print the three ways of making one answer."""
    d = build()
    by_hand = per_call(build, rounds)
    checked = per_call(lambda: model.model_validate(build()), rounds)
    dumped = per_call(lambda: model.model_validate(build()).model_dump(by_alias=True), rounds)
    print(
        f"{name:<34} dict {by_hand:9.0f} µs   +validate {checked:9.0f} µs   "
        f"validate+dump {dumped:9.0f} µs   ({dumped / by_hand:4.1f}x)   "
        f"{len(str(d)) // 1024} KB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    library = Library(load_settings().index_dir)
    for limit in (10, 100):
        for q in QUERIES:
            result = library.search(q, limit=limit, mode="lexical")
            label = f"search {q} ({len(result.hits)} hits)"
            compare(label, lambda r=result: search_envelope(r), SearchEnvelope, args.rounds)
    snap = library.snapshot()
    biggest = sorted(snap.docs.records, key=lambda r: -int(r.get("passage_count") or 0))[:3]
    for rec in biggest:
        view = library.document(rec["id"])
        label = f"document ({len(view.document.passages)} passages)"
        compare(label, lambda v=view: document_envelope(v), DocumentEnvelope, args.rounds)


if __name__ == "__main__":
    main()
