"""Article positions as they are written: 第三十条第二款、第三款, 第五条至第八条, 第（五）项,
第四十四、四十五条 — the one parser of positions and ranges in kb.

The reference finder reads statute text with it; query understanding (kb.query.parse) reads
what people type with `typed=True`, which also takes 三十条 without 第 (a citation only after a
work's name: the caller decides), (三) without 第 or 项, 第1目, and lists joined by , or ;.

A chain is a run of position tokens joined by nothing (a deeper level: 第三十条第二款) or by a
list or range word (、 和 及 或者 至 …). Each token after a list word names a sibling at its
level (第三十条第二款、第三款: 款 3 of the same article); a range (第五条至第八条, 第一款至第三款)
is expanded when at most MAX_RANGE positions lie between its ends, else it keeps its two ends.
Numbers follow kb.numerals (Chinese, Arabic or full-width).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kb.numerals import NUM_CLASS, cn_to_int
from kb.references.model import Position

MAX_RANGE = 60  # the most positions a range fills in between its ends (第一条至第六十二条)
MAX_NUMBER = 100000  # a larger number is no position (a year, an amount)

_N = NUM_CLASS
_SUFFIX = rf"(?:\s*之\s*(?P<s>{_N})(?![条款项目]))?"  # 第三十条之一 (之 only follows 条)
_WRITTEN = re.compile(rf"(?P<di>第)\s*[（(]?\s*(?P<n>{_N})\s*[）)]?\s*(?P<l>条|款|项){_SUFFIX}")
_TYPED = re.compile(
    rf"(?P<di>第\s*)?(?:\(\s*(?P<pn>{_N})\s*\)(?!\s*[条款目])(?:\s*项)?"  # (三) / 第(三)项
    rf"|(?P<n>{_N})\s*(?P<l>条|款|项|目){_SUFFIX})"
)
_COMPACT = re.compile(  # 第四十四、四十五条 / 第30-32条 / 第三十至第三十二条: numbers before one 条
    rf"第\s*(?P<nums>{_N}(?:\s*(?:[、,]|和|及|至|到|-|~|～|—|－)\s*(?:第\s*)?{_N})+)\s*条"
)
_COMPACT_NUMBER = re.compile(_N)
_LISTS = frozenset(("、", "和", "及", "以及", "与", "或者", "或", "、以及", "，以及"))
_TYPED_LISTS = _LISTS | {",", ";", ",以及"}  # typed text is NFKC-normalised: ，→ ,
_RANGES = frozenset(("至", "到", "—", "-", "～", "~", "－"))
_SLOT = {"条": 0, "款": 2, "项": 3, "目": 4}  # where a level's number goes in a node
_number = lru_cache(maxsize=4096)(cn_to_int)  # the same few hundred numerals recur everywhere


@dataclass(frozen=True)
class Chain:
    """A run of position tokens: its span and the positions it names, in the order written."""

    start: int
    end: int
    positions: tuple[Position, ...]
    first_level: str  # 条, 款, 项 or 目: the level of the first token
    numbered: bool = True  # the first token has its 第 (typed text: 三十条 has none)


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    number: int
    level: str
    suffix: int = 0
    numbered: bool = True
    gap: str | None = None  # the word joining it to the token before, when the parser knows it


def find_chains(text: str, start: int = 0, *, typed: bool = False) -> list[Chain]:
    """Every chain of positions in `text` from `start`, left to right.

    With `typed`, a chain starts only at an article (第三十条, 三十条): a 款 or 项 written alone
    is no position in a query.
    """
    lists = _TYPED_LISTS if typed else _LISTS
    chains: list[Chain] = []
    group: list[tuple[str, _Token]] = []
    for tok in _tokens(text, start, typed):
        if group:
            gap = tok.gap if tok.gap is not None else text[group[-1][1].end : tok.start].strip()
            if gap == "" or gap in lists or gap in _RANGES:
                group.append((gap, tok))
                continue
            chains.append(_chain(group))
            group = []
        if tok.level == "条" or not typed:
            group = [("", tok)]
    if group:
        chains.append(_chain(group))
    return chains


def _tokens(text: str, start: int, typed: bool) -> list[_Token]:
    """Position tokens from `start` on; a compact 第四十四、四十五条 gives one per number."""
    found: list[_Token] = []
    pattern = _TYPED if typed else _WRITTEN
    compact, single = _COMPACT.search(text, start), pattern.search(text, start)
    while compact or single:
        if compact and (not single or compact.start() <= single.start()):
            found += _compact(text, compact)
            at = compact.end()
        else:
            if (tok := _token(single)) is not None:
                found.append(tok)
            at = single.end()
        if compact and compact.start() < at:
            compact = _COMPACT.search(text, at)
        if single and single.start() < at:
            single = pattern.search(text, at)
    return found


def _token(m: re.Match) -> _Token | None:
    """The token a match writes; None for what is no position (第零条, 之一 after 款, 二款)."""
    di, s = m.group("di"), m.group("s")
    if m.re is _TYPED and (pn := m.group("pn")) is not None:  # (三): an item, 第 and 项 optional
        level, number = "项", _number(pn)
    else:
        level, number = m.group("l"), _number(m.group("n"))
        if not di and level != "条":
            return None  # 第 may be left out before 条 only (选举法三十条)
    if not number or number > MAX_NUMBER or (s and level != "条"):
        return None
    return _Token(m.start(), m.end(), number, level, (_number(s) or 0) if s else 0, bool(di))


def _compact(text: str, m: re.Match) -> list[_Token]:
    """One article token per number of 第四十四、四十五条, joined by 、 or a range word."""
    out: list[_Token] = []
    at = m.start()
    for n in _COMPACT_NUMBER.finditer(text, m.start("nums"), m.end("nums")):
        number = _number(n.group())
        joined = text[at : n.start()].replace("第", "").strip()
        at = n.end()
        if not number or number > MAX_NUMBER:
            continue
        end = m.end() if n.end() == m.end("nums") else n.end()
        if not out:  # joined to what comes before like any token
            out.append(_Token(m.start(), end, number, "条"))
        else:
            gap = "至" if joined in _RANGES else "、"
            out.append(_Token(n.start(), end, number, "条", gap=gap))
    return out


def _chain(group: list[tuple[str, _Token]]) -> Chain:
    """Positions of one chain: adjacent tokens go deeper, listed tokens add siblings."""
    nodes: list[list] = []  # [article, suffix, paragraph, item, subitem]
    for gap, tok in group:
        slot = _SLOT[tok.level]
        last = nodes[-1] if nodes else None
        if last is not None and gap == "" and slot and all(v is None for v in last[slot:]):
            last[slot] = tok.number  # 第三十条第二款: one level deeper
            continue
        node = [None, 0, None, None, None] if last is None else last[:slot] + [None] * (5 - slot)
        node[slot] = tok.number
        if slot == 0:
            node[1] = tok.suffix
        if gap in _RANGES and last is not None:
            nodes.extend(between(last, node, slot))
        nodes.append(node)
    positions = tuple(dict.fromkeys(Position(*n) for n in nodes))
    first = group[0][1]
    return Chain(first.start, group[-1][1].end, positions, first.level, first.numbered)


def between(low: list, high: list, slot: int) -> list[list]:
    """The positions strictly between the two ends of a range, at the range's level: none when
    the range runs backwards or more than MAX_RANGE lie between (then only its ends count)."""
    a, b = low[slot], high[slot]
    if a is None or b is None or b <= a or b - a - 1 > MAX_RANGE:
        return []
    if slot == 0:
        return [[n, 0, None, None, None] for n in range(a + 1, b)]
    return [low[:slot] + [n] + [None] * (4 - slot) for n in range(a + 1, b)]
