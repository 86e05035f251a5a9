"""Names people use for a document: full titles, titles without 中华人民共和国, curated short names."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from kb.dictionary import data_lines

PREFIX = "中华人民共和国"
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")


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


class AliasTable:
    """Resolves a name typed in a query to the work keys of the documents it names."""

    def __init__(self, titles: dict[str, str]):
        """`titles` maps work key → title (one entry per work)."""
        self._names: dict[str, set[str]] = defaultdict(set)
        folded_to_work = {fold_title(t): w for w, t in titles.items()}
        for work, title in titles.items():
            for name in automatic_aliases(title):
                self._names[name].add(work)
        for alias, targets in curated().items():
            for target in targets:
                work = folded_to_work.get(fold_title(target))
                if work:
                    self._names[alias].add(work)
        self._longest = max((len(n) for n in self._names), default=0)

    def lookup(self, name: str) -> set[str]:
        """Work keys for exactly this name (folded), or an empty set."""
        return set(self._names.get(fold_title(name), ()))

    def find_suffix(self, text: str) -> tuple[str, set[str]] | None:
        """The longest known name that `text` ends with, and its works (for 选举法第三十条)."""
        folded = fold_title(text)
        for size in range(min(len(folded), self._longest), 1, -1):
            works = self._names.get(folded[-size:])
            if works:
                return folded[-size:], set(works)
        return None

    def find_all(self, text: str) -> list[tuple[int, int, set[str]]]:
        """Non-overlapping (start, end, works) for the longest names found in `text`, left to right."""
        found, i = [], 0
        while i < len(text):
            for size in range(min(len(text) - i, self._longest), 1, -1):
                works = self._names.get(text[i : i + size])
                if works:
                    found.append((i, i + size, set(works)))
                    i += size
                    break
            else:
                i += 1
        return found

    def names(self) -> dict[str, frozenset[str]]:
        """Every known name (folded) and the work keys it names, for suggestions."""
        return {name: frozenset(works) for name, works in self._names.items()}
