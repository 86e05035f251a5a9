"""A learned fusion: LightGBM lambdarank over the candidates of both retrievers (issue 19's
"better fusion"), cross-validated on the cached rankings of training/fusion/rankings.py.

Each candidate passage (lexical top DEPTH ∪ each question side's top DEPTH) gets the features of
kb.semantic.rerank (ranks, scores, cosines, document prior, coverage of the question's words);
a ranker learned on one fold's training halves orders the other half. Printed side by side with
lexical and today's reciprocal-rank fusion, per set and per domain-dev kind.

    OPENBLAS_NUM_THREADS=1 KB_INDEX_DIR=var/index nice .venv/bin/python -m \
        training.fusion.rerank --loras var/training
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from kb.search.evaluation import matches, score_ranking
from kb.semantic.encoder import Encoder
from kb.semantic.memory import NOTHING
from kb.semantic.ranker import Ranker, feature_names, ranker_path
from kb.semantic.rerank import DEPTH, PART_DEPTH, Parts, candidate_features, recall_vectors
from kb.semantic.retriever import load_adapter
from training.fusion import evaluate as E
from training.fusion import memory as M
from training.fusion import rankings as R
from training.fusion import trust as T

SETS = ("stard", "lawyer-llama", "legal-dc", "domain")
MESSAGES = ("stard×", "lawyer-llama×", "legal-dc×")  # training/fusion/messages.py


def scored(data: E.Data) -> tuple[str, ...]:
    """The sets scored: the judged ones, and the messages when `data` has them."""
    return SETS + tuple(n for n in MESSAGES if n in data.qs)


def side_vectors(data: E.Data, name: str, fold: str, sides: tuple[str, ...], adapters) -> dict:
    """{side: (question vectors, neighbour lists, sentence vectors)} of one set as seen in fold
    `fold` (sentences only through a LoRA side, and only when `data` has them)."""
    out = {}
    for side in sides:
        if side == "today":
            adapter = adapters["base", fold] if name == "stard" else adapters["prod"]
            vecs = R.adapt(data.vecs[(name, "base")], adapter)
            label = f"today{fold}" if name != "domain" else "today"
            near, parts = data.neighbours(name, "base", adapter, label), None
        else:
            lora = lora_side(name, fold)
            vecs = data.vecs[(name, lora)]
            label = lora if name != "domain" else "loraall-lora"
            if (name, lora) in data.parts:
                near, parts = data.part_neighbours(name, lora, label), data.parts[(name, lora)]
            else:
                near, parts = data.neighbours(name, lora, None, label), None
        out[side] = (vecs, near, parts)
    return out


def labels(data: E.Data, case: T.Case, cands: list[int]) -> np.ndarray:
    """Relevance grade of each candidate (0: answers nothing)."""
    rel = case.q.judged.relevant
    out = np.zeros(len(cands), np.int32)
    for i, n in enumerate(cands):
        item = data.table[n]
        if item is None:
            continue
        for e in rel:
            if matches(item, e):
                out[i] = max(out[i], int(e.get("grade", 1)))
    return out


def lora_side(name: str, fold: str) -> str:
    """The LoRA side a set's questions are seen through in fold `fold` (as side_vectors)."""
    return "loraall" if name == "domain" else f"lora{fold}"


def rows(data: E.Data, name: str, fold: str, at: list[int], sides: dict, recall=None):
    """(cases, candidates, features, labels) of the questions at `at` that auto fuses;
    `recall(question, vector)`: what a question recalls of the question memory."""
    cases = data.cases[(name, data.view(name, fold))]
    out = []
    for i in at:
        c = cases[i]
        if c.lexical_only:
            out.append((c, None, None, None))
            continue
        per_side = [(v[i], near[i]) for v, near, _p in sides.values()]
        vecs = next(iter(sides.values()))[2]
        parts = None if vecs is None or vecs[i] is None else Parts(vecs[i], data.part_lex[name][i])
        asked = recall_vectors(per_side[0][0], parts)
        recalled = recall(c.q, asked) if recall else NOTHING
        cands, x = candidate_features(
            data.snap, data.index, c.q.query, c.lex, per_side, parts, recalled
        )
        out.append((c, cands, x, labels(data, c, cands)))
    return out


