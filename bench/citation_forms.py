"""Every citation, written any way people write it, at rank 1: generated from the whole index.

    python bench/citation_forms.py [--works N] [--per-work 3] [--failures 40]

For every work (or a sample of N), a few articles in every applicable written form (title as
written, 《》, without 中华人民共和国, 人大/常委会 abbreviations, place shortened, without 关于 or
the issuer, short and former names, 第30条, 第３０条, 三十条, 款/项, 之一, ranges, lists,
trailing words, 《title》（version）) and questions about the work (issuer, dates, in force,
bulletin issue). Prints pass rates per form and per kind of document (names that fit several
works apart, with what kb chose), the failures, and citation look-up latency.
Index: KB_INDEX_DIR (default var/index).
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter

from devkit.form_cases import check, generate, tables
from kb.config import load_settings
from kb.library import Library
from kb.search.evaluation import latency_summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--works", type=int, default=0, help="a random sample of N works (0: all)")
    ap.add_argument("--per-work", type=int, default=3, help="articles per work in every form")
    ap.add_argument("--failures", type=int, default=40, help="failures to print")
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    library = Library(load_settings({}).index_dir)
    works = set(library.snapshot().docs.works)
    if args.works:
        works = set(random.Random(args.seed).sample(sorted(works), min(args.works, len(works))))
    started = time.perf_counter()
    cases = generate(library, works, args.per_work)
    print(f"{len(cases)} cases from {len(works)} works in {time.perf_counter() - started:.0f}s")
    library.warm()
    outcomes = [check(library, case) for case in cases]
    citations = [o for o in outcomes if o.case.target is not None]
    questions = [o for o in outcomes if o.case.target is None]
    print(tables(citations))
    print(tables(questions))
    _ambiguous(library, [o for o in outcomes if o.ambiguous])
    failed = [o for o in outcomes if not o.ok and not o.ambiguous]
    print(f"\nfailures (unambiguous): {len(failed)}")
    for o in failed[: args.failures]:
        print(f"  [{o.case.form}] {o.case.query}  →  {o.got}")
    for what, took in (
        ("search of a citation", [o.search_ms for o in citations]),
        ("cite", [o.cite_ms for o in citations if o.cite_ms is not None]),
        ("search of a document question", [o.search_ms for o in questions]),
    ):
        lat = latency_summary(took)
        print(
            f"{what}: p50 {lat['p50']:.1f} ms, p95 {lat['p95']:.1f} ms, max {lat['max']:.1f} ms"
            f" ({len(took)} look-ups)"
        )


def _ambiguous(library: Library, outcomes: list, shown: int = 25) -> None:
    """Names that fit several works: what kb cites and offers; first those where the case meant
    another of the works than the one kb cites."""
    aliases = library.snapshot().aliases()
    names = Counter((o.case.name, o.chosen) for o in outcomes)
    print(
        f"ambiguous names: {len(names)} ({len(outcomes)} cases, {sum(o.ok for o in outcomes)} "
        "of them meant the work kb cites)"
    )
    other = Counter((o.case.name, o.chosen, o.case.work) for o in outcomes if not o.ok)
    print(f"meant another work: {sum(other.values())} cases")
    for (name, chosen, work), count in sorted(other.items(), key=lambda kv: -kv[1]):
        print(f"  {name}: kb cites {'、'.join(chosen)}, offers {work} ({count} cases)")
    print(f"most frequent ({shown}):")
    for (name, chosen), count in sorted(names.items(), key=lambda kv: -kv[1])[:shown]:
        m = aliases.match_suffix(name)
        others = len(m.others) if m else 0
        print(f"  {name} ({count} cases): kb cites {'、'.join(chosen)}, offers {others} other(s)")


if __name__ == "__main__":
    main()
