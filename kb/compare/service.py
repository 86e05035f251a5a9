"""Comparisons and article histories over a live index build, cached per build."""

from __future__ import annotations

from kb.compare.compare import compare_texts
from kb.compare.model import (
    ABSENT,
    ORIGINAL,
    ArticleHistory,
    ArticleVersion,
    Comparison,
    Pair,
)
from kb.compare.same_article import alignment, counterparts
from kb.compare.texts import load_version, record, version_records
from kb.engine.hits import document_info, load_passage
from kb.engine.snapshot import Snapshot
from kb.errors import BadQuery, NotFound
from kb.models import DocumentInfo, Passage

CACHE_SIZE = 32  # comparisons kept per build (a large one holds ~1 MB of passages)


def compare(snap: Snapshot, from_id: str, to_id: str) -> Comparison:
    """Two versions of one work aligned (the same pair again comes from the cache)."""
    old, new = record(snap, from_id), record(snap, to_id)
    if old["work_key"] != new["work_key"]:
        raise BadQuery(
            f"{from_id!r} ({old['title']}) and {to_id!r} ({new['title']}) are not versions "
            "of one work: only versions of the same law or regulation can be compared"
        )

    def make() -> Comparison:
        texts = load_version(snap, from_id), load_version(snap, to_id)
        return compare_texts(*texts, alignment(snap, from_id, to_id, texts).matches)

    return snap.cached(("comparison", from_id, to_id), make, keep=CACHE_SIZE)


def versions(snap: Snapshot, doc_id: str) -> tuple[DocumentInfo, ...]:
    """The versions of a document's work (its own part), oldest first, one copy of each."""
    return tuple(document_info(r) for r in version_records(snap, doc_id))


def passage_history(snap: Snapshot, passage_id: str) -> ArticleHistory:
    """One article through every version of its work, oldest first, following renumbering
    (the article paired with it in each version: see kb.compare.same_article)."""
    docnum = snap.docnum_of(passage_id) if isinstance(passage_id, str) else None
    if docnum is None:
        raise NotFound(f"no passage with id {passage_id!r}")
    asked = load_passage(snap, docnum)
    chain = counterparts(snap, asked.id)
    entries = []
    for k, (version, here) in enumerate(chain):
        before = chain[k - 1] if k else (None, None)
        if here is None and before[1] is None:
            found = (ABSENT, None, ())
        elif k == 0:
            found = (ORIGINAL, asked if here == asked.id else _passage(snap, here), ())
        else:  # how it changed from the previous version (added and deleted included)
            pair = _pair_of(compare(snap, before[0], version), here or before[1], here is not None)
            found = (pair.status, pair.new, pair.diff)
        entries.append(ArticleVersion(document_info(record(snap, version)), *found))
    return ArticleHistory(
        record(snap, asked.doc_id)["title"], asked.label, asked.id, tuple(entries)
    )


def _passage(snap: Snapshot, passage_id: str) -> Passage:
    docnum = snap.docnum_of(passage_id)
    if docnum is None:  # not reached: the aligner only pairs passages of the build
        raise NotFound(f"no passage with id {passage_id!r}")
    return load_passage(snap, docnum)


def _pair_of(comparison: Comparison, passage_id: str, new_side: bool) -> Pair:
    """The pair holding a passage on the given side."""
    for pair in comparison.pairs:
        side = pair.new if new_side else pair.old
        if side is not None and side.id == passage_id:
            return pair
    raise NotFound(f"passage {passage_id!r} is not in the comparison")  # not reached: all are
