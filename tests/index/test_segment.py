"""indexer.segment: the bulk writer writes the same postings, lengths and stored fields."""

from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from corpus.collection import parse_file
from indexer.fields import passage_fields
from indexer.segment import BulkSegmentWriter
from kb.schema import passage_schema
from tests.support.sources import SMALL_SOURCES


def _write(path: Path, writer_class, fields: list[dict]) -> None:
    path.mkdir()
    ix = whoosh_index.create_in(str(path), passage_schema(), indexname="p")
    with writer_class(ix, compound=False) as writer:
        for f in fields:
            writer.add_document(**f)


def _contents(path: Path) -> tuple:
    ix = whoosh_index.open_dir(str(path), indexname="p")
    with ix.reader() as r:
        postings = [
            (field, text, tuple(r.postings(field, text).items_as("weight")))
            for field, text in r.all_terms()
        ]
        lengths = [
            (field, n, r.doc_field_length(n, field))
            for field in ("text", "heading")
            for n in range(r.doc_count_all())
        ]
        stored = list(r.all_stored_fields())
    return postings, lengths, stored


def test_bulk_writer_matches_whoosh_segment_writer(corpus_dir, tmp_path):
    fields = [
        passage_fields(p)
        for source in SMALL_SOURCES[:4]
        for p in parse_file(corpus_dir / source, corpus_dir).passages
    ]
    _write(tmp_path / "plain", SegmentWriter, fields)
    _write(tmp_path / "bulk", BulkSegmentWriter, fields)
    plain, bulk = _contents(tmp_path / "plain"), _contents(tmp_path / "bulk")
    assert len(plain[0]) > 1000
    assert bulk == plain
