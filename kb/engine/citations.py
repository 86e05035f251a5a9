"""Citation look-up: 选举法第三十条 → the passage(s) of that article, current version first."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from whoosh.query import And, Or, Term

from kb.engine.snapshot import Snapshot
from kb.query.parse import CitationRef, ParsedQuery
from kb.schema import article_key


def doc_order(snap: Snapshot, works: frozenset[str], params, version: str = "") -> list[int]:
    """Document rows of these works: a version the citation names first, then those passing
    the filters, newest version first."""
    docs = snap.docs
    rows = np.nonzero(docs.work_mask(set(works)))[0]
    wanted = docs.mask(
        params.kinds, params.regions, params.documents, params.versions, params.as_of
    )
    dated = sorted(rows, key=lambda r: docs.records[r].get("version_date") or "", reverse=True)
    if version and not params.as_of:
        named = [
            int(r) for r in dated if _is_version(docs.records[r], version) and not docs.duplicate[r]
        ]
        if named:
            return named + [int(r) for r in dated if r not in named and not docs.duplicate[r]]
    preferred = [int(r) for r in dated if wanted[r]]
    if params.as_of:  # a date was asked for: only the version in force then
        return preferred
    return preferred + [int(r) for r in dated if not wanted[r] and not docs.duplicate[r]]


OFFERED = 10  # other works a name fits, listed in `understood` (物业管理条例 fits 19)


def cited_works(ref: CitationRef) -> dict:
    """What `understood` says about a citation's works: those cited, the others offered."""
    out = {"works": sorted(ref.works), "offered": sorted(ref.others)[:OFFERED]}
    if ref.subitem:
        out["subitem"] = ref.subitem
    if ref.version:
        out["version"] = ref.version
    return out


def _is_version(rec: dict, version: str) -> bool:
    """Whether a document is the version a citation names (2020年修正, or just 2020年)."""
    label = rec.get("version_label") or ""
    if label and (label == version or label.startswith(version)):
        return True
    year = version[:4]
    return not label.startswith(year) and (rec.get("version_date") or "").startswith(year)


def resolve(snap: Snapshot, refs: tuple[CitationRef, ...], params) -> list[tuple[int, CitationRef]]:
    """(docnum, reference) for every cited article found, in the order to show them."""
    first: list[tuple[int, CitationRef]] = []  # each cited article in its preferred version
    rest: list[tuple[int, CitationRef]] = []  # then its other versions
    seen: set[int] = set()
    for ref in refs:
        if not ref.works:
            continue
        rows = doc_order(snap, ref.works, params, ref.version)
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
        ordered = sorted(docnums, key=lambda n: rank[snap.docs.ids[snap.passage_doc[n]]])
        ordered = _articles_first(snap, ordered)
        for k, n in enumerate(n for n in ordered if n not in seen and snap.alive[n]):
            seen.add(n)
            (rest if k else first).append((n, ref))
    return first + rest


def work_order(snap: Snapshot, works: frozenset[str], doc_mask: np.ndarray) -> np.ndarray:
    """Scores that list a named work's passages in reading order (for a query that is only a name)."""
    rows = snap.passage_doc.clip(0)
    inside = snap.alive & snap.docs.work_mask(set(works))[rows] & doc_mask[rows]
    docnums = np.arange(snap.size, dtype=np.float32)
    return np.where(inside, 1.0 / (1.0 + docnums / 1000.0), 0.0).astype(np.float32)


def _articles_first(snap: Snapshot, docnums: list[int]) -> list[int]:
    """Where a document numbers both articles and items alike (第二条 and 二、), 第二条 first."""
    rows = [int(snap.passage_doc[n]) for n in docnums]
    if len(set(rows)) == len(rows):
        return docnums
    searcher = snap.searcher()
    role = {n: searcher.stored_fields(n)["record"].get("role") for n in docnums}
    return sorted(docnums, key=lambda n: (rows[docnums.index(n)], role[n] != "article"))


def with_cited_works(q: ParsedQuery) -> ParsedQuery:
    """Words after a citation (代表法第51条 代表建议) favour the cited works, as a named work is."""
    cited = frozenset().union(*(c.works for c in q.citations))
    if not cited or cited <= q.works or not (q.concepts or q.phrases):
        return q
    return replace(q, works=q.works | cited)
