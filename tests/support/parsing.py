"""Shared helpers for the parser tests (tests/corpus/test_parser_*.py): parse a synthetic snippet as
Markdown or plain text, and pick out a document's articles.
"""

from __future__ import annotations

from corpus.loaders import markdown, plaintext
from corpus.parsers import parse_document
from kb.models import Document

MD_SOURCE = "法律/测试/样例法(2020-01-01).md"


def parse_md(text: str, source: str = MD_SOURCE) -> Document:
    """Parse a synthetic Markdown document."""
    return parse_document(markdown.load(text.encode("utf-8"), source), "hash")


def parse_txt(text: str, source: str = "其他/样例.txt") -> Document:
    """Parse a synthetic plain-text document (no structure hints at all)."""
    return parse_document(plaintext.load(text.encode("utf-8"), source), "hash")


def articles(document: Document) -> list:
    return [p for p in document.passages if p.role == "article"]
