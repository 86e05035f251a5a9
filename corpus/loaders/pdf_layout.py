"""Visual PDF rows → paragraphs: drop page furniture, rejoin wrapped lines without spaces."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from kb.numerals import CN_NUM

# A 条/章/节/编 label followed by whitespace starts a paragraph even at the left margin
# (a wrapped "…依照本法第十条规定" never has the space after the label).
_LABEL = re.compile(rf"^第[{CN_NUM}\d]+(?:分编|[编章节条])(?:之[{CN_NUM}]+)?\s")
# -1-, - 1 -, —1—, 第1页共5页, 3/15, a bare 12, or a lower-case roman xii (spaces removed first)
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－‒―~～_]+\d{1,4}[-—–－‒―~～_]+|第\d{1,4}页(?:共\d{1,4}页)?|\d{1,4}(?:/\d{1,4})?"
    r"|[-—–]?[ivxlc]{1,6}[-—–]?)$"
)
_CLAUSE_END = re.compile(
    r"(?:[。！？；：!?;:）)」』”〉》】]|通过|修正|修订|公布|施行|批准|发布|废止|颁布|印发)$"
)
_EDGE_ZONE = 0.1  # top and bottom tenth of a page: where headers, footers and page numbers live


@dataclass(frozen=True)
class Row:
    """One visual line of a page, in PDF points (y grows upwards)."""

    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # median glyph size
    text: str
    lead: float  # width of the first unbreakable token (for "would it have fitted?" tests)
    page_height: float = 842.0


def merge_rows(rows: list[Row]) -> list[Row]:
    """Sort a page's lines top to bottom and join pieces that share a baseline, left to right."""
    merged: list[list[Row]] = []
    for row in sorted(rows, key=lambda r: (-r.top, r.x0)):
        group = merged[-1] if merged else None
        if group and _overlap(group[0], row) > 0.5:
            group.append(row)
        else:
            merged.append([row])
    return [_join_pieces(sorted(group, key=lambda r: r.x0)) for group in merged]


def _overlap(a: Row, b: Row) -> float:
    shared = min(a.top, b.top) - max(a.bottom, b.bottom)
    return shared / max(min(a.top - a.bottom, b.top - b.bottom), 0.1)


def _join_pieces(pieces: list[Row]) -> Row:
    text = pieces[0].text
    for before, piece in zip(pieces, pieces[1:], strict=False):
        text += (" " if piece.x0 - before.x1 > 0.25 * piece.size else "") + piece.text
    widest = max(pieces, key=lambda r: r.x1 - r.x0)
    return replace(
        pieces[0],
        x1=max(p.x1 for p in pieces),
        top=max(p.top for p in pieces),
        bottom=min(p.bottom for p in pieces),
        size=widest.size,
        text=text,
    )


def _in_edge_zone(row: Row) -> bool:
    return row.top > row.page_height * (1 - _EDGE_ZONE) or row.bottom < row.page_height * _EDGE_ZONE


def _furniture_key(row: Row) -> tuple[str, int]:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", row.text)), round(row.size)


def drop_furniture(pages: list[list[Row]]) -> list[list[Row]]:
    """Remove page numbers and running headers/footers repeated in the margins of many pages."""
    counts = Counter(
        key for rows in pages for key in {_furniture_key(r) for r in rows if _in_edge_zone(r)}
    )
    needed = max(2, len(pages) // 2)
    repeated = {key for key, n in counts.items() if n >= needed}

    def furniture(row: Row) -> bool:
        if not _in_edge_zone(row):
            return False
        return bool(_PAGE_NUMBER.match(re.sub(r"\s+", "", row.text))) or (
            _furniture_key(row) in repeated
        )

    return [[r for r in rows if not furniture(r)] for rows in pages]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)]


@dataclass(frozen=True)
class _Frame:
    """Where rows of each font size start and end (a small-print block may be inset)."""

    lefts: dict[float, float]
    rights: dict[float, float]

    def indented(self, row: Row) -> bool:
        return row.x0 > self.lefts[row.size] + 0.5 * row.size

    def right(self, row: Row) -> float:
        return self.rights[row.size]

    def centered(self, row: Row) -> bool:
        margins = (row.x0 - self.lefts[row.size], self.right(row) - row.x1)
        return margins[0] > row.size and abs(margins[0] - margins[1]) < 1.5 * row.size


def _left_edge(rows: list[Row]) -> float:
    starts = Counter(round(r.x0, 1) for r in rows)
    common = [x for x, n in starts.items() if n >= max(2, len(rows) * 0.05)]
    return min(common or starts)


def _frame(rows: list[Row]) -> _Frame:
    by_size: dict[float, list[Row]] = {}
    for row in rows:
        by_size.setdefault(row.size, []).append(row)
    # the 90th percentile, not the maximum: hanging punctuation sticks out past the margin
    rights = {s: _percentile([r.x1 for r in group], 0.9) for s, group in by_size.items()}
    return _Frame({s: _left_edge(group) for s, group in by_size.items()}, rights)


def _starts_paragraph(prev: Row, row: Row, frame: _Frame) -> bool:
    if abs(row.size - prev.size) > 0.5 or _LABEL.match(row.text):
        return True
    if row.page == prev.page and prev.bottom - row.top > 1.5 * row.size:
        return True  # a blank line's worth of space
    if prev.x1 + row.lead <= frame.right(row) + 0.1 * row.size:
        return True  # the row's first word would have fitted on the previous row
    if prev.x1 < frame.right(prev) - row.size and _CLAUSE_END.search(prev.text):
        return True  # a short row ending a sentence or a history line (…通过, …修正)
    return frame.indented(row) and not frame.centered(row)  # a wrapped centred title continues


def _glue(text: str, more: str) -> str:
    if text[-1:].isascii() and text[-1:].isalpha() and more[:1].isascii() and more[:1].isalpha():
        return f"{text} {more}"
    return text + more


def paragraphs(rows: list[Row]) -> list[str]:
    """Join visual rows into paragraphs: a paragraph starts on indent, label, gap or short row."""
    if not rows:
        return []
    frame = _frame(rows)
    result: list[str] = []
    prev: Row | None = None
    for row in rows:
        if prev is None or _starts_paragraph(prev, row, frame):
            result.append(row.text)
        else:
            result[-1] = _glue(result[-1], row.text)
        prev = row
    return result
