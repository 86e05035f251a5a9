"""A quoted reference (title, article number if any, article text) → the article of our corpus.

Rules as for ../shared/eval/stard-train.jsonl: the title normalised, among every file carrying it
(versions, copies in several folders) the article with the same number and the most similar text
(difflib ratio of whitespace-free NFKC texts, at least MIN_SIMILARITY), the version in force
first and then the newest when texts tie. A quote of part of an article (one paragraph, or a text
cut short) is accepted when nearly all of it is found in the article (MIN_COVERAGE). Without a
number (a clause quoted by its text alone) every article of the title is a candidate.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from training.articles import Article, ArticleTable
from training.normalise import article_number, article_text

MIN_SIMILARITY = 0.8
MIN_COVERAGE = 0.9  # share of a partial quote's characters found in order in the article
MIN_PARTIAL = 15  # a partial quote shorter than this proves nothing
SHORTLIST = 5  # unnumbered quotes: articles compared closely after the bigram pre-filter


@dataclass(frozen=True)
class Reference:
    """What a dataset says answers a question."""

    name: str  # as the dataset gives it, e.g. 《民法典》第一千零七十六条
    title: str
    article: int | None
    suffix: int
    text: str


@dataclass(frozen=True)
class Match:
    """The article a reference was mapped to, and how alike their texts are."""

    article: Article
    similarity: float  # difflib ratio of the two texts
    coverage: float  # share of the quote found in the article

    @property
    def partial(self) -> bool:
        return self.similarity < MIN_SIMILARITY


@dataclass(frozen=True)
class Miss:
    """Why a reference could not be mapped, and the closest article when there was one."""

    reason: str
    closest: Match | None = None


def compare(quote: str, body: str) -> tuple[float, float]:
    """(difflib ratio, share of the quote found in order in the body) of two normalised texts."""
    if not quote or not body:
        return 0.0, 0.0
    sm = SequenceMatcher(None, quote, body, autojunk=False)
    found = sum(b.size for b in sm.get_matching_blocks())
    return 2.0 * found / (len(quote) + len(body)), found / len(quote)


def accepted(m: Match, quote_len: int) -> bool:
    """Whole article alike enough, or a partial quote found nearly whole in it."""
    if m.similarity >= MIN_SIMILARITY:
        return True
    return quote_len >= MIN_PARTIAL and m.coverage >= MIN_COVERAGE


def _rank(m: Match) -> tuple:
    # texts that tie: the version in force first, then the newest
    return (round(m.similarity, 4), round(m.coverage, 4), m.article.current, m.article.version_date)


def _best(quote: str, candidates: list[Article]) -> Match | None:
    scored = [Match(a, *compare(quote, a.body)) for a in candidates]
    return max(scored, key=_rank, default=None)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _shortlist(quote: str, candidates: list[Article]) -> list[Article]:
    """The candidates sharing most of the quote's bigrams (the texts compared closely)."""
    grams = _bigrams(quote)
    if not grams:
        return []
    scored = sorted(
        candidates, key=lambda a: len(grams & _bigrams(a.body)) / len(grams), reverse=True
    )
    seen, out = set(), []
    for a in scored:  # versions and copies with the same text count once in the shortlist
        if a.body not in seen:
            seen.add(a.body)
            out.append(a)
        if len(out) == SHORTLIST:
            break
    return [a for a in candidates if a.body in seen]


def split_label(text: str) -> tuple[tuple[int, int] | None, str]:
    """A quote that starts with its own 第X条 label → (number, suffix) and the text after it."""
    head = text.lstrip()[:12]
    if head.startswith("第") and "条" in head:
        label = head[: head.index("条") + 1]
        number = article_number(label)
        if number is not None:
            return number, text.lstrip()[len(label) :].lstrip(" ：:\u3000")
    return None, text


def match_reference(table: ArticleTable, ref: Reference) -> Match | Miss:
    """Map one reference onto the corpus, or say why not."""
    quote = article_text(ref.text)
    if not quote:
        return Miss("no quoted text")
    if ref.suffix:
        return Miss("inserted article (之N): no integer number")
    versions = table.of_title(ref.title)
    if not versions:
        return Miss("title not in corpus")
    if ref.article is not None:
        candidates = [a for a in versions if a.article == ref.article and a.suffix == 0]
        if not candidates:
            return Miss("article number not in corpus")
    else:
        candidates = _shortlist(quote, versions)
    best = _best(quote, candidates)
    if best is None:
        return Miss("no article text")
    if not accepted(best, len(quote)):
        return Miss("text differs", best)
    return best
