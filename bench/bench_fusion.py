"""What the default mode's pieces cost per question: lexical ranking, question vectors (a long
question: the whole and its sentences), the vector scan, reciprocal-rank vs learned fusion.

    KB_INDEX_DIR=… .venv/bin/python -m bench.bench_fusion [--questions 300]

Runs kb.search.rank_modes on a warm snapshot, as a search does. Until the build's vectors are
complete it scans random int8 vectors of the same shape instead (the scan costs the same on any
values; the rankings are then meaningless, only the times count). Questions: STARD train and,
when the `pairs` helper's files are there, lawyer-llama consultations (longer, some cut into
sentences).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from bench.tune import EVAL
from kb.config import load_settings
from kb.engine.policy import POLICY
from kb.errors import KBError
from kb.library import Library
from kb.query.clauses import clauses
from kb.query.parse import parse_query
from kb.search import SearchParams, rank_modes
from kb.search.evaluation import load_judged, percentile
from kb.semantic.encoder import DIM
from kb.semantic.fusion import FUSION
from kb.semantic.retriever import SemanticIndex

PAIRS = Path("/work/wt/pairs/var/training")  # the `pairs` helper's mapped sets


class Layer:
    """The library's semantic layer with, if its vectors are pending, random ones in their place."""

    def __init__(self, lib: Library, fusion: bool):
        self.real, self.fusion = lib.semantic, fusion
        snap = lib.snapshot()
        self.index = self.real.index_for(snap.path, snap.size)
        self.stand_in = self.index is None
        if self.stand_in:
            rng = np.random.default_rng(0)
            codes = rng.integers(-127, 128, (snap.size, DIM), dtype=np.int8)
            self.index = SemanticIndex(codes, np.full(snap.size, 1 / 127 / 8, np.float32))

    def index_for(self, path, size):
        return self.index

    def status(self, path):
        return {"complete": True}

    def question_vector(self, text):
        return self.real.question_vector(text)

    def fusion_model(self):
        return self.real.fusion_model() if self.fusion else (None, "off")


def timed(snap, layer, queries: list[str], uncached: bool, fp=FUSION) -> list[float]:
    out = []
    for text in queries:
        if uncached:
            layer.real.encoder().query.cache_clear()
        started = time.perf_counter()
        q = parse_query(text, snap.aliases(), snap.region_names())
        rank_modes(snap, q, SearchParams(text), POLICY, layer, fp)
        out.append((time.perf_counter() - started) * 1000)
    return out


def line(label: str, times: list[float]) -> str:
    return (
        f"  {label:44s} n={len(times):4d}  p50 {percentile(times, 50):6.1f} ms"
        f"  p95 {percentile(times, 95):6.1f} ms  mean {np.mean(times):6.1f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--questions", type=int, default=300)
    args = ap.parse_args()
    lib = Library(load_settings().index_dir, vectors=True)
    lib.warm()
    snap = lib.snapshot()
    learned, rrf = Layer(lib, True), Layer(lib, False)
    try:
        model, note = learned.fusion_model()
    except KBError as exc:
        raise SystemExit(f"no encoder: {exc}") from None
    vectors = "random stand-ins (pending)" if learned.stand_in else "the build's"
    print(f"fusion model: {'loaded' if model else note}; vectors: {vectors}")
    sets = {"STARD": [j.query for j in load_judged([EVAL / "stard-train.jsonl"])]}
    if (PAIRS / "lawyer-llama.jsonl").is_file():
        sets["lawyer-llama"] = [j.query for j in load_judged([PAIRS / "lawyer-llama.jsonl"])]
    for name, queries in sets.items():
        queries = queries[: args.questions]
        cut = sum(bool(clauses(q)) for q in queries)
        print(f"{name} ({cut} of {len(queries)} cut into sentences):")
        on = replace(FUSION, learned=True)
        print(line("auto, learned fusion, first time", timed(snap, learned, queries, True, on)))
        print(line("auto, learned fusion, vector cached", timed(snap, learned, queries, False, on)))
        print(line("auto, reciprocal ranks, vector cached", timed(snap, rrf, queries, False)))
        print(line("lexical", timed(snap, None, queries, False)))


if __name__ == "__main__":
    main()
