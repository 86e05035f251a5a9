"""Latency of the semantic layer on a warm Library over the configured index (with its vectors).

    .venv/bin/python bench/bench_semantic.py [--questions 300]

Each STARD question is asked once in auto mode (hybrid: its vector is not cached yet) and once
lexically, then three at a time as one long message; citations and quoted phrases (auto answers them lexically) are timed in auto mode and
with the layer off, to show they cost what they did. Also: the encoder and the vector scan alone,
and the process's memory. Numbers taken while other work runs on the machine are noisy.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import time
from pathlib import Path

from bench.tune import EVAL
from kb.config import load_settings  # noqa: E402
from kb.library import Library  # noqa: E402
from kb.search.evaluation import latency_summary, load_judged  # noqa: E402
from training.fusion.messages import joined  # noqa: E402

PHRASES = ('"选民登记"', '"代表资格"', '"专题询问"', '"法律援助"', '"劳动合同"', '"宪法宣誓"')


def timed(lib: Library, queries: list[str], **params) -> tuple[list[float], list[str]]:
    """Wall milliseconds per search and the modes that ran."""
    times, modes = [], []
    for q in queries:
        started = time.perf_counter()
        r = lib.search(q, **params)
        times.append((time.perf_counter() - started) * 1000)
        modes.append(r.understood.get("mode", "lexical"))
    return times, modes


def line(label: str, times: list[float]) -> str:
    lat = latency_summary(times)
    return (
        f"  {label:34s} n={len(times):4d}  p50 {lat['p50']:6.1f} ms"
        f"  p95 {lat['p95']:6.1f} ms  mean {lat['mean']:6.1f} ms"
    )


def rss_mb() -> float:
    status = Path(f"/proc/{os.getpid()}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status)[1]) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--questions", type=int, default=300)
    args = ap.parse_args()
    index_dir = load_settings().index_dir
    lib, off = Library(index_dir, vectors=True), Library(index_dir, vectors=False)
    before = rss_mb()
    lib.warm()
    off.warm()
    health = lib.health()["vectors"]
    print(f"vectors: {health}")
    if not health["complete"]:
        sys.exit("the live build's vectors are not complete: run `kb index` first")
    stard = [j.query for j in load_judged([EVAL / "stard-train.jsonl"])][: args.questions]
    domain = load_judged([EVAL / "domain-dev.jsonl"])
    cites = [j.query for j in domain if j.kind == "citation"] * 5
    layer = lib.semantic
    enc = layer.encoder()
    started = time.perf_counter()
    for q in stard[:50]:
        enc._query("bench " + q)  # uncached
    encode_ms = (time.perf_counter() - started) * 1000 / 50
    index = layer.index_for(lib.snapshot().path, lib.snapshot().size)
    vec = enc.query(stard[0])
    started = time.perf_counter()
    for _ in range(50):
        index.nearest(vec, None, 400)
    scan_ms = (time.perf_counter() - started) * 1000 / 50
    print(
        f"encoder: {encode_ms:.1f} ms a question (uncached); scan of {index.codes.shape[0]} "
        f"vectors + top 400: {scan_ms:.1f} ms"
    )
    hybrid, modes = timed(lib, stard)
    print(f"questions (auto ran: {', '.join(sorted(set(modes)))}):")
    print(line("auto, first time (encoder + scan)", hybrid))
    print(line("auto, again (vector cached)", timed(lib, stard)[0]))
    print(line("lexical", timed(lib, stard, mode="lexical")[0]))
    messages = [joined(stard[i : i + 3]) for i in range(0, len(stard) - 2, 3)]
    times, _modes = timed(lib, messages)
    parts = lib.search(messages[0]).understood.get("parts")
    print(line(f"messages of 3 questions ({parts} parts)", times))
    print("citations and phrases (auto answers them lexically):")
    print(line("citations, auto", timed(lib, cites)[0]))
    print(line("citations, vectors off", timed(off, cites)[0]))
    print(line("phrases, auto", timed(lib, list(PHRASES) * 10)[0]))
    print(line("phrases, vectors off", timed(off, list(PHRASES) * 10)[0]))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"memory: RSS {rss_mb():.0f} MB (two Libraries; {before:.0f} MB before warming), "
        f"peak {peak:.0f} MB; vectors are a shared memory map"
    )


if __name__ == "__main__":
    main()
