"""The versions of a work as stored in the index, and one version's text joined from its parts."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace

from kb.compare.model import VersionText
from kb.engine.hits import document_info, load_passage
from kb.engine.snapshot import Snapshot
from kb.engine.works import version_parts, versions_of
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
    return snap.docs.records[snap.row_of(doc_id)]


def load_version(snap: Snapshot, doc_id: str) -> VersionText:
    """The version `doc_id` belongs to: the document and the other parts of its version."""
    row = snap.row_of(doc_id)
    parts = [_document(snap, r) for r in (row, *version_parts(snap, row))]
    return join_parts(document_info(snap.docs.records[row]), parts)


def _document(snap: Snapshot, row: int) -> Document:
    """A document with its passages, read from the consecutive docnums they are stored at."""
    passages = [
        load_passage(snap, n)
        for n in snap.docnums(row)
        if snap.alive[n] and snap.passage_doc[n] == row
    ]
    passages.sort(key=lambda p: p.ordinal)
    return document_from_record(snap.docs.records[row], tuple(passages))


def version_records(snap: Snapshot, doc_id: str) -> list[dict]:
    """The records of the versions of a document's work (its own part), oldest first, one copy
    of each (NotFound for an unknown id)."""
    return [snap.docs.records[r] for r in versions_of(snap, snap.row_of(doc_id))]
