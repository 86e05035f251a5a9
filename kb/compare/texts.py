"""The versions of a work as stored in the index, and one version's text joined from its parts."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from kb.compare.model import VersionText
from kb.engine.hits import document_info, load_passage
from kb.engine.snapshot import Snapshot
from kb.errors import NotFound
from kb.models import Document, DocumentInfo, Passage
from kb.records import document_from_record


def join_parts(asked: DocumentInfo, parts: Sequence[Document]) -> VersionText:
    """One version's passages and headings, its parts (民法典's 编) in article order."""
    passages: list[Passage] = []
    headings = []
    ordered = sorted(parts, key=_part_order)
    for doc in ordered:
        start = len(passages)
        ordinals = [p.ordinal for p in doc.passages]
        headings += [
            replace(h, first_passage=start + bisect.bisect_left(ordinals, h.first_passage))
            for h in doc.headings
        ]
        passages += doc.passages
    return VersionText(asked, tuple(d.id for d in ordered), tuple(passages), tuple(headings))


def _part_order(doc: Document) -> tuple:
    """Parts read in the order of their first article (then by file)."""
    first = min((p.article for p in doc.passages if p.article is not None), default=None)
    return (first is None, first or 0, doc.source)


def record(snap: Snapshot, doc_id: str) -> dict:
    """The stored record of a document (NotFound for an unknown id)."""
    row = snap.docs.row.get(doc_id) if isinstance(doc_id, str) else None
    if row is None:
        raise NotFound(f"no document with id {doc_id!r}")
    return snap.docs.records[row]


def same_work(snap: Snapshot, rec: dict) -> list[dict]:
    """Every record of the work `rec` belongs to (copies included)."""
    docs = snap.docs
    code = docs.work[docs.row[rec["id"]]]
    return [docs.records[r] for r in np.nonzero(docs.work == code)[0]]


def load_version(snap: Snapshot, doc_id: str) -> VersionText:
    """The version `doc_id` belongs to: the document and the other parts of its version."""
    rec = record(snap, doc_id)
    parts = [
        r
        for r in same_work(snap, rec)
        if r["id"] == doc_id
        or (
            r.get("version_date") == rec.get("version_date")
            and r.get("subtitle") != rec.get("subtitle")
            and not r.get("duplicate_of")
        )
    ]
    return join_parts(document_info(rec), [_document(snap, r) for r in parts])


def _document(snap: Snapshot, rec: dict) -> Document:
    """A document with its passages, read from the consecutive docnums they are stored at."""
    row = snap.docs.row[rec["id"]]
    first = int(snap.first_docnum()[row])
    count = int(rec.get("passage_count") or 0)
    nums = range(first, min(first + count, snap.size)) if first >= 0 else range(0)
    passages = [load_passage(snap, n) for n in nums if snap.alive[n] and snap.passage_doc[n] == row]
    passages.sort(key=lambda p: p.ordinal)
    return document_from_record(rec, tuple(passages))


def versions_of(snap: Snapshot, doc_id: str) -> list[dict]:
    """The versions of a document's work (its own part), oldest first, one copy of each."""
    rec = record(snap, doc_id)
    kept = rec.get("duplicate_of")
    rows = [
        r
        for r in same_work(snap, rec)
        if r.get("subtitle") == rec.get("subtitle")
        and (r["id"] == doc_id or (not r.get("duplicate_of") and r["id"] != kept))
    ]
    return sorted(rows, key=lambda r: (r.get("version_date") or "", r["source"]))
