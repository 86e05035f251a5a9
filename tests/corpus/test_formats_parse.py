"""Every corpus-formats file parses into the same articles as its Markdown (or txt) source."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from corpus.collection import parse_file
from corpus.loaders import LOADERS
from kb.models import Document

SHARED = Path(__file__).resolve().parents[3] / "shared"
FORMATS = SHARED / "corpus-formats"
MANIFEST = json.loads((FORMATS / "manifest.json").read_text("utf-8")) if FORMATS.is_dir() else []
_SPACE = re.compile(r"\s+")


@cache
def _source(source: str) -> Document:
    return parse_file(SHARED / "corpus" / source, SHARED / "corpus")


def _squeezed(document: Document, roles: tuple[str, ...]) -> list[str]:
    return [_SPACE.sub("", p.text) for p in document.passages if p.role in roles]


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda e: e["path"])
def test_format_parses_like_its_source(entry: dict) -> None:
    path = FORMATS / entry["path"]
    if path.suffix.lower() not in LOADERS:
        pytest.skip(f"no loader for {path.suffix} yet")
    document = parse_file(path, FORMATS)
    source = _source(entry["source"])
    articles = _squeezed(document, ("article",))
    if entry["article_count"] is not None:
        assert len(articles) == entry["article_count"]
    assert articles == _squeezed(source, ("article",))
    every = ("article", "item", "preamble", "paragraph", "editor_note")
    assert _squeezed(document, every) == _squeezed(source, every)
    assert document.title == entry["title"] == source.title
    assert (document.version_date, document.version_label, document.kind) == (
        source.version_date,
        source.version_label,
        source.kind,
    )
    assert [h.text for h in document.headings] == [h.text for h in source.headings]
