"""Lexical, semantic and hybrid ranking side by side on the judged queries (the acceptance run).

    .venv/bin/python bench/semantic_eval.py [--partial] [--sample N]

STARD train is 2-fold cross-validated: on each half, everything learned from questions (the
related-words table of bench/learn_related.py and the fusion weights, chosen by grid search) is
learned on the other half, and the two halves' scores are averaged. domain-dev is scored with the
product's data (related.tsv, FUSION) in every mode, auto included, and its citation queries must
put their grade-2 article first. Needs a full index (KB_INDEX_DIR) with complete vectors;
--partial scores a sub-corpus instead: the passages the vector cache holds so far plus every
judged answer (embedded into the cache first), lexical and semantic alike (for development and
tuning before the full vectors exist; like the issue's 20k-passage sample, not the acceptance).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import random
import statistics
import time

import numpy as np

from bench.learn_related import Corpus, Params, learn
from bench.tune import EVAL
from kb.compare.earlier import with_earlier_articles  # noqa: E402
from kb.engine.policy import POLICY  # noqa: E402
from kb.query.parse import parse_query  # noqa: E402
from kb.search import SearchParams, document_mask, rank, wants_earlier  # noqa: E402
from kb.search.evaluation import load_judged, score_ranking  # noqa: E402
from kb.semantic.encoder import DIM, Encoder  # noqa: E402
from kb.semantic.fusion import FUSION, FusionPolicy, choose_mode, fuse, neighbours  # noqa: E402
from kb.semantic.retriever import SemanticIndex, adapter_path, load_adapter  # noqa: E402
from kb.semantic.vectors import VectorCache, open_build_vectors, quantize  # noqa: E402

GRID = {
    "rrf": {"k": (5.0, 10.0, 30.0, 60.0), "semantic_weight": (0.3, 0.5, 0.7, 1.0, 1.4)},
    "scores": {"k": (60.0,), "semantic_weight": (0.1, 0.2, 0.3, 0.5, 0.8)},
}
PRIOR_WEIGHTS = (0.0, 0.02, 0.05)
LAMBDAS = (0.1, 0.3, 1.0, 3.0)  # ridge weights tried for the query adapter (pull towards I)
METRICS = ("R@10", "R@100", "MRR@10")


def semantic_index(corpus: Corpus, encoder: Encoder, partial: bool, judged) -> SemanticIndex:
    """The live build's vectors; with `partial`, whatever the cache has for its passages plus
    the judged answers (embedded now, into the cache): a sub-corpus that holds every answer."""
    snap = corpus.snap
    if not partial:
        v = open_build_vectors(snap.path, encoder.tag, snap.size)
        return SemanticIndex(v.codes, v.scale)
    from indexer.embed import build_texts
    from kb.semantic.vectors import text_key

    texts = build_texts(snap.path)
    keys = [text_key(t) if t is not None else b"" for t in texts]
    cache = VectorCache(snap.path.parent.parent, encoder.tag)
    where = {(x.source, x.article): n for n, x in enumerate(corpus.table) if x is not None}
    wanted = set()
    for e in (e for j in judged for e in j.relevant):
        if e.get("article") is not None:
            wanted |= {where[k]} if (k := (e["version_file"], e["article"])) in where else set()
        else:  # a bulletin paragraph: the passage holding the snippet
            wanted |= {
                n
                for n, x in enumerate(corpus.table)
                if x is not None and x.source == e["version_file"] and e["snippet"] in x.text
            }
    have = cache.index()
    todo = sorted({keys[n]: texts[n] for n in wanted if keys[n] not in have}.items())
    for i in range(0, len(todo), 256):
        part = todo[i : i + 256]
        vecs = encoder.passages([t for _k, t in part])
        cache.write(f"answers-{int(time.time())}-{i}", [k for k, _t in part], vecs)
    print(f"embedded {len(todo)} judged answers", flush=True)
    vecs, found = cache.gather(keys, DIM)
    codes, scale = quantize(vecs)
    scale[~found] = 0.0
    print(f"partial vectors: {found.sum()} of {len(keys)} passages", flush=True)
    return SemanticIndex(codes, scale)


class Runs:
    """Per question: the parsed query, the lexical ranking and semantic neighbours (cached)."""

    def __init__(self, corpus: Corpus, index: SemanticIndex, encoder: Encoder):
        self.corpus, self.index, self.encoder = corpus, index, encoder
        self.near: dict[tuple, object] = {}
        self.adapter: np.ndarray | None = None  # a query-side linear map, when one is tried
        self.tag = ""
        self.subset = index.scale > 0  # passages with vectors (all, unless --partial)

    def vector(self, text: str) -> np.ndarray:
        vec = self.encoder.query(text)
        if self.adapter is None:
            return vec
        out = self.adapter @ vec
        return (out / np.linalg.norm(out)).astype(np.float32)

    def lexical(self, j, table=None):
        snap = self.corpus.snap
        q = parse_query(j.query, snap.aliases(), snap.region_names())
        if table is not None:
            concepts = tuple(
                dataclasses.replace(c, related=table.get(c.text, ())) for c in q.concepts
            )
            q = dataclasses.replace(q, concepts=concepts)
        params = SearchParams(j.query, limit=100, as_of=j.as_of)
        return q, params, rank(snap, q, params, POLICY)

    def neighbours(self, j, q, params, prior_weight: float):
        key = (j.id, prior_weight, self.tag)
        if key not in self.near:
            fp = dataclasses.replace(FUSION, prior_weight=prior_weight)
            vec = self.vector(q.text)
            mask = document_mask(self.corpus.snap, q, params)
            self.near[key] = neighbours(
                self.corpus.snap, q, self.index, vec, mask, POLICY, fp, fp.depth
            )
        return self.near[key]

    def order(self, j, lex, mode: str, fp: FusionPolicy) -> list[int]:
        q, params, ranking = lex
        mode = choose_mode(mode, q, True)
        if mode != "lexical":
            near = self.neighbours(j, q, params, fp.prior_weight)
            ranking = fuse(self.corpus.snap, ranking, near, mode, POLICY, fp)[0]
        if wants_earlier(q, params):  # as search does: the first hits' earlier wording
            ranking = with_earlier_articles(self.corpus.snap, ranking)[0]
        return [n for n in ranking.order if self.subset[n]]


def metrics(corpus: Corpus, judged, orders) -> dict[str, float]:
    scores = [
        score_ranking(j, [corpus.table[n] for n in o[:100]])
        for j, o in zip(judged, orders, strict=True)
    ]
    return {
        "R@10": statistics.fmean(s.recall10 for s in scores),
        "R@100": statistics.fmean(s.recall100 for s in scores),
        "MRR@10": statistics.fmean(s.mrr10 for s in scores),
    }


def objective(m: dict[str, float]) -> float:
    return m["R@10"] + m["R@100"] + m["MRR@10"]


def tune(runs: Runs, judged, lex) -> FusionPolicy:
    """The fusion policy with the best objective on `judged` (their lexical rankings `lex`)."""
    best, best_fp = -1.0, FUSION
    points = [
        (method, pw, k, sw)
        for method, grid in GRID.items()
        for pw, k, sw in itertools.product(PRIOR_WEIGHTS, grid["k"], grid["semantic_weight"])
    ]
    for method, pw, k, sw in points:
        fp = dataclasses.replace(FUSION, method=method, prior_weight=pw, k=k, semantic_weight=sw)
        m = metrics(
            runs.corpus,
            judged,
            [runs.order(j, x, "hybrid", fp) for j, x in zip(judged, lex, strict=True)],
        )
        if objective(m) > best:
            best, best_fp = objective(m), fp
    return best_fp


def learn_adapter(runs: Runs, judged, lam: float = 1.0) -> np.ndarray:
    """W minimising Σ‖W q − p‖² + lam‖W − I‖² over (question, relevant passage) vector pairs."""
    snap, idx = runs.corpus.snap, runs.index
    where = {}
    for n, item in enumerate(runs.corpus.table):
        if item is not None and item.article is not None:
            where.setdefault((item.source, item.article), n)
    qs, ps = [], []
    for j in judged:
        q = runs.encoder.query(parse_query(j.query, snap.aliases(), snap.region_names()).text)
        for e in j.relevant:
            n = where.get((e.get("version_file"), e.get("article")))
            if n is not None and idx.scale[n] > 0:
                p = idx.codes[n].astype(np.float32) * idx.scale[n]
                qs.append(q)
                ps.append(p / np.linalg.norm(p))
    q, p = np.array(qs), np.array(ps)
    eye = np.eye(q.shape[1], dtype=np.float32)
    return ((p.T @ q + lam * eye) @ np.linalg.inv(q.T @ q + lam * eye)).astype(np.float32)


def choose_lambda(runs: Runs, judged, name: str) -> float:
    """The adapter's ridge weight with the best semantic objective in a 2-fold split of
    `judged` itself (so a held-out half never picks it)."""
    shuffled = judged[:]
    random.Random(1).shuffle(shuffled)
    half = len(shuffled) // 2
    inner = [(shuffled[:half], shuffled[half:]), (shuffled[half:], shuffled[:half])]
    lex = [[runs.lexical(j) for j in test] for _train, test in inner]
    saved, best = (runs.adapter, runs.tag), (-1.0, 1.0)
    for lam in LAMBDAS:
        scores = []
        for n, (train, test) in enumerate(inner):
            runs.adapter, runs.tag = learn_adapter(runs, train, lam), f"{name}-inner{n}-{lam}"
            orders = [
                runs.order(j, x, "semantic", FUSION) for j, x in zip(test, lex[n], strict=True)
            ]
            scores.append(objective(metrics(runs.corpus, test, orders)))
        best = max(best, (statistics.fmean(scores), lam))
    runs.adapter, runs.tag = saved
    return best[1]


def cross_validate(runs: Runs, judged) -> dict[str, dict[str, float]]:
    shuffled = judged[:]
    random.Random(0).shuffle(shuffled)
    half = len(shuffled) // 2
    folds = [(shuffled[:half], shuffled[half:]), (shuffled[half:], shuffled[:half])]
    results: dict[str, list[dict]] = {}
    for n, (train, test) in enumerate(folds, 1):
        table = learn(runs.corpus, train, Params())
        lex_train = [runs.lexical(j, table) for j in train]
        lex_test = [runs.lexical(j, table) for j in test]
        fp = tune(runs, train, lex_train)
        print(f"fold {n}: tuned {fp}", flush=True)
        variants = {
            "lexical": ("lexical", FUSION),
            "semantic": ("semantic", fp),
            "hybrid, RRF k=60 1:1": (
                "hybrid",
                dataclasses.replace(
                    FUSION, method="rrf", k=60.0, semantic_weight=1.0, prior_weight=fp.prior_weight
                ),
            ),
            "hybrid, tuned": ("hybrid", fp),
        }
        for name, (mode, pol) in variants.items():
            orders = [runs.order(j, x, mode, pol) for j, x in zip(test, lex_test, strict=True)]
            results.setdefault(name, []).append(metrics(runs.corpus, test, orders))
        lam = choose_lambda(runs, train, f"fold{n}")
        print(f"fold {n}: adapter ridge weight {lam} (chosen inside the training half)", flush=True)
        runs.adapter, runs.tag = learn_adapter(runs, train, lam), f"adapter{n}"
        fpa = tune(runs, train, lex_train)
        for name, mode, pol in (
            ("semantic + adapter", "semantic", fpa),
            ("hybrid + adapter, tuned", "hybrid", fpa),
            ("auto + adapter, FUSION", "auto", FUSION),  # what the product runs
        ):
            orders = [runs.order(j, x, mode, pol) for j, x in zip(test, lex_test, strict=True)]
            results.setdefault(name, []).append(metrics(runs.corpus, test, orders))
        runs.adapter, runs.tag = None, ""
    return {k: {m: statistics.fmean(r[m] for r in v) for m in METRICS} for k, v in results.items()}


def domain(runs: Runs, judged, policies: dict[str, FusionPolicy]) -> None:
    """domain-dev in every mode with related.tsv and the shipped adapter (if any)."""
    lex = [runs.lexical(j) for j in judged]
    modes = [("lexical", "lexical", FUSION), ("semantic", "semantic", FUSION)]
    modes += [(f"{m}, {name}", m, fp) for name, fp in policies.items() for m in ("hybrid", "auto")]
    for label, mode, fp in modes:
        orders = [runs.order(j, x, mode, fp) for j, x in zip(judged, lex, strict=True)]
        m = metrics(runs.corpus, judged, orders)
        cites = [(j, o) for j, o in zip(judged, orders, strict=True) if j.kind == "citation"]
        first = sum(
            score_ranking(j, [runs.corpus.table[n] for n in o[:100]]).first_grade2 == 1
            for j, o in cites
        )
        print(
            f"  {label:24s} "
            + "  ".join(f"{k} {m[k]:.3f}" for k in METRICS)
            + f"  citations at rank 1: {first}/{len(cites)}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--partial", action="store_true", help="use the vector cache as it is")
    ap.add_argument("--sample", type=int, default=0, help="every n-th STARD question only")
    ap.add_argument(
        "--write-adapter", action="store_true", help="learn the query adapter on all of STARD train"
    )
    args = ap.parse_args()
    started = time.monotonic()
    corpus = Corpus()
    encoder = Encoder()
    stard = load_judged([EVAL / "stard-train.jsonl"])
    everything = stard + load_judged([EVAL / "domain-dev.jsonl"])
    runs = Runs(corpus, semantic_index(corpus, encoder, args.partial, everything), encoder)
    if args.sample:
        stard = stard[:: args.sample]
    if args.write_adapter:
        path, train = adapter_path(encoder.tag), load_judged([EVAL / "stard-train.jsonl"])
        lam = choose_lambda(runs, train, "all")
        np.save(path, learn_adapter(runs, train, lam).astype(np.float16))
        print(
            f"query adapter (ridge weight {lam}) learned on all of STARD train: {path}", flush=True
        )
    print(f"STARD train, 2-fold cross-validated ({len(stard)} questions):", flush=True)
    for name, m in cross_validate(runs, stard).items():
        print(f"  {name:22s} " + "  ".join(f"{k} {m[k]:.3f}" for k in METRICS), flush=True)
    lex_all = [runs.lexical(j) for j in stard]  # the product's related.tsv: learned on all
    runs.adapter, runs.tag = load_adapter(encoder.tag), "product"
    tuned = tune(runs, stard, lex_all)
    shipped = "with" if runs.adapter is not None else "without"
    print(f"tuned on all of STARD train, {shipped} the shipped adapter: {tuned}")
    print("domain-dev (product data: related.tsv, FUSION, the shipped query adapter):")
    domain(runs, load_judged([EVAL / "domain-dev.jsonl"]), {"FUSION": FUSION, "tuned": tuned})
    print(f"({time.monotonic() - started:.0f}s; {encoder.tag}; fusion {FUSION})")


if __name__ == "__main__":
    main()
