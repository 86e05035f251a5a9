"""Snippets: passage text cut around the matches, with highlight ranges (never HTML)."""

from __future__ import annotations

from kb.models import Snippet

SNIPPET_CHARS = 180
ELLIPSIS = "…"


def find_ranges(text: str, surfaces: list[str]) -> list[tuple[int, int]]:
    """Merged [start, end) ranges where any surface string occurs (Latin compared lowercased)."""
    folded = text.lower()
    ranges = []
    for s in {s.lower() for s in surfaces if s and s.strip()}:
        start = folded.find(s)
        while start >= 0:
            ranges.append((start, start + len(s)))
            start = folded.find(s, start + len(s))
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for a, b in ranges:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _best_window(ranges: list[tuple[int, int]], size: int, length: int) -> int:
    """Start offset of the `size`-character window covering the most highlighted characters."""
    best, best_start = -1, 0
    for a, _b in ranges:
        start = max(0, min(a - size // 5, length - size))
        covered = sum(
            min(e, start + size) - max(s, start)
            for s, e in ranges
            if s < start + size and e > start
        )
        if covered > best:
            best, best_start = covered, start
    return best_start


def make_snippet(text: str, surfaces: list[str], size: int = SNIPPET_CHARS) -> Snippet:
    """The whole text if short, else the densest window, with ranges relative to the snippet."""
    ranges = find_ranges(text, surfaces)
    if len(text) <= size:
        return Snippet(text, tuple(ranges))
    start = _best_window(ranges, size, len(text)) if ranges else 0
    end = min(len(text), start + size)
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    shift = len(prefix) - start
    inside = tuple(
        (max(a, start) + shift, min(b, end) + shift) for a, b in ranges if a < end and b > start
    )
    return Snippet(prefix + text[start:end] + suffix, inside)
