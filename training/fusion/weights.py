"""Learn kb/data/term_weights.tsv: how much a word of a question says about the answering article.

A consultation tells a story (我老公, 去年, 借了, 微信上) around its legal question; the story's words
match passages too, and push the answer down. From judged questions this counts, for every content
word of a question, how often the articles answering it contain the word (or one of its synonyms
or related words, as search looks for them), against how often that happens for question words at
large. A word seen in enough questions gets the ratio as its weight (shrunk towards 1 by its
count, kept within [FLOOR, CEIL]); search multiplies the word's BM25 and coverage by it
(Concept.weight). Words never seen keep weight 1.

    KB_INDEX_DIR=… .venv/bin/python -m training.fusion.weights [--judged FILE …] [--out …]
"""

from __future__ import annotations

import argparse
import dataclasses
from collections import Counter
from pathlib import Path

from bench.learn_related import Corpus
from bench.tune import EVAL
from kb.search.evaluation import Judged, load_judged

OUT = Path(__file__).resolve().parents[2] / "kb" / "data" / "term_weights.tsv"


@dataclasses.dataclass(frozen=True)
class Params:
    min_questions: int = 3  # questions a word must occur in to get a weight
    shrink: float = 4.0  # pseudo-questions at the overall rate: few questions, little change
    power: float = 1.0  # weight = (rate / overall rate) ** power
    floor: float = 0.35
    ceil: float = 1.6


def answered(corpus: Corpus, j: Judged) -> tuple[set[str], str]:
    """A question's content words and the text of its answering articles."""
    texts = [corpus.text.get((e.get("version_file", ""), e.get("article"))) for e in j.relevant]
    return corpus.question_words(j), "\n".join(t for t in texts if t)


def learn(corpus: Corpus, judged: list[Judged], p: Params, rel: dict | None = None) -> dict:
    """word → weight for the words of `judged` seen often enough (`rel`: the related words
    search uses with them, default related.tsv)."""
    from kb.query.lexicon import expansions, related

    asked: Counter[str] = Counter()
    found: Counter[str] = Counter()
    rel = related() if rel is None else rel
    for j in judged:
        words, text = answered(corpus, j)
        if not text:
            continue
        for w in words:
            forms = [w, *("".join(a) for a in expansions(w)), *rel.get(w, ())]
            asked[w] += 1
            found[w] += any(f and f in text for f in forms)
    overall = sum(found.values()) / max(sum(asked.values()), 1)
    out = {}
    for w, n in asked.items():
        if n < p.min_questions:
            continue
        rate = (found[w] + p.shrink * overall) / (n + p.shrink)
        out[w] = round(min(p.ceil, max(p.floor, (rate / overall) ** p.power)), 3)
    return {w: x for w, x in out.items() if abs(x - 1.0) >= 0.05}


def write(table: dict[str, float], path: Path, p: Params, sources: list[Path]) -> None:
    lines = [
        "# Learned by training/fusion/weights.py from " + ", ".join(s.name for s in sources),
        f"# ({dataclasses.asdict(p)}); regenerate, don't edit. query word<TAB>weight",
    ]
    lines += [f"{w}\t{x}" for w, x in sorted(table.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def cross_validate(
    corpus: Corpus, judged: list[Judged], extra: list[Judged], p: Params, judged_path=None
) -> None:
    """Lexical R@10, R@100, MRR@10 of held-out halves (bench/semantic_eval.py's split) without
    and with term weights learned on the other half (plus `extra`), related words likewise."""
    import statistics

    from bench.learn_related import Params as RelatedParams
    from bench.learn_related import learn as learn_related
    from kb.search.evaluation import score_ranking
    from training.fusion.cache import folds_of, halves, lexical

    folds = {}
    if judged_path is not None and "fold" in judged_path.read_text(encoding="utf-8")[:5000]:
        folds = folds_of(judged_path)  # the pairs files' own grouped split
    if folds:
        parts = [[j for j in judged if folds[j.id] == f] for f in (0, 1)]
        splits = [(parts[0], parts[1]), (parts[1], parts[0])]
    else:
        a, b = halves(judged, 0)
        splits = [(a, b), (b, a)]
    for label in ("without", "with"):
        runs = []
        for train, test in splits:
            table = learn_related(corpus, train, RelatedParams())
            tw = learn(corpus, train + extra, p, table) if label == "with" else {}
            s = [
                score_ranking(
                    j, [corpus.table[n] for n in lexical(corpus, j, table, tw).ranking.order[:100]]
                )
                for j in test
            ]
            runs.append(
                (
                    statistics.fmean(x.recall10 for x in s),
                    statistics.fmean(x.recall100 for x in s),
                    statistics.fmean(x.mrr10 for x in s),
                )
            )
        m = [statistics.fmean(r[i] for r in runs) for i in range(3)]
        print(f"2-fold CV {label} term weights: R@10 {m[0]:.3f} R@100 {m[1]:.3f} MRR@10 {m[2]:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--judged", type=Path, nargs="+", default=[EVAL / "stard-train.jsonl"])
    ap.add_argument("--extra", type=Path, nargs="*", default=[], help="more training questions")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--cv", action="store_true", help="2-fold CV on --judged (lexical)")
    for f in dataclasses.fields(Params):
        ap.add_argument("--" + f.name.replace("_", "-"), type=type(f.default), default=f.default)
    args = ap.parse_args()
    p = Params(**{f.name: getattr(args, f.name) for f in dataclasses.fields(Params)})
    corpus = Corpus()
    if args.cv:
        path = args.judged[0] if len(args.judged) == 1 else None
        cross_validate(corpus, load_judged(args.judged), load_judged(args.extra), p, path)
        return
    table = learn(corpus, load_judged(args.judged + args.extra), p)
    write(table, args.out, p, args.judged + args.extra)
    print(f"{len(table)} weighted words written to {args.out}")


if __name__ == "__main__":
    main()
