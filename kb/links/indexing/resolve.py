"""References → passages: the work a name stands for, its version on the citing date, the article.

Each position of a reference becomes a Link or an Unresolved with its reason. 本法 in a 修正案 or
a 关于修改《…》的决定 stands for the amended law, in the version the amendment produced.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kb.links import model as m
from kb.links.indexing.catalog import Catalog
from kb.links.indexing.extract import (
    KIND,
    NAME,
    ORDINAL,
    POSITIONS,
    RELATIVE,
    SCOPE,
    START,
    TEXT,
    WORK,
)
from kb.references import DOCUMENT, NUMBER, SAME, SELF

DOCUMENT_TITLE = re.compile(
    r"(?:法|法典|条例|规定|办法|细则|决定|决议|解释|规则|章程|通则|准则|公约|协定|协议|纲要|意见|"
    r"通知|方案|措施|制度|规划|计划|目录|清单|标准|规范|修正案|指引|指南|批复|答复|复函|安排|纪要|"
    r"公告|通告|命令|条约|宣言|议定书|备忘录|守则|要点|须知)(?:[（(][^（）()]*[）)])?$"
)


def category(ref: list) -> str:
    """What kind of reference it is, for counts: self, bare, relative, named, … number."""
    scope = ref[SCOPE]
    if scope == NUMBER or ref[KIND] == DOCUMENT:
        return "number" if scope == NUMBER else "document"
    if scope == SELF:
        return "relative" if ref[RELATIVE] else ("self" if ref[WORK] else "bare")
    return scope  # named | inherited | same


def _items(items: list[int], paragraph: int | None) -> int:
    """How many 项 the cited 款 may have: its own, or all the article's (a 项 line the parser
    took for a 款 splits one 款's items)."""
    own = items[paragraph - 1] if paragraph is not None and 0 < paragraph <= len(items) else 0
    return max(own, sum(items))


class Resolver:
    """Resolves the stored references of one document at a time against a Catalog."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog

    def document(self, doc_id: str, refs: list[list]) -> Iterator[m.Link | m.Unresolved]:
        """Links and unresolved references of one citing document."""
        citing = self.catalog.docs[doc_id]
        date = self.catalog.date_of(doc_id)
        amended = self.catalog.amended(doc_id)
        last_name = ""
        for ref in refs:
            name = ref[NAME]
            if ref[SCOPE] == SAME and not name:
                name = last_name
            if name and ref[SCOPE] != NUMBER:
                last_name = name
            yield from self._reference(doc_id, citing, date, amended, ref, name)

    def _reference(self, doc_id, citing, date, amended, ref, name) -> Iterator:
        cat = category(ref)
        if ref[SCOPE] == NUMBER:
            yield self._unresolved(doc_id, ref, name, m.NOT_IN_COLLECTION, cat)
        elif ref[SCOPE] == SAME and not name:
            yield self._unresolved(doc_id, ref, "", m.NO_EARLIER_WORK, cat)
        elif ref[SCOPE] == SELF and amended and not amended[1]:
            yield self._unresolved(doc_id, ref, amended[0], m.NOT_IN_COLLECTION, cat)
        elif ref[SCOPE] == SELF:
            if amended:
                docs, exact = self.catalog.version(amended[1], date, after=True)
            else:
                docs, exact = self._own_version(doc_id), True
            found = list(self._positions(doc_id, ref, ref[START], docs, cat, exact))
            failed = (
                cat == "bare" and not amended and any(isinstance(x, m.Unresolved) for x in found)
            )
            fallback = failed and self.catalog.title_work(doc_id)
            if fallback:
                # 执行《刑法》确定罪名的补充规定: bare 第一百二十条 means the law its title names
                docs, exact = self.catalog.version(fallback, date)
                if exact or not self.catalog.renumbered_since(docs, date):
                    found = list(self._positions(doc_id, ref, ref[START], docs, cat, exact))
            yield from found
        else:
            yield from self._named(doc_id, citing, date, ref, name, cat)

    def _named(self, doc_id, citing, date, ref, name, cat) -> Iterator:
        start = ref[START]
        works, matched = self.catalog.works(name, trim=not ref[TEXT].startswith("《"))
        if matched != name and ref[TEXT].startswith(name):  # 具有专利法 → 专利法
            start += len(name) - len(matched)
        works = self.catalog.prefer(works, citing)
        if not works:
            reason = m.NOT_IN_COLLECTION
            if ref[KIND] == DOCUMENT and not DOCUMENT_TITLE.search(name):
                reason = m.NOT_A_LAW
            yield self._unresolved(doc_id, ref, name, reason, cat)
            return
        if len(works) > 1:
            yield self._unresolved(doc_id, ref, name, m.AMBIGUOUS, cat)
            return
        work = next(iter(works))
        if ref[KIND] == DOCUMENT and work == citing["work_key"]:
            return  # a document naming itself
        docs, exact = self.catalog.version(work, date)
        if not exact and ref[KIND] != DOCUMENT and self.catalog.renumbered_since(docs, date):
            yield self._unresolved(doc_id, ref, name, m.REVISED, cat)
            return
        if ref[KIND] == DOCUMENT:
            yield self._link(doc_id, ref, start, docs[0], None, None, None, cat, exact)
        else:
            yield from self._positions(doc_id, ref, start, docs, cat, exact)

    def _own_version(self, doc_id: str) -> list[str]:
        rec = self.catalog.docs[doc_id]
        for d, ids in self.catalog.versions.get(rec["work_key"], []):
            if d == (rec.get("version_date") or "") and doc_id in ids:
                return ids
        return [doc_id]

    def _positions(self, doc_id, ref, start, docs, cat, exact) -> Iterator:
        for article, suffix, paragraph, item in ref[POSITIONS]:
            if article is None:
                yield self._unresolved(doc_id, ref, ref[NAME], m.NO_ARTICLE, cat)
                continue
            hit = self.catalog.article(docs, article, suffix)
            if hit is None:
                beyond = article > self.catalog.last_article(docs)
                reason = m.BEYOND if beyond else m.NO_SUCH_ARTICLE
                yield self._unresolved(doc_id, ref, ref[NAME], reason, cat)
                continue
            target, ordinal, paragraphs, items = hit
            if paragraph is not None and paragraph > paragraphs:
                yield self._unresolved(doc_id, ref, ref[NAME], m.PARAGRAPH_BEYOND, cat)
                continue
            if item is not None and item > _items(items, paragraph):
                yield self._unresolved(doc_id, ref, ref[NAME], m.ITEM_BEYOND, cat)
                continue
            yield self._link(doc_id, ref, start, target, ordinal, paragraph, item, cat, exact)

    @staticmethod
    def _link(doc_id, ref, start, target, ordinal, paragraph, item, cat, exact) -> m.Link:
        scope = cat if cat in ("self", "bare", "relative") else ref[SCOPE]
        kind = "document" if ordinal is None else "article"
        text = ref[TEXT][start - ref[START] :]
        return m.Link(
            doc_id, ref[ORDINAL], start, ref[START] + len(ref[TEXT]), text, kind, target, ordinal,
            paragraph, item, m.CITES, scope, exact,
        )  # fmt: skip

    @staticmethod
    def _unresolved(doc_id, ref, name, reason, cat) -> m.Unresolved:
        end = ref[START] + len(ref[TEXT])
        return m.Unresolved(doc_id, ref[ORDINAL], ref[START], end, ref[TEXT], name, reason, cat)
