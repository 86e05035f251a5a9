"""The acceptance run of fusion (successor of bench/semantic_eval.py's tables), from cached rankings.

    KB_INDEX_DIR=… .venv/bin/python -m training.fusion.evaluate [--write-model] [--partial]

STARD train, 2-fold cross-validated: on each half, the related words, the query adapter and the
fusion model are learned on the other half (the model's training rows are out-of-fold inside that
half: training/fusion/cache.py); side by side per fold and averaged: lexical, semantic, today's
hybrid (reciprocal ranks, FUSION), the learned fusion with one weight per retriever for every
question, and with the per-question trust (the shipped configuration), also for long questions
alone. domain-dev is scored with the product's data in the default mode, per kind (never tuned
on). --write-model learns the shipped model on all of STARD train (out-of-fold rows) and writes
kb/data/fusion-<tag>.json.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from datetime import datetime, timezone

import numpy as np

from bench.learn_related import Corpus
from kb.compare.earlier import with_earlier_articles
from kb.engine.policy import POLICY
from kb.search import wants_earlier
from kb.search.evaluation import Judged, matches, score_ranking
from kb.semantic.encoder import DIM, Encoder
from kb.semantic.fusion import FUSION, choose_mode, fuse
from kb.semantic.learned import QUESTION, FusionModel, load_model, model_path
from kb.semantic.retriever import SemanticIndex, load_adapter
from kb.semantic.vectors import VectorCache, open_build_vectors, quantize
from training.fusion import cache
from training.fusion.train import example, train

METRICS = ("R@10", "R@100", "MRR@10")
RIDGE = 1.0
LONG_CHARS = 40  # a question this long or longer counts as long (STARD's top fifth or so)


def semantic_index(corpus: Corpus, encoder: Encoder, partial: bool, judged) -> tuple:
    """The build's vectors, or with `partial` whatever the shared vector cache holds (read only)
    plus the judged answers, embedded into var/training/fusion/ (a sub-corpus holding every
    answer: for development before the full vectors exist, not for acceptance)."""
    snap = corpus.snap
    if not partial:
        v = open_build_vectors(snap.path, encoder.tag, snap.size)
        return SemanticIndex(v.codes, v.scale), "full"
    kept = cache.CACHE / f"partial-index-{snap.path.name}.npz"  # built once: reading is slow
    if kept.exists():
        with np.load(kept) as z:
            codes, scale = z["codes"], z["scale"]
        needed = {n for j in judged for n in answers(corpus, j)}
        if all(scale[n] > 0 for n in needed):
            print(f"partial vectors: {(scale > 0).sum()} of {scale.size} passages", flush=True)
            return SubsetIndex(codes, scale), f"partial{int((scale > 0).sum())}"
    from indexer.embed import build_texts
    from kb.semantic.vectors import text_key

    texts = build_texts(snap.path)
    keys = [text_key(t) if t is not None else b"" for t in texts]
    vecs, found = VectorCache(snap.path.parent.parent, encoder.tag).gather(keys, DIM)
    frozen = cache.CACHE / "partial-mask.npy"  # the same sub-corpus on every run (caches hold)
    if frozen.exists():
        found &= np.load(frozen)
    else:
        frozen.parent.mkdir(parents=True, exist_ok=True)
        np.save(frozen, found)
    own = cache.CACHE / "answer-vectors.npz"
    have = dict(np.load(own, allow_pickle=True)["pairs"].item()) if own.exists() else {}
    wanted = {n for j in judged for n in answers(corpus, j)}
    todo = sorted({n for n in wanted if not found[n] and keys[n] not in have})
    for i in range(0, len(todo), 32):
        part = todo[i : i + 32]
        vecs_part = encoder.passages([texts[n] for n in part])
        have |= dict(zip([keys[n] for n in part], vecs_part, strict=True))
        own.parent.mkdir(parents=True, exist_ok=True)
        np.savez(own, pairs=np.array(have, dtype=object))  # kept as it goes: a kill loses little
        print(f"embedded {i + len(part)} of {len(todo)} judged answers", flush=True)
    for n in wanted:
        if not found[n] and keys[n] in have:
            vecs[n], found[n] = have[keys[n]], True
    codes, scale = quantize(vecs)
    scale[~found] = 0.0
    np.savez(kept, codes=codes, scale=scale)
    print(f"partial vectors: {found.sum()} of {len(keys)} passages", flush=True)
    return SemanticIndex(codes, scale), f"partial{int(found.sum())}"


class SubsetIndex(SemanticIndex):
    """A partial index that scans only its rows with vectors (the others stay at cosine 0)."""

    def __init__(self, codes: np.ndarray, scale: np.ndarray):
        super().__init__(codes, scale)
        self.rows = np.flatnonzero(self.scale > 0)
        self.inner = SemanticIndex(np.ascontiguousarray(codes[self.rows]), self.scale[self.rows])

    def cosines(self, query: np.ndarray) -> np.ndarray:
        out = np.zeros(self.scale.size, np.float32)
        out[self.rows] = self.inner.cosines(query)
        return out


def answers(corpus: Corpus, j: Judged) -> set[int]:
    """Docnums of the passages that answer `j`."""
    if not hasattr(corpus, "by_article"):
        corpus.by_article = defaultdict(list)
        for n, x in enumerate(corpus.table):
            if x is not None and x.article is not None:
                corpus.by_article[(x.source, x.article)].append(n)
                corpus.by_article[("title", x.title, x.article)].append(n)
    out: set[int] = set()
    for e in j.relevant:
        if e.get("article") is not None:
            out.update(corpus.by_article.get((e["version_file"], e["article"]), ()))
            out.update(corpus.by_article.get(("title", e["title"], e["article"]), ()))
        else:  # a bulletin paragraph: the passage holding the snippet
            out.update(
                n
                for n, x in enumerate(corpus.table)
                if x is not None and x.source == e["version_file"] and e["snippet"] in x.text
            )
    return {n for n in out if any(matches(corpus.table[n], e) for e in j.relevant)}


def order(snap, lex, near, mode: str, model: FusionModel | None, subset) -> list[int]:
    """The ranking search returns (the first 100 with vectors) in `mode` (auto decides)."""
    mode = choose_mode(mode, lex.query, True)
    ranking = lex.ranking
    if mode != "lexical":
        ranking = fuse(snap, ranking, near, mode, POLICY, FUSION, model, lex.query)[0]
    if wants_earlier(lex.query, lex.params):
        ranking = with_earlier_articles(snap, ranking)[0]
    return [n for n in ranking.order if subset[n]][:100]


def scores(table, judged: list[Judged], orders) -> list:
    return [score_ranking(j, [table[n] for n in o]) for j, o in zip(judged, orders, strict=True)]


def mean(s: list) -> dict[str, float]:
    if not s:
        return {m: float("nan") for m in METRICS}
    return {
        "R@10": statistics.fmean(x.recall10 for x in s),
        "R@100": statistics.fmean(x.recall100 for x in s),
        "MRR@10": statistics.fmean(x.mrr10 for x in s),
    }


def line(label: str, m: dict[str, float], extra: str = "") -> str:
    return f"  {label:34s} " + "  ".join(f"{k} {m[k]:.3f}" for k in METRICS) + extra


class Data:
    """The cached rankings of one set in its views."""

    def __init__(self, corpus, encoder, sem: cache.Semantic, name, judged, views, shipped):
        self.name, self.judged, self.snap = name, judged, corpus.snap
        self.lex, self.near = {}, {}
        for view in views:
            self.lex[view] = cache.lexical_view(corpus, name, judged, view)
            qvec = cache.question_vectors(encoder, name, judged, self.lex[view])
            base = view.partition("+")[0]  # term weights change no neighbour
            self.near[view] = sem.view(name, judged, base, self.lex[view], qvec, shipped)
            if base == view:  # long questions cut into sentences (kb/query/clauses.py)
                split = cache.split_vectors(encoder, name, judged, self.lex[view], qvec)
                self.near[view + "/split"] = sem.view(
                    name, judged, base + "/split", self.lex[view], split, shipped, qvec
                )

    def examples(self, table, judged: list[Judged], view: str) -> list:
        rows = [
            example(table, self.snap, j, self.lex[view][j.id], self.near[view][j.id])
            for j in judged
        ]
        return [r for r in rows if r is not None]

    def orders(self, corpus, subset, judged, view: str, mode: str, model, split=False) -> list:
        lex, near = self.lex[view], self.near[view + ("/split" if split else "")]
        return [order(corpus.snap, lex[j.id], near[j.id], mode, model, subset) for j in judged]


def variants(own: list, other: list, info: dict) -> dict[str, tuple]:
    """What is compared, (mode, model, split) by name: `own` are training rows of the set
    scored, `other` those of the other sets (the public pairs for STARD, STARD for the pairs);
    `split`: long questions are embedded sentence by sentence too."""
    rows = own + other
    flat = train([_flat(r) for r in rows], RIDGE, info | {"question_features": False})
    full = train(rows, RIDGE, info)
    return {
        "lexical": ("lexical", None, False),
        "semantic": ("semantic", None, False),
        "semantic, long split": ("semantic", None, True),
        "today: auto, RRF (FUSION)": ("auto", None, False),
        "auto, learned, one trust for all": ("auto", _flat_model(flat), False),
        "auto, learned per question, own set": ("auto", train(own, RIDGE, info), False),
        "auto, learned per question, all sets": ("auto", full, False),
        "auto, learned per question, all, split": ("auto", full, True),
    }


def _flat(row):
    """A training row whose question features are all at their mean (bias only)."""
    from dataclasses import replace

    return replace(row, question=np.r_[1.0, np.zeros(len(QUESTION) - 1)])


def _flat_model(m: FusionModel) -> FusionModel:
    w = np.zeros_like(m.weights)
    w[:, 0] = m.weights[:, 0]
    return FusionModel(w, np.zeros(len(QUESTION)), np.ones(len(QUESTION)), m.info)


def report(results: dict[str, list[dict]], name: str, judged, s: list, fold: int) -> None:
    long = [x for x, j in zip(s, judged, strict=True) if len(j.query) >= LONG_CHARS]
    results[name].append(mean(s))
    results[name + " [long]"].append(mean(long))
    print(line(f"fold {fold} {name}", mean(s)), flush=True)


def cross_validate(corpus, subset, data: dict[str, Data], name: str) -> dict[str, list[dict]]:
    """Per fold, every variant's metrics on the held-out half of set `name`."""
    results: dict[str, list[dict]] = defaultdict(list)
    d, table = data[name], corpus.table
    if name == "stard":
        splits = [(a, b, "inner", "outer") for a, b in cache.views(d.judged)["outer"]]
        other = [
            r for n, x in data.items() if n in PAIRS for r in x.examples(table, x.judged, "product")
        ]
    else:
        fold = cache.folds_of(cache.PAIRS / f"{name}.jsonl")
        halves = [[j for j in d.judged if fold[j.id] == f] for f in (0, 1)]
        splits = [(halves[1 - f], halves[f], "product", "product") for f in (0, 1)]
        stard = data["stard"]
        other = stard.examples(table, stard.judged, "outer")
    for f, (train_half, test_half, train_view, test_view) in enumerate(splits, 1):
        own = d.examples(table, train_half, train_view)
        extra = list(other)
        if name != "stard":  # the other pairs set's questions of the training fold only
            for n, x in data.items():
                if n in PAIRS and n != name:
                    folds = cache.folds_of(cache.PAIRS / f"{n}.jsonl")
                    keep = [j for j in x.judged if folds[j.id] != f - 1]
                    extra += x.examples(table, keep, "product")
        for label, (mode, model, split) in variants(own, extra, {"fold": f}).items():
            orders = d.orders(corpus, subset, test_half, test_view, mode, model, split)
            report(results, label, test_half, scores(table, test_half, orders), f)
    return results


