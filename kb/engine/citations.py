"""Citation look-up: 选举法第三十条 → the passage(s) of that article, current version first."""

from __future__ import annotations

import numpy as np
from whoosh.query import And, Or, Term

from kb.engine.snapshot import Snapshot
from kb.query.parse import CitationRef
from kb.schema import article_key


def _doc_order(snap: Snapshot, works: frozenset[str], params) -> list[int]:
    """Document rows of these works: those passing the filters first, newest version first."""
    docs = snap.docs
    rows = np.nonzero(docs.work_rows(set(works)))[0]
    wanted = docs.mask(
        params.kinds, params.regions, params.documents, params.versions, params.as_of
    )
    dated = sorted(rows, key=lambda r: docs.records[r].get("version_date") or "", reverse=True)
    preferred = [int(r) for r in dated if wanted[r]]
    if params.as_of:  # a date was asked for: only the version in force then
        return preferred
    return preferred + [int(r) for r in dated if not wanted[r] and not docs.duplicate[r]]


def resolve(snap: Snapshot, refs: tuple[CitationRef, ...], params) -> list[tuple[int, CitationRef]]:
    """(docnum, reference) for every cited article found, in the order to show them."""
    found: list[tuple[int, CitationRef]] = []
    seen: set[int] = set()
    for ref in refs:
        if not ref.works:
            continue
        rows = _doc_order(snap, ref.works, params)
        if not rows:
            continue
        doc_ids = [snap.docs.ids[r] for r in rows]
        query = And(
            [
                Or([Term("doc", d) for d in doc_ids]),
                Term("art", article_key(ref.article, ref.suffix)),
            ]
        )
        docnums = list(snap.searcher().docs_for_query(query))
        rank = {d: i for i, d in enumerate(doc_ids)}
        for n in sorted(docnums, key=lambda n: rank[snap.docs.ids[snap.passage_doc[n]]]):
            if n not in seen and snap.alive[n]:
                seen.add(n)
                found.append((n, ref))
    return found


def work_order(snap: Snapshot, works: frozenset[str], doc_mask: np.ndarray) -> np.ndarray:
    """Scores that list a named work's passages in reading order (for a query that is only a name)."""
    rows = snap.passage_doc.clip(0)
    inside = snap.alive & snap.docs.work_rows(set(works))[rows] & doc_mask[rows]
    docnums = np.arange(snap.size, dtype=np.float32)
    return np.where(inside, 1.0 / (1.0 + docnums / 1000.0), 0.0).astype(np.float32)
