"""The same article in the other versions of its work, for links made to another version.

A 2016 measure citing article 44 of 代表法 means the 2015 version; a reader of article 44 of
the 2025 version should see that link only if it is still the same article. Versions renumber
(the 2025 revision did), so an article counts as the same when it has the same number and
nearly the same words (character pairs, Dice ≥ SAME_TEXT).
"""

from __future__ import annotations

from kb.engine.snapshot import Snapshot
from kb.links.reading.table import LinkTable
from kb.models import Passage
from kb.references.context import passage_context

SAME_TEXT = 0.6
Key = tuple[int, int]  # (article, suffix)


def _pairs(text: str) -> frozenset[str]:
    body = text.split(" ", 1)[-1] if text.startswith("第") else text
    return frozenset(body[i : i + 2] for i in range(len(body) - 1))


def article_map(snap: Snapshot, table: LinkTable, doc_id: str) -> dict[Key, tuple[int, int]]:
    """(article, suffix) → (ordinal, docnum) for a document's articles (cached).

    Read from the passage texts the snapshot keeps (an article starts with its label), which
    is much cheaper than unpickling every passage record.
    """
    cached = table.article_maps.get(doc_id)
    if cached is None:
        row = snap.docs.row[doc_id]
        first = int(snap.first_docnum()[row])
        count = int(snap.docs.records[row].get("passage_count") or 0)
        texts = snap.texts()
        cached = {}
        for ordinal, n in enumerate(
            range(first, min(first + count, snap.size)) if first >= 0 else ()
        ):
            label = passage_context(texts[n])
            if label.article is not None:
                cached.setdefault((label.article, label.suffix), (ordinal, n))
        table.article_maps[doc_id] = cached
    return cached


def other_versions(snap: Snapshot, doc_id: str) -> list[str]:
    """The other (not duplicate) documents of a document's work with the same part (编)."""
    rec = snap.docs.records[snap.docs.row[doc_id]]
    rows = snap.docs.work_rows({rec["work_key"]}).nonzero()[0]
    return [
        snap.docs.ids[r]
        for r in rows
        if not snap.docs.duplicate[r]
        and snap.docs.ids[r] != doc_id
        and snap.docs.records[r].get("subtitle") == rec.get("subtitle")
    ]


def _same(snap: Snapshot, a: int, b: int) -> bool:
    """Two articles (docnums) with nearly the same words."""
    texts = snap.texts()
    x, y = _pairs(texts[a]), _pairs(texts[b])
    return bool(x and y) and 2 * len(x & y) / (len(x) + len(y)) >= SAME_TEXT


def _equivalents(snap, table, doc_id: str, key: Key, docnum: int) -> list[str]:
    out = []
    for other in other_versions(snap, doc_id):
        hit = article_map(snap, table, other).get(key)
        if hit and _same(snap, docnum, hit[1]):
            out.append(f"{other}-{hit[0]}")
    return out


def passage_ids(snap: Snapshot, table: LinkTable, doc_id: str) -> dict[int, list[str]]:
    """For each passage of a document: its id, then the same article's in other versions."""
    if not other_versions(snap, doc_id):
        count = int(snap.docs.records[snap.docs.row[doc_id]].get("passage_count") or 0)
        return {ordinal: [f"{doc_id}-{ordinal}"] for ordinal in range(count)}
    return {
        ordinal: [f"{doc_id}-{ordinal}", *_equivalents(snap, table, doc_id, key, docnum)]
        for key, (ordinal, docnum) in article_map(snap, table, doc_id).items()
    }


def same_article_ids(snap: Snapshot, table: LinkTable, doc_id: str, ordinal: int) -> list[str]:
    """The passage's id, then the same article's in the other versions of its work."""
    own = f"{doc_id}-{ordinal}"
    if not other_versions(snap, doc_id):
        return [own]
    for key, (o, docnum) in article_map(snap, table, doc_id).items():
        if o == ordinal:
            return [own, *_equivalents(snap, table, doc_id, key, docnum)]
    return [own]


def same_article(snap: Snapshot, table: LinkTable, p: Passage) -> list[str]:
    """same_article_ids for a loaded passage (prose passages have no other versions)."""
    if p.article is None or p.role not in ("article", "item"):
        return [p.id]
    return same_article_ids(snap, table, p.doc_id, p.ordinal)
