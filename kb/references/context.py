"""Where a reference stands in the citing article: 前款 and 本条第二款 count from there."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from kb.numerals import ITEM_NUM, NUM_CLASS, cn_to_int
from kb.references.model import Position

_LABEL = re.compile(rf"\s*第\s*({NUM_CLASS})\s*条(?:\s*之\s*({NUM_CLASS}))?\s*")
_NEWLINE = re.compile("\n")
_ITEM_LINE = re.compile(rf"\s*(?:[（(]{ITEM_NUM}[）)]|\d+\s*[.．、])")
_BEFORE = {"前款": 1, "前二款": 2, "前两款": 2, "前三款": 3, "前四款": 4, "前五款": 5}
_BEFORE |= {"前六款": 6, "前七款": 7, "前八款": 8, "前九款": 9}


@dataclass
class Context:
    """The citing article (from its label) and where each of its 款 starts in the text."""

    label: tuple[str, str | None] | None = None  # the label's numerals, read when needed
    body_start: int = 0  # offset after the article's own label
    text: str = ""  # the article's text (empty: not an article)
    _starts: list[int] | None = None

    @property
    def article(self) -> int | None:
        return cn_to_int(self.label[0]) if self.label else None

    @property
    def suffix(self) -> int:
        return (cn_to_int(self.label[1]) or 0) if self.label and self.label[1] else 0

    def paragraph_at(self, offset: int) -> int | None:
        """The 款 (from 1) the offset is in, when the text is an article."""
        if not self.text:
            return None
        if self._starts is None:  # 款 start a line; 项 lines belong to the 款 above them
            self._starts = [0] + [
                m.end()
                for m in _NEWLINE.finditer(self.text)
                if not _ITEM_LINE.match(self.text, m.end())
            ]
        return max(1, bisect.bisect_right(self._starts, offset))

    def absolute(
        self, positions: tuple[Position, ...], relative: str, paragraph: int | None
    ) -> tuple[Position, ...]:
        """Positions with the citing article filled in; 前款 / 前条 turned into numbers."""
        article, suffix = self.article, self.suffix
        if relative == "前条":
            if article is None or article < 2 and not suffix:
                return (Position(None),) if article is None else ()
            before = (article, suffix - 1) if suffix else (article - 1, 0)
            if positions:  # 前条第二项
                return tuple(Position(*before, p.paragraph, p.item) for p in positions)
            return (Position(*before),)
        count = _BEFORE.get(relative, 0)
        if count:
            if paragraph is None:
                return tuple(positions) or (Position(article, suffix),)
            paras = [n for n in range(paragraph - count, paragraph) if n >= 1]
            if not paras:
                return ()
            if positions:  # 前款第（一）项
                return tuple(Position(article, suffix, paras[-1], p.item) for p in positions)
            return tuple(Position(article, suffix, n) for n in paras)
        out = []
        for p in positions:
            if p.article is not None:
                out.append(p)
            elif p.paragraph is None and relative != "本条":  # 第（一）项 / 本款第（一）项
                out.append(Position(article, suffix, paragraph, p.item))
            else:
                out.append(Position(article, suffix, p.paragraph, p.item))
        return tuple(out)


def passage_context(text: str) -> Context:
    """Context of an article's text: its label (第三十条之一 …); 款 are its lines."""
    m = _LABEL.match(text)
    if not m:
        return Context()
    return Context((m.group(1), m.group(2)), m.end(), text)
