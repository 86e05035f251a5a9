"""Line patterns of Chinese official texts: 第X条, 第X章, （一）, 1., dates, and readers."""

from __future__ import annotations

import re
import unicodedata

from kb.numerals import CN_NUM, ITEM_NUM, NUM_CLASS, cn_to_int

NUM = NUM_CLASS
CN = f"[{CN_NUM}]+"

# 第三十条 / 第三十条之一, followed by a space. Typing slips seen in the corpus are read too:
# a stray space ("第四百一十四 条…"), 笫 for 第, and a dash for 一 ("第三十－条").
_ARTICLE_NUM = f"[{CN_NUM}0-9０-９－—]+"
ARTICLE = re.compile(rf"^[第笫]({_ARTICLE_NUM})(?:条(?:之({NUM}))?(?=\s|$)|\s+条(?:之({NUM}))?)")
_DASH_ONE = str.maketrans("－—", "一一")
# 第一编 / 第一分编 / 第一章 / 第一节, followed by a short name without sentence punctuation.
STRUCT_HEADING = re.compile(rf"^第({CN}|[0-9]+)\s*(分编|编|章|节)(?:\s*(.*))?$")
NAMED_HEADING = re.compile(r"^(附\s*则|总\s*则|序\s*言|分\s*则)$")
ITEM = re.compile(rf"^({CN})、")  # 一、 (interpretations, 修正案, 决定)
SUB_ITEM = re.compile(rf"^[（(]({ITEM_NUM})[）)]")  # （一） 项
POINT = re.compile(r"^([0-9０-９]{1,2})[.．、](?![0-9０-９])")  # 1. / 1、 目
PAREN_POINT = re.compile(r"^[（(]([0-9０-９]{1,2})[）)]")  # （1）
APPENDIX = re.compile(rf"^附\s*(?:(?:件|表|录)\s*(?:{NUM})?(?:[：:].*)?|[：:].*)$")
DATE = re.compile(r"([0-9０-９]{4})\s*年\s*([0-9０-９]{1,2})\s*月\s*([0-9０-９]{1,2})\s*日")
# 文号: 法释〔2021〕11号, 劳社部发[2008]3号
DOC_NUMBER = re.compile(r"^\S{1,12}[〔［\[(（]\s*\d{4}\s*[〕］\])）]\s*\d+\s*号$")
SENTENCE_PUNCT = re.compile(r"[。；;，,：:？！]")
HEADING_PUNCT = re.compile(r"[。；;：:？！]")  # chapter titles may hold commas, never these
INNER_ARTICLE = re.compile(rf".第{NUM}条|改为")
COMMENT = re.compile(r"^<!--.*-->$")
WORD = re.compile(r"\w")  # a line with no letter, digit or hanzi at all is a stray bracket
TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}")
_LEVEL = {"编": 1, "分编": 2, "章": 3, "节": 4}
_NAMED_LEVEL = 3
_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Remove all whitespace and fold full-width forms (NFKC): the key for comparing texts."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def iso_date(text: str) -> str | None:
    """Return the first 2021年1月1日-style date in `text` as ISO, or None."""
    m = DATE.search(text)
    if not m:
        return None
    year, month, day = (int(unicodedata.normalize("NFKC", g)) for g in m.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def article_number(text: str) -> tuple[int, int, str] | None:
    """第三十条之一 … → (30, 1, "第三十条之一"); None when the line does not start an article."""
    m = ARTICLE.match(text)
    if not m:
        return None
    number = cn_to_int(m.group(1).translate(_DASH_ONE))
    suffix_text = m.group(2) or m.group(3)
    suffix = cn_to_int(suffix_text) if suffix_text else 0
    if number is None or suffix is None:
        return None
    label = f"第{m.group(1).translate(_DASH_ONE)}条" + (f"之{suffix_text}" if suffix_text else "")
    return number, suffix, squash(label)


def heading_level(text: str) -> int | None:
    """Level of a 编/分编/章/节/附则/序言 heading recognised by pattern alone, else None."""
    if (
        len(text) > 40
        or HEADING_PUNCT.search(text.removesuffix("。"))
        or INNER_ARTICLE.search(text)
    ):
        return None
    m = STRUCT_HEADING.match(text)
    if m:
        return _LEVEL[m.group(2)]
    if NAMED_HEADING.match(text):
        return _NAMED_LEVEL
    return None


def item_number(text: str) -> int | None:
    """一、… → 1; None when the line is not a top-level numbered item."""
    m = ITEM.match(text)
    return cn_to_int(m.group(1)) if m else None


def point_number(text: str) -> int | None:
    """1. / 1、 / （1） → 1; None otherwise."""
    m = POINT.match(text) or PAREN_POINT.match(text)
    return int(unicodedata.normalize("NFKC", m.group(1))) if m else None


def sub_item_number(text: str) -> int | None:
    """（一） → 1; None otherwise."""
    m = SUB_ITEM.match(text)
    return cn_to_int(m.group(1)) if m else None


def is_noise(text: str) -> bool:
    """Leftovers that are not document text: HTML comments, table rules, lone brackets."""
    return bool(COMMENT.match(text) or TABLE_RULE.match(text) or not WORD.search(text))


def is_heading_like(text: str) -> bool:
    """A short line without sentence punctuation (a title, a heading)."""
    return len(text) <= 40 and not SENTENCE_PUNCT.search(text.rstrip("。"))


def strip_label(line: str, label: str) -> str:
    """The line without its leading label (第三十条, 一、, 1. …) as the line writes it."""
    if not label:
        return line
    m = ARTICLE.match(line) if label.startswith("第") else None
    if m:
        return line[m.end() :].strip()
    return line[len(label) :].strip() if line.startswith(label) else line
