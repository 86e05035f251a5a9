"""Local implementing articles beside the national ones in a ranking, when a region is asked for.

A question naming a province and a national rule (浙江 代表建议 办理期限) gets, right after each
of the best national articles, that province's articles implementing it. With a region filter
the national articles themselves are filtered out, so the best national articles of the same
query without the filter lead to the region's implementing articles, which go first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from kb.compare.same_article import same_article_ids
from kb.engine.ranking import Ranking
from kb.engine.snapshot import Snapshot
from kb.links.reading.table import link_table

NATIONAL_HITS = 5  # the best national articles looked at
PER_ARTICLE = 3  # implementing articles placed after each
LEAD = 20  # passages (two pages) whose partners are placed after them
WINDOW = 100  # how far down a national partner is brought up from


def local_docnums(snap: Snapshot, docnum: int, regions: set[str]) -> list[int]:
    """Docnums of current local articles in `regions` implementing or citing the article."""
    table = link_table(snap)
    row = int(snap.passage_doc[docnum])
    if row < 0 or snap.docs.local[row]:
        return []
    found: dict[int, None] = {}
    for pid in same_article_ids(snap, snap.passage_id(docnum)):
        for link in table.by_target.get(pid, ()):
            src = snap.docs.row.get(link.source_doc)
            if src is None or not snap.docs.current[src]:
                continue
            if snap.docs.regions[snap.docs.region[src]] not in regions:
                continue
            n = snap.docnum_at(src, link.source_ordinal)
            if n is not None:
                found[n] = None
    return list(found)[:PER_ARTICLE]


def national_docnums(snap: Snapshot, docnum: int, within: set[int]) -> list[int]:
    """Docnums among `within` of the national articles a local article implements or cites."""
    found = []
    for link in link_table(snap).by_source.get(snap.passage_id(docnum), ()):
        target = snap.docs.row.get(link.target_doc)
        if target is None or link.target_ordinal is None or snap.docs.local[target]:
            continue
        n = snap.docnum_at(target, link.target_ordinal)
        if n in within and n not in found:
            found.append(n)
    return found[:PER_ARTICLE]


def _paired(
    snap: Snapshot, order: list[int], regions: set[str], lead: int, window: int
) -> list[int]:
    """The order with each of its first `lead` passages followed by its partners: the regions'
    implementing articles after a national article, the national article after a local one."""
    candidates = set(order[:window])
    placed: set[int] = set()
    out: list[int] = []
    for i, n in enumerate(order):
        if n in placed:
            continue
        out.append(n)
        placed.add(n)
        if i >= lead:
            continue
        if snap.docs.local[snap.passage_doc[n]]:
            partners = national_docnums(snap, n, candidates)
        else:
            partners = local_docnums(snap, n, regions)
        for x in partners:
            if x not in placed:
                out.append(x)
                placed.add(x)
    return out


def with_local_articles(
    snap: Snapshot,
    regions: set[str],
    ranking: Ranking,
    filtered: bool,
    unfiltered: Callable[[], Ranking],
) -> Ranking:
    """The ranking with the regions' implementing articles beside the national ones."""
    if not regions or not link_table(snap).links:
        return ranking
    scores, matched = dict(ranking.scores), dict(ranking.matched)
    if filtered:
        source = unfiltered().order
        national = [n for n in source if not snap.docs.local[snap.passage_doc[n]]][:NATIONAL_HITS]
        lead = list(dict.fromkeys(x for n in national for x in local_docnums(snap, n, regions)))
        order = lead + [n for n in ranking.order if n not in set(lead)]
        top = max(scores.values(), default=0.0)
        for i, n in enumerate(lead):
            scores[n], matched[n] = top + len(lead) - i, "local"
    else:
        order = _paired(snap, ranking.order, regions, LEAD, WINDOW)
        for i, n in enumerate(order):
            if n not in scores:
                scores[n], matched[n] = _near(order, i, scores), "local"
    added = sum(n not in ranking.scores for n in order)
    return replace(
        ranking, order=order, scores=scores, matched=matched, total=ranking.total + added
    )


def _near(order: list[int], i: int, scores: dict[int, float]) -> float:
    """A score for a passage placed at `i`: that of the passage before it."""
    return next((scores[n] for n in reversed(order[:i]) if n in scores), 0.0)


def region_set(named: tuple[str, ...], filtered: tuple[str, ...], known: list[str]) -> set[str]:
    """Regions asked for: the filter's, else the provinces the query names."""
    wanted = set(filtered or named)
    return {r for r in wanted if r in known}
