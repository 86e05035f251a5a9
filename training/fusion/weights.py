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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--judged", type=Path, nargs="+", default=[EVAL / "stard-train.jsonl"])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    corpus = Corpus()
    table = learn(corpus, load_judged(args.judged), Params())
    write(table, args.out, Params(), args.judged)
    print(f"{len(table)} weighted words written to {args.out}")


if __name__ == "__main__":
    main()
