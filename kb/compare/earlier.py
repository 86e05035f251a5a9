"""The earlier wording of a current article: the same article in the version a revision replaced.

Search shows the law in force. A rule that a revision kept or reworded also stood in the
superseded version, and a clerk checking an older decision, or a deputy asking what the rule
was, needs that text beside the current one. So the first hits of a question bring, right after
themselves, their counterpart in the previous version when the aligner pairs them with a largely
overlapping text (a rewritten or new article brings nothing). Pairs come from the version aligner
(kb/compare/align.py, without diffs), one work at a time as hits need them, kept per build.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import replace

import numpy as np

from kb.compare.compare import align_passages
from kb.compare.texts import load_version, versions_of
from kb.engine.ranking import Ranking
from kb.engine.snapshot import Snapshot

MIN_SIMILARITY = 0.6  # the aligner's text similarity: the same rule, possibly reworded
HEAD = 3  # the first hits of a question that bring their earlier wording

# per build: document id of a current version → {its docnum → the earlier docnum}
_cache: weakref.WeakKeyDictionary[Snapshot, dict[str, dict[int, int]]]
_cache = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def earlier_pairs(snap: Snapshot, doc_id: str) -> dict[int, int]:
    """The articles of `doc_id` paired with the previous version's largely unchanged ones
    (empty for a first version)."""
    with _lock:
        found = _cache.setdefault(snap, {}).get(doc_id)
    if found is not None:
        return found
    ids = [r["id"] for r in versions_of(snap, doc_id)]
    at = ids.index(doc_id) if doc_id in ids else 0
    pairs: dict[int, int] = {}
    if at > 0:
        old, new = load_version(snap, ids[at - 1]), load_version(snap, doc_id)
        for m in align_passages(old, new):
            now = snap.docnum_of(new.passages[m.new].id)
            before = snap.docnum_of(old.passages[m.old].id)
            if now is not None and before is not None and m.similarity >= MIN_SIMILARITY:
                pairs[now] = before
    with _lock:
        _cache.setdefault(snap, {})[doc_id] = pairs
    return pairs


def warm(snap: Snapshot) -> None:
    """Pair every current version with its predecessor now (about a second for the corpus)
    rather than on the first question that meets each work."""
    counts = np.bincount(snap.docs.work)
    for row, rec in enumerate(snap.docs.records):
        if counts[snap.docs.work[row]] > 1 and rec.get("status") == "current":
            earlier_pairs(snap, rec["id"])


def earlier_article(snap: Snapshot, docnum: int) -> int | None:
    """The docnum of the article's largely unchanged counterpart in the previous version."""
    row = int(snap.passage_doc[docnum])
    if row < 0:
        return None
    rec = snap.docs.records[row]
    if rec.get("status") == "superseded" or not rec.get("version_date"):
        return None
    return earlier_pairs(snap, rec["id"]).get(docnum)


def with_earlier_articles(snap: Snapshot, ranking: Ranking) -> tuple[Ranking, dict[int, int]]:
    """The ranking with the earlier wording of its first HEAD hits right after each of them;
    returns it and {earlier docnum: the current docnum it belongs to}."""
    order, added = list(ranking.order), {}
    head = [n for n in order[:HEAD] if ranking.matched.get(n, "text") == "text"]
    present = set(order)
    for n in head:
        before = earlier_article(snap, n)
        if before is None or before in present:
            continue
        order.insert(order.index(n) + 1, before)
        present.add(before)
        added[before] = n
    if not added:
        return ranking, {}
    scores = ranking.scores | {b: ranking.scores.get(n, 0.0) for b, n in added.items()}
    return replace(ranking, order=order, scores=scores, total=ranking.total + len(added)), added
