"""Questions asked before: the public training questions (their vectors through the question
side) and the articles that answered them. A new question close to an old one is a hint that the
old one's article answers it too; the ranker reads that hint beside the two retrievers.

The file (kb/data/question-memory-<question tag>.npz, written by training/fusion/memory.py)
holds vectors and (source file, article number) references, never the questions' text; the
references are found in each build's passages, so a withdrawn document drops out, and followed
into the other versions of their work (kb.compare.same_article), so a replaced one's article is
still reached in the version a search shows.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import simsimd

from kb.engine.articles import ArticleFinder
from kb.semantic.vectors import shipped_path

log = logging.getLogger(__name__)
RECALL = 50  # remembered questions looked at per question
ANSWERS = 10  # of which the nearest ones' articles join the candidates
CLOSE = 0.55  # a remembered question further off says nothing (our own questions sit near 0.4)
ABSENT = math.log2(1024)  # log2 place of a candidate no remembered question answers


@dataclass(frozen=True)
class Recalled:
    """The remembered questions nearest one question, best first: their cosines and the
    passages (docnums) that answered each."""

    cosines: np.ndarray
    answers: tuple[tuple[int, ...], ...]

    @property
    def candidates(self) -> tuple[int, ...]:
        """The passages answering the ANSWERS nearest remembered questions."""
        return tuple(dict.fromkeys(n for a in self.answers[:ANSWERS] for n in a))

    def features(self, c: np.ndarray) -> np.ndarray:
        """Per candidate: the best cosine of a remembered question it answered (0 if none) and
        that question's log2 place among the recalled."""
        best: dict[int, tuple[float, int]] = {}
        for place, (cos, answer) in enumerate(
            zip(self.cosines.tolist(), self.answers, strict=True), 1
        ):
            for n in answer:
                best.setdefault(n, (cos, place))
        rows = [best.get(n, (0.0, 0)) for n in c.tolist()]
        cos = np.array([r[0] for r in rows], np.float64)
        place = np.array([math.log2(r[1]) if r[1] else ABSENT for r in rows])
        return np.column_stack([cos, place])


NOTHING = Recalled(np.zeros(0, np.float32), ())


class QuestionMemory:
    """Remembered questions' unit vectors (rows) and each one's answering passages (docnums);
    questions none of whose answers are in the build are left out."""

    def __init__(self, vectors: np.ndarray, answers: list[tuple[int, ...]]):
        keep = [i for i, a in enumerate(answers) if a]
        self.vectors = np.ascontiguousarray(np.asarray(vectors, np.float32)[keep])
        self.answers = [answers[i] for i in keep]

    def __len__(self) -> int:
        return len(self.answers)

    def recall(
        self,
        vec: np.ndarray,
        skip: np.ndarray | None = None,
        keep: Callable[[tuple[int, ...]], tuple[int, ...]] | None = None,
    ) -> Recalled:
        """The remembered questions (at most RECALL, cosine ≥ CLOSE) nearest `vec` (or, for a
        matrix, nearest any of its rows: a message and its sentences); `skip`: a mask of rows
        left out; `keep`: the answering passages a request may see."""
        if not self.answers:
            return NOTHING
        # (simsimd on this thread: a BLAS product this size wakes a second thread, which on
        # cores shared with other searches costs more than the product: 14 → 22 ms a search)
        q = np.atleast_2d(np.asarray(vec, np.float32))
        cos = np.asarray(simsimd.cdist(q, self.vectors, metric="dot", threads=1), np.float32)
        cos = cos.max(axis=0)
        if skip is not None:
            cos[skip] = -2.0
        k = min(RECALL, cos.size)
        top = np.argpartition(-cos, k - 1)[:k]
        top = top[np.argsort(-cos[top], kind="stable")]
        top = top[cos[top] >= CLOSE]
        answers = [self.answers[i] for i in top.tolist()]
        if keep is not None:  # a question whose answers are all out of reach is not recalled
            answers = [keep(a) for a in answers]
            top = top[[bool(a) for a in answers]]
            answers = [a for a in answers if a]
        return Recalled(cos[top], tuple(answers))


def within(
    rows_ok: np.ndarray, passage_doc: np.ndarray
) -> Callable[[tuple[int, ...]], tuple[int, ...]]:
    """`keep` for recall: the answering passages whose documents a request's filters let
    through (`rows_ok`, a mask of document rows; `passage_doc`, each passage's row)."""
    return lambda answers: tuple(n for n in answers if rows_ok[passage_doc[n]])


def memory_path(question_tag: str) -> Path:
    """Where the memory of questions seen by `question_tag` is shipped."""
    return shipped_path("question-memory", question_tag)


def write_memory(
    path: Path, vectors: np.ndarray, refs: list[list[tuple[str, int]]], record: dict
) -> None:
    """Save unit `vectors` (8 bits a number, a scale per row) with each one's (source file,
    article number) answers, and a JSON record beside them."""
    scale = np.maximum(np.abs(vectors).max(axis=1), 1e-12) / 127.0
    codes = np.round(vectors / scale[:, None]).astype(np.int8)
    sources = sorted({s for r in refs for s, _a in r})
    at = {s: i for i, s in enumerate(sources)}
    rows = np.array([(q, at[s], a) for q, r in enumerate(refs) for s, a in r], np.int32).reshape(
        -1, 3
    )
    np.savez_compressed(
        path, codes=codes, scale=scale.astype(np.float32), sources=np.array(sources), refs=rows
    )
    path.with_suffix(".json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")


def read_memory(path: Path) -> tuple[np.ndarray, list[list[tuple[str, int]]]]:
    """(unit vectors, each one's (source file, article number) answers) of a memory file
    (raises OSError, ValueError or KeyError when it is not one)."""
    with np.load(path, allow_pickle=False) as z:
        vectors = z["codes"].astype(np.float32) * z["scale"][:, None]
        sources = [str(s) for s in z["sources"]]
        rows = z["refs"]
    if rows.ndim != 2 or rows.shape[1] != 3 or vectors.ndim != 2:
        raise ValueError("not a question memory")
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    refs: list[list[tuple[str, int]]] = [[] for _ in range(vectors.shape[0])]
    for q, s, a in rows.tolist():
        refs[q].append((sources[s], a))
    return vectors, refs


def load_memory(question_tag: str, find: ArticleFinder) -> QuestionMemory:
    """The shipped memory of `question_tag` with its answers found by `find(source, article)`
    in a build; empty (logged) when the file is missing, damaged or of another size."""
    path = memory_path(question_tag)
    if not path.is_file():
        return QuestionMemory(np.zeros((0, 0), np.float32), [])
    try:
        vectors, refs = read_memory(path)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("question memory %s unreadable (%s): none used", path.name, exc)
        return QuestionMemory(np.zeros((0, 0), np.float32), [])
    answers = [tuple(n for s, a in r for n in find(s, a)) for r in refs]
    return QuestionMemory(vectors, answers)
