"""The cross-validated table of issue 19: lexical, today's default mode, the new question side
(fold LoRAs of training/encoder) with today's fusion, re-tuned fusion and per-question trust,
on STARD train, lawyer-llama and legal-dc (each split by its grouped folds: fold n scores the
questions marked n-1 with everything learned on the others), and domain-dev per kind with the
shipped configuration.

    OPENBLAS_NUM_THREADS=1 KB_INDEX_DIR=var/index nice .venv/bin/python -m \
        training.fusion.evaluate --loras var/training [--write]

--loras: a folder with lora-1.npz, lora-2.npz (fold runs) and lora-all.npz (all pairs).
Fusion is tuned per fold on the training halves of all three sets (each set weighing the same);
the shipped choice is tuned on the out-of-fold rankings of every question (each question seen
through the fold LoRA that did not train on it). --write prints the constants to ship.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from bench.learn_related import Corpus
from bench.semantic_eval import answer_finder
from kb.query.sentences import parts
from kb.search.evaluation import score_ranking
from kb.semantic.encoder import Encoder
from kb.semantic.fusion import FUSION, merge_sides
from kb.semantic.retriever import load_adapter
from training.fusion import messages as M
from training.fusion import rankings as R
from training.fusion import trust as T

KS = (5.0, 10.0, 20.0)
WS = (0.5, 0.7, 1.0, 1.4, 2.0)
BELOW = 2.0  # a question's shortfall against lexical costs 1 + BELOW times (--below)
SCORED = ("stard", "lawyer-llama", "legal-dc")
SIDES = ("lora", "lora+adapter", "both")  # question sides kept out of fold


class Data:
    """Questions, cases and neighbour lists of every set, per question side."""

    def __init__(self, pairs: Path, loras: Path, messages: bool = False):
        """`messages`: also the several-issue messages of each scored set (`<set>×`)."""
        started = time.monotonic()
        self.corpus = Corpus()
        self.snap, self.table = self.corpus.snap, self.corpus.table
        self.base = Encoder(question_lora=None)
        self.index = R.full_index(self.corpus, self.base)
        self.finder = answer_finder(self.corpus)
        self.loras = {n: loras / f"lora-{n}.npz" for n in ("1", "2", "all")}
        self.qs = {
            name: R.load_questions(self.corpus, name, path, pairs)
            for name, path in R.sets(pairs).items()
        }
        if messages:
            for name in SCORED:
                self.qs[f"{name}×"] = M.messages(self.snap, name, self.qs[name])
        R.timed("questions parsed", started)
        key = R.digest([[x.judged.id, x.fold, x.train_ok] for x in self.qs["stard"]])
        tables = R.cached(
            R.CACHE / f"tables-{key}.pkl", lambda: R.stard_tables(self.corpus, self.qs["stard"])
        )
        self.cases: dict[tuple[str, str], list[T.Case]] = {}
        for name, qs in self.qs.items():
            views = ("T1", "T2") if name == "stard" else ("product",)
            for view in views:
                lex = R.cached(
                    R.CACHE / f"lex-{name}-{view}-{R.digest([x.judged.id for x in qs])}.pkl",
                    lambda qs=qs, view=view: R.lexical_rankings(self.corpus, qs, tables.get(view)),
                )
                self.cases[(name, view)] = [T.make_case(x, r) for x, r in zip(qs, lex, strict=True)]
        R.timed("lexical rankings", started)
        self.vecs: dict[tuple[str, str], np.ndarray] = {}
        for name, qs in self.qs.items():
            self.vecs[(name, "base")] = R.question_vectors(name, qs, None)
            for n in ("1", "2") if name != "domain" else ("all",):
                if self.loras[n].is_file():
                    self.vecs[(name, f"lora{n}")] = R.question_vectors(name, qs, self.loras[n])
        self.parts = {
            key: R.part_vectors(key[0], self.qs[key[0]], self.loras[key[1][4:]])
            for key in self.vecs
            if key[1].startswith("lora") and messages
        }
        self.part_lex = {
            name: R.part_lexical(self.corpus, name, qs) for name, qs in self.qs.items() if messages
        }
        R.timed("question vectors", started)
        self.near: dict[tuple[str, str], list] = {}
        self.below = BELOW  # the trust's penalty on a shortfall against lexical
        self.keep_fusion = False  # True: the trust around today's k and weight, not re-tuned

    def part_neighbours(self, name: str, side: str, label: str) -> list:
        """Each question's neighbours through `side`, merged with its sentences' (by reciprocal
        ranks, as search merges them) when it has several."""
        whole = self.neighbours(name, side, None, label)
        vecs = self.parts[(name, side)]
        key = R.digest([parts(x.query.text) for x in self.qs[name]])
        path = R.CACHE / f"parts-near-{name}-{label}-{key}.pkl"
        lists = R.cached(
            path, lambda: R.part_neighbour_lists(self.corpus, self.index, self.qs[name], vecs)
        )
        return [
            near if more is None else merge_sides([near, *more], FUSION.k, FUSION.depth)
            for near, more in zip(whole, lists, strict=True)
        ]

    def view(self, name: str, fold: str) -> str:
        return f"T{fold}" if name == "stard" else "product"

    def adapter(self, side: str, fold: str, lam: float) -> np.ndarray:
        """A query adapter over `side`'s vectors learned on fold `fold`'s training halves
        (fold 'all': every question that may be trained on); for the base side from STARD
        only, as today's."""
        sets = ("stard",) if side == "base" else SCORED
        qs, vecs = [], []
        for name in sets:
            for x, v in zip(self.qs[name], self.vecs[(name, side)], strict=True):
                if x.train_ok and (fold == "all" or x.fold != int(fold) - 1):
                    qs.append(x)
                    vecs.append(v)
        return R.learn_adapter(self.index, self.finder, qs, np.array(vecs), lam)

    def adapter_all(self, lam: float) -> np.ndarray:
        """The adapter over the all-pairs LoRA, learned on every trainable question."""
        for name in SCORED:
            if (name, "loraall") not in self.vecs:
                self.vecs[(name, "loraall")] = R.question_vectors(
                    name, self.qs[name], self.loras["all"]
                )
        return self.adapter("loraall", "all", lam)

    def neighbours(self, name: str, side: str, adapter: np.ndarray | None, label: str):
        key = (name, label)
        if key not in self.near:
            vecs = R.adapt(self.vecs[(name, side)], adapter)
            path = (
                R.CACHE
                / f"near-{name}-{label}-{R.digest(vecs.round(4).tobytes().hex()[:4096], vecs.sum().item())}.pkl"
            )
            self.near[key] = R.cached(
                path, lambda: R.neighbour_lists(self.corpus, self.index, self.qs[name], vecs)
            )
        return self.near[key]


