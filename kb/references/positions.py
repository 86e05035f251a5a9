"""Chains of positions as statutes write them: 第三十条第二款、第三款, 第五条至第八条, 第（五）项.

A chain is a run of 第…条 / 第…款 / 第…项 tokens joined by nothing (a deeper level:
第三十条第二款) or by a list or range word (、 和 及 或者 至 …). Ranges are expanded, up to
MAX_RANGE positions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kb.numerals import NUM_CLASS, cn_to_int
from kb.references.model import Position

MAX_RANGE = 60  # a range longer than this keeps its two ends only
_TOKEN = re.compile(
    rf"第\s*[（(]?\s*({NUM_CLASS})\s*[）)]?\s*(条|款|项)(?:\s*之\s*({NUM_CLASS})(?![条款项]))?"
)
_number = lru_cache(maxsize=4096)(cn_to_int)  # the same few hundred numerals recur everywhere
_LIST = frozenset(("、", "和", "及", "以及", "与", "或者", "或", "、以及", "，以及"))
_RANGE = frozenset(("至", "到", "—", "-", "～", "~"))


@dataclass(frozen=True)
class Chain:
    """A run of position tokens: its span and the positions it names."""

    start: int
    end: int
    positions: tuple[Position, ...]
    first_level: str  # 条, 款 or 项: the level of the first token


@dataclass
class _Token:
    start: int
    end: int
    number: int
    level: str
    suffix: int


def _tokens(text: str, start: int = 0) -> list[_Token]:
    found = []
    for m in _TOKEN.finditer(text, start):
        number = _number(m.group(1))
        if not number or number > 100000:
            continue
        if m.group(2) != "条" and m.group(3):  # 之一 only follows 条
            continue
        suffix = _number(m.group(3)) if m.group(3) else 0
        found.append(_Token(m.start(), m.end(), number, m.group(2), suffix or 0))
    return found


def find_chains(text: str, start: int = 0) -> list[Chain]:
    """Every chain of positions in `text` from `start`, left to right."""
    chains: list[Chain] = []
    group: list[tuple[str, _Token]] = []
    for tok in _tokens(text, start):
        if group:
            gap = text[group[-1][1].end : tok.start].strip()
            if gap == "" or gap in _LIST or gap in _RANGE:
                group.append((gap, tok))
                continue
            chains.append(_chain(group))
        group = [("", tok)]
    if group:
        chains.append(_chain(group))
    return chains


_SLOT = {"条": 0, "款": 2, "项": 3}  # where a level's number goes in [article, suffix, 款, 项]


def _chain(group: list[tuple[str, _Token]]) -> Chain:
    """Positions of one chain: adjacent tokens go deeper, listed tokens add siblings."""
    nodes: list[list] = []  # [article, suffix, paragraph, item]
    for gap, tok in group:
        slot = _SLOT[tok.level]
        last = nodes[-1] if nodes else None
        if last is not None and gap == "" and slot and all(v is None for v in last[slot:]):
            last[slot] = tok.number  # 第三十条第二款: one level deeper
            continue
        node = [None, 0, None, None] if last is None else last[:slot] + [None] * (4 - slot)
        node[slot] = tok.number
        if slot == 0:
            node[1] = tok.suffix
        if gap in _RANGE and last is not None:
            nodes.extend(_between(last, node, slot))
        nodes.append(node)
    positions = tuple(dict.fromkeys(Position(*n) for n in nodes))
    first = group[0][1]
    return Chain(first.start, group[-1][1].end, positions, first.level)


def _between(low: list, high: list, slot: int) -> list[list]:
    """The positions strictly between the two ends of a range, at the range's level."""
    a, b = low[slot], high[slot]
    if a is None or b is None or b <= a or b - a - 1 > MAX_RANGE:
        return []
    if low[:slot] != high[:slot] and slot:
        return []  # 第三条第二款至第五条第一款: only the ends are certain
    if slot == 0:
        return [[n, 0, None, None] for n in range(a + 1, b)]
    return [low[:slot] + [n] + [None] * (3 - slot) for n in range(a + 1, b)]
