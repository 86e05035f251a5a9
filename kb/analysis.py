"""Our jieba-based Whoosh analyzer: sequential positions, character offsets, sub-words at index time."""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import jieba
from whoosh.analysis import Token, Tokenizer

from kb import wordcut
from kb.data import user_words
from kb.numerals import NUM_CLASS

log = logging.getLogger(__name__)
jieba.setLogLevel(logging.WARNING)  # jieba installs its own handler; keep it quiet

ANALYZER_VERSION = "3"  # bump when tokenisation changes: the index then rebuilds itself
_MIN_SUBWORD = 2
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff\uf900-\ufaff]")
# Labels such as 第三十条 stay whole: their "sub-words" (第三, 十条 …) would only add noise.
_LABEL = re.compile(rf"^第{NUM_CLASS}[条款项章节编]$")
# Full-width ASCII and U+3000 folded one-to-one before jieba, so offsets stay valid.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

_lock = threading.Lock()
_instance: jieba.Tokenizer | None = None


def segmenter() -> jieba.Tokenizer:
    """The process-wide jieba tokenizer with our user dictionaries (loaded once, never pickled)."""
    global _instance
    if _instance is None:
        with _lock:
            if _instance is None:
                tok = jieba.Tokenizer()
                tok.initialize()
                for word, freq in user_words():
                    tok.add_word(word, freq)
                _instance = tok
    return _instance


def fingerprint() -> str:
    """Identify the analysis: analyzer version, jieba version and the user dictionary contents."""
    h = hashlib.sha1(f"{ANALYZER_VERSION}|{jieba.__version__}|".encode())
    for word, freq in user_words():
        h.update(f"{word}\t{freq}\n".encode())
    return h.hexdigest()[:16]


@lru_cache(maxsize=262144)
def normalize_token(text: str) -> str | None:
    """Fold full-width forms and Latin case (ＡＢＣ → abc); None for punctuation and spaces."""
    if not _WORDLIKE.search(text):
        return None
    return unicodedata.normalize("NFKC", text).lower()


@lru_cache(maxsize=262144)
def subwords(word: str) -> tuple[tuple[int, int], ...]:
    """Dictionary words strictly inside `word`, as (start, end) offsets, from jieba's DAG."""
    if len(word) <= _MIN_SUBWORD or not _HAN.match(word) or _LABEL.match(word):
        return ()
    dag = segmenter().get_DAG(word)
    spans = []
    for start, ends in dag.items():
        for end in ends:
            if end - start + 1 >= _MIN_SUBWORD and (start, end + 1) != (0, len(word)):
                spans.append((start, end + 1))
    return tuple(spans)


_BLOCK = jieba.re_han_default  # the runs jieba segments with its dictionary
_CACHE_MAX = 1_000_000
# block → word lengths as bytes (compact: about 250 bytes an entry); clauses repeat across laws
_block_cache: dict[str, bytes] = {}


def _block_lengths(block: str) -> bytes | list[int]:
    """Lengths of jieba's words for one run of Han/alphanumeric text (cached when they fit)."""
    lengths = _block_cache.get(block)
    if lengths is None:
        words = [len(w) for w in wordcut.cut(block, segmenter())]
        if max(words) < 256:
            if len(_block_cache) >= _CACHE_MAX:
                _block_cache.clear()
            lengths = _block_cache[block] = bytes(words)
        else:
            lengths = words
    return lengths


def _words(text: str) -> list[tuple[str, int, int]]:
    """(word, start, end) exactly as jieba.tokenize(HMM=False), minus spaces between blocks."""
    out: list[tuple[str, int, int]] = []
    append, last = out.append, 0
    for m in _BLOCK.finditer(text):
        pos = m.start()
        for i in range(last, pos):  # characters between blocks stand alone
            append((text[i], i, i + 1))
        for n in _block_lengths(m.group()):
            append((text[pos : pos + n], pos, pos + n))
            pos += n
        last = m.end()
    for i in range(last, len(text)):
        append((text[i], i, i + 1))
    return out


def segment(text: str, mode: str = "query") -> Iterator[tuple[str, int, int, bool]]:
    """Yield (token, start, end, is_subword); sub-words only in "index" mode."""
    index = mode == "index"
    for word, start, end in _words(text.translate(_FOLD)):
        norm = normalize_token(word)
        if norm is None:
            continue
        yield norm, start, end, False
        if index:
            for s, e in subwords(word):
                yield normalize_token(word[s:e]), start + s, start + e, True


class JiebaTokenizer(Tokenizer):
    """Whoosh tokenizer over jieba: positions count tokens; sub-words share their word's position."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ) -> Iterator[Token]:
        """Tokenize `value` the Whoosh way: one Token object updated and yielded per token."""
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost, t.stopped = 1.0, False
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        pos = start_pos - 1
        for text, start, end, is_sub in segment(value, "index" if mode == "index" else "query"):
            if not is_sub:
                pos += 1
            t.text, t.boost, t.stopped = text, 1.0, False
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


def analyzer() -> JiebaTokenizer:
    """The analyzer every text field uses (a bare tokenizer: normalisation happens inside)."""
    return JiebaTokenizer()


def index_terms(text: str) -> list[str]:
    """The terms the index stores for `text` (words then their sub-words), in order."""
    return [tok for tok, _s, _e, _sub in segment(text, "index")]


def query_terms(text: str) -> list[str]:
    """The words jieba finds in a query, normalised, punctuation dropped."""
    return [tok for tok, _s, _e, _sub in segment(text, "query")]
