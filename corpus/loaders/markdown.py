"""Markdown as the collection stores it: `# title`, history, `<!-- INFO END -->`, `##` headings."""

from __future__ import annotations

import re

from corpus.loaders.encoding import decode_bytes
from corpus.text import Line, LoadedText, normalize_line

_HEADING = re.compile(r"^(#{1,6})(?:\s+|$)(.*)$")
INFO_END = "<!-- INFO END -->"


def load(data: bytes, source: str) -> LoadedText:
    """Split Markdown into lines, keeping heading levels as hints and noting INFO END."""
    text, encoding = decode_bytes(data, source)
    lines: list[Line] = []
    info_end = None
    for raw in text.splitlines():
        if raw.strip() == INFO_END:
            info_end = len(lines)
            continue
        level = None
        m = _HEADING.match(raw.strip())
        if m:
            level, raw = len(m.group(1)), m.group(2)
        clean = normalize_line(raw)
        if clean:
            lines.append(Line(clean, level))
    return LoadedText(source, "md", tuple(lines), encoding, info_end=info_end)
