"""Stopwords and synonyms, read from kb/data (data, not code)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from kb.analysis import query_terms
from kb.data import data_lines


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Question words and particles that carry no search meaning."""
    return frozenset(w for line in data_lines("stopwords.txt") for w in line.split())


@lru_cache(maxsize=1)
def synonyms() -> dict[str, tuple[str, ...]]:
    """term → alternative phrasings (each as written; the caller analyses them)."""
    table: dict[str, tuple[str, ...]] = {}
    for line in data_lines("synonyms.tsv"):
        term, _, alts = line.partition("\t")
        table[term.strip()] = tuple(a for a in alts.split() if a != term.strip())
    return table


@lru_cache(maxsize=1)
def related() -> dict[str, tuple[str, ...]]:
    """query word → words the articles answering questions with it often use (learned from
    judged questions by bench/learn_related.py; already index terms, searched as they are)."""
    table: dict[str, tuple[str, ...]] = {}
    for line in data_lines("related.tsv"):
        word, _, words = line.partition("\t")
        table[word.strip()] = tuple(words.split())
    return table


def related_sources() -> tuple[str, ...]:
    """File names of the judged questions related.tsv was learned from (its first line)."""
    lines = resources.files("kb.data").joinpath("related.tsv").read_text(encoding="utf-8")
    first = lines.splitlines()[0] if lines else ""
    _, _, names = first.partition(" from ")
    return tuple(n.strip() for n in names.split(",") if n.strip())


def expansions(word: str) -> list[list[str]]:
    """Each alternative of `word` as the list of query terms it analyses into."""
    return [terms for alt in synonyms().get(word, ()) if (terms := query_terms(alt))]


def _cues(name: str) -> tuple[str, ...]:
    return tuple(w for line in data_lines(name) for w in line.split())


@lru_cache(maxsize=1)
def local_cues() -> tuple[str, ...]:
    """Phrases that show a query asks about local practice (哪些地方, 各地 …)."""
    return _cues("local_cues.txt")


@lru_cache(maxsize=1)
def version_cues() -> tuple[str, ...]:
    """Phrases that show a query compares versions (修改前后, 新旧 …)."""
    return _cues("version_cues.txt")