def recaller(memories: M.Memories, fold: str, side: str, training: bool):
    """`recall` for rows: fold `fold`'s memory through `side`."""
    return lambda x, vec: memories.recall(fold, side, x, vec, training)


def domain_fold(data: E.Data) -> None:
    """Domain-dev has no folds: alternate within each kind (by id)."""
    by_kind: dict[str, list] = {}
    for x in data.qs["domain"]:
        by_kind.setdefault(x.judged.kind, []).append(x)
    for xs in by_kind.values():
        for j, x in enumerate(sorted(xs, key=lambda x: x.judged.id)):
            x.fold = j % 2


PARAMS = {
    "objective": "lambdarank",
    "metric": "ndcg",
    "eval_at": [10],
    "min_data_in_leaf": 50,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambdarank_truncation_level": 30,
    "num_threads": 2,
    "verbose": -1,
    "seed": 7,
}


def train(parts: list[list], weights: list[float], args, names) -> Ranker:
    """A lambdarank ensemble over the questions with an answer among their candidates (each set
    weighing `weights`, shared by its questions), exported as a Ranker."""
    import lightgbm as lgb

    xs, ys, groups, ws = [], [], [], []
    for part, w in zip(parts, weights, strict=True):
        n = sum(1 for r in part if r[1] is not None and r[3].any())
        for _c, cands, x, y in part:
            if cands is None or not y.any():
                continue
            xs.append(x)
            ys.append(y)
            groups.append(len(cands))
            ws.append(np.full(len(cands), w / max(n, 1)))
    x = np.concatenate(xs)
    params = PARAMS | {"num_leaves": args.leaves, "learning_rate": args.lr}
    ds = lgb.Dataset(
        x, np.concatenate(ys), group=groups, weight=np.concatenate(ws), feature_name=list(names)
    )
    model = lgb.train(params, ds, num_boost_round=args.rounds)
    ranker = export(model.dump_model(), tuple(names))
    walked = ranker.walked(x[:20000])
    drift = float(np.abs(walked - model.predict(x[:20000])).max())
    assert drift < 1e-6, f"numpy trees differ from LightGBM by {drift}"
    drift = float(np.abs(ranker.score(x[:20000]) - walked).max())
    assert drift < 1e-4, f"ONNX Runtime's trees differ from numpy's by {drift}"
    parts = ranker.contributions(x[:2000]).sum(axis=1) - walked[:2000]
    assert float(np.abs(parts).max()) < 1e-6, "contributions do not add up to the score"
    return ranker


