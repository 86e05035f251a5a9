"""Data files for query understanding and the analyzer (dictionaries, synonyms, stopwords),
and the readers every user of them shares."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

_DEFAULT_FREQ = 20000


def data_lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a data file in kb/data."""
    text = resources.files("kb.data").joinpath(name).read_text(encoding="utf-8")
    return [
        ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
    ]


@lru_cache(maxsize=1)
def user_words() -> tuple[tuple[str, int], ...]:
    """(word, frequency) pairs for jieba, from userdict.txt and the aliases of short_names.tsv."""
    words: dict[str, int] = {}
    for line in data_lines("userdict.txt"):
        parts = line.split()
        words[parts[0]] = int(parts[1]) if len(parts) > 1 else _DEFAULT_FREQ
    for line in data_lines("short_names.tsv"):
        alias = line.split("\t")[0].strip()
        words.setdefault(alias, _DEFAULT_FREQ)
    return tuple(sorted(words.items()))
