"""The earlier wording of a current article: the same article in the version a revision replaced.

Search shows the law in force. A rule that a revision kept or reworded also stood in the
superseded version, and a clerk checking an older decision, or a deputy asking what the rule
was, needs that text beside the current one. So the first hits of a question bring, right after
themselves, their counterpart in the previous version: the article the version aligner pairs
them with, as the article's history and the links panel do (kb/compare/same_article.py); an
article the revision added brings nothing.
"""

from __future__ import annotations

from dataclasses import replace

from kb.compare.same_article import counterparts
from kb.engine.ranking import Ranking
from kb.engine.snapshot import Snapshot

HEAD = 3  # the first hits of a question that bring their earlier wording


def earlier_article(snap: Snapshot, docnum: int) -> int | None:
    """The docnum of the article's counterpart in the previous version of its work."""
    row = int(snap.passage_doc[docnum])
    if row < 0:
        return None
    rec = snap.docs.records[row]
    if rec.get("status") == "superseded" or not rec.get("version_date"):
        return None
    chain = counterparts(snap, snap.passage_id(docnum))
    at = [v for v, _p in chain].index(rec["id"])
    before = chain[at - 1][1] if at else None
    return snap.docnum_of(before) if before else None


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
