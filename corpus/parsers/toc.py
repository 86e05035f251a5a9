"""Tables of contents: a run of headings at the top of the body that the body repeats later."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.parsers.patterns import squash

_NUMBER_PREFIX = re.compile(r"^第[^章节编]{1,6}(?:分编|编|章|节)")

MIN_RUN = 3


@dataclass(frozen=True)
class Toc:
    """The entries of a detected table of contents, by name without the 第X章 prefix."""

    length: int = 0  # how many leading heading tokens it spans
    names: dict[str, tuple[int, str]] = field(default_factory=dict)  # name key → (level, text)


def entry_name(text: str) -> str:
    """第一章 总 则 → 总则: the squashed name a body line may repeat without its number."""
    return squash(_NUMBER_PREFIX.sub("", squash(text)))


def detect_toc(headings: list[tuple[int, str] | None]) -> Toc:
    """Find a TOC in `headings` (one (level, text) per body line, None for text lines).

    A TOC is a run of at least three headings before any text, with two siblings of the same
    level next to each other (real chapters always have text between them), at least one of
    which appears again further down.
    """
    run = 0
    while run < len(headings) and headings[run] is not None:
        if run and entry_name(headings[run][1]) == entry_name(headings[0][1]):
            break  # the body starts over with the first entry
        run += 1
    if run < MIN_RUN:
        return Toc()
    entries = [h for h in headings[:run] if h is not None]
    siblings = any(a[0] == b[0] for a, b in zip(entries, entries[1:], strict=False))
    later = {squash(h[1]) for h in headings[run:] if h is not None}
    if not siblings or not any(squash(text) in later for _, text in entries):
        return Toc()
    names = {entry_name(text): (level, text) for level, text in entries if entry_name(text)}
    return Toc(run, names)
