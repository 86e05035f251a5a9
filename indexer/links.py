"""Write a build's link files: the references found per document and their resolution.

A full build gets every document's references from the shard writers; an update keeps the
live build's references for the files it did not touch. Either way everything is resolved
again (references into a changed document may now land elsewhere): about a second.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.query import Term
from whoosh.searching import Searcher

from indexer import workers
from indexer.writing import process_context, write_document_index
from kb.links.indexing.build import build_links
from kb.links.store import LINKS, REFERENCES, read_json, write_json
from kb.schema import DOCUMENTS, document_schema, passage_schema, shard_name

log = logging.getLogger(__name__)


class ShardTexts:
    """Article texts of a document, read back from the passage shards of a build."""

    def __init__(self, path: Path, shards: int, references: dict[str, dict]):
        self._searchers: list[Searcher] = []
        self._bodies: list = []
        try:
            for i in range(shards):
                ix = whoosh_index.open_dir(
                    str(path), indexname=shard_name(i), schema=passage_schema()
                )
                searcher = Searcher(ix.reader())
                self._searchers.append(searcher)
                empty = searcher.reader().doc_count_all() == 0  # no column to read
                self._bodies.append(None if empty else searcher.reader().column_reader("body"))
        except BaseException:
            self.close()
            raise
        self._references = references

    def __call__(self, doc_id: str) -> list[tuple[int, str]]:
        """(ordinal, text) of the document's articles; its passages are consecutive docnums."""
        wanted = {row[2] for row in self._references.get(doc_id, {}).get("articles", ())}
        for searcher, bodies in zip(self._searchers, self._bodies, strict=True):
            if bodies is None:
                continue
            docnums = sorted(searcher.docs_for_query(Term("doc", doc_id)))
            if docnums:
                return [
                    (o, bodies[n].decode("utf-8")) for o, n in enumerate(docnums) if o in wanted
                ]
        return []

    def close(self) -> None:
        for s in self._searchers:
            s.close()


def write_links(path: Path, shards: int, records: list[dict], references: dict[str, dict]) -> dict:
    """Write references.json and links.json into the build at `path`; returns the summary."""
    started = time.monotonic()
    write_json(path / REFERENCES, references)
    texts = ShardTexts(path, shards, references)
    try:
        data = build_links(records, references, texts)
    finally:
        texts.close()
    write_json(path / LINKS, data)
    log.info(
        "links: %d resolved of %d references, %d relations in %.1fs",
        data["summary"]["resolved"],
        data["summary"]["found"],
        len(data["relations"]),
        time.monotonic() - started,
    )
    return data["summary"]


def _finish(step: str, path: Path, shards: int, documents: list[dict], references: dict) -> object:
    """One of the two last steps of a full build (they run side by side)."""
    if step == "documents":
        return write_document_index(path, documents, create=True)
    return write_links(path, shards, [fields["record"] for fields in documents], references)


def write_documents_and_links(
    path: Path, shards: int, documents: list[dict], references: dict[str, dict]
) -> None:
    """Write the documents index and the link files of a new build, each in its own process
    when the machine has two cores (the link step then costs no time of its own)."""
    jobs = [(step, path, shards, documents, references) for step in ("documents", "links")]
    if shards < 2:
        for job in jobs:
            _finish(*job)
        return
    workers.run(_finish, jobs, process_context())


def updated_references(live: Path, new: dict[str, dict], gone: list[str]) -> dict[str, dict]:
    """The live build's references without the documents removed or changed, plus the new ones."""
    references = read_json(live / REFERENCES)
    for doc_id in gone:
        references.pop(doc_id, None)
    references.update(new)
    return references


def stored_records(path: Path) -> list[dict]:
    """Every document record in the documents index of the build at `path`."""
    ix = whoosh_index.open_dir(str(path), indexname=DOCUMENTS, schema=document_schema())
    with ix.reader() as reader:
        return [fields["record"] for _n, fields in reader.iter_docs()]
