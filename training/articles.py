"""Our corpus as a table of articles to map quoted references onto."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kb.models import CURRENT, Document
from training.normalise import article_text, title_key, title_keys

SKIPPED_ROLES = ("editor_note",)  # editors' notes are nobody's answer


@dataclass(frozen=True)
class Article:
    """One passage of the corpus, with what matching and snippets need."""

    passage_id: str
    title: str  # full title, as on the file's first `# ` line
    source: str  # corpus-relative path of the file (the version)
    article: int | None
    suffix: int  # 1 for 第X条之一
    paragraphs: tuple[str, ...]  # the passage's lines, the article label cut off the first
    current: bool
    version_date: str  # ISO, "" when unknown

    @property
    def body(self) -> str:
        """The text compared with quotes: paragraphs joined, normalised (no whitespace)."""
        return article_text("".join(self.paragraphs))

    @property
    def key(self) -> tuple[str, int | None, int]:
        """Which article of which work this is, whatever the version or the copy."""
        return title_key(self.title), self.article, self.suffix


def articles_of(document: Document) -> list[Article]:
    """The passages of one parsed document as Articles."""
    out = []
    for p in document.passages:
        if p.role in SKIPPED_ROLES:
            continue
        lines = p.text.split("\n")
        if p.label and lines[0].startswith(p.label):
            lines[0] = lines[0][len(p.label) :].lstrip()
        out.append(
            Article(
                passage_id=p.id,
                title=document.title,
                source=document.source,
                article=p.article,
                suffix=p.article_suffix,
                paragraphs=tuple(line for line in lines if line.strip()),
                current=document.status == CURRENT,
                version_date=document.version_date or "",
            )
        )
    return out


class ArticleTable:
    """Every article of the corpus, looked up by normalised title and number."""

    def __init__(self, articles: Iterable[Article]):
        self.articles = list(articles)
        self._by_title: dict[str, list[Article]] = defaultdict(list)
        for a in self.articles:
            self._by_title[title_key(a.title)].append(a)
        self._same: dict[tuple, list[str]] = defaultdict(list)
        for a in self.articles:
            self._same[(*a.key, a.body)].append(a.passage_id)

    @classmethod
    def from_documents(cls, documents: Iterable[Document]) -> ArticleTable:
        return cls(a for d in documents for a in articles_of(d))

    @classmethod
    def from_corpus(cls, folders: Iterable[Path]) -> ArticleTable:
        """Parse the corpus folders (versions resolved) into a table."""
        from corpus.collection import load_collection

        return cls.from_documents(load_collection(list(folders)).documents)

    def of_title(self, title: str) -> list[Article]:
        """The articles of every version and copy of `title` (edition tags tried off too)."""
        for key in title_keys(title):
            if key in self._by_title:
                return self._by_title[key]
        return []

    def numbered(self, title: str, article: int, suffix: int = 0) -> list[Article]:
        """The versions and copies of one article of `title`."""
        return [a for a in self.of_title(title) if a.article == article and a.suffix == suffix]

    def same_text(self, article: Article) -> list[str]:
        """Passage ids of every copy or version of `article` with exactly its text."""
        return sorted(self._same[(*article.key, article.body)])
