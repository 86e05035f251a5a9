"""Suggestions while typing: names of works (选举 → 选举法) and the articles of a named work
being cited (代表法第四 → 第四条, 第四十条 … with the first words of each).

Names are the query parser's own (kb.query.aliases.AliasTable: titles, titles without
中华人民共和国, curated and automatic short names), so a name that is suggested is one a search
understands. Everything is prepared once per build (Suggester, kept in the build's cache);
a suggestion is then a scan of a few thousand short strings or one work's article list.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass

from kb.engine.articles import articles
from kb.engine.snapshot import Snapshot
from kb.engine.works import current_rows
from kb.models import KINDS
from kb.numerals import NUM_CLASS, int_to_cn
from kb.query.aliases import PREFIX, fold_title

MAX_SUGGEST_CHARS = 100  # a name or a citation being typed; longer input gets no suggestions
FIRST_WORDS = 28  # characters of an article shown beside its number
_TYPING_CITATION = re.compile(
    rf"^(?P<name>.+?)\s*第\s*(?P<num>{NUM_CLASS})?\s*(?:(?P<unit>条)(?:\s*第\s*(?P<para>{NUM_CLASS})?)?)?$"
)
_LABEL = re.compile(rf"^\s*第{NUM_CLASS}条(?:之{NUM_CLASS})?\s*")
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Suggestion:
    """One completion: `text` goes into the search box, `label` and `detail` are shown."""

    kind: str  # work | article | paragraph
    text: str
    label: str
    detail: str
    document: str | None  # the current version's document id


@dataclass(frozen=True)
class _Name:
    name: str
    work: str
    rank: tuple  # static order: legal hierarchy, then shorter names


class Suggester:
    """The names and article numbering of one build, ready for suggestions."""

    def __init__(self, snap: Snapshot):
        self.snap = snap
        self.rows = current_rows(snap.docs)  # work key → current document rows
        self.titles = {
            snap.docs.records[r[0]]["work_key"]: _display_title(snap, r[0])
            for r in self.rows.values()
        }
        self.names = sorted(self._names(), key=lambda n: n.rank)
        self._articles: dict[str, list[tuple[str, str, str, int]]] = {}

    def _names(self) -> list[_Name]:
        out = []
        for name, works in self.snap.aliases().names().items():
            for work in works:
                rows = self.rows.get(work)
                if not rows:
                    continue
                kind = self.snap.docs.records[rows[0]]["kind"]
                kind_rank = KINDS.index(kind) if kind in KINDS else len(KINDS)
                out.append(_Name(name, work, (kind_rank, name.startswith(PREFIX), len(name), name)))
        return out

    def suggest(self, typed: str, limit: int = 8) -> list[Suggestion]:
        """Completions for what has been typed so far (empty for nothing useful)."""
        text = unicodedata.normalize("NFKC", typed).strip()
        if not text or len(text) > MAX_SUGGEST_CHARS:
            return []
        m = _TYPING_CITATION.match(text)
        if m:
            found = self._citation(m, limit)
            if found:
                return found
        return self._works(fold_title(text), limit)

    def _works(self, typed: str, limit: int) -> list[Suggestion]:
        """Names that start with, then contain, what was typed; one or two per work."""
        if not typed:
            return []
        starts, inside = [], []
        for n in self.names:
            if n.name.startswith(typed):
                starts.append(n)
                if len(starts) >= limit * 2:
                    break
            elif len(inside) < limit * 2 and typed in n.name:
                inside.append(n)
        out, per_work = [], {}
        for n in starts + inside:
            shown = (
                n.name[len(PREFIX) :]
                if n.name.startswith(PREFIX) and len(n.name) > len(PREFIX) + 1
                else n.name
            )
            key = (n.work, shown)
            if per_work.get(n.work, 0) >= 2 or key in per_work:
                continue
            per_work[key] = 1
            per_work[n.work] = per_work.get(n.work, 0) + 1
            title = self.titles[n.work]
            doc = self.snap.docs.ids[self.rows[n.work][0]]
            out.append(Suggestion("work", shown, shown, title if title != shown else "", doc))
            if len(out) >= limit:
                break
        return out

    def _citation(self, m: re.Match, limit: int) -> list[Suggestion]:
        """Articles (or 款) of the named work whose number starts as typed."""
        found = self.snap.aliases().find_suffix(m["name"])
        if not found or fold_title(m["name"]) != found[0]:
            return []
        name, works = found
        work = min(works, key=lambda w: self._work_rank(w))
        listed = self._article_list(work)
        num = m["num"] or ""
        if m["unit"]:  # 第四条 typed whole: the article itself, then its 款
            return self._paragraphs(name, work, listed, num, limit)
        typed = num.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        out = []
        for cn, label, first, docnum in listed:
            number = cn.split("之")[0]
            if typed.isdigit():
                arabic = str(int(self._number(docnum)))
                if not arabic.startswith(typed):
                    continue
            elif not number.startswith(typed):
                continue
            out.append(Suggestion("article", f"{name}{label}", label, first, self._doc(docnum)))
            if len(out) >= limit:
                break
        return out

    def _paragraphs(
        self, name: str, work: str, listed: list, num: str, limit: int
    ) -> list[Suggestion]:
        from kb.engine.hits import load_passage
        from kb.numerals import cn_to_int

        number = cn_to_int(num)
        entry = next((e for e in listed if self._number(e[3]) == number and "之" not in e[0]), None)
        if entry is None:
            return []
        _cn, label, first, docnum = entry
        out = [Suggestion("article", f"{name}{label}", label, first, self._doc(docnum))]
        paragraphs = load_passage(self.snap, docnum).paragraphs
        if len(paragraphs) > 1:
            for p in paragraphs[: limit - 1]:
                para = f"{label}第{int_to_cn(p.number)}款"
                out.append(
                    Suggestion(
                        "paragraph", f"{name}{para}", para, _first_words(p.text), self._doc(docnum)
                    )
                )
        return out

    def _article_list(self, work: str) -> list[tuple[str, str, str, int]]:
        """(numeral, label, first words, docnum) of the work's current articles, in order."""
        listed = self._articles.get(work)
        if listed is None:
            table, texts = articles(self.snap), self.snap.texts()
            listed = []
            for row in self.rows[work]:
                for number, suffix, docnum in table.numbered(row):
                    cn = int_to_cn(number) + (f"之{int_to_cn(suffix)}" if suffix else "")
                    label = f"第{int_to_cn(number)}条" + (
                        f"之{int_to_cn(suffix)}" if suffix else ""
                    )
                    listed.append((cn, label, _first_words(_LABEL.sub("", texts[docnum])), docnum))
            self._articles[work] = listed
        return listed

    def _number(self, docnum: int) -> int:
        return int(articles(self.snap).number[docnum])

    def _doc(self, docnum: int) -> str:
        return self.snap.docs.ids[int(self.snap.passage_doc[docnum])]

    def _work_rank(self, work: str) -> tuple:
        kind = self.snap.docs.records[self.rows[work][0]]["kind"] if work in self.rows else ""
        return (KINDS.index(kind) if kind in KINDS else len(KINDS), work)


def _first_words(text: str) -> str:
    line = text.split("\n", 1)[0].strip()
    return line if len(line) <= FIRST_WORDS else line[:FIRST_WORDS] + "…"


def _display_title(snap: Snapshot, row: int) -> str:
    title = snap.docs.records[row]["title"]
    return title[len(PREFIX) :] if title.startswith(PREFIX) else title


def suggester(snap: Snapshot) -> Suggester:
    """The build's Suggester (prepared on first use, then shared)."""
    key = ("suggester",)
    found = snap.docs.cache.get(key)
    if found is None:
        with _LOCK:
            found = snap.docs.cache.get(key)
            if found is None:
                found = snap.docs.cache[key] = Suggester(snap)
    return found
