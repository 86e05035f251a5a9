"""Article expressions in a query: 第三十条, 第30条, 三十条, 第三十条之一, 第三十条第二款第（三）项,
lists (第四十四条、第四十五条; 第四十四、四十五条) and ranges (第三十条至第三十二条; 第30-32条).

Text reaching here is NFKC-normalised (全角 ３０ and （三） are already 30 and (三)). Each run of
positions is returned with its span; whether a run without 第 is a citation at all is decided by
the caller (only after a work's name: 选举法三十条).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kb.numerals import NUM_CLASS, cn_to_int

MAX_RANGE = 60  # a range longer than this lists its two ends only
MAX_POSITIONS = 100  # positions read from one query (the rest are searched as words)

_N = NUM_CLASS
_ITEM = rf"(?:第\s*)?\(\s*(?P<i>{_N})\s*\)\s*(?:项)?|第\s*(?P<j>{_N})\s*项"
_TAIL = rf"(?:\s*第\s*(?P<p>{_N})\s*款)?(?:\s*(?:{_ITEM}))?(?:\s*第\s*(?P<u>{_N})\s*目)?"
_FULL = re.compile(rf"(?P<di>第\s*)?(?P<a>{_N})\s*条(?:\s*之\s*(?P<s>{_N}))?{_TAIL}")
_PART = re.compile(rf"(?=\s*(?:第|\())(?P<a>){_TAIL}")
_COMPACT = re.compile(
    rf"(?P<di>第\s*)(?P<nums>{_N}(?:\s*(?:[、,]|和|及|至|到|-|~|—)\s*(?:第\s*)?{_N})+)\s*条"
)
_LIST = re.compile(r"\s*(?:[、,;]|以及|和|及|与|或者|或)\s*")
_RANGE = re.compile(r"\s*(?:至|到|-|~|—|－)\s*")
_COMPACT_PART = re.compile(rf"({_N})|(至|到|-|~|—)")


@dataclass(frozen=True)
class Position:
    """One cited place: article (之 suffix), and optionally 款, 项 and 目."""

    article: int
    suffix: int = 0
    paragraph: int | None = None
    item: int | None = None
    subitem: int | None = None


@dataclass(frozen=True)
class ArticleRun:
    """Positions written together (第三十条第二款、第三十一条), in the order written."""

    start: int
    end: int
    positions: tuple[Position, ...]
    numbered: bool  # begins with 第 (a bare 三十条 is a citation only after a name)


def _number(text: str | None) -> int | None:
    return cn_to_int(text) if text else None


def _position(m: re.Match, base: Position | None = None) -> Position | None:
    """The position a match writes; a partial one (第二款) completes `base`."""
    article = _number(m.group("a"))
    item = _number(m.group("i") or m.group("j"))
    paragraph, subitem = _number(m.group("p")), _number(m.group("u"))
    if article:
        suffix = _number(m.groupdict().get("s")) or 0
        return Position(article, suffix, paragraph, item, subitem)
    if base is None or not (paragraph or item or subitem):
        return None
    if paragraph:
        return Position(base.article, base.suffix, paragraph, item, subitem)
    if item:
        return Position(base.article, base.suffix, base.paragraph, item, subitem)
    return replace(base, subitem=subitem)


def _between(first: Position, last: Position) -> list[Position]:
    """Every position of a range, its ends included (articles, 款 or 项 of one article)."""
    if last.article != first.article:
        if not 0 < last.article - first.article <= MAX_RANGE:
            return [first, last]
        middle = [Position(a) for a in range(first.article + 1, last.article)]
        return [first, *middle, last]
    for level in ("paragraph", "item"):
        a, b = getattr(first, level), getattr(last, level)
        if a and b and 0 < b - a <= MAX_RANGE:
            return [replace(first, **{level: k}) for k in range(a, b + 1)]
    return [first, last]


def _compact(m: re.Match) -> list[Position]:
    """第四十四、四十五条 / 第30-32条 / 第三十至三十二条 → the articles listed."""
    out: list[Position] = []
    ranged = False
    for number, dash in _COMPACT_PART.findall(m.group("nums")):
        article = _number(number)
        if dash or not article:
            ranged = bool(dash)
            continue
        here = Position(article)
        out += _between(out.pop(), here) if ranged and out else [here]
        ranged = False
    return out


def _continue(text: str, at: int, last: Position) -> tuple[int, list[Position]] | None:
    """The next position written after a separator at `at` (a list item or a range end)."""
    sep = _RANGE.match(text, at) or _LIST.match(text, at)
    if not sep:
        return None
    m = _FULL.match(text, sep.end())
    if m:
        pos = _position(m)
    else:
        m = _PART.match(text, sep.end())
        pos = _position(m, last) if m and m.end() > sep.end() else None
    if pos is None:
        return None
    if sep.re is _RANGE:
        return m.end(), _between(last, pos)[1:]
    return m.end(), [pos]


def find_articles(text: str) -> list[ArticleRun]:
    """Every run of article positions in `text`, left to right (MAX_POSITIONS at the most)."""
    runs, at, count = [], 0, 0
    while at < len(text) and count < MAX_POSITIONS:
        compact, full = _COMPACT.search(text, at), _FULL.search(text, at)
        m = compact if compact and (not full or compact.start() <= full.start()) else full
        if m is None:
            break
        positions = _compact(m) if m is compact else [p] if (p := _position(m)) else []
        if not positions:
            at = m.end()
            continue
        end = m.end()
        while (more := _continue(text, end, positions[-1])) is not None:
            end, added = more
            positions += added
        positions = positions[: MAX_POSITIONS - count]
        count += len(positions)
        runs.append(ArticleRun(m.start(), end, tuple(positions), bool(m.group("di"))))
        at = end
    return runs