def both(today: list, lora: list) -> list:
    """Each question's neighbours of both question sides merged, as search merges them."""
    return [merge_sides([a, b], FUSION.k, FUSION.depth) for a, b in zip(today, lora, strict=True)]


def split(data: Data, name: str, fold: str, part: str) -> list[int]:
    """Question positions of the training (train_ok) or test half of fold `fold`."""
    out = []
    for i, x in enumerate(data.qs[name]):
        test = x.fold == int(fold) - 1
        if (part == "test" and test) or (part == "train" and not test and x.train_ok):
            out.append(i)
    return out


def pooled(data: Data, fold: str, part: str, sides: dict[str, dict[str, list]]):
    """(cases, {side: neighbours}, weights, set names) over the three scored sets."""
    cases, near, weights, names = [], {s: [] for s in sides}, [], []
    for name in SCORED:
        at = split(data, name, fold, part)
        allc = data.cases[(name, data.view(name, fold))]
        cases += [allc[i] for i in at]
        for s, by_set in sides.items():
            near[s] += [by_set[name][i] for i in at]
        weights += [1.0 / len(at)] * len(at)
        names += [name] * len(at)
    return cases, near, np.array(weights), names


def fit(data: Data, cases, near: dict[str, list], weights) -> tuple[str, T.Trusted, dict]:
    """The best global policy (side, k, semantic weight) on training cases (today's with
    --keep-fusion), then the per-question trust around it (fit_trust on the same cases)."""
    policies = [T.Policy()] if data.keep_fusion else T.grid(KS, WS)
    best = (-1.0, "", T.Policy())
    for side, ns in near.items():
        m = T.score_all(data.snap, data.table, cases, ns, policies)
        for a, p in enumerate(policies):
            o = T.objective(m[a], weights)
            if o > best[0]:
                best = (o, side, p)
    o_global, side, p = best
    trust = learn_trust(data, cases, near[side], weights, p)
    info = {"side": side, "global": p, "objective": round(o_global, 4), "trust": trust}
    return side, trust, info


