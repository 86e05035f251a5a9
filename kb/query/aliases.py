"""Names people use for a document: full titles, their abbreviations, short and former names.

Names are compared in the normal form of kb/query/titles.py, so 浙江省人大常委会议事规则,
浙江人民代表大会常务委员会议事规则 and 《浙江省人民代表大会常务委员会议事规则》 all name one work.
A name can fit several works (议事规则, 物业管理条例): the works it is taken to mean are those
with the best (level, national, kind, in force) rank: a title as written before a curated or
former name before a derived one, national before local, a law before a regulation. The others
are offered (NameMatch.others).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from kb.data import data_lines
from kb.models import CURRENT, KINDS
from kb.query.titles import BRACKETLESS, DERIVED, FULL, KNOWN, Canonical, former_names, title_names

PREFIX = "中华人民共和国"
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_INNER = re.compile(r"[《〈<]([^《》〈〉<>]+)[》〉>]")


def fold_title(text: str) -> str:
    """Compare titles ignoring whitespace, 、, 《》 and full/half width brackets."""
    text = re.sub(r"[\s、《》〈〉“”\"']", "", text)
    return text.replace("（", "(").replace("）", ")")


@lru_cache(maxsize=1)
def curated() -> dict[str, tuple[str, ...]]:
    """alias → full titles, from kb/data/short_names.tsv."""
    table: dict[str, list[str]] = defaultdict(list)
    for line in data_lines("short_names.tsv"):
        alias, _, title = line.partition("\t")
        table[fold_title(alias)].append(title.strip())
    return {k: tuple(v) for k, v in table.items()}


def aliases_for_title(title: str) -> list[str]:
    """Curated short names of `title` (used as extra title words in the index)."""
    folded = fold_title(title)
    return [alias for alias, titles in curated().items() if folded in map(fold_title, titles)]


def automatic_aliases(title: str) -> set[str]:
    """Names derived from the title itself: as written, without 中华人民共和国, without brackets."""
    folded = fold_title(title)
    names = {folded}
    if folded.startswith(PREFIX) and len(folded) > len(PREFIX) + 1:
        names.add(folded[len(PREFIX) :])
    for name in list(names):
        bare = _BRACKETS.sub("", name)
        if len(bare) >= 3:
            names.add(bare)
    return names


@dataclass(frozen=True)
class WorkInfo:
    """What ranks a work among the works one name fits."""

    kind: str = ""
    place: str = ""  # province or city of a local work ("" for national)
    current: bool = True
    former: tuple[str, ...] = ()  # names the work had before (from its history)


@dataclass(frozen=True)
class NameMatch:
    """A name found in a text: where, as written, the works it is taken to mean, and the others."""

    start: int
    end: int
    name: str
    works: frozenset[str]
    others: frozenset[str] = frozenset()


class AliasTable:
    """Resolves a name typed in a query to the work keys of the documents it names."""

    def __init__(
        self,
        titles: dict[str, str],
        info: dict[str, WorkInfo] | None = None,
        places: tuple[str, ...] = (),
    ):
        """`titles` maps work key → title (one entry per work); `info` ranks works sharing a
        name; `places` are the provinces and cities whose 省/市 people leave out."""
        self.canonical = Canonical(places)
        self._info = info or {}
        self._levels: dict[str, dict[str, int]] = defaultdict(dict)  # name → work → level
        self._names_of: dict[str, dict[str, int]] = defaultdict(dict)  # work → name → level
        canon_titles = {w: self.canonical.text(t) for w, t in titles.items()}
        for work in titles:
            place = self._info.get(work, WorkInfo()).place
            for name, level in title_names(canon_titles[work], self.canonical.text(place)).items():
                self._add(name, work, level)
        folded = {fold_title(t): w for w, t in titles.items()}
        for alias, targets in curated().items():
            for target in targets:
                work = folded.get(fold_title(target))
                if work:
                    self._add(self.canonical.text(alias), work, KNOWN)
        for work, wi in self._info.items():
            for name in wi.former:
                canon = self.canonical.text(name)
                if FULL not in self._levels.get(canon, {}).values() and work in titles:
                    self._add(canon, work, KNOWN)
        self._add_inner_names(titles, canon_titles)
        self._folded = {w: fold_title(t) for w, t in titles.items()}
        self._ranked = {name: self._rank(levels) for name, levels in self._levels.items()}
        self._longest = max((len(n) for n in self._ranked), default=0)

    @classmethod
    def from_records(cls, records: list[dict], places: tuple[str, ...] = ()) -> AliasTable:
        """A table over stored document records (title, kind, region, city, status, history)."""
        titles: dict[str, str] = {}
        info: dict[str, WorkInfo] = {}
        for rec in records:
            work = rec["work_key"]
            titles.setdefault(work, rec["title"])
            old = info.get(work)
            history = [h.get("text", "") for h in rec.get("history") or ()]
            info[work] = WorkInfo(
                rec.get("kind", ""),
                rec.get("city") or rec.get("region") or "",
                rec.get("status", CURRENT) == CURRENT or bool(old and old.current),
                tuple(dict.fromkeys((old.former if old else ()) + tuple(former_names(history)))),
            )
        return cls(titles, info, places)

    def _add(self, name: str, work: str, level: int) -> None:
        if len(name) >= 2:
            level = min(level, self._levels[name].get(work, BRACKETLESS))
            self._levels[name][work] = self._names_of[work][name] = level

    def _add_inner_names(self, titles: dict[str, str], canon_titles: dict[str, str]) -> None:
        """Titles quoting another work (上海市实施《…代表法》办法) under that work's short names."""
        by_title = {c: w for w, c in canon_titles.items()}
        for work, title in titles.items():
            for quoted in _INNER.findall(title):
                inner = by_title.get(self.canonical.text(quoted))
                if inner is None:
                    continue
                full = canon_titles[inner]
                shorter = [n for n in self._names_of[inner] if n != full]
                for name in [n for n in self._names_of[work] if full in n]:
                    for short in shorter:
                        self._add(name.replace(full, short), work, DERIVED)

    def _rank(self, levels: dict[str, int]) -> tuple[frozenset[str], frozenset[str]]:
        """(works a name is taken to mean, the others it fits)."""

        def key(work: str) -> tuple:
            wi = self._info.get(work, WorkInfo())
            kind = KINDS.index(wi.kind) if wi.kind in KINDS else len(KINDS)
            return (levels[work], bool(wi.place), kind, not wi.current)

        best = min(map(key, levels))
        chosen = frozenset(w for w in levels if key(w) == best)
        return chosen, frozenset(levels) - chosen

    def lookup(self, name: str) -> set[str]:
        """Work keys for exactly this name, or an empty set."""
        return set(self._ranked.get(self.canonical.text(name), ((),))[0])

    def match_suffix(self, text: str) -> NameMatch | None:
        """The longest known name `text` ends with (for 选举法第三十条), or None."""
        mapped = self.canonical.map(text)
        canon, n = mapped.text, len(mapped.text)
        if not n or mapped.ends[-1] < 0:
            return None
        for size in range(min(n, self._longest), 1, -1):
            start = mapped.begins[n - size]
            found = self._ranked.get(canon[n - size :]) if start >= 0 else None
            if found:
                end = mapped.ends[-1]
                return self._match(start, end, text[start:end], *found)
        return None

    def match_all(self, text: str) -> list[NameMatch]:
        """Non-overlapping longest names found in `text`, left to right."""
        mapped = self.canonical.map(text)
        canon, n = mapped.text, len(mapped.text)
        found, i = [], 0
        while i < n:
            if mapped.begins[i] >= 0:
                for size in range(min(n - i, self._longest), 1, -1):
                    j = i + size
                    hit = self._ranked.get(canon[i:j]) if mapped.ends[j - 1] >= 0 else None
                    if hit:
                        start, end = mapped.begins[i], mapped.ends[j - 1]
                        found.append(self._match(start, end, text[start:end], *hit))
                        i = j - 1
                        break
            i += 1
        return found

    def _match(self, start: int, end: int, name: str, works, others) -> NameMatch:
        """A NameMatch; among works tied for a name, those titled exactly as written win."""
        if len(works) > 1:
            exact = frozenset(w for w in works if self._folded.get(w) == fold_title(name))
            if exact:
                works, others = exact, others | (works - exact)
        return NameMatch(start, end, name, works, others)

    def names(self) -> dict[str, frozenset[str]]:
        """Every known name (in normal form) and all the work keys it fits (for suggestions)."""
        return {name: chosen | others for name, (chosen, others) in self._ranked.items()}

    def find_suffix(self, text: str) -> tuple[str, set[str]] | None:
        """The longest known name that `text` ends with (folded), and its works."""
        m = self.match_suffix(text)
        return (fold_title(m.name), set(m.works)) if m else None

    def find_all(self, text: str) -> list[tuple[int, int, set[str]]]:
        """Non-overlapping (start, end, works) for the longest names found in `text`."""
        return [(m.start, m.end, set(m.works)) for m in self.match_all(text)]
