"""Snippets: 15–30 characters copied from a matched article, within one paragraph, that a search
result can be judged by (`snippet in passage text`).

A snippet should point at its article alone: the windows of an article are tried in order and
the first one found nowhere but in that article (any version or copy) is taken; failing that, the
first found in no document of another title; failing that, the first window
(`snippet_unique: false`, as in stard-train.jsonl). Where each window occurs is found in one
pass over the corpus texts (a dictionary look-up at every position) rather than one scan of the
corpus per window.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from training.articles import Article
from training.normalise import title_key

WIDTH = 20  # characters of a snippet
STEP = 10  # between the starts of the windows tried
SHORTEST = 15  # a shorter paragraph (at least this long) gives one window of this width


def windows(article: Article) -> list[str]:
    """The candidate snippets of an article, in the order they are tried."""
    out: list[str] = []
    for para in article.paragraphs:
        text = para.strip()
        if SHORTEST <= len(text) < WIDTH:  # one length more for the corpus pass, not six
            out.append(text[:SHORTEST])
        for start in range(0, max(len(text) - WIDTH + 1, 0), STEP):
            out.append(text[start : start + WIDTH])
    if not out:  # an article of short paragraphs only: its longest paragraph, whole
        longest = max((p.strip() for p in article.paragraphs), key=len, default="")
        out = [longest] if longest else []
    return list(dict.fromkeys(w for w in out if w.strip() == w))


def occurrences(
    wanted: Iterable[str], corpus: Iterable[Article]
) -> dict[str, set[tuple[str, int | None, int]]]:
    """For each wanted window, the (title key, article, suffix) of every passage containing it."""
    by_length: dict[int, set[str]] = defaultdict(set)
    for w in wanted:
        by_length[len(w)].add(w)
    found: dict[str, set[tuple[str, int | None, int]]] = defaultdict(set)
    seen_texts: dict[str, list[tuple[str, int | None, int]]] = defaultdict(list)
    for a in corpus:  # copies and versions with one text are scanned once
        for para in a.paragraphs:
            seen_texts[para].append((title_key(a.title), a.article, a.suffix))
    scanned = {WIDTH, SHORTEST}  # the usual widths: a look-up at every position of every text
    for text, keys in seen_texts.items():
        for length in scanned & by_length.keys():
            pool = by_length[length]
            for i in range(len(text) - length + 1):
                piece = text[i : i + length]
                if piece in pool:
                    found[piece].update(keys)
    for length in by_length.keys() - scanned:  # the few whole short paragraphs: searched for
        for w in by_length[length]:
            for text, keys in seen_texts.items():
                if w in text:
                    found[w].update(keys)
    return found


def choose(article: Article, where: dict[str, set]) -> tuple[str, bool] | None:
    """The snippet for `article` and whether it is unique to its title; None without a window."""
    tried = windows(article)
    if not tried:
        return None
    own_title = title_key(article.title)
    for w in tried:
        if where.get(w, set()) <= {article.key}:
            return w, True
    for w in tried:
        if all(key[0] == own_title for key in where.get(w, ())):
            return w, True
    return tried[0], False
