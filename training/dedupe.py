"""Questions that are the same question: exactly (normalised text) or nearly (character n-grams).

Two questions are near duplicates when their character trigram sets overlap by Jaccard at least
JACCARD, or when nearly all trigrams of the shorter one are in the longer one (CONTAINMENT; the
shorter must have MIN_GRAMS trigrams, so that two short generic questions do not count), or when
their texts are alike character by character (difflib ratio at least RATIO: a short question
with a word or two changed loses many trigrams but few characters; computed only for pairs
sharing RATIO_GATE of their trigrams). A question written as several variants (STARD writes
`A？/B？`) is compared by each part too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from training.normalise import question_text

N = 3
JACCARD = 0.5
CONTAINMENT = 0.8
MIN_GRAMS = 6
RATIO = 0.8
RATIO_GATE = 0.2
MIN_PART = 8  # characters of a normalised A/B part to count as a question of its own


def grams(text: str) -> frozenset[str]:
    """The character n-grams of a normalised question (the question itself when shorter)."""
    if len(text) < N:
        return frozenset([text]) if text else frozenset()
    return frozenset(text[i : i + N] for i in range(len(text) - N + 1))


def variants(question: str) -> list[str]:
    """The normalised question and, when it is written as A/B, each part long enough to be a
    question (供电/供热/供气 lists words, not questions)."""
    whole = question_text(question)
    parts = [question_text(p) for p in question.split("/")] if "/" in question else []
    found = [whole, *(p for p in parts if len(p) >= MIN_PART)]
    return [v for v in dict.fromkeys(found) if v]


@dataclass(frozen=True)
class Overlap:
    """How alike two questions are."""

    jaccard: float
    containment: float  # share of the shorter question's n-grams found in the other
    exact: bool
    ratio: float = 0.0  # difflib ratio of the texts (0 when not computed)

    @property
    def near(self) -> bool:
        return (
            self.exact
            or self.jaccard >= JACCARD
            or self.containment >= CONTAINMENT
            or self.ratio >= RATIO
        )


def overlap(a: str, b: str) -> Overlap:
    """Compare two normalised questions."""
    ga, gb = grams(a), grams(b)
    return _measure(a, b, len(ga & gb), len(ga), len(gb))


def _measure(a: str, b: str, shared: int, size_a: int, size_b: int) -> Overlap:
    union = size_a + size_b - shared
    small = min(size_a, size_b)
    jaccard = shared / union if union else 0.0
    near_enough = jaccard >= RATIO_GATE and jaccard < JACCARD
    return Overlap(
        jaccard=jaccard,
        containment=shared / small if small >= MIN_GRAMS else 0.0,
        exact=a == b,
        ratio=SequenceMatcher(None, a, b, autojunk=False).ratio() if near_enough else 0.0,
    )


@dataclass(frozen=True)
class Duplicate:
    """A known question that a new one duplicates."""

    id: str
    query: str
    overlap: Overlap


class QuestionIndex:
    """Known questions, searchable for duplicates of a new one."""

    def __init__(self, questions: Iterable[tuple[str, str]]):
        self._items: list[tuple[str, str, str, int]] = []  # (id, query, variant, its n-grams)
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._exact: dict[str, list[int]] = defaultdict(list)
        for qid, query in questions:
            for v in variants(query):
                n = len(self._items)
                g = grams(v)
                self._items.append((qid, query, v, len(g)))
                self._exact[v].append(n)
                for gram in g:
                    self._postings[gram].append(n)

    def __len__(self) -> int:
        return len({item[0] for item in self._items})

    def duplicates(self, query: str) -> list[Duplicate]:
        """Every known question that `query` duplicates, closest first (one entry per id)."""
        best: dict[str, Duplicate] = {}
        for v in variants(query):
            mine = grams(v)
            shared: Counter[int] = Counter()
            for g in mine:
                shared.update(self._postings.get(g, ()))
            for n in set(shared) | set(self._exact.get(v, ())):
                qid, known, kv, size = self._items[n]
                o = _measure(v, kv, shared[n], len(mine), size)
                if o.near and (qid not in best or _closer(o, best[qid].overlap)):
                    best[qid] = Duplicate(qid, known, o)
        return sorted(best.values(), key=lambda d: _order(d.overlap), reverse=True)


def _order(o: Overlap) -> tuple:
    return (o.exact, o.jaccard, o.containment)


def _closer(a: Overlap, b: Overlap) -> bool:
    return _order(a) > _order(b)
