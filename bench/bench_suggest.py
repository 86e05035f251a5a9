"""Suggestions while typing (kb/search/suggest.py): the time per keystroke on the configured index.

    .venv/bin/python bench/bench_suggest.py [--names 300] [--seed 12]

Every prefix of sampled names (选, 选举, 选举法 …) and of citations being typed (代表法第,
代表法第四, 代表法第四十四条第 …) is suggested once; prints the preparation time per build,
then median, p99 and max per suggestion (the target is 10 ms).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from kb.config import load_settings
from kb.library import Library
from kb.numerals import int_to_cn
from kb.search.suggest import suggester


def typed_strings(snap, count: int, seed: int) -> list[str]:
    """Prefixes of names and of citations, as they are typed character by character."""
    rand = random.Random(seed)
    names = sorted(n for n in snap.aliases().names() if len(n) <= 30)
    out = []
    for name in rand.sample(names, min(count, len(names))):
        out += [name[:i] for i in range(1, len(name) + 1)]
        cite = f"{name}第{int_to_cn(rand.randint(1, 120))}条第"
        out += [cite[:i] for i in range(len(name) + 1, len(cite) + 1)]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=300)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    library = Library(load_settings().index_dir)
    snap = library.snapshot()
    started = time.perf_counter()
    suggester(snap)
    print(f"prepared in {(time.perf_counter() - started) * 1000:.0f} ms (once per build)")
    typed = typed_strings(snap, args.names, args.seed)
    library.warm()
    times = []
    for text in typed:
        started = time.perf_counter()
        library.suggest(text)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(
        f"{len(times)} suggestions: median {statistics.median(times):.2f} ms, "
        f"p99 {times[int(len(times) * 0.99)]:.2f} ms, max {times[-1]:.2f} ms"
    )


if __name__ == "__main__":
    main()
