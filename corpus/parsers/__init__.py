"""Structure parsers: loaded lines → Document with passages and citations."""

from __future__ import annotations

from corpus.parsers.bulletin import is_bulletin, parse_bulletin
from corpus.parsers.law import parse_law
from corpus.text import LoadedText
from kb.models import Document

__all__ = ["parse_document", "parse_law", "parse_bulletin", "is_bulletin"]


def parse_document(loaded: LoadedText, content_hash: str = "") -> Document:
    """Parse any loaded text: bulletins by their masthead, everything else as statute-like text."""
    if is_bulletin(loaded):
        return parse_bulletin(loaded, content_hash)
    return parse_law(loaded, content_hash)
