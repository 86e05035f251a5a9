"""What every loader returns: the file's text as normalised lines, with structure hints."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Every kind of space a loader meets (ASCII, U+3000, NBSP, thin spaces, tabs) becomes one ASCII space.
_SPACES = re.compile(r"[\s\u3000\u00a0\u2000-\u200b\u202f\u205f\ufeff]+")


def normalize_line(text: str) -> str:
    """Collapse every run of whitespace (incl. U+3000, NBSP) to one ASCII space and strip the ends."""
    return _SPACES.sub(" ", text).strip()


def readable_path(text: str) -> str:
    """A path as valid Unicode: undecodable bytes of a name (kept as surrogates) become U+FFFD."""
    try:
        raw = text.encode("utf-8", "surrogateescape")  # the bytes the name had on disk
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "replace")
    return raw.decode("utf-8", "replace")


@dataclass(frozen=True)
class Line:
    """One paragraph of source text.

    `level` is a structure hint from the format: 1 for a title (Markdown `# `, docx Title,
    HTML <h1>), 2+ for headings (`## `, Heading 1 …), None for body text. Parsers must also
    work without hints (PDF, plain text), recognising 第X章 etc. by pattern.
    """

    text: str
    level: int | None = None


@dataclass(frozen=True)
class LoadedText:
    """A file read into normalised, non-empty lines."""

    source: str  # path relative to the corpus folder, "/"-separated
    format: str  # md | txt | html | docx | pdf
    lines: tuple[Line, ...]
    encoding: str | None = None
    title_hint: str | None = None  # e.g. HTML <title>, docx core title; may be noisy
    info_end: int | None = None  # index of the first line after Markdown's <!-- INFO END -->
    extra: dict = field(default_factory=dict)
