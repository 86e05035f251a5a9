"""Citation checking on cases generated from the index (devkit/verify_cases.py): precision and
recall per verdict, then the time to check a 20,000-character text.

    .venv/bin/python bench/bench_verify.py [--per-kind 60] [--seed 12] [--repeat 20] [--show-wrong]

Uses the configured index (KB_INDEX_DIR, default var/index; build it with `kb index`).
"""

from __future__ import annotations

import argparse
import statistics
import time

from devkit.verify_cases import FILLER, CaseMaker, score, verdict_for
from kb.config import load_settings
from kb.library import Library
from kb.verify.checker import MAX_VERIFY_CHARS, verify_text


def long_text(cases, limit: int = MAX_VERIFY_CHARS) -> str:
    """Case sentences one after another (with prose between) up to `limit` characters."""
    parts, size, i = [], 0, 0
    while cases:
        piece = cases[i % len(cases)].text + FILLER[i % len(FILLER)]
        if size + len(piece) > limit:
            break
        parts.append(piece)
        size += len(piece)
        i += 1
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=60)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--show-wrong", action="store_true")
    args = parser.parse_args()
    library = Library(load_settings().index_dir)
    snap = library.snapshot()
    started = time.perf_counter()
    cases = CaseMaker(snap, args.seed).cases(args.per_kind)
    print(f"{len(cases)} cases generated in {time.perf_counter() - started:.1f}s")
    started = time.perf_counter()
    predicted = [verdict_for(c, list(verify_text(snap, c.text).verdicts)) for c in cases]
    print(f"checked one by one in {time.perf_counter() - started:.1f}s (first includes warm-up)")
    result = score(cases, predicted)
    print(f"{result['right']}/{result['cases']} verdicts right")
    print(f"{'verdict':<16}{'cases':>6}{'precision':>11}{'recall':>8}")
    for verdict, s in result["per_verdict"].items():
        p = "-" if s["precision"] is None else f"{s['precision']:.3f}"
        r = "-" if s["recall"] is None else f"{s['recall']:.3f}"
        print(f"{verdict:<16}{s['cases']:>6}{p:>11}{r:>8}")
    if args.show_wrong:
        for case, got in result["wrong"]:
            print(f"  [{case.kind}] expected {case.expected}, got {got}: {case.text}")
    text = long_text(cases)
    times = []
    for _ in range(args.repeat):
        checked = verify_text(snap, text)
        times.append(checked.took_ms)
    print(
        f"{len(text)} characters, {len(checked.verdicts)} citations: median "
        f"{statistics.median(times):.1f} ms, max {max(times):.1f} ms over {args.repeat} runs"
    )


if __name__ == "__main__":
    main()
