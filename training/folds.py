"""Cross-validation folds grouped by question: a question and its duplicates share one fold.

Questions are grouped by the duplicate rule of training.dedupe (exact or near, across every
source given at once); a group's key is the smallest normalised text among its members and its
fold a hash of that key, so the split is deterministic, does not depend on the order of the
files, and adding questions never moves a question already placed. Learn on one fold, score on
the other:

    for train, test in cross_validation(records):      # records carry "fold" (written by build)
        ...
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence

from training.dedupe import QuestionIndex, variants

FOLDS = 2


def groups(questions: Sequence[tuple[str, str]]) -> dict[str, str]:
    """id → group key for (id, question) pairs; duplicates (exact or near) share a key."""
    parent = {qid: qid for qid, _ in questions}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    index = QuestionIndex(questions)
    for qid, query in questions:
        for dup in index.duplicates(query):
            a, b = root(qid), root(dup.id)
            if a != b:
                parent[max(a, b)] = min(a, b)
    text = {qid: variants(query)[0] if variants(query) else "" for qid, query in questions}
    keys: dict[str, str] = {}
    for qid, _ in questions:
        r = root(qid)
        keys[r] = min(keys.get(r, text[qid]), text[qid])
    return {qid: keys[root(qid)] for qid, _ in questions}


def fold_of(group_key: str, folds: int = FOLDS) -> int:
    """The fold of a group: a stable hash of its key."""
    return int(hashlib.sha1(group_key.encode("utf-8")).hexdigest(), 16) % folds


def group_id(group_key: str) -> str:
    """A short name for a group (written beside the fold)."""
    return hashlib.sha1(group_key.encode("utf-8")).hexdigest()[:12]


def assign_folds(questions: Sequence[tuple[str, str]], folds: int = FOLDS) -> dict[str, int]:
    """id → fold for (id, question) pairs, duplicates together."""
    return {qid: fold_of(key, folds) for qid, key in groups(questions).items()}


def cross_validation(
    records: Iterable[dict], folds: int = FOLDS
) -> Iterator[tuple[list[dict], list[dict]]]:
    """(train, test) for each fold: test is the fold, train everything else.

    Records carry a "fold" (as written by `python -m training.pairs build`); records without
    one are placed by assign_folds on their "query" among the records given.
    """
    records = list(records)
    missing = [r for r in records if "fold" not in r]
    placed = assign_folds([(r["id"], r["query"]) for r in missing], folds) if missing else {}
    fold = {r["id"]: r["fold"] if "fold" in r else placed[r["id"]] for r in records}
    for k in range(folds):
        yield (
            [r for r in records if fold[r["id"]] != k],
            [r for r in records if fold[r["id"]] == k],
        )
