"""The semantic retriever of one build: its passage vectors (memory-mapped int8), the encoder,
and an exact scan of every passage for the nearest to a question.

The scan is a single int8 dot product per passage (simsimd: AVX-512 VNNI / AVX2 kernels) over
the shared memory map, about 3 ms for 150,000 × 384 on one core, 1.3 ms on two; no approximate index needed.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import simsimd

from kb.engine.articles import ArticleFinder, article_finder
from kb.engine.snapshot import Snapshot
from kb.errors import KBError
from kb.semantic.memory import QuestionMemory, Recalled, load_memory, memory_path, within
from kb.semantic.ranker import Ranker, feature_names, load_ranker, ranker_path
from kb.semantic.vectors import (
    VectorsPending,
    open_build_vectors,
    progress_of,
    shipped_path,
)

log = logging.getLogger(__name__)
RETRY_SECONDS = 5.0  # how often a build without (complete) vectors looks for them again
# The scan is bound by memory bandwidth: two threads read the map about twice as fast as one
# (3.2 → 1.3 ms for 150k rows here); more than the cores only adds switching.
SCAN_THREADS = max(1, min(4, os.cpu_count() or 1))
STRIDE = 32  # keys sampled for the floor of a top-k selection


@dataclass(frozen=True)
class Neighbours:
    """Passages nearest to a question, best first, with their cosine similarity."""

    docnums: np.ndarray  # int64
    cosines: np.ndarray  # float32


class SemanticIndex:
    """Exact nearest-neighbour search over one build's int8 vectors."""

    def __init__(self, codes: np.ndarray, scale: np.ndarray):
        self.codes, self.scale = codes, np.asarray(scale, np.float32)

    def cosines(self, query: np.ndarray) -> np.ndarray:
        """Approximate cosine of `query` (L2-normalised float32) with every row; for a matrix of
        queries, one row of cosines each (one pass over the vectors for all)."""
        many = np.atleast_2d(query)
        peak = np.maximum(np.abs(many).max(axis=1, keepdims=True), 1e-12)
        q8 = np.clip(np.rint(many * (127.0 / peak)), -127, 127).astype(np.int8)
        dots = np.asarray(
            simsimd.cdist(q8, self.codes, metric="dot", threads=SCAN_THREADS), np.float32
        )
        dots *= self.scale
        dots *= (peak / 127.0).astype(np.float32)
        return dots if query.ndim == 2 else dots[0]

    def cosines_of(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Approximate cosine of `query` with the given rows only (float32 products); for a
        matrix of queries, one row of cosines each (the rows gathered once for all)."""
        gathered = self.codes[rows].astype(np.float32)
        if query.ndim == 1:
            return (gathered @ query) * self.scale[rows]
        return np.stack([gathered @ q for q in query]) * self.scale[rows]

    def nearest(self, query: np.ndarray, score_bias: np.ndarray | None, k: int) -> Neighbours:
        """The `k` best rows by cosine + `score_bias` (-inf where a row may not be returned)."""
        return self.nearest_each(query[None, :], score_bias, k)[0]

    def nearest_each(
        self, queries: np.ndarray, score_bias: np.ndarray | None, k: int
    ) -> list[Neighbours]:
        """`nearest` of each row of `queries`, the vectors scanned once for all."""
        out = []
        for cos in self.cosines(queries):
            key = cos if score_bias is None else cos + score_bias
            top = largest(key, k)
            top = top[np.isfinite(key[top]) & (self.scale[top] > 0)]
            top = top[np.argsort(-key[top], kind="stable")]
            out.append(Neighbours(top.astype(np.int64), cos[top]))
        return out


def largest(key: np.ndarray, k: int) -> np.ndarray:
    """Indices of the `k` largest keys, in no order. A floor from every STRIDE-th key leaves about
    2k candidates for the exact selection (here 0.14 ms instead of 1.5 for k=400 of 150k);
    a floor that leaves fewer than k falls back to selecting among all."""
    if k >= key.size:
        return np.arange(key.size)
    sample = key[::STRIDE]
    m = min(sample.size, 2 * k // STRIDE + 8)
    floor = np.partition(sample, sample.size - m)[sample.size - m]
    among = np.flatnonzero(key >= floor)
    if among.size < k:
        return np.argpartition(-key, k - 1)[:k]
    return among[np.argpartition(-key[among], k - 1)[:k]]


class SemanticLayer:
    """The semantic side of a Library for its live build: vectors once complete, the encoder
    loaded on first use; every failure is a status message and lexical search goes on."""

    def __init__(
        self,
        index_dir: Path,
        encoder_loader=None,
        enabled: bool = True,
        finder: Callable[[Snapshot], ArticleFinder] = article_finder,
    ):
        """`finder(snap)`: (source file, article number) → docnums in a build, how the question
        memory's references are found (the Library follows them into every version)."""
        self.index_dir = Path(index_dir)
        self.enabled = enabled
        self._load_encoder = encoder_loader or _shared_encoder
        self._finder = finder
        self._encoder = None
        self._adapters: dict[str, np.ndarray | None] = {}  # question side's tag → its adapter
        self._rankers: dict[str, Ranker | None] = {}  # question side's tag → its fusion ranker
        self._build: str | None = None
        self._index: SemanticIndex | None = None
        self._error: str | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self._encoder_lock = threading.Lock()
        self._part_vectors = functools.lru_cache(maxsize=1024)(self._encode_parts)

    def encoder(self):
        """The encoder (loaded once; raises KBError when it cannot be)."""
        if self._encoder is None:
            with self._encoder_lock:
                if self._encoder is None:
                    self._encoder = self._load_encoder()
        return self._encoder

    def question_vectors(self, text: str) -> list[np.ndarray]:
        """A question's vectors: the base encoder's, then (when a question LoRA is shipped and
        loads) the LoRA's; each through the query adapter learned for its side, if any. With a
        shipped ranker, only the side it was trained on (the encoder's question side)."""
        encoder = self.encoder()
        tuned = encoder.query(text)  # loads the LoRA (question_tag falls back if it fails)
        if self.ranker() is not None:
            return [self._adapted(encoder.question_tag, tuned)]
        sides = [(encoder.tag, encoder.base_query(text))]
        if encoder.question_tag != encoder.tag:
            sides.append((encoder.question_tag, tuned))
        return [self._adapted(tag, vec) for tag, vec in sides]

    def part_vectors(self, pieces: tuple[str, ...]) -> np.ndarray | None:
        """The vectors (parts × DIM) of a message's sentences (kb.query.sentences.parts) through
        the question side the shipped ranker reads; None for no sentences or without a ranker."""
        if not pieces or self.ranker() is None:
            return None
        return self._part_vectors(tuple(pieces))

    def _encode_parts(self, pieces: tuple[str, ...]) -> np.ndarray:
        from kb.semantic.encoder import one_blas_thread

        encoder = self.encoder()
        with one_blas_thread():
            vecs = encoder.questions(pieces)
        out = np.array([self._adapted(encoder.question_tag, v) for v in vecs], np.float32)
        out.setflags(write=False)
        return out

    def ranker(self) -> Ranker | None:
        """The learned fusion shipped for the encoder's question side (None: reciprocal ranks)."""
        tag = self.encoder().question_tag
        if tag not in self._rankers:
            self._rankers[tag] = load_ranker(tag, feature_names(1))
        return self._rankers[tag]

    def recall(self, snap, vec: np.ndarray, rows_ok: np.ndarray) -> Recalled:
        """The remembered questions nearest a question's vector, or any row of a matrix of them
        (kb.semantic.memory), their answers cut to the documents whose rows `rows_ok` lets
        through."""
        return self.memory(snap).recall(vec, keep=within(rows_ok, snap.passage_doc))

    def memory(self, snap) -> QuestionMemory:
        """The question memory shipped for the encoder's question side, found in `snap`."""
        tag = self.encoder().question_tag
        return snap.cached(("question-memory", tag), lambda: load_memory(tag, self._finder(snap)))

    def _adapter(self, tag: str) -> np.ndarray | None:
        if tag not in self._adapters:
            self._adapters[tag] = load_adapter(tag)
        return self._adapters[tag]

    def _adapted(self, tag: str, vec: np.ndarray) -> np.ndarray:
        adapter = self._adapter(tag)
        if adapter is None:
            return vec
        out = adapter @ vec
        return out / max(float(np.linalg.norm(out)), 1e-12)

    def index_for(self, build: Path, rows: int) -> SemanticIndex | None:
        """The vectors of `build` when they are complete and sound, else None (looked for again
        every few seconds)."""
        if not self.enabled:
            return None
        now = time.monotonic()
        if build.name == self._build and (self._index or now - self._checked < RETRY_SECONDS):
            return self._index
        with self._lock:
            self._checked, self._build, self._index = now, build.name, None
            try:
                vectors = open_build_vectors(build, self.encoder().tag, rows)
                self._index, self._error = SemanticIndex(vectors.codes, vectors.scale), None
                log.info("semantic search on for %s", build.name)
            except KBError as exc:
                if str(exc) != self._error:
                    quiet = isinstance(exc, VectorsPending)
                    log.log(logging.INFO if quiet else logging.WARNING, "lexical only: %s", exc)
                self._error = str(exc)
        return self._index

    def status(self, build: Path | None = None) -> dict:
        """Whether vectors are complete for the live build, how far along they are, and why not."""
        if not self.enabled:
            return {"enabled": False, "complete": False, "coverage": 0.0, "note": "KB_VECTORS=off"}
        ready = self._index is not None and build is not None and build.name == self._build
        out = {"enabled": True, "complete": ready, "coverage": 1.0 if ready else 0.0}
        if self._encoder is not None:
            adapter = self._adapter(self._encoder.tag)
            out["model"], out["adapter"] = self._encoder.tag, adapter is not None
            info = self._encoder.info()
            out |= {k: info[k] for k in ("question_lora", "question_engine")}
            ranker = self._rankers.get(self._encoder.question_tag)
            out["ranker"] = ranker_path(self._encoder.question_tag).name if ranker else None
            memory = memory_path(self._encoder.question_tag)
            out["memory"] = memory.name if ranker and memory.is_file() else None
            if self._encoder.lora_note:
                out["question_note"] = self._encoder.lora_note
            if not ready and build is not None:
                out["coverage"] = progress_of(self.index_dir, self._encoder.tag, build.name)
        if not ready:
            out["note"] = self._error or "semantic search is being prepared"
        return out

    def status_of(self, build: Path, rows: int) -> dict:
        """The state for `build`, looking for its vectors first."""
        self.index_for(build, rows)
        return self.status(build)

    def warm(self, snap) -> None:
        """Load the encoder, the build's vectors and the question memory now rather than on the
        first question."""
        if not self.enabled:
            return
        try:
            self.index_for(snap.path, snap.size)
            self.encoder().query("人大代表的权利")
            if self.ranker() is not None:
                self.memory(snap)
        except KBError as exc:
            log.warning("semantic search unavailable: %s", exc)


def _shared_encoder():
    """The process's encoder (imported here: a layer that is off never loads it)."""
    from kb.semantic.encoder import shared_encoder

    return shared_encoder()


def adapter_path(tag: str) -> Path:
    """Where the query adapter learned for the question vectors of `tag` (an encoder's
    `question_tag`: its LoRA, if any, included) lives (bench/semantic_eval.py)."""
    return shipped_path("adapter", tag, ".npy")


def load_adapter(tag: str) -> np.ndarray | None:
    """The (dim × dim) query-side linear map learned from judged questions, if shipped."""
    path = adapter_path(tag)
    if not path.is_file():
        return None
    try:
        return np.load(path).astype(np.float32)
    except (OSError, ValueError) as exc:
        log.warning("query adapter %s unreadable (%s): questions go unadapted", path.name, exc)
        return None
