"""Work names in running text: 《titles》, 本法, 同法, short names such as 选举法, abbreviations.

Without a NameIndex the name in front of 第…条 is cut from the run of Chinese characters
before it: the run must end like a law's name (法, 条例, 办法 …) and is cut after the last
verb that introduces a law (依照, 根据, 违反, 认定为 …). With a NameIndex the longest known
name the run ends with wins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from kb.numerals import NUM_CLASS
from kb.references.model import NameIndex

SUFFIXES = ("法典", "法", "条例", "办法", "规定", "细则", "决定", "解释", "规则", "章程", "通则")
SUFFIXES += ("准则", "公约", "协定", "纲要")
# Words that end like a law's name but name none.
GENERIC = frozenset(
    "法律 法规 行政法规 地方性法规 法律法规 规定 办法 条例 细则 决定 解释 规则 章程 准则 通则 "
    "方法 做法 立法 执法 司法 依法 合法 违法 非法 守法 说法 想法 有关规定 相关规定 国家规定 "
    "法律规定 其他规定 上述规定 前述规定 下列规定 具体办法 实施办法 实施细则 管理办法 "
    "有关法律 相关法律 其他法律 法律和行政法规 该规定 该办法".split()
)
_GENERIC_START = re.compile(
    r"^(?:有关|相关|其他|上述|前述|下列|以下|这些|此|各项|本|该|同|原|国家有关|按)"
)
_CUE = re.compile(
    r"依照|依据|按照|根据|参照|比照|适用|违反|符合|属于|认定为|构成|遵守|援引|引用|具有|是指|"
    r"[在将是把被即的]"
)
# 刑法分则第九章第三百九十八条: the part of the work between its name and the article
_PART = re.compile(rf"(?:总则|分则|附则)?(?:第{NUM_CLASS}[编章节])*$")
# Bare names (without 《》) end in 法 / 法典 / 条例, but not in these words
_COMMON_TAILS = frozenset(
    "合法 违法 非法 依法 守法 立法 执法 司法 方法 做法 用法 手法 说法 想法 看法 写法 犯法 枉法 不法 无法 设法 办法".split()
)
_LEAD = "及与或由除依按照即为以从并均仍亦也应当可以分别同时"  # never start a law's name
_RUN = re.compile(r"[\u4e00-\u9fff〇]{1,60}(?:[（(][\u4e00-\u9fff〇]{1,6}[）)])?$")
_RUN_TAIL = 80
_SELF = re.compile(  # not the 本 of 基本法 / 根本法
    r"(?<![基根])本(?:条例实施细则|实施条例|实施细则|实施办法|条例|办法|规定|决定|细则|解释|规则|章程|准则|通则|"
    r"安排|意见|规范|决议|法)$"
)
_SAME = re.compile(r"(?:同法|该法|该条例|该办法|该规定|该决定|该解释|该细则|上述法律|该条|该款)$")
_NOT_BEFORE_SAME = ("合", "共", "应")  # 劳动合同法, 共同法, 应该法 are no 同法 / 该法
_RELATIVE = re.compile(r"(?:本条|本款|前款|前条)$")
_TAIL = re.compile(
    r"[（(][^（）()《》]{1,30}[）)]$"
)  # （2018年修正）, （以下简称…）, （法释〔…〕号）
_VERSION = re.compile(r"\d{4}年.{0,6}(?:修正|修订|版|公布|通过|批准|发布|文本)|试行")
ABBREVIATION = re.compile(
    r"》\s*[（(]\s*(?:以下)?简?称\s*[“\"《]?([^（）()《》“”\"]{2,20}?)[”\"》]?\s*[）)]"
)


_BRACKET = re.compile(r"[《》]")


def title_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every outermost 《…》 in `text` (nested 《》 and 〈〉 stay inside)."""
    if "《" not in text:
        return []
    spans, depth, start = [], 0, 0
    for m in _BRACKET.finditer(text):
        i = m.start()
        if m.group(0) == "《":
            if depth == 0:
                start = i
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0 and i - start > 1:
                spans.append((start, i + 1))
    return spans


def inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    """True when `offset` falls strictly inside one of the spans (a title's inside)."""
    return any(s < offset < e for s, e in spans)


def strip_tail(text: str, end: int) -> tuple[int, str]:
    """Step back over a bracket after a title (version, abbreviation, 文号); (end, version)."""
    m = _TAIL.search(text, max(0, end - 32), end)
    if m and m.end() == end and text[: m.start()].endswith("》"):
        inner = m.group(0)[1:-1]
        return m.start(), inner if _VERSION.search(inner) else ""
    return end, ""


def self_word(before: str) -> str:
    """本法 / 本条例 … when `before` ends with one, else ""."""
    m = _SELF.search(before[-8:])
    return m.group(0) if m else ""


def same_word(before: str) -> str:
    """同法 / 该法 … when `before` ends with one (not the end of 合同法), else ""."""
    m = _SAME.search(before[-5:])
    if not m or before[: len(before) - len(m.group(0))].endswith(_NOT_BEFORE_SAME):
        return ""
    return m.group(0)


def relative_word(before: str) -> str:
    """本条 / 本款 / 前款 / 前条 when `before` ends with one (本条例 excluded), else ""."""
    m = _RELATIVE.search(before[-2:])
    return m.group(0) if m else ""


SHORT = frozenset(("宪法", "刑法", "民法", "税法", "商法"))  # the two-character names of laws
BARE_SUFFIXES = ("法典", "法", "条例")  # names written without 《》 in running text end so


def law_like(name: str, suffixes: tuple[str, ...] = SUFFIXES) -> bool:
    """True when `name` reads like a specific law's name (宪法, 代表法, 人事任免条例 …)."""
    if len(name) < 2 or name in GENERIC or _GENERIC_START.match(name) or "的" in name:
        return False
    return name.endswith(suffixes) and (name in SHORT or len(name) >= 3)


def bare_law_like(name: str) -> bool:
    """law_like for a name written without 《》: it ends in 法, 法典 or 条例 (not 合法, 办法 …)."""
    return law_like(name, BARE_SUFFIXES) and name[-2:] not in _COMMON_TAILS


def part_start(before: str) -> int:
    """Where 分则第九章 (a part of the work written between its name and 第…条) starts."""
    tail = before[-_RUN_TAIL:]  # a part is a few words: searching all of `before` is quadratic
    return len(before) - len(tail) + _PART.search(tail).start()


def name_before(
    before: str,
    names: NameIndex | None = None,
    abbreviations: Mapping[str, str] | None = None,
) -> str:
    """The work name `before` ends with (a short name or a title written without 《》), or ""."""
    m = _RUN.search(before[-_RUN_TAIL:])  # a run is at most 68 characters: skip the rest
    if not m:
        return ""
    run = m.group(0)
    for short in sorted(abbreviations or (), key=len, reverse=True):
        if run.endswith(short):
            return short
    if names is not None:
        found = names.find_suffix(run)
        if found and run.endswith(found[0]):
            return found[0]
    return cut_name(run)


def cut_name(run: str) -> str:
    """A law-like name at the end of `run`, after the last verb introducing it ("" if none).

    A verb inside a name (…法实施条例) leaves too little: then an earlier verb is tried.
    """
    for cut in [m.end() for m in reversed(list(_CUE.finditer(run)))] + [0]:
        name = run[cut:]
        while len(name) > 2 and name[0] in _LEAD and law_like(name[1:]):
            name = name[1:]
        if law_like(name):
            return name
    return ""


def abbreviations(text: str) -> dict[str, str]:
    """Short names a text defines for a title: 《…代表法》（以下简称代表法） → {代表法: title}."""
    found: dict[str, str] = {}
    if "称" not in text:
        return found
    spans = {end: start for start, end in title_spans(text)}
    for m in ABBREVIATION.finditer(text):
        start = spans.get(m.start() + 1)
        if start is not None:
            found[m.group(1).strip()] = text[start + 1 : m.start()]
    return found
