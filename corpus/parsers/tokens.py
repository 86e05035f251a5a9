"""Body lines → tokens: headings (by hint, pattern or TOC name), articles, items, points."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.parsers.patterns import (
    APPENDIX,
    ITEM,
    POINT,
    article_number,
    heading_level,
    is_heading_like,
    item_number,
    point_number,
    sub_item_number,
)
from corpus.parsers.toc import Toc, detect_toc, entry_name
from corpus.text import Line
from kb.numerals import NUM_CLASS

APPENDIX_LEVEL = 1
NUMBERED_LEVEL = 3  # 一、 headings in interpretations sit where chapters would
BARE_APPENDIX = re.compile(rf"^附\s*[件表录]\s*(?:{NUM_CLASS})?\s*[：:]?$")
_CONNECTIVES = ("、", "，", ",", "和", "及", "与", "或", "的", "以", "并")


@dataclass(frozen=True)
class Token:
    """One classified body line."""

    kind: str  # heading | article | item | point | text
    text: str
    level: int = 0  # headings
    number: int | None = None  # article, item or point number; numbered headings' number
    suffix: int = 0  # 之一 → 1
    label: str = ""  # 第三十条之一 / 一、 / 1.
    appendix: bool = False  # 附件一 / 附表 headings


def _hinted_level(line: Line) -> int:
    text = line.text
    level = heading_level(text)
    if level:
        return level
    if item_number(text):
        return NUMBERED_LEVEL
    if sub_item_number(text):
        return NUMBERED_LEVEL + 1
    return min((line.level or 2) + 1, 6)


def heading_candidate(line: Line) -> tuple[int, str] | None:
    """(level, text) when the line is a heading by its Markdown hint or by pattern."""
    if line.level is not None and line.level >= 2:
        return _hinted_level(line), line.text
    level = heading_level(line.text)
    if level:
        return level, line.text
    if len(line.text) <= 60 and APPENDIX.match(line.text):
        return APPENDIX_LEVEL, line.text
    return None


def _heading(level: int, text: str, appendix: bool = False) -> Token:
    number = item_number(text)
    label = ITEM.match(text).group(0) if number else ""
    return Token("heading", text, level, number, 0, label, appendix or bool(APPENDIX.match(text)))


def classify(line: Line, toc: Toc, numbered_headings: bool) -> Token:
    """Classify one body line."""
    text = line.text
    plain = line.level is None and is_heading_like(text)
    candidate = toc.names.get(entry_name(text)) if plain and toc.names else None
    candidate = candidate or heading_candidate(line)
    if candidate is None and plain and numbered_headings and item_number(text):
        candidate = (NUMBERED_LEVEL, text)
    if candidate is not None:
        return _heading(*candidate)
    article = article_number(text)
    if article:
        return Token("article", text, number=article[0], suffix=article[1], label=article[2])
    number = item_number(text)
    if number:
        return Token("item", text, number=number, label=ITEM.match(text).group(0))
    point = point_number(text) if POINT.match(text) else None
    if point:
        return Token("point", text, number=point, label=POINT.match(text).group(0))
    return Token("text", text)


def tokenize(lines: list[Line]) -> list[Token]:
    """Tokens for the body lines, with a leading table of contents dropped."""
    toc = detect_toc([heading_candidate(ln) for ln in lines])
    articles = any(article_number(ln.text) for ln in lines)
    numbered = any(ln.level and ln.level >= 2 and item_number(ln.text) for ln in lines)
    tokens = [classify(ln, toc, numbered and not articles) for ln in lines[toc.length :]]
    return repair_headings(tokens) if articles else promote_numbered(tokens)


def _numbered_title(tokens: list[Token], i: int, before: tuple[str, ...]) -> bool:
    """一、关于… as a section title: bare, and followed by a token of a kind in `before`."""
    token = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    return (
        token.kind == "item"
        and is_heading_like(token.text)
        and not token.text.endswith("。")
        and nxt is not None
        and nxt.kind in before
    )


def promote_numbered(tokens: list[Token]) -> list[Token]:
    """In 一、-numbered texts, bare 一、 titles followed by text or 1. points are headings."""
    return [
        _heading(NUMBERED_LEVEL, t.text) if _numbered_title(tokens, i, ("text", "point")) else t
        for i, t in enumerate(tokens)
    ]


def _title_like(text: str) -> bool:
    """Loose heading test: short, no full stop, not ending like a clause or a list."""
    return (
        len(text) <= 40
        and "。" not in text
        and not text.endswith(("；", ";", "：", ":"))
        and not item_number(text)
        and not point_number(text)
    )


def _sub_heading(tokens: list[Token], i: int) -> bool:
    """（二）权利质押 between articles: a bare （X） line that introduces the next article."""
    text, prev = tokens[i].text, tokens[i - 1].text if i else ""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    return (
        bool(sub_item_number(text))
        and len(text) <= 20
        and is_heading_like(text)
        and not text.endswith("。")
        and nxt is not None
        and nxt.kind == "article"
        and not prev.endswith(("：", ":"))
        and not sub_item_number(prev)
    )


def repair_headings(tokens: list[Token]) -> list[Token]:
    """Fix headings split over two lines, and sub-headings that lost their 第X节 label."""
    out: list[Token] = []
    for i, token in enumerate(tokens):
        prev = out[-1] if out else None
        after_heading = token.kind == "text" and prev is not None and prev.kind == "heading"
        if (
            after_heading
            and _title_like(token.text)
            and (BARE_APPENDIX.match(prev.text) or prev.text.endswith(_CONNECTIVES))
        ):
            glue = " " if prev.appendix else ""
            out[-1] = _heading(prev.level, prev.text + glue + token.text, prev.appendix)
            continue
        if after_heading and _title_like(token.text) and is_heading_like(token.text):
            token = Token("heading", token.text, min(prev.level + 1, 6))
        elif token.kind == "text" and _sub_heading(tokens, i):
            token = Token("heading", token.text, NUMBERED_LEVEL + 1)
        elif _numbered_title(tokens, i, ("article", "heading")):
            token = _heading(NUMBERED_LEVEL, token.text)
        out.append(token)
    return out
