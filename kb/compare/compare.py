"""Two versions of a work → a Comparison: aligned pairs with statuses and diffs, heading changes."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Sequence

from kb.compare.align import HEADING_IN_PLACE, Match, Unit, align
from kb.compare.diff import DELETE, INSERT, diff_articles, diff_texts, only
from kb.compare.model import (
    ADDED,
    CHANGED,
    DELETED,
    RENAMED,
    RENUMBERED,
    UNCHANGED,
    Comparison,
    HeadingPair,
    Pair,
    Summary,
    VersionText,
)
from kb.models import Heading, Passage
from kb.numerals import NUM_CLASS

# 第三章 / 第二分编 / 第一节 at the start of a heading: its number, compared as a hint only
_HEADING_NUMBER = re.compile(rf"^\s*第({NUM_CLASS})(分编|编|章|节)\s*")


def squash(text: str) -> str:
    """Text without whitespace: spacing is layout, not wording."""
    return "".join(text.split())


def passage_unit(p: Passage) -> Unit:
    """An article as the aligner sees it: its words after its number, its number as a hint."""
    body = p.text[len(p.label) :] if p.label and p.text.startswith(p.label) else p.text
    number = None
    if p.article is not None:
        number = f"{p.article}-{p.article_suffix}" if p.article_suffix else str(p.article)
    return Unit(squash(body), number)


def heading_unit(h: Heading) -> Unit:
    """A heading as the aligner sees it: its name, its number as a hint, its level as a group."""
    m = _HEADING_NUMBER.match(h.text)
    name = h.text[m.end() :] if m else h.text
    return Unit(squash(name), f"{m[1]}{m[2]}" if m else None, h.level)


def align_passages(old: VersionText, new: VersionText) -> list[Match]:
    """The articles of two versions of one work paired by the aligner (no diffs)."""
    return align([passage_unit(p) for p in old.passages], [passage_unit(p) for p in new.passages])


def compare_texts(
    old: VersionText, new: VersionText, matches: Sequence[Match] | None = None
) -> Comparison:
    """Align two versions of one work and describe every change (`matches`: their articles
    aligned already, see kb.compare.same_article)."""
    started = time.perf_counter()
    matches = list(align_passages(old, new) if matches is None else matches)
    pairs, row_old, row_new = _rows(old.passages, new.passages, matches)
    headings = _headings(old.headings, new.headings, row_old, row_new, len(pairs))
    counts = Counter(p.status for p in pairs)
    summary = Summary(
        *(counts[s] for s in (UNCHANGED, CHANGED, ADDED, DELETED, RENUMBERED)),
        headings=sum(1 for h in headings if h.status != UNCHANGED),
    )
    took = round((time.perf_counter() - started) * 1000, 2)
    return Comparison(old, new, summary, tuple(pairs), headings, took)


def _rows(
    old: Sequence[Passage], new: Sequence[Passage], matches: list[Match]
) -> tuple[list[Pair], dict[int, int], dict[int, int]]:
    """Pairs in reading order, and the row of every old and new passage.

    Between two pairs in order, the old passages deleted there come first, then the new ones
    added (or moved in from elsewhere); a moved article is shown where it now stands.
    """
    by_new = {m.new: m for m in matches}
    paired_old = {m.old for m in matches}
    steps = [m for m in matches if not m.moved] + [Match(len(old), len(new), 0.0)]
    pairs: list[Pair] = []
    row_old: dict[int, int] = {}
    row_new: dict[int, int] = {}
    next_old = next_new = 0
    for step in steps:
        for i in range(next_old, step.old):
            if i not in paired_old:
                row_old[i] = len(pairs)
                pairs.append(Pair(DELETED, old[i], None, only(DELETE, old[i].text), 0.0))
        for j in range(next_new, min(step.new + 1, len(new))):
            m = by_new.get(j)
            row_new[j] = len(pairs)
            if m is None:
                pairs.append(Pair(ADDED, None, new[j], only(INSERT, new[j].text), 0.0))
            else:
                row_old[m.old] = len(pairs)
                pairs.append(_pair(old[m.old], new[j], m))
        next_old, next_new = step.old + 1, step.new + 1
    return pairs, row_old, row_new


def _pair(old: Passage, new: Passage, m: Match) -> Pair:
    """The status and diff of two passages found to be one article."""
    if old.label != new.label:
        status = RENUMBERED
    else:
        status = UNCHANGED if m.similarity == 1.0 else CHANGED
    diff = diff_articles(old.text, old.label, new.text, new.label)
    return Pair(status, old, new, diff, round(m.similarity, 3), m.moved)


def _headings(
    old: Sequence[Heading],
    new: Sequence[Heading],
    row_old: dict[int, int],
    row_new: dict[int, int],
    end: int,
) -> tuple[HeadingPair, ...]:
    """Headings paired like articles, each placed before the first row under it."""
    matches = align(
        [heading_unit(h) for h in old], [heading_unit(h) for h in new], HEADING_IN_PLACE
    )
    placed: list[HeadingPair] = []
    for m in matches:
        a, b = old[m.old], new[m.new]
        if squash(a.text) == squash(b.text):
            status = UNCHANGED
        else:
            status = RENUMBERED if m.similarity == 1.0 else RENAMED
        placed.append(
            HeadingPair(status, a, b, diff_texts(a.text, b.text), row_new.get(b.first_passage, end))
        )
    kept_old = {m.old for m in matches}
    kept_new = {m.new for m in matches}
    placed += [
        HeadingPair(DELETED, h, None, only(DELETE, h.text), row_old.get(h.first_passage, end))
        for i, h in enumerate(old)
        if i not in kept_old
    ]
    placed += [
        HeadingPair(ADDED, None, h, only(INSERT, h.text), row_new.get(h.first_passage, end))
        for j, h in enumerate(new)
        if j not in kept_new
    ]
    order = lambda h: (h.before, (h.new or h.old).level, h.new is not None)  # noqa: E731
    return tuple(sorted(placed, key=order))
