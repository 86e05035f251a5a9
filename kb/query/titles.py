"""How people abbreviate official titles, derived from the titles themselves.

Two mechanisms, applied alike to every title and to the query:

* a normal form (`Canonical`): 中华人民共和国 dropped, 人民代表大会 → 人大, 常务委员会 → 常委会,
  最高人民法院 → 最高法, a known place's 省/市 dropped (浙江省 → 浙江), whitespace, 、, 《》 and quotes
  ignored. Mixed spellings (浙江省人大常务委员会…) meet in it without listing every mixture, and
  every character of the normal form remembers where it came from, so a match maps back to the
  words as typed;
* shorter names of a title (`title_names`): without the issuer before 关于, without 关于, without
  a bracketed part, without its place (local titles), the law's core after its organ qualifiers
  (全国人大和地方各级人大选举法 → 选举法) and 实施《X》办法 → X实施办法.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Levels of a name: a title as written beats a curated or former name, which beats a derived
# one, which beats one that also left out a bracketed part (…解释 for …解释（二）).
FULL, KNOWN, DERIVED, BRACKETLESS = 0, 1, 2, 3

_DROPPED_CHARS = frozenset(" \t\n\r\u3000、《》〈〉<>“”‘’\"'")
_WIDTH = {"（": "(", "）": ")"}
_WORDS = {  # written form → normal form ("" drops it); longest first in the pattern
    "中华人民共和国": "",
    "人民代表大会": "人大",
    "常务委员会": "常委会",
    "最高人民法院": "最高法",
    "最高法院": "最高法",
    "最高院": "最高法",
    "最高人民检察院": "最高检",
    "最高检察院": "最高检",
}
_PLACE_LEVELS = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")
_ORGAN = r"(?:全国|地方各级|各级|县级以上地方各级|地方)?(?:人大常委会|人大|人民政府|人民法院|人民检察院|国务院)"
_QUALIFIER = re.compile(rf"^{_ORGAN}(?:[和及]{_ORGAN})*")
_BRACKETED = re.compile(r"\([^()]*\)")
_IMPLEMENTS = re.compile(r"^(.*?)实施(.{2,}?)(办法|细则)$")


@dataclass(frozen=True)
class Mapped:
    """A text in normal form, and for each of its characters where its source begins and ends
    in the original (-1 where a character is not the first, or the last, of its source)."""

    text: str
    begins: tuple[int, ...]
    ends: tuple[int, ...]


class Canonical:
    """The normal form of names for a set of known places (provinces and cities)."""

    def __init__(self, places: tuple[str, ...] = ()):
        words = sorted(_WORDS, key=len, reverse=True)
        alternatives = [re.escape(w) for w in words]
        clean = sorted({p for p in places if p and len(p) >= 2}, key=len, reverse=True)
        if clean:
            levels = "|".join(_PLACE_LEVELS)
            alternatives.append(f"(?P<place>{'|'.join(map(re.escape, clean))})(?:{levels})")
        self._pattern = re.compile("|".join(alternatives))
        self._scan = re.compile(f"{self._pattern.pattern}|(?P<char>.)", re.S)

    def text(self, text: str) -> str:
        """The normal form of `text` (fast path, same result as map(text).text)."""
        out = self._pattern.sub(self._replacement, text)
        return "".join(_WIDTH.get(c, c) for c in out if c not in _DROPPED_CHARS)

    @staticmethod
    def _replacement(m: re.Match) -> str:
        return m.group("place") if m.groupdict().get("place") else _WORDS[m.group(0)]

    def map(self, text: str) -> Mapped:
        """The normal form of `text` with where each character came from."""
        chars: list[str] = []
        begins: list[int] = []
        ends: list[int] = []
        dropped_from = -1  # start of dropped words just before (中华人民共和国选举法: from 中)
        for m in self._scan.finditer(text):
            if m.group("char") is not None:
                c = m.group("char")
                if c in _DROPPED_CHARS:
                    continue
                out = _WIDTH.get(c, c)
            else:
                out = self._replacement(m)
                if not out:
                    dropped_from = m.start() if dropped_from < 0 else dropped_from
                    continue
            first = m.start() if dropped_from < 0 else dropped_from
            dropped_from = -1
            for k, ch in enumerate(out):
                chars.append(ch)
                begins.append(first if k == 0 else -1)
                ends.append(m.end() if k == len(out) - 1 else -1)
        return Mapped("".join(chars), tuple(begins), tuple(ends))


def title_names(canon_title: str, place: str | None = None) -> dict[str, int]:
    """Names a title (already in normal form) is written under, with their level."""
    names = {canon_title: FULL}
    variants = [canon_title]
    if place and canon_title.startswith(place) and len(canon_title) - len(place) >= 4:
        variants.append(canon_title[len(place) :])
        if canon_title[len(place)] in "省市":  # 上海市市容… written 上海市容…
            variants.append(place + canon_title[len(place) + 1 :])
    for text in list(variants):
        variants += _without_issuer(text)
        variants += _implementing(text, place)
    bracketless = []
    for text in list(variants):
        bare = _BRACKETED.sub("", text)
        if bare != text:
            bracketless.append(bare)
        core = _core(bare)
        if core:
            (variants if bare == text else bracketless).append(core)
    for level, texts in ((DERIVED, variants[1:]), (BRACKETLESS, bracketless)):
        for text in texts:
            if len(text) >= 3 and text not in names:
                names[text] = level
    return names


def _without_issuer(text: str) -> list[str]:
    """关于… titles: without the issuer before 关于, and without 关于 (with and without issuer)."""
    at = text.find("关于")
    if at < 0 or "(" in text[:at] or at > 24:
        return []
    rest = text[at + 2 :]
    if len(rest) < 6:
        return []
    return [text[:at] + rest, text[at:], rest] if at else [rest]


def _implementing(text: str, place: str | None) -> list[str]:
    """X省实施《Y法》办法 → X省Y法实施办法 (the order people say it in)."""
    m = _IMPLEMENTS.match(text)
    if not m or (m.group(1) and m.group(1) != place):
        return []
    return [f"{m.group(1)}{m.group(2)}实施{m.group(3)}"]


def _core(text: str) -> str:
    """The law's own name after its organ qualifiers: 各级人大常委会监督法 → 监督法."""
    m = _QUALIFIER.match(text)
    if not m:
        return ""
    core = text[m.end() :]
    return core if len(core) >= 3 and core.endswith(("法", "规则")) else ""


_FORMER = re.compile(
    r"(?:关于修改|通过(?:的)?)[《〈<]((?:[^《》〈〉<>]|[《〈<][^《》〈〉<>]*[》〉>])+?)[》〉>](?=的|[^等和、》〉>]|$)"
)


def former_names(history_texts: list[str]) -> list[str]:
    """Names a work had before (关于修改〈former name〉的决定, 通过《former name》) as written."""
    names = []
    for line in history_texts:
        for m in _FORMER.finditer(line):
            name = m.group(1)
            if "关于" in name or "决定" in name or name.endswith("修正案") or len(name) < 4:
                continue
            names.append(name)
    return names
