"""Checking one citation against the collection: does the work exist, does the article (款, 项)
exist in the current version, and is the quotation attached to it that article's text?

The verdicts (kb.verify.checker.VERDICTS), in the order they are decided:
  not_found        no work of that name in the collection
  no_such_article  no version of the work has the article, or the article lacks the 款/项
  superseded       the article or the quotation is an older version's, or an older version is
                   named: the current text and the day it changed come with it
  wrong_article    the quotation is another article's (of this work or another): which one
  misquoted        the quotation is nobody's text: how it differs from the cited article
  ok               all of it checks out
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.engine.articles import articles
from kb.engine.hits import load_passage
from kb.engine.snapshot import Snapshot
from kb.engine.works import version_rows
from kb.models import KINDS, Passage
from kb.numerals import int_to_cn
from kb.verify.locate import Locator
from kb.verify.quotes import article_words, contains, diff, quote_parts, similarity

VERDICTS = ("ok", "not_found", "no_such_article", "superseded", "misquoted", "wrong_article")
NEAR = 0.8  # share of a quotation's characters another passage must hold to be named instead


@dataclass(frozen=True)
class Claim:
    """A citation found in a text: what it names, where, and the quotation attached to it."""

    citation: str  # as written
    start: int
    end: int
    name: str  # the work's name as looked up ("" when none was written)
    works: frozenset[str]  # work keys that name resolves to (empty: unknown)
    positions: tuple[tuple[int, int, int | None, int | None], ...]  # (article, suffix, 款, 项)
    version: str = ""  # a version written after the title (2018年修正)
    quote: str | None = None
    quote_start: int | None = None
    quote_end: int | None = None


@dataclass(frozen=True)
class Cited:
    """A passage a verdict points at, with the citation to quote for it."""

    passage: Passage
    label: str
    status: str
    version: str


@dataclass(frozen=True)
class Verdict:
    """What checking one claim showed."""

    claim: Claim
    verdict: str
    message: str
    passage: Cited | None = None  # the cited article as resolved
    current: Cited | None = None  # superseded: the current version's article
    changed: str | None = None  # superseded: the day the cited text stopped being current
    found_in: Cited | None = None  # wrong_article: whose text the quotation is
    diff: tuple[dict, ...] | None = None  # misquoted: quoted vs actual, step by step


class Checker:
    """Checks claims against one build."""

    def __init__(self, snap: Snapshot):
        self.snap = snap
        self.table = articles(snap)
        self.locator = Locator(snap)

    def check(self, c: Claim) -> Verdict:
        """The verdict on one claim (see the module docstring for the order of decisions)."""
        if not c.works:
            return Verdict(c, "not_found", f"收录的文件中没有「{c.name or c.citation}」")
        work = self._work(c)
        versions = version_rows(self.snap, work)
        title = self.snap.docs.records[versions[0][0]]["title"]
        if not c.positions:
            return self._named_version(c, versions) or Verdict(c, "ok", f"《{title}》收录在案")
        return self._article(c, versions, title)

    def _work(self, c: Claim) -> str:
        """Of the works a name may mean, one whose current version has the first article."""
        article, suffix = c.positions[0][:2] if c.positions else (None, 0)

        def rank(work: str) -> tuple:
            rows = version_rows(self.snap, work)
            has = article is None or any(
                self.table.find(r, article, suffix) is not None for r in rows[0]
            )
            kind = self.snap.docs.records[rows[0][0]]["kind"]
            return (not has, KINDS.index(kind) if kind in KINDS else len(KINDS), work)

        return min(c.works, key=rank) if len(c.works) > 1 else next(iter(c.works))

    def _find(self, rows: list[int], article: int, suffix: int) -> int | None:
        for row in rows:
            n = self.table.find(row, article, suffix)
            if n is not None:
                return n
        return None

    def _article(self, c: Claim, versions: list[list[int]], title: str) -> Verdict:
        """Every position must exist; the quotation must be one of them (or its 款)."""
        absent = [(a, s) for a, s, _p, _i in c.positions if self._find(versions[0], a, s) is None]
        if absent:  # an article no version has (past the end) before one only older ones have
            nowhere = [x for x in absent if all(self._find(v, *x) is None for v in versions[1:])]
            return self._missing(c, versions, title, *(nowhere or absent)[0])
        found = []
        for article, suffix, para, item in c.positions:
            p = load_passage(self.snap, self._find(versions[0], article, suffix))
            missing = _missing_part(p, para, item)
            if missing:
                return Verdict(c, "no_such_article", missing, self._cited(p, None, None))
            found.append((p, para, item))
        p, para, item = found[0]
        cited = self._cited(p, para, item)
        if c.quote is None:
            return self._named_version(c, versions, cited) or Verdict(c, "ok", "条文存在", cited)
        parts = quote_parts(c.quote)
        for p, para, item in found:
            if contains(_part_words(p, para, item), parts):
                return self._named_version(c, versions, self._cited(p, para, item)) or Verdict(
                    c, "ok", "引文与条文一致", self._cited(p, para, item)
                )
        return self._quote_elsewhere(c, versions, found, parts, cited)

    def _quote_elsewhere(self, c, versions, found, parts, cited: Cited) -> Verdict:
        """The quotation is not the cited text: an older version's, another article's, or wrong."""
        older = self._older_text(versions, c.positions[0][:2], parts)
        if older is not None:
            old, changed = older
            return Verdict(
                c,
                "superseded",
                f"引文是{old.version or '旧版本'}的条文，现行版本已于{changed}修改",
                old,
                cited,
                changed,
            )
        for p, para, _item in found:  # another 款 of the cited article
            if para and contains(article_words(p.text), parts):
                number = _paragraph_of(p, parts)
                other = self._cited(p, number, None)
                return Verdict(c, "wrong_article", f"引文出自{other.label}", cited, found_in=other)
        elsewhere = self.locator.locate(parts, prefer=next(iter(c.works)))
        if elsewhere is not None:
            other = self._cited(
                load_passage(self.snap, elsewhere),
                _paragraph_of(load_passage(self.snap, elsewhere), parts),
                None,
            )
            return Verdict(c, "wrong_article", f"引文出自{other.label}", cited, found_in=other)
        return self._misquoted(c, found[0], parts, cited)

    def _misquoted(self, c: Claim, found, parts: list[str], cited: Cited) -> Verdict:
        """The quotation is nobody's text: how it differs from the cited article, or from a
        passage it is much closer to (an altered quotation of another article)."""
        p, para, item = found
        words = _part_words(p, para, item)
        near = self.locator.nearest(parts, skip=self.snap.docnum_of(p.id))
        if near is not None and near[1] >= NEAR and near[1] > similarity(c.quote, words):
            n = near[0]
            other = self._cited(load_passage(self.snap, n), None, None)
            steps = tuple(diff(c.quote, self.locator.words(n)))
            message = f"引文与{cited.label}原文不一致，与{other.label}相近但也不一致"
            return Verdict(c, "misquoted", message, cited, found_in=other, diff=steps)
        steps = tuple(diff(c.quote, words))
        return Verdict(c, "misquoted", f"引文与{cited.label}原文不一致", cited, diff=steps)

    def _missing(self, c, versions, title, article, suffix) -> Verdict:
        """The current version has no such article: an older one may have had it."""
        label = f"第{int_to_cn(article)}条" + (f"之{int_to_cn(suffix)}" if suffix else "")
        for older in versions[1:]:
            n = self._find(older, article, suffix)
            if n is not None:
                old = self._cited(load_passage(self.snap, n), None, None)
                changed = self._valid_to(older)
                return Verdict(
                    c,
                    "superseded",
                    f"现行《{title}》已没有{label}（{changed}起）",
                    old,
                    changed=changed,
                )
        if c.quote:
            n = self.locator.locate(quote_parts(c.quote), prefer=next(iter(c.works)))
            if n is not None:
                other = self._cited(load_passage(self.snap, n), None, None)
                return Verdict(
                    c, "wrong_article", f"没有{label}；引文出自{other.label}", found_in=other
                )
        last = max(self.table.last(r) for r in versions[0])
        return Verdict(c, "no_such_article", f"《{title}》没有{label}（共{int_to_cn(last)}条）")

    def _older_text(self, versions, position, parts):
        """(the older version's article whose text the quote is, the day it changed) or None."""
        for i, older in enumerate(versions[1:], start=1):
            n = self._find(older, *position)
            if n is not None:
                p = load_passage(self.snap, n)
                if contains(article_words(p.text), parts):
                    return self._cited(p, None, None), self._valid_to(versions[i])
        return None

    def _named_version(self, c: Claim, versions, cited: Cited | None = None) -> Verdict | None:
        """superseded when the citation names a version that is not the current one: the
        named version's article (when the collection has it) and the current one."""
        if not c.version:
            return None
        records = self.snap.docs.records
        current = records[versions[0][0]]
        at = _version_named(c.version, [records[v[0]] for v in versions])
        if at == 0:
            return None
        named = versions[at] if at is not None else None
        old = None
        if named is not None and c.positions:
            n = self._find(named, *c.positions[0][:2])
            old = (
                self._cited(load_passage(self.snap, n), *c.positions[0][2:])
                if n is not None
                else None
            )
        shown = current.get("version_label") or current.get("version_date")
        message = f"所引{c.version}不是现行版本（现行：{shown}）"
        if named is None:
            message = f"收录中没有{c.version}；现行版本是{shown}"
        changed = self._valid_to(named) if named is not None else None
        return Verdict(c, "superseded", message, old or cited, cited, changed)

    def _valid_to(self, rows: list[int]) -> str | None:
        return self.snap.docs.records[rows[0]].get("valid_to")

    def _cited(self, p: Passage, para: int | None, item: int | None) -> Cited:
        from kb.labels import render_label

        rec = self.snap.docs.records[self.snap.docs.row[p.doc_id]]
        label = render_label(p.citation, para, item) if (para or item) else p.citation.label
        return Cited(p, label, rec["status"], rec.get("version_label") or "")


def _version_named(named: str, records: list[dict]) -> int | None:
    """Which version (index, newest first) a written version means: the one with that label,
    else the one of that year (2018年, 2018年版); None when the collection has none."""
    for i, rec in enumerate(records):
        if named == (rec.get("version_label") or ""):
            return i
    year = named[:4]
    if year.isdigit():
        return next(
            (
                i
                for i, rec in enumerate(records)
                if (rec.get("version_date") or "").startswith(year)
            ),
            None,
        )
    return None


def _missing_part(p: Passage, para: int | None, item: int | None) -> str:
    """Why the article lacks the cited 款/项 ('' when it has them)."""
    if para and para > len(p.paragraphs):
        return f"{p.label}只有{int_to_cn(len(p.paragraphs))}款，没有第{int_to_cn(para)}款"
    if item:
        within = (
            p.paragraphs[para - 1] if para else next((x for x in p.paragraphs if x.items), None)
        )
        if within is None or item > len(within.items):
            return f"{p.label}没有第{int_to_cn(item)}项"
    return ""


def _part_words(p: Passage, para: int | None, item: int | None) -> str:
    """The words of the cited 款 (with its 项), or of the whole article."""
    if para and para <= len(p.paragraphs):
        x = p.paragraphs[para - 1]
        return article_words(x.text + "".join(i.text + "".join(i.subitems) for i in x.items))
    return article_words(p.text)


def _paragraph_of(p: Passage, parts: list[str]) -> int | None:
    """The 款 whose words hold the quotation (None for a one-款 article or none)."""
    if len(p.paragraphs) < 2:
        return None
    return next(
        (x.number for x in p.paragraphs if contains(_part_words(p, x.number, None), parts)), None
    )
