"""Rankings of judged questions, computed once and kept on disk, so fusion experiments rerun no
retrieval (var/training/fusion/, git-ignored).

Every question of a cross-validated set gets two lexical rankings and two semantic neighbour
lists, each made with what was learned from questions it is not in (the related-words table of
bench/learn_related.py and the query adapter of bench/semantic_eval.py):
- `outer`: learned on the other half of the 2-fold split (the held-out view: scored in CV, and
  the out-of-fold training rows of the shipped model);
- `inner`: learned on the other half of a 2-fold split inside its own half (the training rows of
  a CV fold: a fold's model sees its training questions as it will see unseen ones, not through a
  table and adapter that were fitted to them).
Sets scored with the product's data (domain-dev) get one `product` view (related.tsv, the shipped
adapter). Question vectors are kept raw (before any adapter), once per question.
"""

from __future__ import annotations

import dataclasses
import pickle
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.learn_related import Corpus, Params, learn
from kb.engine.policy import POLICY
from kb.engine.ranking import Ranking
from kb.query.parse import ParsedQuery, parse_query
from kb.search import SearchParams, document_mask, rank
from kb.search.evaluation import Judged
from kb.semantic.fusion import FUSION, neighbours
from kb.semantic.retriever import Neighbours, SemanticIndex

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "var" / "training" / "fusion"
KEEP = 500  # lexical places kept per question (fusion reads FUSION.depth = 400)
RIDGE = 0.3  # the adapter's ridge weight (bench/semantic_eval.py chose 0.3 on every split)


def halves(items: list, seed: int) -> tuple[list, list]:
    """A seeded 2-fold split (seed 0 is bench/semantic_eval.py's outer split)."""
    shuffled = items[:]
    random.Random(seed).shuffle(shuffled)
    half = len(shuffled) // 2
    return shuffled[:half], shuffled[half:]


def views(judged: list[Judged]) -> dict[str, list[tuple[list[Judged], list[Judged]]]]:
    """For each view, (learn on, apply to) pairs covering every question once."""
    a, b = halves(judged, 0)
    (a1, a2), (b1, b2) = halves(a, 1), halves(b, 1)
    return {"outer": [(a, b), (b, a)], "inner": [(a1, a2), (a2, a1), (b1, b2), (b2, b1)]}


@dataclass
class Lexical:
    """One question's lexical ranking (its first KEEP places) and what the parse found."""

    ranking: Ranking
    query: ParsedQuery
    params: SearchParams


def _truncate(r: Ranking) -> Ranking:
    order = r.order[:KEEP]
    keep = set(order)
    return dataclasses.replace(
        r,
        order=order,
        scores={n: v for n, v in r.scores.items() if n in keep},
        matched={n: v for n, v in r.matched.items() if n in keep},
    )


def lexical(corpus: Corpus, j: Judged, table: dict | None, weights: dict | None = None) -> Lexical:
    """The lexical ranking of `j` with `table` as its related words (None: related.tsv) and
    `weights` as the term weights (None: term_weights.tsv)."""
    snap = corpus.snap
    q = parse_query(j.query, snap.aliases(), snap.region_names())
    if table is not None:
        concepts = tuple(dataclasses.replace(c, related=table.get(c.text, ())) for c in q.concepts)
        q = dataclasses.replace(q, concepts=concepts)
    if weights is not None:
        concepts = tuple(
            dataclasses.replace(c, weight=weights.get(c.text, 1.0)) for c in q.concepts
        )
        q = dataclasses.replace(q, concepts=concepts)
    params = SearchParams(j.query, limit=100, as_of=j.as_of)
    return Lexical(_truncate(rank(snap, q, params, POLICY)), q, params)


class _Unpickler(pickle.Unpickler):
    """Reads caches written by `python -m training.fusion.cache` (classes pickled as __main__)."""

    def find_class(self, module: str, name: str):
        if module == "__main__" and name in globals():
            return globals()[name]
        return super().find_class(module, name)


def _load(path: Path):
    if not path.exists():
        return None
    with path.open("rb") as f:
        return _Unpickler(f).load()


