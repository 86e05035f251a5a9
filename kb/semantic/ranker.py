"""The learned fusion model: a tree ensemble (LightGBM lambdarank, trained by
training/fusion/rerank.py) kept as flat numpy arrays and scored here without LightGBM.

Shipped as kb/data/fusion-ranker-<question tag>.npz beside a .json record of its training data,
parameters and cross-validated numbers. It is keyed by the question side it was trained on (the
encoder's `question_tag`, LoRA included): another question side never uses it.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kb.semantic.vectors import shipped_path

log = logging.getLogger(__name__)

# What a ranker reads about a candidate passage, in column order (kb/semantic/rerank.py
# computes them): the question's, the passage's, each question side's, the sentences'.
QUESTION = ("q_length", "q_concepts", "q_parts", "agree", "top_cosine")
PASSAGE = (
    "lex_rank",
    "lex_ratio",
    "prior",
    "local",
    "current",
    "bulletin",
    "length",
    "cover",
    "title_cover",
    "marked_cover",
)
SIDE = ("sem_rank", "cosine", "cosine_gap")
# the best cosine and lexical rank of the message's sentences searched alone (kb.query.sentences)
PARTS = ("part_cosine", "part_lex_rank")
# the best cosine of a remembered question the candidate answered, and its place (kb.semantic.memory)
MEMORY = ("memory_cosine", "memory_place")
# what the other candidates of the candidate's document say (kb.semantic.rerank._document)
DOCUMENT = (
    "doc_lex_rank",
    "doc_sem_rank",
    "doc_passages",
    "doc_cosine",
    "doc_memory_cosine",
    "beside_cosine",
)


def feature_names(sides: int) -> tuple[str, ...]:
    """The features of a ranker reading `sides` question sides, in column order."""
    return (
        QUESTION
        + PASSAGE
        + tuple(f"{f}{s}" for s in range(1, sides + 1) for f in SIDE)
        + PARTS
        + MEMORY
        + DOCUMENT
    )


@dataclass(frozen=True)
class Ranker:
    """Trees as arrays over all nodes: a leaf has feature -1, an inner node sends a row left
    when x[feature] <= threshold. `value` is a leaf's output and, when `inner_values`, an inner
    node's expected output (what its leaves give the training rows reaching it)."""

    features: tuple[str, ...]
    feature: np.ndarray  # int32
    threshold: np.ndarray  # float64
    left: np.ndarray  # int32
    right: np.ndarray  # int32
    value: np.ndarray  # float64
    roots: np.ndarray  # int32, one per tree
    depth: int
    inner_values: bool = False

    def score(self, x: np.ndarray) -> np.ndarray:
        """One score per row of `x` (rows × features), higher first: by ONNX Runtime
        (kb.semantic.forest), else by walking the trees here."""
        if self._compiled is not None:
            return self._compiled(x)
        return self.walked(x)

    def walked(self, x: np.ndarray) -> np.ndarray:
        """`score` by walking the trees in numpy."""
        return self.value[self._path(x)[-1]].sum(axis=1)

    @functools.cached_property
    def _compiled(self):
        from kb.semantic.forest import compile_forest

        arrays = (self.feature, self.threshold, self.left, self.right, self.value, self.roots)
        return compile_forest(len(self.features), *arrays)

    def contributions(self, x: np.ndarray) -> np.ndarray | None:
        """Per row, each feature's part of its score (the change of the expected output along
        each tree's path, credited to the feature split on), then the roots' expected output:
        a row sums to its score. None for a file without inner values."""
        if not self.inner_values:
            return None
        feature = self._flat[0]
        width = len(self.features) + 1
        cells = np.zeros(len(x) * width)
        rows = np.repeat(np.arange(len(x)) * width, self.roots.size)
        path = self._path(x)
        for at, step in zip(path[:-1], path[1:], strict=True):  # (a leaf leads to itself: gain 0)
            cells += np.bincount(
                rows + feature[at].ravel(), (self.value[step] - self.value[at]).ravel(), cells.size
            )
        out = cells.reshape(len(x), width)
        out[:, -1] = self.value[self.roots].sum()
        return out

    def _path(self, x: np.ndarray) -> list[np.ndarray]:
        """The node every row is at in every tree (rows × trees), level by level from the roots
        to the leaves (`depth` steps: a leaf reached early leads to itself)."""
        feature, threshold, child = self._flat
        x = np.asarray(x, np.float64)
        base = (np.arange(x.shape[0]) * x.shape[1])[:, None]
        flat = x.ravel()
        path = [np.broadcast_to(self.roots, (x.shape[0], self.roots.size))]
        for _level in range(self.depth):
            at = path[-1]
            path.append(child[(flat[base + feature[at]] <= threshold[at]).view(np.int8), at])
        return path

    @functools.cached_property
    def _flat(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(feature, threshold, children) where a leaf leads to itself (feature 0, threshold
        +inf): every row takes `depth` steps with no test of which nodes are leaves."""
        leaf = self.feature < 0
        feature = np.where(leaf, 0, self.feature)
        threshold = np.where(leaf, np.inf, self.threshold)
        nodes = np.arange(self.feature.size, dtype=np.int32)
        left = np.where(leaf, nodes, self.left)
        right = np.where(leaf, nodes, self.right)
        return feature, threshold, np.stack([right, left])  # [test passed?, node]

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "features": np.array(self.features),
            "feature": self.feature,
            "threshold": self.threshold,
            "left": self.left,
            "right": self.right,
            "value": self.value,
            "roots": self.roots,
            "depth": np.array(self.depth),
            "inner_values": np.array(self.inner_values),
        }


def ranker_path(question_tag: str) -> Path:
    """Where the ranker learned for questions of `question_tag` is shipped."""
    return shipped_path("fusion-ranker", question_tag)


def read_ranker(path: Path) -> Ranker:
    """A ranker file (raises OSError, ValueError or KeyError when it is not one)."""
    with np.load(path, allow_pickle=False) as z:
        r = Ranker(
            tuple(str(f) for f in z["features"]),
            z["feature"].astype(np.int32),
            z["threshold"].astype(np.float64),
            z["left"].astype(np.int32),
            z["right"].astype(np.int32),
            z["value"].astype(np.float64),
            z["roots"].astype(np.int32),
            int(z["depth"]),
            bool(z["inner_values"]) if "inner_values" in z.files else False,
        )
    nodes = r.feature.size
    sound = all(a.size == nodes for a in (r.threshold, r.left, r.right, r.value))
    if not sound or r.feature.max(initial=-1) >= len(r.features) or r.roots.max() >= nodes:
        raise ValueError("inconsistent tree arrays")
    return r


def load_ranker(question_tag: str, expected: tuple[str, ...]) -> Ranker | None:
    """The shipped ranker for `question_tag` when it reads the `expected` features, else None
    (a damaged or foreign file is logged and fusion goes by reciprocal ranks)."""
    path = ranker_path(question_tag)
    if not path.is_file():
        return None
    try:
        r = read_ranker(path)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("fusion ranker %s unreadable (%s): reciprocal ranks instead", path.name, exc)
        return None
    if r.features != expected:
        log.warning("fusion ranker %s reads other features: reciprocal ranks instead", path.name)
        return None
    return r