def learn_trust(data: Data, cases, near: list, weights, base: T.Policy) -> T.Trusted:
    """The per-question trust around `base` learned on these (training) cases."""
    m = T.step_metrics(data.snap, data.table, cases, near, base)
    f = np.array([T.features(data.snap, c, n) for c, n in zip(cases, near, strict=True)])
    return T.Trusted(base, T.fit_trust(m, f, weights, data.below))


def orders(data: Data, cases, near, rule: T.Trusted | T.Policy) -> list[list[int]]:
    """The default mode's order of each question under a global policy or a trust."""
    out = []
    for c, n in zip(cases, near, strict=True):
        p = (
            rule.policy(T.features(data.snap, c, n))
            if isinstance(rule, T.Trusted) and n is not None
            else rule
        )
        out.append(T.fused_order(data.snap, c, n, p))
    return out


def apply(data: Data, cases, near, rule: T.Trusted | T.Policy) -> np.ndarray:
    """(questions, 3) metrics of the default mode under `rule`."""
    got = orders(data, cases, near, rule)
    return np.array([T.measure(data.table, c, o) for c, o in zip(cases, got, strict=True)])


def report(rows: dict[str, dict[str, list]], names_order) -> None:
    """Per variant: STARD per fold and mean, then the other sets (both folds pooled)."""
    for label, per in rows.items():
        cells = []
        for name in names_order:
            folds = per.get(name)
            if not folds:
                continue
            if name == "stard":
                for f, m in enumerate(folds, 1):
                    cells.append(f"f{f} " + " ".join(f"{v:.3f}" for v in m.mean(0)))
                mean = np.mean([m.mean(0) for m in folds], axis=0)
                cells.append("STARD " + " ".join(f"{v:.3f}" for v in mean))
            else:
                allm = np.concatenate(folds)
                cells.append(f"{name} " + " ".join(f"{v:.3f}" for v in allm.mean(0)))
        print(f"  {label:30s} " + " | ".join(cells), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs-dir", type=Path, default=R.PAIRS)
    ap.add_argument("--loras", type=Path, required=True)
    ap.add_argument("--lambda-base", type=float, default=0.3)
    ap.add_argument("--lambda-lora", type=float, default=3.0)
    ap.add_argument("--base-only", action="store_true", help="today's question side only")
    ap.add_argument("--below", type=float, default=BELOW)
    ap.add_argument("--keep-fusion", action="store_true", help="trust around today's k, w")
    args = ap.parse_args()
    started = time.monotonic()
    data = Data(args.pairs_dir, args.loras)
    data.below, data.keep_fusion = args.below, args.keep_fusion
    prod_adapter = load_adapter(data.base.question_tag)
    rows: dict[str, dict[str, list]] = {}
    oof: dict[str, list] = {}  # out-of-fold training material for the shipped choice
    today = T.Policy()

    def add(label, name, m):
        rows.setdefault(label, {}).setdefault(name, []).append(m)

    for fold in ("1", "2"):
        lora = f"lora{fold}"
        a_base = data.adapter("base", fold, args.lambda_base)
        sides: dict[str, dict] = {"today": {}}
        if not args.base_only:
            a_lora = data.adapter(lora, fold, args.lambda_lora)
            sides |= {"lora": {}, "lora+adapter": {}, "both": {}}
        for name in SCORED:
            today_adapter = a_base if name == "stard" else prod_adapter
            sides["today"][name] = data.neighbours(name, "base", today_adapter, f"today{fold}")
            if not args.base_only:
                sides["lora"][name] = data.neighbours(name, lora, None, lora)
                sides["lora+adapter"][name] = data.neighbours(name, lora, a_lora, f"{lora}A")
                sides["both"][name] = both(sides["today"][name], sides["lora"][name])
        R.timed(f"fold {fold}: neighbours", started)
        train = pooled(data, fold, "train", sides)
        trust_today = learn_trust(data, train[0], train[1]["today"], train[2], today)
        print(f"fold {fold}: today + trust {trust_today}", flush=True)
        side, trust, info = None, None, None
        if not args.base_only:
            lsides = {"both": train[1]["both"]}
            side, trust, info = fit(data, train[0], lsides, train[2])
            print(f"fold {fold}: {info}", flush=True)
        R.timed(f"fold {fold}: fusion tuned", started)
        for name in SCORED:
            at = split(data, name, fold, "test")
            cs = [data.cases[(name, data.view(name, fold))][i] for i in at]
            pick = lambda s, at=at, name=name, sides=sides: [sides[s][name][i] for i in at]  # noqa: E731
            add("lexical", name, apply(data, cs, [None] * len(cs), today))
            add("today (auto, adapter)", name, apply(data, cs, pick("today"), today))
            add("today + trust", name, apply(data, cs, pick("today"), trust_today))
            oof.setdefault("today", []).extend(pick("today"))
            oof.setdefault("cases", []).extend(cs)
            oof.setdefault("weights", []).extend([1.0 / len(data.qs[name])] * len(cs))
            if args.base_only:
                continue
            add("LoRA, today's fusion", name, apply(data, cs, pick("lora"), today))
            add("LoRA+adapter, today's fusion", name, apply(data, cs, pick("lora+adapter"), today))
            add("both sides, today's fusion", name, apply(data, cs, pick("both"), today))
            add(f"{side}, re-tuned global", name, apply(data, cs, pick(side), info["global"]))
            add(f"{side}, re-tuned + trust", name, apply(data, cs, pick(side), trust))
            for s in SIDES:
                oof.setdefault(s, []).extend(pick(s))
        R.timed(f"fold {fold}: scored", started)
        report(rows, SCORED)
    print("STARD (per fold, mean) and the other sets (both held-out halves), R@10 R@100 MRR@10:")
    report(rows, SCORED)
    weights = np.array(oof["weights"])
    shipped = {
        "today + trust": ("base", learn_trust(data, oof["cases"], oof["today"], weights, today))
    }
    if not args.base_only:
        near = {"both": oof["both"]}
        side, trust, info = fit(data, oof["cases"], near, weights)
        shipped |= {
            f"{side}, re-tuned global": (side, info["global"]),
            f"{side} + trust": (side, trust),
        }
    for label, (side, rule) in shipped.items():
        print(f"shipped choice {label} (out-of-fold, all three sets): {side} {rule}", flush=True)
    domain(data, prod_adapter, shipped, args.lambda_lora)
    print(f"({time.monotonic() - started:.0f}s)")


def domain(data: Data, prod_adapter, shipped: dict, lam: float) -> None:
    """domain-dev: lexical, today, and each shipped choice (LoRA ones through the all-pairs
    LoRA), per kind, citations at rank 1."""
    cases = data.cases[("domain", "product")]
    today = data.neighbours("domain", "base", prod_adapter, "today")
    variants = {
        "lexical": ([None] * len(cases), T.Policy()),
        "today (auto, adapter)": (today, T.Policy()),
    }
    for label, (side, rule) in shipped.items():
        if side == "base":
            variants[label] = (today, rule)
        elif ("domain", "loraall") in data.vecs:
            adapter = data.adapter_all(lam) if side == "lora+adapter" else None
            near = data.neighbours("domain", "loraall", adapter, f"loraall-{side}")
            if side == "both":
                near = both(today, data.neighbours("domain", "loraall", None, "loraall-lora"))
            variants[label] = (near, rule)
    kinds = sorted({c.q.judged.kind for c in cases})
    for label, (near, rule) in variants.items():
        got = orders(data, cases, near, rule)
        m = np.array([T.measure(data.table, c, o) for c, o in zip(cases, got, strict=True)])
        first = sum(
            score_ranking(c.q.judged, [data.table[n] for n in o[:100]]).first_grade2 == 1
            for c, o in zip(cases, got, strict=True)
            if c.q.judged.kind == "citation"
        )
        per = []
        for kind in kinds:
            sel = [i for i, c in enumerate(cases) if c.q.judged.kind == kind]
            mk = m[sel].mean(0)
            per.append(f"{kind} {mk[0]:.3f}/{mk[2]:.3f}")
        mean = m.mean(0)
        print(
            f"  domain-dev {label:24s} R@10 {mean[0]:.3f} R@100 {mean[1]:.3f} MRR@10 {mean[2]:.3f}"
            f" citations at 1: {first}/{sum(c.q.judged.kind == 'citation' for c in cases)}"
        )
        print("    per kind (R@10/MRR@10): " + ", ".join(per), flush=True)


if __name__ == "__main__":
    main()
