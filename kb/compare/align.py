"""Align two versions' sequences of articles (or headings) by their text, numbers as a hint.

Inserting an article renumbers everything after it, so numbers alone cannot pair articles.
Three passes, in order:
1. anchors: texts found exactly once in each version, kept where they stay in order (the
   longest increasing run, as in patience diff);
2. between two anchors, the order-preserving pairing of the most similar texts (a weighted
   longest common subsequence over the block's similarity matrix), where a shared number
   makes a pair likelier;
3. what is left on both sides is paired by similarity regardless of order: articles moved
   elsewhere in the text.
Every old and new unit ends in at most one pair; the rest were deleted or added.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kb.compare.similarity import Profiles

NUMBER_BONUS = 0.15  # the same article number makes a pairing this much likelier
MIN_IN_PLACE = 0.4  # similarity pairing two texts where they stand (same number: less bonus)
MIN_ALONE = 0.25  # the same, for the only old and only new text between two anchors
MIN_MOVED = 0.5  # similarity pairing two texts out of order
_NEVER = -1.0e9


@dataclass(frozen=True)
class Unit:
    """What the aligner sees of an article or heading."""

    key: str  # its text without its number, whitespace removed
    number: str | None = None  # its number ("44", "44-1"), a hint; None for prose
    group: int = 0  # only units of the same group pair up (heading levels)


@dataclass(frozen=True)
class Match:
    """One old unit paired with one new unit."""

    old: int
    new: int
    similarity: float  # 1.0 for the same text
    moved: bool = False  # paired out of order


def align(old: Sequence[Unit], new: Sequence[Unit]) -> list[Match]:
    """Pairs of old and new units, in new order; unpaired units were deleted or added."""
    anchors = _anchors(old, new)
    sides = _Sides(old, new, {i for i, _j in anchors}, {j for _i, j in anchors})
    matches: list[Match] = []
    bounds = [(-1, -1), *anchors, (len(old), len(new))]
    for (i0, j0), (i1, j1) in zip(bounds, bounds[1:], strict=False):
        matches += _in_place(sides, list(range(i0 + 1, i1)), list(range(j0 + 1, j1)))
        if i1 < len(old):
            matches.append(Match(i1, j1, 1.0))
    matches += _moved(sides, matches)
    return sorted(matches, key=lambda m: m.new)


class _Sides:
    """Both sequences as codes for block-wise comparison, with their bigram profiles."""

    def __init__(self, old: Sequence[Unit], new: Sequence[Unit], fixed_old=(), fixed_new=()):
        """`fixed_old`, `fixed_new`: anchored units, paired already (no profile needed)."""
        self.old, self.new = old, new
        self.profiles = Profiles(
            ["" if i in fixed_old else u.key for i, u in enumerate(old)],
            ["" if j in fixed_new else u.key for j, u in enumerate(new)],
        )
        keys: dict[str, int] = {}
        numbers: dict[str, int] = {}
        code = lambda table, value: table.setdefault(value, len(table))  # noqa: E731
        units = (*old, *new)
        key = np.array([code(keys, u.key) for u in units], dtype=np.int64)
        # units without a number get codes of their own: no two of them share one
        number = np.array(
            [
                code(numbers, u.number) if u.number is not None else -1 - k
                for k, u in enumerate(units)
            ],
            dtype=np.int64,
        )
        group = np.array([u.group for u in units], dtype=np.int64)
        cut = len(old)
        self.key, self.number, self.group = ((a[:cut], a[cut:]) for a in (key, number, group))

    def block(self, rows: list[int], cols: list[int]) -> tuple[np.ndarray, ...]:
        """(similarity, same number, allowed) for old `rows` × new `cols`; same text scores 1."""
        same = lambda pair: pair[0][rows][:, None] == pair[1][cols][None, :]  # noqa: E731
        sim = np.where(same(self.key), 1.0, self.profiles.matrix(rows, cols))
        return sim, same(self.number), same(self.group)


def _anchors(old: Sequence[Unit], new: Sequence[Unit]) -> list[tuple[int, int]]:
    """(old, new) positions of texts unique on both sides, the longest run in order."""
    where_old, where_new = defaultdict(list), defaultdict(list)
    for i, u in enumerate(old):
        where_old[(u.key, u.group)].append(i)
    for j, u in enumerate(new):
        where_new[(u.key, u.group)].append(j)
    unique = sorted(
        (found[0], where_new[key][0])
        for key, found in where_old.items()
        if len(found) == 1 and len(where_new.get(key, ())) == 1
    )
    return _increasing(unique)


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of pairs (sorted by old) whose new positions increase."""
    tails: list[int] = []  # new position ending the best run of each length
    ends: list[int] = []  # index into pairs of that run's end
    back = [-1] * len(pairs)
    for k, (_i, j) in enumerate(pairs):
        at = bisect.bisect_left(tails, j)
        back[k] = ends[at - 1] if at else -1
        if at == len(tails):
            tails.append(j)
            ends.append(k)
        else:
            tails[at], ends[at] = j, k
    run, k = [], ends[-1] if ends else -1
    while k >= 0:
        run.append(pairs[k])
        k = back[k]
    return run[::-1]


def _in_place(sides: _Sides, rows: list[int], cols: list[int]) -> list[Match]:
    """The best order-preserving pairing of a block between two anchors."""
    if not rows or not cols:
        return []
    sim, same_number, allowed = sides.block(rows, cols)
    weight = sim + NUMBER_BONUS * same_number
    least = MIN_ALONE if sim.shape == (1, 1) else MIN_IN_PLACE
    weight = np.where(allowed & (weight >= least), weight, _NEVER)
    n, m = weight.shape
    best = np.zeros((n + 1, m + 1))
    for i in range(1, n + 1):
        step = np.maximum(best[i - 1, 1:], best[i - 1, :-1] + weight[i - 1])
        best[i, 1:] = np.maximum.accumulate(step)
    found: list[Match] = []
    i, j = n, m
    while i > 0 and j > 0:
        if best[i, j] == best[i, j - 1]:
            j -= 1
        elif best[i, j] == best[i - 1, j]:
            i -= 1
        else:
            found.append(Match(rows[i - 1], cols[j - 1], float(sim[i - 1, j - 1])))
            i, j = i - 1, j - 1
    return found[::-1]


def _moved(sides: _Sides, matches: list[Match]) -> list[Match]:
    """Pairs among the units left over, most similar first, regardless of order."""
    rows = sorted(set(range(len(sides.old))) - {m.old for m in matches})
    cols = sorted(set(range(len(sides.new))) - {m.new for m in matches})
    if not rows or not cols:
        return []
    sim, _same_number, allowed = sides.block(rows, cols)
    sim = np.where(allowed, sim, 0.0)
    found: list[Match] = []
    used_rows, used_cols = set(), set()
    for flat in np.argsort(-sim, axis=None, kind="stable"):
        a, b = divmod(int(flat), len(cols))
        if sim[a, b] < MIN_MOVED:
            break
        if a not in used_rows and b not in used_cols:
            used_rows.add(a)
            used_cols.add(b)
            found.append(Match(rows[a], cols[b], float(sim[a, b]), moved=True))
    return found