def _save(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
    tmp.replace(path)


def lexical_view(corpus: Corpus, name: str, judged: list[Judged], view: str) -> dict:
    """{question id: Lexical} for one view of a set, from the cache or computed now; a view
    ending in `+tw` uses term weights learned on the same questions as the related words
    (`product+tw`: the shipped term_weights.tsv, plain `product`: none)."""
    path = CACHE / f"lex-{name}-{view}.pkl"
    found = _load(path)
    if found is not None and all(j.id in found for j in judged):
        return found
    out: dict[str, Lexical] = {}
    base, _, extra = view.partition("+")
    if base == "product":
        out = {j.id: lexical(corpus, j, None, None if extra else {}) for j in judged}
    else:
        from training.fusion import weights as term_weights

        for train, test in views(judged)[base]:
            table = learn(corpus, train, Params())
            tw = term_weights.learn(corpus, train, term_weights.Params(), table) if extra else {}
            out |= {j.id: lexical(corpus, j, table, tw) for j in test}
    _save(path, out)
    return out


def question_vectors(encoder, name: str, judged: list[Judged], lex: dict) -> dict:
    """{question id: raw question vector} (the encoder's, before any adapter)."""
    path = CACHE / f"qvec-{name}-{encoder.tag.replace('/', '_')}.pkl"
    found = _load(path) or {}
    todo = [j for j in judged if j.id not in found]
    for j in todo:
        found[j.id] = np.asarray(encoder.query(lex[j.id].query.text), np.float32)
    if todo:
        _save(path, found)
    return found


def split_vectors(encoder, name: str, judged: list[Judged], lex: dict, qvec: dict) -> dict:
    """{question id: the whole question's and its sentences' raw vectors} for the long questions
    kb/query/clauses.py cuts (the others keep their single vector)."""
    from kb.query.clauses import clauses

    path = CACHE / f"qsplit-{name}-{encoder.tag.replace('/', '_')}.pkl"
    found = _load(path) or {}
    todo = [j for j in judged if j.id not in found]
    for j in todo:
        parts = clauses(lex[j.id].query.text)
        vecs = [np.asarray(encoder.query(p), np.float32) for p in parts]
        found[j.id] = np.vstack([qvec[j.id], *vecs]) if vecs else qvec[j.id]
    if todo:
        _save(path, found)
    return found


class Semantic:
    """Neighbour lists of a set's questions under each view's adapters (cached per index)."""

    def __init__(self, corpus: Corpus, index: SemanticIndex, index_tag: str):
        self.corpus, self.index, self.index_tag = corpus, index, index_tag
        self.adapters: dict[tuple, np.ndarray] = {}

    def adapter(self, train: list[Judged], qvec: dict, lex: dict) -> np.ndarray:
        """The query adapter learned on `train` by bench/semantic_eval.py's learn_adapter, fed
        the cached question vectors instead of the encoder."""
        from types import SimpleNamespace

        from bench.semantic_eval import learn_adapter

        by_text = {lex[j.id].query.text: qvec[j.id] for j in train}
        encoder = SimpleNamespace(query=lambda text: by_text[text])
        runs = SimpleNamespace(corpus=self.corpus, index=self.index, encoder=encoder)
        return learn_adapter(runs, train, RIDGE)

    def near(self, lex: Lexical, vector: np.ndarray, adapter: np.ndarray | None) -> Neighbours:
        """Neighbours of a question vector (or of a question and its sentences: 2-d)."""
        if adapter is not None:
            vector = vector @ adapter.T
            norm = np.linalg.norm(vector, axis=-1, keepdims=True)
            vector = (vector / np.maximum(norm, 1e-12)).astype(np.float32)
        mask = document_mask(self.corpus.snap, lex.query, lex.params)
        snap = self.corpus.snap
        return neighbours(snap, lex.query, self.index, vector, mask, POLICY, FUSION, FUSION.depth)

    def view(
        self, name: str, judged: list[Judged], view: str, lex: dict, qvec: dict, shipped, raw=None
    ) -> dict:
        """{question id: Neighbours} for one view (`product`: the shipped adapter `shipped`;
        a view ending in `/split`: long questions by their sentences too)."""
        path = CACHE / f"sem-{name}-{view.replace('/', '~')}-{self.index_tag}.pkl"
        found = _load(path)
        if found is not None and all(j.id in found for j in judged):
            return found
        out: dict[str, Neighbours] = {}
        base = view.partition("/")[0]
        todo = {j.id for j in judged}
        if raw is not None:  # split: only the questions cut into sentences differ
            out = dict(self.view(name, judged, base, lex, raw, shipped))
            todo = {j.id for j in judged if qvec[j.id].ndim == 2}
        if base == "product":
            out |= {j.id: self.near(lex[j.id], qvec[j.id], shipped) for j in judged if j.id in todo}
        else:
            for train, test in views(judged)[base]:
                test = [j for j in test if j.id in todo]
                key = tuple(sorted(j.id for j in train))
                if key not in self.adapters:
                    self.adapters[key] = self.adapter(train, raw or qvec, lex)
                out |= {j.id: self.near(lex[j.id], qvec[j.id], self.adapters[key]) for j in test}
        _save(path, out)
        return out


PAIRS = Path("/work/wt/pairs/var/training")  # the `pairs` helper's mapped sets (PAIRS.md)


def judged_sets(pairs: Path = PAIRS) -> dict[str, tuple[list[Judged], tuple[str, ...]]]:
    """Every judged set with the views it is scored in: STARD train (cross-validated here),
    domain-dev (product data), and the mapped public pairs when present (product data: nothing
    the product learned came from them; they are cross-validated by their own `fold`)."""
    from bench.tune import EVAL
    from kb.search.evaluation import load_judged

    sets = {
        "stard": (load_judged([EVAL / "stard-train.jsonl"]), ("outer", "inner")),
        "domain": (load_judged([EVAL / "domain-dev.jsonl"]), ("product",)),
    }
    for name in ("lawyer-llama", "legal-dc"):
        if (pairs / f"{name}.jsonl").is_file():
            sets[name] = (load_judged([pairs / f"{name}.jsonl"]), ("product",))
    return sets


def folds_of(path: Path) -> dict[str, int]:
    """question id → its `fold` column (the pairs files' grouped 2-fold split)."""
    import json

    return {
        (o := json.loads(line))["id"]: int(o["fold"])
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }


def main() -> None:
    """Fill the lexical caches and question vectors of every judged set now."""
    import sys
    import time

    from kb.semantic.encoder import Encoder

    started = time.monotonic()
    corpus = Corpus()
    encoder = Encoder()
    wanted = sys.argv[1:]
    for name, (judged, kinds) in judged_sets().items():
        if wanted and name not in wanted:
            continue
        for view in kinds:
            lex = lexical_view(corpus, name, judged, view)
            print(f"{name} {view}: {len(lex)} lexical rankings", flush=True)
        question_vectors(encoder, name, judged, lex)
        print(f"{name}: question vectors ({time.monotonic() - started:.0f}s)", flush=True)


if __name__ == "__main__":
    main()
