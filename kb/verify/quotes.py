"""Quotations in running text (“…” and 「…」) and how they compare with an article's words.

Comparison ignores what copying changes without changing the words: spaces and line breaks,
full/half width, the article's own label (第三十条), and punctuation at either end of the
quote. An ellipsis (…… or ...) inside a quote stands for left-out words: its parts must occur
in order.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from kb.numerals import NUM_CLASS

_QUOTE = re.compile(r"“([^“”]{1,2000})”|「([^「」]{1,2000})」")
_SPACE = re.compile(r"\s+")
_ELLIPSIS = re.compile(r"(?:…+|\.{3,}|。{3,})")
_LABEL = re.compile(rf"^第{NUM_CLASS}条(?:之{NUM_CLASS})?")
_EDGE_PUNCT = "，。；：、！？,.;:!? "
MIN_QUOTE = 4  # characters: shorter quotes (“国家”, “三年”) are terms, not quotations


@dataclass(frozen=True)
class Quote:
    """A quotation as written, with its [start, end) offsets (inside the marks)."""

    text: str
    start: int
    end: int


def find_quotes(text: str) -> list[Quote]:
    """Every quotation of at least MIN_QUOTE characters, in order."""
    out = []
    for m in _QUOTE.finditer(text):
        group = 1 if m.group(1) is not None else 2
        if len(normalize(m.group(group))) >= MIN_QUOTE:
            out.append(Quote(m.group(group), m.start(group), m.end(group)))
    return out


def normalize(text: str) -> str:
    """Text as compared: NFKC, no spaces or line breaks."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def article_words(text: str) -> str:
    """An article's text as compared: normalized, without its leading 第X条 label."""
    return _LABEL.sub("", normalize(text), count=1)


def quote_parts(quote: str) -> list[str]:
    """The pieces of a quote between ellipses, normalized, with end punctuation dropped."""
    parts = [p.strip(_EDGE_PUNCT) for p in _ELLIPSIS.split(normalize(quote))]
    return [p for p in parts if p]


def contains(words: str, parts: list[str]) -> bool:
    """Whether `words` (see article_words) holds every part, in order."""
    at = 0
    for part in parts:
        found = words.find(part, at)
        if found < 0:
            return False
        at = found + len(part)
    return bool(parts)


def diff(quote: str, words: str) -> list[dict]:
    """How a quote differs from the closest stretch of an article: equal/replace/delete/insert
    steps, each with the quoted and the actual characters."""
    quoted = "……".join(quote_parts(quote))
    window = _closest(quoted, words)
    matcher = difflib.SequenceMatcher(None, quoted, window, autojunk=False)
    return [
        {"op": op, "quoted": quoted[a1:a2], "actual": window[b1:b2]}
        for op, a1, a2, b1, b2 in matcher.get_opcodes()
    ]


def similarity(quote: str, words: str) -> float:
    """Share of the quote's characters found, in order, in the closest stretch of `words`."""
    quoted = "".join(quote_parts(quote))
    if not quoted:
        return 0.0
    window = _closest(quoted, words)
    matcher = difflib.SequenceMatcher(None, quoted, window, autojunk=False)
    return sum(b.size for b in matcher.get_matching_blocks()) / len(quoted)


def _closest(quoted: str, words: str) -> str:
    """The stretch of `words` the quote lines up with: around its longest common run, from the
    first to the last matching character, widened to the quote's length where the ends differ."""
    longest = difflib.SequenceMatcher(None, words, quoted, autojunk=False).find_longest_match(
        0, len(words), 0, len(quoted)
    )
    if not longest.size:
        return words[: len(quoted)]
    slack = max(2, len(quoted) // 5)
    low = max(0, longest.a - longest.b - slack)
    region = words[low : longest.a - longest.b + len(quoted) + slack]
    matcher = difflib.SequenceMatcher(None, region, quoted, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    first, last = blocks[0], blocks[-1]
    start = max(0, first.a - first.b)
    return region[start : last.a + last.size + (len(quoted) - last.b - last.size)]
