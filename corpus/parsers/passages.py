"""Blocks → Passage objects with stable ids and citations; ids and source-path helpers."""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePosixPath

from corpus.parsers.blocks import Block
from corpus.parsers.paragraphs import split_paragraphs
from kb.labels import render_label
from kb.models import Citation, Paragraph, Passage

_FILE_DATE = re.compile(r"\((\d{4})-(\d{2})-(\d{2})\)$")
UNIT_ROLES = ("article", "item")


def document_id(source: str) -> str:
    """First 12 hex digits of sha1 of the corpus-relative path: stable across re-parses."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:12]


def file_date(source: str) -> str | None:
    """The ISO date in a file name like 代表法(2025-03-11).md, if any."""
    m = _FILE_DATE.search(PurePosixPath(source).stem)
    return "-".join(m.groups()) if m else None


def folders(source: str) -> tuple[str, ...]:
    """The folders of a corpus-relative path, outermost first."""
    return PurePosixPath(source).parts[:-1]


def make_citation(
    title: str, version: str, block: Block, show_version: bool | None = None
) -> Citation:
    """The citation of one block's passage."""
    fields = {
        "title": title,
        "version": version,
        "article": block.number,
        "article_label": block.cite_label if block.role in UNIT_ROLES else "",
        "paragraph": None,
        "item": None,
        "heading_path": block.heading_path,
    }
    return Citation(**fields, label=render_label(fields, show_version=show_version))


def make_passage(doc_id: str, ordinal: int, block: Block, citation: Citation) -> Passage:
    """One passage: the block's lines joined by newlines, with 款/项 structure for units."""
    text = "\n".join(block.lines)
    if block.role in UNIT_ROLES:
        paragraphs = split_paragraphs(block.lines, block.label)
    else:
        paragraphs = (Paragraph(1, text),)
    return Passage(
        id=f"{doc_id}-{ordinal}",
        doc_id=doc_id,
        ordinal=ordinal,
        text=text,
        article=block.number,
        article_suffix=block.suffix,
        label=block.label,
        heading_path=block.heading_path,
        paragraphs=paragraphs,
        citation=citation,
        role=block.role,
    )


def build_passages(
    doc_id: str, blocks: list[Block], title: str, version: str
) -> tuple[Passage, ...]:
    """Passages for all blocks, in order."""
    return tuple(
        make_passage(doc_id, n, b, make_citation(title, version, b)) for n, b in enumerate(blocks)
    )