PAIRS = ("lawyer-llama", "legal-dc")


def domain(corpus, subset, data: Data, models: dict[str, tuple]) -> None:
    """domain-dev per kind in lexical and the default mode with each (model, split)."""
    judged = data.judged
    kinds = sorted({j.kind for j in judged})
    runs = [("lexical", "lexical", None, False)]
    runs += [(f"auto, {k}", "auto", model, split) for k, (model, split) in models.items()]
    for label, mode, model, split in runs:
        orders = data.orders(corpus, subset, judged, "product", mode, model, split)
        s = scores(corpus.table, judged, orders)
        cites = [x for x, j in zip(s, judged, strict=True) if j.kind == "citation"]
        first = sum(x.first_grade2 == 1 for x in cites)
        print(line(label, mean(s), f"  citations at rank 1: {first}/{len(cites)}"))
        for metric in ("MRR@10", "R@10"):
            per = "  ".join(
                f"{k} {mean([x for x, j in zip(s, judged, strict=True) if j.kind == k])[metric]:.3f}"
                for k in kinds
            )
            print(f"      {metric} per kind: {per}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--partial", action="store_true", help="the vector cache as it is (dev only)")
    ap.add_argument("--write-model", action="store_true", help="learn on every set, write it")
    ap.add_argument("--sets", default="", help="comma-separated: only these sets (stard, …)")
    ap.add_argument("--domain-only", action="store_true", help="domain-dev with the shipped model")
    args = ap.parse_args()
    started = time.monotonic()
    corpus, encoder = Corpus(), Encoder()
    sets = cache.judged_sets()
    if args.sets:
        sets = {n: v for n, v in sets.items() if n in args.sets.split(",") + ["stard", "domain"]}
    everything = [j for judged, _views in sets.values() for j in judged]
    index, index_tag = semantic_index(corpus, encoder, args.partial, everything)
    subset = index.scale > 0
    sem = cache.Semantic(corpus, index, index_tag)
    shipped = load_adapter(encoder.tag)
    data = {
        n: Data(corpus, encoder, sem, n, judged, views, shipped)
        for n, (judged, views) in sets.items()
    }
    if args.domain_only:
        model, note = load_model(model_path(encoder.tag))
        print(f"domain-dev, shipped model ({note or 'loaded'}):")
        domain(
            corpus,
            subset,
            data["domain"],
            {"RRF (today)": (None, False), "learned": (model, False)},
        )
        return
    for name in [n for n in data if n != "domain"]:
        print(f"{name}, 2-fold cross-validated ({len(data[name].judged)} questions):", flush=True)
        results = cross_validate(corpus, subset, data, name)
        print("averaged over the folds:")
        for label, folds in results.items():
            print(line(label, {k: statistics.fmean(f[k] for f in folds) for k in METRICS}))
    rows = data["stard"].examples(corpus.table, data["stard"].judged, "outer")
    for n in (n for n in data if n in PAIRS):
        rows += data[n].examples(corpus.table, data[n].judged, "product")
    info = {
        "trained_on": "stard-train (out-of-fold rankings), "
        + ", ".join(n for n in data if n in PAIRS),
        "questions": len(rows),
        "ridge": RIDGE,
        "encoder": encoder.tag,
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
    }
    shipped_model = train(rows, RIDGE, info)
    if args.write_model:
        path = model_path(encoder.tag)
        path.write_text(shipped_model.to_json() + "\n", encoding="utf-8")
        print(f"fusion model learned on {info['trained_on']}: {path}")
    print("domain-dev (product data: related.tsv, the shipped adapter), never tuned on:")
    domain(
        corpus,
        subset,
        data["domain"],
        {
            "RRF (today)": (None, False),
            "learned": (shipped_model, False),
            "learned, split (shipped)": (shipped_model, True),
        },
    )
    print(f"({time.monotonic() - started:.0f}s; {encoder.tag}; vectors {index_tag})")


if __name__ == "__main__":
    main()
