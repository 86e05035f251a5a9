"""Learn kb/data/related.tsv: for a word of lay questions, the words of the articles answering them.

    .venv/bin/python bench/learn_related.py [--cv] [--judged FILE ...] [--out kb/data/related.tsv]

A layperson asks about 贷款 and the answering articles speak of 借款人 and 出借; asks about 房东
and they speak of 出租人. From judged questions (default: ../shared/eval/stard-train.jsonl, the
split meant for training) this counts, for every content word of a question, the words of the
articles judged relevant to it, and keeps a pair when it recurs (--min-pairs questions), covers a
good share of the word's questions (--min-share) and is far more frequent there than in the
corpus (--min-lift). Search then looks for a query word's related words at a low weight
(Policy.related_weight). Needs an index (KB_INDEX_DIR) to read article texts.

--cv learns on one half of the questions and scores the other half, both ways round, and prints
the metrics with and without the learned words: the honest measure of what they add, since
scoring the questions a table was learned from would flatter it.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import random
import re
import statistics
from collections import Counter, defaultdict
from pathlib import Path

from bench.tune import EVAL, passage_table
from kb.analysis import query_terms  # noqa: E402
from kb.config import load_settings  # noqa: E402
from kb.engine.policy import POLICY  # noqa: E402
from kb.library import Library  # noqa: E402
from kb.query.lexicon import stopwords  # noqa: E402
from kb.query.parse import parse_query  # noqa: E402
from kb.schema import PASSAGE_TEXT  # noqa: E402
from kb.search import SearchParams, rank  # noqa: E402
from kb.search.evaluation import Judged, load_judged, score_ranking  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "kb" / "data" / "related.tsv"
# article labels and numerals that jieba cuts out of the text (第九, 八百, 三条) say nothing
_NUMBERING = re.compile(r"第.*|[一二三四五六七八九十百千零两〇条款项章节之0-9]+")


@dataclasses.dataclass(frozen=True)
class Params:
    min_pairs: int = 2  # questions in which the pair occurs
    min_share: float = 0.25  # share of the word's questions whose articles have the related word
    min_lift: float = 20.0  # that share over the related word's share of all passages
    per_word: int = 3  # related words kept per query word


class Corpus:
    """Article texts by (source, article) and document frequencies, from the live index."""

    def __init__(self) -> None:
        self.snap = Library(load_settings().index_dir).snapshot()
        self.table = passage_table(self.snap)
        self.text: dict[tuple[str, int], str] = {}
        for item in self.table:
            if item is not None and item.article is not None:
                self.text.setdefault((item.source, item.article), item.text)
        self.stop = stopwords()
        self.searcher = self.snap.searcher()

    def words(self, text: str) -> set[str]:
        """Content words of an article (no stopwords, single characters or numbering)."""
        return {
            w
            for w in query_terms(text)
            if len(w) > 1 and w not in self.stop and not _NUMBERING.fullmatch(w)
        }

    def question_words(self, judged: Judged) -> set[str]:
        q = parse_query(judged.query, self.snap.aliases(), self.snap.region_names())
        return {c.text for c in q.concepts if len(c.text) > 1}

    def answer_words(self, judged: Judged) -> set[str]:
        words: set[str] = set()
        for e in judged.relevant:
            text = self.text.get((e.get("version_file", ""), e.get("article")))
            if text:
                words |= self.words(text)
        return words


def learn(corpus: Corpus, judged: list[Judged], p: Params) -> dict[str, tuple[str, ...]]:
    """query word → related words, best first."""
    asked: Counter[str] = Counter()
    together: Counter[tuple[str, str]] = Counter()
    for j in judged:
        qw, aw = corpus.question_words(j), corpus.answer_words(j)
        for w in qw:
            asked[w] += 1
            together.update((w, a) for a in aw - qw)
    n = corpus.snap.live_count
    found: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for (w, a), k in together.items():
        share = k / asked[w]
        if k < p.min_pairs or share < p.min_share:
            continue
        df = corpus.searcher.doc_frequency(PASSAGE_TEXT, a)
        lift = share / (df / n) if df else 0.0
        if lift >= p.min_lift:
            found[w].append((share * math.log(lift), a))
    return {
        w: tuple(a for _s, a in sorted(v, reverse=True)[: p.per_word]) for w, v in found.items()
    }


def write(table: dict[str, tuple[str, ...]], path: Path, p: Params, sources: list[Path]) -> None:
    lines = [
        "# Learned by bench/learn_related.py from " + ", ".join(s.name for s in sources),
        f"# ({dataclasses.asdict(p)}); regenerate, don't edit. query word<TAB>related words",
    ]
    lines += [f"{w}\t{' '.join(words)}" for w, words in sorted(table.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def evaluate(
    corpus: Corpus, judged: list[Judged], table: dict[str, tuple[str, ...]], policy=POLICY
) -> dict:
    """Mean R@10, R@100, MRR@10 with `table` as the related words (replacing the data file's)."""
    snap, scores = corpus.snap, []
    for j in judged:
        q = parse_query(j.query, snap.aliases(), snap.region_names())
        concepts = tuple(dataclasses.replace(c, related=table.get(c.text, ())) for c in q.concepts)
        q = dataclasses.replace(q, concepts=concepts)
        ranking = rank(snap, q, SearchParams(j.query, limit=100, as_of=j.as_of), policy)
        scores.append(score_ranking(j, [corpus.table[n] for n in ranking.order[:100]]))
    return {
        "R@10": statistics.fmean(s.recall10 for s in scores),
        "R@100": statistics.fmean(s.recall100 for s in scores),
        "MRR@10": statistics.fmean(s.mrr10 for s in scores),
    }


def cross_validate(corpus: Corpus, judged: list[Judged], p: Params, policy=POLICY) -> None:
    """Two folds: learn on one half, score the other; print both halves' means."""
    shuffled = judged[:]
    random.Random(0).shuffle(shuffled)
    half = len(shuffled) // 2
    folds = [(shuffled[:half], shuffled[half:]), (shuffled[half:], shuffled[:half])]
    for label, use_table in (("without related words", False), ("with related words  ", True)):
        runs = [
            evaluate(corpus, test, learn(corpus, train, p) if use_table else {}, policy)
            for train, test in folds
        ]
        line = " ".join(f"{k} {statistics.fmean(r[k] for r in runs):.3f}" for k in runs[0])
        print(f"2-fold CV {label}: {line}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--judged", type=Path, nargs="+", default=[EVAL / "stard-train.jsonl"])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--cv", action="store_true", help="print 2-fold cross-validated metrics")
    ap.add_argument("--weight", type=float, help="Policy.related_weight for --cv")
    for f in dataclasses.fields(Params):
        ap.add_argument("--" + f.name.replace("_", "-"), type=type(f.default), default=f.default)
    args = ap.parse_args()
    p = Params(**{f.name: getattr(args, f.name) for f in dataclasses.fields(Params)})
    corpus = Corpus()
    judged = load_judged(args.judged)
    if args.cv:
        weight = POLICY.related_weight if args.weight is None else args.weight
        cross_validate(corpus, judged, p, dataclasses.replace(POLICY, related_weight=weight))
    table = learn(corpus, judged, p)
    write(table, args.out, p, args.judged)
    print(f"{len(table)} query words with related words written to {args.out}")


if __name__ == "__main__":
    main()
