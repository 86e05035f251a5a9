"""Write parsed documents into a build's two Whoosh indexes (passages on both cores)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.multiproc import MpWriter

from indexer.fields import document_fields, passage_fields
from indexer.scan import SourceFile
from kb import analysis
from kb.errors import KBError
from kb.models import Document
from kb.schema import DOCUMENTS, PASSAGES, document_schema, passage_schema

log = logging.getLogger(__name__)
_LIMIT_MB = 256


def _open(path: Path, create: bool):
    """(passages, documents) Whoosh indexes in `path`."""
    if create:
        path.mkdir(parents=True, exist_ok=False)
        return (whoosh_index.create_in(str(path), passage_schema(), indexname=PASSAGES),
                whoosh_index.create_in(str(path), document_schema(), indexname=DOCUMENTS))
    return (whoosh_index.open_dir(str(path), indexname=PASSAGES, schema=passage_schema()),
            whoosh_index.open_dir(str(path), indexname=DOCUMENTS, schema=document_schema()))


def _passage_writer(ix, procs: int):
    """Whoosh's multiprocess writer (one segment per core) or a plain one."""
    if procs > 1:
        analysis.segmenter()  # load jieba once; forked sub-writers inherit it
        return MpWriter(ix, procs=procs, batchsize=256, multisegment=True, limitmb=_LIMIT_MB)
    return ix.writer(limitmb=_LIMIT_MB)


def _delete(pw, dw, ixd, sources: list[str]) -> None:
    """Delete the documents (and their passages) indexed from these sources."""
    with ixd.searcher() as s:
        ids = [f["id"] for src in sources if (f := s.document(source=src))]
    for doc_id in ids:
        pw.delete_by_term("doc", doc_id)
        dw.delete_by_term("id", doc_id)


def write_documents(path: Path, docs: Iterator[tuple[SourceFile, Document]], create: bool,
                    procs: int | None = None, delete_sources: list[str] = ()) -> list:
    """Add `docs` (after deleting `delete_sources`) and commit both indexes; returns what was added."""
    ixp, ixd = _open(path, create)
    procs = procs if procs is not None else (min(2, os.cpu_count() or 1) if create else 1)
    pw, dw = _passage_writer(ixp, procs), ixd.writer(limitmb=64)
    written, expected = [], ixp.doc_count() if not create else 0
    try:
        _delete(pw, dw, ixd, list(delete_sources))
        if delete_sources:
            expected = None  # deletions make the count check below meaningless
        for sf, doc in docs:
            dw.add_document(**document_fields(doc))
            with pw.group():  # a document's passages stay together, in order, in one segment
                for p in doc.passages:
                    pw.add_document(**passage_fields(p))
            written.append((sf, doc))
            if expected is not None:
                expected += len(doc.passages)
    except BaseException:
        pw.cancel()
        dw.cancel()
        raise
    pw.commit()
    dw.commit()
    _verify(ixp, expected)
    return written


def _verify(ixp, expected: int | None) -> None:
    """Refuse a build that lost passages on the way (e.g. a sub-writer that died)."""
    if expected is None:
        return
    found = whoosh_index.open_dir(ixp.storage.folder, indexname=PASSAGES,
                                  schema=passage_schema()).doc_count()
    if found != expected:
        raise KBError(f"index build incomplete: {found} of {expected} passages written")
