"""Plain text: one paragraph per line, any of the encodings offices use."""

from __future__ import annotations

from corpus.loaders.encoding import decode_bytes
from corpus.text import Line, LoadedText, normalize_line


def load(data: bytes, source: str) -> LoadedText:
    """Decode and split into non-empty, whitespace-normalised lines."""
    text, encoding = decode_bytes(data, source)
    lines = tuple(Line(c) for c in (normalize_line(r) for r in text.splitlines()) if c)
    return LoadedText(source, "txt", lines, encoding)
