"""Suggestions while typing: names of works (选举 → 选举法) and the articles of a named work
being cited (代表法第四 → 第四条, 第四十条 … with the first words of each).

Names are the query parser's own (kb.query.aliases.AliasTable: titles, titles without
中华人民共和国, curated and automatic short names), so a name that is suggested is one a search
understands. Everything is prepared once per build (Suggester, kept in the build's cache);
a suggestion is then a scan of a few thousand short strings or one work's article list.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import itertools
import re
import unicodedata
from dataclasses import dataclass

from kb.config import MAX_SUGGEST_CHARS
from kb.engine.articles import articles
from kb.engine.hits import load_passage
from kb.engine.snapshot import Snapshot
from kb.engine.works import current_rows
from kb.models import KINDS
from kb.numerals import NUM_CLASS, cn_to_int, int_to_cn
from kb.query.aliases import PREFIX, fold_title

FIRST_WORDS = 28  # characters of an article shown beside its number
_TYPING_CITATION = re.compile(
    rf"^(?P<name>.+?)\s*第\s*(?P<num>{NUM_CLASS})?\s*(?:(?P<unit>条)(?:\s*第\s*(?P<para>{NUM_CLASS})?)?)?$"
)
_LABEL = re.compile(rf"^\s*第{NUM_CLASS}条(?:之{NUM_CLASS})?\s*")
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


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
        self.rows = current_rows(snap)  # work key → current document rows
        self.titles = {
            snap.docs.records[r[0]]["work_key"]: _display_title(snap, r[0])
            for r in self.rows.values()
        }
        self.names = sorted(self._names(), key=lambda n: n.rank)
        # for prefixes: names in code-point order; for substrings: all names joined, in rank order
        self.alphabetical = sorted(self.names, key=lambda n: n.name)
        self.keys = [n.name for n in self.alphabetical]
        self.joined = "\n".join(n.name for n in self.names)
        self.offsets = list(itertools.accumulate((len(n.name) + 1 for n in self.names), initial=0))
        self._articles: dict[str, list[tuple[int, int, int]]] = {}

    def _names(self) -> list[_Name]:
        """The parser's names (in its normal form, 人大/常委会 …) plus each title as written;
        a normal form that only abbreviates a title ranks after the title it stands for."""
        aliases = self.snap.aliases()
        written = {w: fold_title(t) for w, t in self.titles.items()}
        twins = {w: aliases.canonical.text(t) for w, t in written.items()}
        out = [self._name(title, work, False) for work, title in written.items()]
        for name, works in aliases.names().items():
            out += [self._name(name, w, name == twins[w]) for w in works if w in self.rows]
        return out

    def _name(self, name: str, work: str, twin: bool) -> _Name:
        kind = self.snap.docs.records[self.rows[work][0]]["kind"]
        kind_rank = KINDS.index(kind) if kind in KINDS else len(KINDS)
        return _Name(name, work, (kind_rank, twin, name.startswith(PREFIX), len(name), name))

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
        typed = fold_title(text)
        found = self._works(typed, limit)
        canonical = self.snap.aliases().canonical.text(typed)
        if canonical != typed and len(found) < limit:  # 全国人民代表大会常务委员会 typed in full
            shown = {s.text for s in found}
            found += [s for s in self._works(canonical, limit) if s.text not in shown]
        return found[:limit]

    def _works(self, typed: str, limit: int) -> list[Suggestion]:
        """Names that start with, then contain, what was typed; one or two per work."""
        if not typed:
            return []
        starts = self._starting(typed, limit * 2)
        inside = self._containing(typed, limit * 2) if len(starts) < limit * 2 else []
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

    def _starting(self, typed: str, most: int) -> list[_Name]:
        """The best-ranked `most` names starting with `typed` (a slice of the sorted names)."""
        low = bisect.bisect_left(self.keys, typed)
        high = bisect.bisect_left(self.keys, typed + "\U0010ffff")
        return heapq.nsmallest(most, self.alphabetical[low:high], key=lambda n: n.rank)

    def _containing(self, typed: str, most: int) -> list[_Name]:
        """The best-ranked `most` names containing `typed` elsewhere than at their start."""
        found, at = [], self.joined.find(typed)
        while at >= 0 and len(found) < most:
            i = bisect.bisect_right(self.offsets, at) - 1
            if at != self.offsets[i]:
                found.append(self.names[i])
            at = self.joined.find(typed, self.offsets[i + 1])
        return found

    def _citation(self, m: re.Match, limit: int) -> list[Suggestion]:
        """Articles (or 款) of the named work whose number starts as typed."""
        found = self.snap.aliases().find_suffix(m["name"])
        if not found or fold_title(m["name"]) != found[0]:
            return []
        name, works = found
        listed = self._article_list(min(works, key=self._work_rank))
        typed = (m["num"] or "").translate(_FULLWIDTH)
        if m["unit"]:  # 第四条 typed whole: the article itself, then its 款
            return self._paragraphs(name, listed, cn_to_int(typed), limit)
        out = []
        for number, suffix, docnum in listed:
            shown = str(number) if typed.isdigit() else _cn(number)
            if shown.startswith(typed):
                out.append(self._article(name, number, suffix, docnum))
                if len(out) >= limit:
                    break
        return out

    def _article(self, name: str, number: int, suffix: int, docnum: int) -> Suggestion:
        label = f"第{_cn(number)}条" + (f"之{_cn(suffix)}" if suffix else "")
        first = _first_words(_LABEL.sub("", self.snap.texts()[docnum]))
        return Suggestion("article", f"{name}{label}", label, first, self._doc(docnum))

    def _paragraphs(self, name: str, listed: list, number: int | None, limit: int) -> list:
        """An article typed whole: it, then its 款 when it has several."""
        entry = next((e for e in listed if e[0] == number and not e[1]), None)
        if entry is None:
            return []
        article = self._article(name, *entry)
        out = [article]
        paragraphs = load_passage(self.snap, entry[2]).paragraphs
        for p in paragraphs[: limit - 1] if len(paragraphs) > 1 else ():
            para = f"{article.label}第{_cn(p.number)}款"
            text = _first_words(p.text)
            out.append(Suggestion("paragraph", f"{name}{para}", para, text, article.document))
        return out

    def _article_list(self, work: str) -> list[tuple[int, int, int]]:
        """(article, suffix, docnum) of the work's current articles, in order (kept per work)."""
        listed = self._articles.get(work)
        if listed is None:
            table = articles(self.snap)
            listed = [entry for row in self.rows[work] for entry in table.numbered(row)]
            self._articles[work] = listed
        return listed

    def _doc(self, docnum: int) -> str:
        return self.snap.docs.ids[int(self.snap.passage_doc[docnum])]

    def _work_rank(self, work: str) -> tuple:
        kind = self.snap.docs.records[self.rows[work][0]]["kind"] if work in self.rows else ""
        return (KINDS.index(kind) if kind in KINDS else len(KINDS), work)


@functools.lru_cache(maxsize=4096)
def _cn(number: int) -> str:
    """The article numeral, as typed after 第 (kept: suggestions render the same ones often)."""
    return int_to_cn(number)


def _first_words(text: str) -> str:
    line = text.split("\n", 1)[0].strip()
    return line if len(line) <= FIRST_WORDS else line[:FIRST_WORDS] + "…"


def _display_title(snap: Snapshot, row: int) -> str:
    title = snap.docs.records[row]["title"]
    return title[len(PREFIX) :] if title.startswith(PREFIX) else title


def suggester(snap: Snapshot) -> Suggester:
    """The build's Suggester (prepared on first use, then shared)."""
    return snap.cached("suggester", lambda: Suggester(snap))
