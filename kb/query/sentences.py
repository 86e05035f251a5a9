"""A message cut into the sentences it asks or tells: a consultation often tells a story and asks
several things at once, and one vector (or one lexical query) of the whole blurs them. The
semantic side also searches each part and merges the lists (kb.search.rank_modes).
"""

from __future__ import annotations

import re

_END = re.compile(r"(?<=[。！？!?；;\n])")
MIN_CHARS = 4  # a shorter piece (好的。谢谢！) asks nothing on its own
LONG = 50  # a shorter message is one question, however it is punctuated (STARD's p90: 46)
MOST = 6  # parts searched at most: longer messages join neighbouring sentences


def parts(text: str, most: int = MOST) -> list[str]:
    """The message's sentences (at most `most`, neighbours joined evenly by length), or [] when it
    is a single sentence or shorter than LONG characters."""
    if len(text) < LONG:
        return []
    pieces = [p.strip() for p in _END.split(text)]
    pieces = [p for p in pieces if len(p) >= MIN_CHARS]
    if len(pieces) < 2:
        return []
    if len(pieces) <= most:
        return pieces
    total = sum(map(len, pieces))
    out, done = [""], 0
    for p in pieces:
        # start a new part once this one holds its share of the text
        if out[-1] and done >= total * len(out) / most and len(out) < most:
            out.append("")
        out[-1] += p
        done += len(p)
    return out