def export(dump: dict, names: tuple[str, ...]) -> Ranker:
    """LightGBM's dump_model() as flat node arrays (every split `<=`, no missing values)."""
    feature, threshold, left, right, value, roots = [], [], [], [], [], []
    depth = 0

    def add(node: dict, level: int) -> int:
        nonlocal depth
        at = len(feature)
        for a in (feature, threshold, left, right, value):
            a.append(0)
        if "leaf_value" in node:
            feature[at], value[at] = -1, node["leaf_value"]
            depth = max(depth, level)
            return at
        assert node["decision_type"] == "<=", node["decision_type"]
        feature[at], threshold[at] = node["split_feature"], node["threshold"]
        value[at] = node["internal_value"]
        left[at] = add(node["left_child"], level + 1)
        right[at] = add(node["right_child"], level + 1)
        return at

    for tree in dump["tree_info"]:
        roots.append(add(tree["tree_structure"], 0))
    return Ranker(
        names,
        np.array(feature, np.int32),
        np.array(threshold, np.float64),
        np.array(left, np.int32),
        np.array(right, np.int32),
        np.array(value, np.float64),
        np.array(roots, np.int32),
        depth,
        inner_values=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs-dir", type=Path, default=R.PAIRS)
    ap.add_argument("--loras", type=Path, required=True)
    ap.add_argument(
        "--sides",
        nargs="+",
        default=["today", "lora"],
        help="question sides of each ranker compared (comma list of today,lora); the last ships",
    )
    ap.add_argument("--no-domain", action="store_true", help="domain-dev halves never train")
    ap.add_argument(
        "--in-fold",
        action="store_true",
        help="training halves seen by their own fold's sides (default: the other's)",
    )
    ap.add_argument("--domain-weight", type=float, default=1.0)
    ap.add_argument(
        "--no-messages", action="store_true", help="no several-issue messages, no sentence lists"
    )
    ap.add_argument(
        "--no-memory", action="store_true", help="no question memory (its features stay empty)"
    )
    ap.add_argument(
        "--memory-sets",
        nargs="+",
        default=list(M.SETS),
        help="the pairs the question memory holds (e.g. only stard, whose licence is MIT)",
    )
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--leaves", type=int, default=7)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--write", action="store_true", help="train on everything, ship to kb/data")
    args = ap.parse_args()
    started = time.monotonic()
    data = E.Data(args.pairs_dir, args.loras, messages=not args.no_messages)
    domain_fold(data)
    memories = None if args.no_memory else M.Memories(data, tuple(args.memory_sets))
    adapters = {("base", f): data.adapter("base", f, 0.3) for f in ("1", "2")}
    adapters["prod"] = load_adapter(data.base.question_tag)
    sets = SETS if args.no_messages else SETS + MESSAGES
    trained = tuple(n for n in sets if n != "domain" or not args.no_domain)
    results: dict[str, dict[str, list]] = {}
    for fold in ("1", "2"):
        baselines(data, fold, adapters, results)
        for spec in args.sides:
            sides = tuple(spec.split(","))
            label = f"ranker ({spec})"
            cross_validate(data, fold, sides, args, adapters, trained, results, label, memories)
            R.timed(f"fold {fold}: {label}", started)
    table = summary(data, results)
    if args.write:
        write(data, args, tuple(args.sides[-1].split(",")), adapters, trained, table, memories)
    print(f"({time.monotonic() - started:.0f}s)")


def baselines(data: E.Data, fold: str, adapters, results: dict) -> None:
    """Lexical, today's default mode and the LoRA side by today's reciprocal ranks, on the
    held-out half of fold `fold` of every set."""
    for name in scored(data):
        today = side_vectors(data, name, fold, ("today",), adapters)["today"][1]
        lora = side_vectors(data, name, fold, ("lora",), adapters)["lora"][1]
        for i in E.split(data, name, fold, "test"):
            c = data.cases[(name, data.view(name, fold))][i]
            for label, near in (("lexical", None), ("today", today[i]), ("LoRA, RRF", lora[i])):
                o = T.fused_order(data.snap, c, near, T.Policy())
                results.setdefault(label, {}).setdefault(name, []).append(
                    (c, T.measure(data.table, c, o), o)
                )


def cross_validate(data, fold, sides, args, adapters, trained, results, label, memories) -> None:
    """A ranker learned on fold `fold`'s training halves (each question seen by the question
    side of the other fold unless --in-fold), scored on its held-out halves; both recall fold
    `fold`'s training questions (training/fusion/memory.py) when `memories` is given."""
    parts, weights = [], []
    for name in trained:
        other = fold if args.in_fold else {"1": "2", "2": "1"}[fold]
        tv = side_vectors(data, name, other, sides, adapters)
        recall = memories and recaller(memories, fold, lora_side(name, other), True)
        parts.append(rows(data, name, fold, E.split(data, name, fold, "train"), tv, recall))
        weights.append(args.domain_weight if name == "domain" else 1.0)
    ranker = train(parts, weights, args, feature_names(len(sides)))
    for name in scored(data):
        sv = side_vectors(data, name, fold, sides, adapters)
        nears = next(iter(sv.values()))[1]
        at = E.split(data, name, fold, "test")
        recall = memories and recaller(memories, fold, lora_side(name, fold), False)
        for i, (c, cands, x, _y) in zip(at, rows(data, name, fold, at, sv, recall), strict=True):
            scores = (
                None if cands is None else dict(zip(cands, ranker.score(x).tolist(), strict=True))
            )
            o = T.fused_order(data.snap, c, nears[i], T.Policy(), scores)
            results.setdefault(label, {}).setdefault(name, []).append(
                (c, T.measure(data.table, c, o), o)
            )


