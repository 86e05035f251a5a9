"""Ranking tuning harness: evaluate Policy variants on judged queries without re-opening the index.

    python bench/tune.py [--set k1=1.0 --set title_weight=0.8 ...] [--grid name=v1,v2,...]

Prints R@10, R@100, MRR@10 for ../shared/eval/stard-train.jsonl and domain-dev.jsonl.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
from pathlib import Path

from kb.config import load_settings
from kb.engine.policy import POLICY
from kb.engine.snapshot import Snapshot
from kb.library import Library
from kb.query.parse import parse_query
from kb.search import SearchParams, rank
from kb.search.evaluation import Ranked, load_judged, score_ranking

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"


def passage_table(snap) -> list[Ranked | None]:
    """(source, title, article, text) for every docnum, read once."""
    texts = snap.texts()
    out: list[Ranked | None] = []
    searcher = snap.searcher()
    for n in range(snap.size):
        if not snap.alive[n]:
            out.append(None)
            continue
        rec = snap.docs.records[int(snap.passage_doc[n])]
        art = searcher.stored_fields(n)["record"]["article"]
        out.append(Ranked(rec["source"], rec["title"], art, texts[n]))
    return out


def run(snap, table, judged, policy) -> dict:
    """Average metrics for one policy."""
    scores, times = [], []
    for j in judged:
        started = time.perf_counter()
        q = parse_query(j.query, snap.aliases(), snap.region_names())
        ranking = rank(snap, q, SearchParams(j.query, limit=100, as_of=j.as_of), policy)
        times.append((time.perf_counter() - started) * 1000)
        scores.append(score_ranking(j, [table[n] for n in ranking.order[:100]]))
    return {
        "R@10": statistics.fmean(s.recall10 for s in scores),
        "R@100": statistics.fmean(s.recall100 for s in scores),
        "MRR@10": statistics.fmean(s.mrr10 for s in scores),
        "ms": statistics.fmean(times),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--grid", action="append", default=[])
    ap.add_argument("--sample", type=int, default=0)
    args = ap.parse_args()
    snap = Library(load_settings().index_dir).snapshot()
    table = passage_table(snap)
    sets = {
        "stard": load_judged([EVAL / "stard-train.jsonl"]),
        "domain": load_judged([EVAL / "domain-dev.jsonl"]),
    }
    if args.sample:
        sets["stard"] = sets["stard"][:: max(1, len(sets["stard"]) // args.sample)]
    base = {k: type(getattr(POLICY, k))(v) for k, v in (s.split("=") for s in args.set)}
    variants = [base]
    for g in args.grid:
        name, values = g.split("=")
        variants = [
            v | {name: type(getattr(POLICY, name))(x)} for v in variants for x in values.split(",")
        ]
    for v in variants:
        policy = dataclasses.replace(POLICY, **v)
        if (policy.k1, policy.b_text, policy.b_heading, policy.b_title) != (
            snap.text.k1,
            snap.text.b,
            snap.heading.b,
            snap.title.b,
        ):
            snap = Snapshot(snap.path, policy)  # impacts depend on k1 and b
        line = " ".join(f"{k}={x}" for k, x in v.items()) or "default"
        for name, judged in sets.items():
            m = run(snap, table, judged, policy)
            line += f" | {name} " + " ".join(f"{k} {x:.3f}" for k, x in m.items())
        print(line, flush=True)


if __name__ == "__main__":
    main()
