"""A quoted reference (title, article number if any, article text) → the article of our corpus.

Rules as for ../shared/eval/stard-train.jsonl: the title normalised, among every file carrying it
(versions, copies in several folders) the article with the same number and the most similar text
(difflib ratio of whitespace-free NFKC texts, at least MIN_SIMILARITY), the version in force
first and then the newest when texts tie. A quote of part of an article (one paragraph, or a text
cut short) is accepted when nearly all of it is found in the article (MIN_COVERAGE). Without a
number (a clause quoted by its text alone) every article of the title is a candidate; with a
number whose article does not match, the text is looked for under the title's other numbers (a
version renumbered since the dataset quoted it) and the match is marked `renumbered`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from training.articles import Article, ArticleTable
from training.normalise import article_number, article_text

MIN_SIMILARITY = 0.8
MIN_COVERAGE = 0.9  # share of a partial quote's characters found in order in the article
MIN_PARTIAL = 15  # a partial quote shorter than this proves nothing
MIN_BLOCK = 4  # coverage counts runs of this many characters: scattered single ones prove nothing
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
    renumbered: bool = False  # found by its text under another number than the dataset's

    @property
    def partial(self) -> bool:
        return self.similarity < MIN_SIMILARITY


@dataclass(frozen=True)
class Miss:
    """Why a reference could not be mapped, and the closest article when there was one."""

    reason: str
    closest: Match | None = None


def compare(quote: str, body: str) -> tuple[float, float]:
    """(difflib ratio, share of the quote found in order in the body, in runs of MIN_BLOCK or
    more characters) of two normalised texts."""
    if not quote or not body:
        return 0.0, 0.0
    blocks = SequenceMatcher(None, quote, body, autojunk=False).get_matching_blocks()
    found = sum(b.size for b in blocks)
    runs = sum(b.size for b in blocks if b.size >= MIN_BLOCK)
    return 2.0 * found / (len(quote) + len(body)), runs / len(quote)


def accepted(m: Match, quote_len: int) -> bool:
    """Whole article alike enough, or a partial quote found nearly whole in it."""
    if m.similarity >= MIN_SIMILARITY:
        return True
    return quote_len >= MIN_PARTIAL and m.coverage >= MIN_COVERAGE


def _rank(m: Match, quote_len: int) -> tuple:
    # a whole-article match before a partial quote (the paragraph of a long article is not
    # outranked by a short article that is merely alike), then by the measure that accepted it;
    # texts that tie: the version in force first, then the newest
    sim, cov = round(m.similarity, 4), round(m.coverage, 4)
    if sim >= MIN_SIMILARITY:
        key = (2, sim, cov)
    elif accepted(m, quote_len):
        key = (1, cov, sim)
    else:
        key = (0, sim, cov)
    return (*key, m.article.current, m.article.version_date)


def _best(quote: str, candidates: list[Article]) -> Match | None:
    scored = [Match(a, *compare(quote, a.body)) for a in candidates]
    return max(scored, key=lambda m: _rank(m, len(quote)), default=None)


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
    if ref.article is None:
        best = _best(quote, _shortlist(quote, versions))
        if best is None:
            return Miss("no article text")
        return best if accepted(best, len(quote)) else Miss("text differs", best)
    numbered = _best(quote, [a for a in versions if a.article == ref.article and a.suffix == 0])
    if numbered is not None and accepted(numbered, len(quote)):
        return numbered
    # the text may sit under another number (a version renumbered since the dataset's)
    moved = _best(quote, _shortlist(quote, versions))
    if moved is not None and accepted(moved, len(quote)) and moved.article.article is not None:
        return replace(moved, renumbered=True)
    if numbered is None:
        return Miss("article number not in corpus", moved)
    return Miss("text differs", numbered)
