"""The Whoosh schemas (passages and documents) and how records are stored in them."""

from __future__ import annotations

from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema

from kb.analysis import analyzer

SCHEMA_VERSION = 5  # bump on any change below: existing indexes then rebuild themselves
PASSAGES = "passages"  # shards are named passages0, passages1 … (one per core at build time)
DOCUMENTS = "documents"

# Fields the engine scores, with the Whoosh index each lives in.
PASSAGE_TEXT = "text"  # the passage itself (jieba words + sub-words)
PASSAGE_HEADING = "heading"  # its 编/章/节 path (bulletins: section headings)
DOCUMENT_TITLE = "title"  # title, subtitle and short names of the document


def passage_schema() -> Schema:
    """One Whoosh document per passage; `record` keeps everything needed to show and cite it."""
    ana = analyzer()
    # No indexed passage id: 150,000 one-posting terms cost more to write than everything else
    # per term; a passage is found from its document and ordinal (Snapshot.docnum_of).
    return Schema(
        doc=ID(stored=True, sortable=True),  # owning document id (column read at open)
        art=ID(),  # "30" / "30.1" for 第三十条(之一): citation look-up
        text=TEXT(analyzer=ana, phrase=False),
        heading=TEXT(analyzer=ana, phrase=False),
        body=COLUMN(VarBytesColumn()),  # UTF-8 passage text, read in bulk for phrase scans
        record=STORED(),
    )


def document_schema() -> Schema:
    """One Whoosh document per file: metadata, history, table of contents, and its content hash."""
    ana = analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        work=ID(stored=True),
        source=ID(stored=True),
        title=TEXT(analyzer=ana, phrase=False),
        kind=ID(stored=True),
        region=ID(stored=True),
        record=STORED(),
    )


def shard_name(shard: int) -> str:
    """Whoosh index name of passage shard `shard`."""
    return f"{PASSAGES}{shard}"


def article_key(article: int | None, suffix: int = 0) -> str:
    """The `art` term for an article: "30", or "30.1" for 第三十条之一; "" for none."""
    if article is None:
        return ""
    return f"{article}.{suffix}" if suffix else str(article)