def write(data: E.Data, args, sides, adapters, trained, table: dict, memories) -> None:
    """The shipped ranker: trained on every trainable question, each seen by the question side
    that did not learn from it (its fold's LoRA; domain-dev by the all-pairs LoRA) and recalling
    every other trainable question through it; and the question memory it reads."""
    parts, weights = [], []
    for name in trained:
        for fold in ("1", "2"):
            sv = side_vectors(data, name, fold, sides, adapters)
            at = [i for i in E.split(data, name, fold, "test") if data.qs[name][i].train_ok]
            recall = memories and recaller(memories, "all", lora_side(name, fold), True)
            parts.append(rows(data, name, fold, at, sv, recall))
            weights.append((args.domain_weight if name == "domain" else 1.0) / 2)
    ranker = train(parts, weights, args, feature_names(len(sides)))
    tag = Encoder(question_lora=data.loras["all"]).question_tag
    dest = ranker_path(tag)
    np.savez_compressed(dest, **ranker.arrays())
    record = {
        "model": "LightGBM lambdarank, exported to numpy trees (kb/semantic/ranker.py)",
        "question_tag": tag,
        "features": list(ranker.features),
        "trees": int(ranker.roots.size),
        "params": PARAMS
        | {
            "num_leaves": args.leaves,
            "learning_rate": args.lr,
            "rounds": args.rounds,
            "domain_weight": args.domain_weight,
        },
        "candidates": f"lexical top {DEPTH} and the question side's top {DEPTH} neighbours"
        + (
            ""
            if args.no_messages
            else " (of the whole question and each of its sentences, merged by reciprocal ranks, "
            "when it has several: kb/query/sentences.py) and each sentence's lexical top "
            f"{PART_DEPTH}"
        ),
        "messages": None
        if args.no_messages
        else "each scored set's questions also joined 2-4 at a time within their fold half "
        "(training/fusion/messages.py), answered by every article of any of them",
        "memory": None
        if not memories
        else "the nearest remembered public training questions (kb/semantic/memory.py; a "
        "training row recalls the others through the same fold LoRA, never itself, its message's "
        "questions or a near duplicate); the answers of the nearest join the candidates",
        "trained_on": {n: sum(x.train_ok for x in data.qs[n]) for n in trained},
        "sides_seen": "each question through the fold LoRA that did not learn from it",
        "cross_validated": table,
        "versions": {"lightgbm": _version("lightgbm"), "numpy": np.__version__},
        "made_by": "python -m training.fusion.rerank --loras var/training --write",
    }
    dest.with_suffix(".json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
    print(f"shipped {dest} ({dest.stat().st_size} bytes)")
    if memories:
        M.ship(data, memories)


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def summary(data: E.Data, results: dict) -> dict:
    """Print (and return) each variant's held-out R@10, R@100, MRR@10 per set and domain kind."""
    print("held-out halves, R@10 R@100 MRR@10:")
    table: dict = {}
    for label, per in results.items():
        cells = []
        for name in scored(data):
            m = np.array([r[1] for r in per.get(name, [])])
            table.setdefault(label, {})[name] = [round(v, 3) for v in m.mean(0).tolist()]
            cells.append(f"{name} " + " ".join(f"{v:.3f}" for v in m.mean(0)))
        print(f"  {label:10s} " + " | ".join(cells))
        dom = per.get("domain", [])
        kinds = sorted({c.q.judged.kind for c, _m, _o in dom})
        per_kind = []
        for kind in kinds:
            m = np.array([mm for c, mm, _o in dom if c.q.judged.kind == kind])
            per_kind.append(f"{kind} {m[:, 0].mean():.3f}/{m[:, 2].mean():.3f}")
            table[label][f"domain:{kind}"] = [round(m[:, 0].mean(), 3), round(m[:, 2].mean(), 3)]
        first = sum(
            score_ranking(c.q.judged, [data.table[n] for n in o[:100]]).first_grade2 == 1
            for c, _m, o in dom
            if c.q.judged.kind == "citation"
        )
        print(f"    domain kinds (R@10/MRR@10): {', '.join(per_kind)}; citations at 1: {first}")
    return table


if __name__ == "__main__":
    main()
