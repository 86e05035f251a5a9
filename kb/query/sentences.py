"""A message cut into the sentences it asks or tells: a consultation often tells a story and asks
several things at once, and one vector (or one lexical query) of the whole blurs them. The
semantic side also searches each part and merges the lists (kb.search.rank_modes).
"""

from __future__ import annotations

import re

_END = re.compile(r"(?<=[。！？!?；;\n])")
_COMMA = re.compile(r"(?<=[，,、 ])")
MIN_CHARS = 4  # a shorter piece (好的。谢谢！) asks nothing on its own
LONG = 50  # a shorter message is one question, however it is punctuated (STARD's p90: 46)
RUN_ON = 60  # a longer sentence (a story told with commas only) is cut at its commas …
CLAUSES = 20  # … into runs of clauses of at least this many characters
MOST = 6  # parts searched at most: longer messages join neighbouring sentences


def parts(text: str, most: int = MOST) -> list[str]:
    """The message's sentences (a run-on sentence cut at its commas; at most `most`, neighbours
    joined evenly by length), or [] when it is one sentence or shorter than LONG characters."""
    if len(text) < LONG:
        return []
    pieces = [c for p in _END.split(text) for c in _clauses(p.strip())]
    pieces = [p for p in pieces if len(p) >= MIN_CHARS]
    if len(pieces) < 2:
        return []
    return pieces if len(pieces) <= most else _joined(pieces, most)


def _clauses(sentence: str) -> list[str]:
    """A sentence, or a run-on one cut at commas into runs of at least CLAUSES characters (a short
    tail joins the run before it)."""
    if len(sentence) <= RUN_ON:
        return [sentence]
    runs = [""]
    for clause in _COMMA.split(sentence):
        if len(runs[-1]) >= CLAUSES:
            runs.append("")
        runs[-1] += clause
    if len(runs) > 1 and len(runs[-1].strip()) < CLAUSES:
        tail = runs.pop()
        runs[-1] += tail
    return [r.strip() for r in runs]


def _joined(pieces: list[str], most: int) -> list[str]:
    """`most` parts of neighbouring pieces, each about an even share of the text."""
    total = sum(map(len, pieces))
    out, done = [""], 0
    for p in pieces:
        if out[-1] and done >= total * len(out) / most and len(out) < most:
            out.append("")
        out[-1] += p
        done += len(p)
    return out
