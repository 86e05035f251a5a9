"""The collection as reference resolution sees it: works, their versions, and where articles are."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from kb.numerals import NUM_CLASS
from kb.query.aliases import PREFIX, AliasTable, fold_title
from kb.references.names import title_spans
from kb.versions import resolve_versions

NATIONAL_ORDER = ("宪法", "法律", "行政法规", "监察法规", "司法解释", "部门规章")
_BRACKETS = re.compile(r"[（(][^（）()]*[）)]")
_AMENDMENT = re.compile(r"^(.+?)修正案")
_KEEPS_NUMBERS = re.compile(r"修正案|修改部分法律")
_SEVERAL = re.compile(rf"》等{NUM_CLASS}(?:件|部)")


class Catalog:
    """Documents (plain records), versions by work, article maps and the names of works."""

    def __init__(self, records: Iterable[dict], articles: dict[str, list]):
        """`records`: document records (id, title, kind, region, work_key, version_date …);
        `articles`: doc id → [[article, suffix, ordinal, paragraphs, items per 款], …]."""
        self.docs: dict[str, dict] = {r["id"]: r for r in records}
        places = resolve_versions(list(self.docs.values()))
        self.valid: dict[str, tuple[str, str]] = {}
        self.duplicates = {d for d, place in places.items() if place.duplicate_of}
        by_version: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for doc_id, rec in self.docs.items():
            place = places[doc_id]
            self.valid[doc_id] = (place.valid_from or "", place.valid_to or "9999")
            if not place.duplicate_of:
                by_version[rec["work_key"]][rec.get("version_date") or ""].append(doc_id)
        self.versions = {w: sorted(v.items()) for w, v in by_version.items()}
        self.articles = {
            doc_id: {(row[0], row[1]): tuple(row[2:]) for row in rows}
            for doc_id, rows in articles.items()
        }
        titles = {w: self.docs[v[-1][1][0]]["title"] for w, v in self.versions.items()}
        self.aliases = AliasTable(titles)
        self._title_works: dict[str, str | None] = {}

    def renumbered_since(self, doc_ids: list[str], date: str) -> bool:
        """True when the version may number its articles differently from the one in force on
        `date`: it was revised (修订) since, or amended by a decision that may renumber. Only
        amendments by 修正案 (they add 第…条之一) and omnibus wording fixes (关于修改部分法律的
        决定) keep the numbers."""
        for h in self.docs[doc_ids[0]].get("history") or ():
            if (h.get("date") or "") <= date:
                continue
            text, event = h.get("text") or "", h.get("event") or ""
            if event == "修订":
                return True
            if (event == "修正" or "修改" in text) and not _KEEPS_NUMBERS.search(text):
                return True
        return False

    def date_of(self, doc_id: str) -> str:
        """The citing date of a document: its version date (or when it came into force)."""
        rec = self.docs[doc_id]
        return rec.get("version_date") or self.valid[doc_id][0] or ""

    def works(self, name: str, trim: bool = True) -> tuple[set[str], str]:
        """Works a name (as written) stands for, and the part of the name that matched.

        With `trim`, a known name at the end of a longer run counts (具有专利法 → 专利法), unless
        the run is a full title itself (中华人民共和国执业医师法 is not 医师法); titles in 《》 are
        looked up as written (the caller passes trim=False).
        """
        for candidate in (name, _BRACKETS.sub("", name)):
            found = self.aliases.lookup(candidate)
            if found:
                return found, name
        hit = self.aliases.find_suffix(name) if trim else None
        if hit and len(hit[0]) >= 2:
            prefix = name[: len(name) - len(hit[0])]
            if not prefix.startswith(PREFIX):
                return hit[1], name[len(prefix) :]
        return set(), name

    def prefer(self, works: set[str], citing: dict) -> set[str]:
        """Narrow several works: the citing document's region first, then national works."""
        if len(works) < 2:
            return works
        region = citing.get("region")
        local = {w for w in works if self.work_region(w) == region and region}
        if local:
            return local
        national = {w for w in works if not self.work_region(w)}
        for kind in NATIONAL_ORDER:
            of_kind = {w for w in national if self.work_kind(w) == kind}
            if of_kind:
                return of_kind
        return national or works

    def version(self, work: str, date: str, after: bool = False) -> tuple[list[str], bool]:
        """Documents (parts) of the version of `work` in force on `date`, and whether it is
        that version: before the first version held, the first (False); with `after`, the
        first version adopted on or after `date` (an amendment's own text); no date: current.
        """
        versions = self.versions.get(work, [])
        if not versions:
            return [], False
        if not date:
            return versions[-1][1], True
        if after:
            return next((ids for d, ids in versions if d >= date), versions[-1][1]), True
        chosen = versions[0][1]
        for _d, ids in versions:
            if self.valid[ids[0]][0] <= date:
                chosen = ids
        start, end = self.valid[chosen[0]]
        return chosen, start <= date < end

    def article(self, doc_ids: list[str], article: int, suffix: int) -> tuple | None:
        """(doc id, ordinal, paragraphs, items per 款) of an article in the documents, or None."""
        for doc_id in doc_ids:
            hit = self.articles.get(doc_id, {}).get((article, suffix))
            if hit:
                items = hit[2] if len(hit) > 2 else []
                return doc_id, hit[0], hit[1], items
        return None

    def last_article(self, doc_ids: list[str]) -> int:
        """The highest article number in the documents (0 when they have none)."""
        return max((a for d in doc_ids for a, _s in self.articles.get(d, {})), default=0)

    def amended(self, doc_id: str) -> tuple[str, str | None] | None:
        """For a 修正案 or 关于修改《…》的决定: the amended title as written and its work
        (None when not in the collection); None for other documents."""
        title = self.docs[doc_id]["title"]
        at = title.find("关于修改《")
        if at >= 0:
            spans = [s for s in title_spans(title[at:]) if s[0] == len("关于修改")]
            name = title[at + spans[0][0] + 1 : at + spans[0][1] - 1] if spans else ""
            if _SEVERAL.search(title):  # 关于修改《…》等二十七件…的决定: which one is unclear
                return name, None
        elif m := _AMENDMENT.match(title):
            name = m.group(1)
        else:
            return None
        works = self.prefer(self.works(name)[0], self.docs[doc_id])
        works.discard(self.docs[doc_id]["work_key"])
        return name, (next(iter(works)) if len(works) == 1 else None)

    def title_work(self, doc_id: str) -> str | None:
        """The one other work a document's title names (执行《刑法》…, 适用刑法分则…), if any."""
        if doc_id not in self._title_works:
            rec = self.docs[doc_id]
            works = set()
            for _s, _e, found in self.aliases.find_all(fold_title(rec["title"])[1:]):
                works |= found
            works.discard(rec["work_key"])
            works = self.prefer(works, rec)
            self._title_works[doc_id] = next(iter(works)) if len(works) == 1 else None
        return self._title_works[doc_id]

    def work_region(self, work: str) -> str | None:
        """The region of a work's current version (None for national works)."""
        return self.docs[self.versions[work][-1][1][0]].get("region")

    def work_kind(self, work: str) -> str:
        """The kind (法律, 地方性法规 …) of a work's current version."""
        return self.docs[self.versions[work][-1][1][0]]["kind"]

    def title_of(self, work: str) -> str:
        """The current title of a work."""
        return self.docs[self.versions[work][-1][1][0]]["title"]


def same_title(a: str, b: str) -> bool:
    """Titles equal up to width, spaces and 《》."""
    return fold_title(a) == fold_title(b)
