"""Comparisons and article histories over a live index build, cached per build."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

from kb.compare.compare import compare_texts
from kb.compare.model import (
    ABSENT,
    ORIGINAL,
    ArticleHistory,
    ArticleVersion,
    Comparison,
    Pair,
)
from kb.compare.texts import load_version, record, versions_of
from kb.engine.hits import document_info, load_passage
from kb.engine.snapshot import Snapshot
from kb.errors import BadQuery, NotFound
from kb.models import DocumentInfo, Passage

CACHE_SIZE = 32  # comparisons kept per build (a large one holds ~1 MB of passages)

_cache: weakref.WeakKeyDictionary[Snapshot, OrderedDict] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def compare(snap: Snapshot, from_id: str, to_id: str) -> Comparison:
    """Two versions of one work aligned (the same pair again comes from the cache)."""
    old, new = record(snap, from_id), record(snap, to_id)
    if old["work_key"] != new["work_key"]:
        raise BadQuery(
            f"{from_id!r} ({old['title']}) and {to_id!r} ({new['title']}) are not versions "
            "of one work: only versions of the same law or regulation can be compared"
        )
    key = (from_id, to_id)
    with _lock:
        found = _cache.setdefault(snap, OrderedDict()).get(key)
        if found is not None:
            _cache[snap].move_to_end(key)
            return found
    result = compare_texts(load_version(snap, from_id), load_version(snap, to_id))
    with _lock:
        kept = _cache.setdefault(snap, OrderedDict())
        kept[key] = result
        while len(kept) > CACHE_SIZE:
            kept.popitem(last=False)
    return result


def versions(snap: Snapshot, doc_id: str) -> tuple[DocumentInfo, ...]:
    """The versions of a document's work (its own part), oldest first, one copy of each."""
    return tuple(document_info(r) for r in versions_of(snap, doc_id))


def passage_history(snap: Snapshot, passage_id: str) -> ArticleHistory:
    """One article through every version of its work, oldest first, following renumbering."""
    docnum = snap.docnum_of(passage_id) if isinstance(passage_id, str) else None
    if docnum is None:
        raise NotFound(f"no passage with id {passage_id!r}")
    asked = load_passage(snap, docnum)
    versions = versions_of(snap, asked.doc_id)
    ids = [r["id"] for r in versions]
    at = ids.index(asked.doc_id)
    found: dict[int, tuple[str, Passage | None, tuple]] = {at: (ORIGINAL, asked, ())}
    current = asked
    for k in range(at, 0, -1):  # back: what it was before
        pair = _pair_of(compare(snap, ids[k - 1], ids[k]), current.id, new_side=True)
        found[k] = (pair.status, found[k][1], pair.diff)
        if pair.old is None:
            break
        found[k - 1] = (ORIGINAL, pair.old, ())
        current = pair.old
    current = asked
    for k in range(at + 1, len(ids)):  # forward: what became of it
        pair = _pair_of(compare(snap, ids[k - 1], ids[k]), current.id, new_side=False)
        found[k] = (pair.status, pair.new, pair.diff)
        if pair.new is None:
            break
        current = pair.new
    entries = tuple(
        ArticleVersion(document_info(rec), *found.get(k, (ABSENT, None, ())))
        for k, rec in enumerate(versions)
    )
    return ArticleHistory(record(snap, asked.doc_id)["title"], asked.label, asked.id, entries)


def _pair_of(comparison: Comparison, passage_id: str, new_side: bool) -> Pair:
    """The pair holding a passage on the given side."""
    for pair in comparison.pairs:
        side = pair.new if new_side else pair.old
        if side is not None and side.id == passage_id:
            return pair
    raise NotFound(f"passage {passage_id!r} is not in the comparison")  # not reached: all are
