"""Chinese and Arabic numerals as integers: 第三十条 → 30, 第一百零五条 → 105, 第44条 → 44."""

from __future__ import annotations

import re

_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
CN_NUM = "零〇○一二两三四五六七八九十百千万"
NUM_CLASS = f"[{CN_NUM}0-9０-９]+"  # any numeral: 第{NUM_CLASS}条
ITEM_NUM = "[一二三四五六七八九十]+"  # 项 labels: （一） … （九十九）; (1) is a 目, not a 项
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def cn_to_int(text: str) -> int | None:
    """Parse a Chinese (or Arabic) numeral; None when it is not one."""
    text = text.strip().translate(_FULLWIDTH)
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if any(c not in _DIGITS and c not in _UNITS for c in text):
        return None
    if all(c in _DIGITS for c in text) and len(text) > 1:  # 一九八二 style digit strings
        return int("".join(str(_DIGITS[c]) for c in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
            continue
        unit = _UNITS[ch]
        if unit == 10000:
            total += (section + (digit or 0)) * unit
            section, digit = 0, None
        else:
            section += (1 if digit is None else digit) * unit
            digit = None
    return total + section + (digit or 0)


def int_to_cn(number: int) -> str:
    """Render an integer the way statutes number articles (第一百零五条); from 100000 on, in digits."""
    if number < 0:
        raise ValueError("negative numbers have no article form")
    if number == 0:
        return "零"
    if number >= 100000:  # no statute has that many articles; keep such numbers readable
        return str(number)
    digits = "零一二三四五六七八九"
    parts, zero_pending = [], False
    for unit_value, unit in ((10000, "万"), (1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, number = divmod(number, unit_value)
        if d:
            if zero_pending:
                parts.append("零")
            parts.append(digits[d] + unit)
            zero_pending = False
        elif parts:
            zero_pending = True
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


_ARTICLE = re.compile(rf"第({NUM_CLASS})条(?:之({NUM_CLASS}))?")


def parse_article_label(label: str) -> tuple[int, int] | None:
    """第三十条之一 → (30, 1); 第30条 → (30, 0); None when it is not an article label."""
    m = _ARTICLE.fullmatch(label.strip())
    if not m:
        return None
    number = cn_to_int(m.group(1))
    suffix = cn_to_int(m.group(2)) if m.group(2) else 0
    if number is None or suffix is None:
        return None
    return number, suffix
