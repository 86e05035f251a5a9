"""Citation-check cases generated from a build itself, and their scores (precision and recall per
verdict), for bench/bench_verify.py and the tests.

Every case is one citation in a sentence of synthetic prose, made from the collection's own
articles, with the verdict it must get:
  ok               a true citation (full title in 《》 or a short name, 第N条 or 第N条第K款), with an
                   exact quotation of it or none
  no_such_article  an article number past the end of the work, or a 款 past the article's last
  misquoted        a true citation whose quotation has one character changed
  wrong_article    a quotation of the next article, cited as this one
  superseded       a quotation of an older version's article, or an older version named
  not_found        a law name the collection does not have
Cases are checked to be what they claim (a changed quotation occurs nowhere, a moved one is not
in the cited article in any version …), so a wrong verdict is the checker's fault.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from kb.engine.articles import articles
from kb.engine.snapshot import Snapshot
from kb.engine.works import current_rows, version_rows
from kb.numerals import int_to_cn
from kb.query.aliases import PREFIX
from kb.verify.quotes import article_words, normalize

# Prose around the citations (written for these cases, no document text).
FILLER = (
    "会议听取了有关情况的汇报，与会人员进行了认真讨论。",
    "相关部门表示将进一步加强工作衔接，确保各项措施落到实处。",
    "在调研中，代表们普遍反映基层工作任务较重，需要统筹安排。",
    "这一问题涉及多个方面，有必要结合实际情况作出具体分析。",
    "经过讨论，大家认为应当坚持依法办事，做到程序规范、公开透明。",
)
_SENTENCE = re.compile(r"[^。；！？]{10,60}[。；]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MARKS = re.compile(r"[“”「」‘’]")
MADE_UP = ("星际", "梦想", "云端", "虚拟货币交易", "人工降雨", "宠物殡葬", "深海采矿", "时间旅行")


@dataclass(frozen=True)
class VerdictCase:
    """A citation (with its quotation, if any) in a sentence, and the verdict it must get."""

    kind: str  # how it was made: exact, bare, past_end, past_paragraph, one_char, …
    text: str  # the sentence
    citation: str  # the citation as written in it
    expected: str  # the verdict


class CaseMaker:
    """Makes cases from the articles of one build (seeded, so the same build gives the same)."""

    def __init__(self, snap: Snapshot, seed: int = 12):
        self.snap, self.rand = snap, random.Random(seed)
        self.table, self.texts = articles(snap), snap.texts()
        self.names = self._unique_names()
        self.works = sorted(w for w, rows in current_rows(snap).items() if self._usable(rows))

    def _unique_names(self) -> dict[str, list[str]]:
        """Work → names that mean only that work (so a case's citation is unambiguous)."""
        out: dict[str, list[str]] = {}
        for name, works in self.snap.aliases().names().items():
            # as people write them: no brackets outside 《》, no 中华人民共和国 before a short name
            if (
                len(works) == 1
                and not name.startswith(PREFIX)
                and not re.search(r"[()（）0-9]", name)
            ):
                out.setdefault(next(iter(works)), []).append(name)
        return out

    def _usable(self, rows: list[int]) -> bool:
        numbers = [a for r in rows for a, s, _n in self.table.numbered(r) if not s]
        return len(numbers) >= 5 and len(numbers) == len(set(numbers))

    def cases(self, per_kind: int) -> list[VerdictCase]:
        """Up to `per_kind` cases of every kind."""
        makers = (
            self.exact,
            self.bare,
            self.paragraph,
            self.same_law,
            self.in_prose,
            self.span,
            self.past_end,
            self.past_paragraph,
            self.past_span,
            self.one_char,
            self.moved,
            self.older_text,
            self.older_version,
            self.unknown,
        )
        versioned = [w for w in self.works if len(version_rows(self.snap, w)) > 1]
        out = []
        for make in makers:
            made, tries = [], 0
            pool = versioned if make in (self.older_text, self.older_version) else self.works
            while pool and len(made) < per_kind and tries < per_kind * 20:
                tries += 1
                case = make(self.rand.choice(pool))
                if case is not None:
                    made.append(case)
            out += made
        return out

    # the citation and the sentence
    def _name(self, work: str) -> str:
        names = self.names.get(work, [])
        title = self.snap.docs.records[current_rows(self.snap)[work][0]]["title"]
        return self.rand.choice([f"《{title}》", *names]) if names else f"《{title}》"

    def _sentence(self, citation: str, quote: str | None) -> str:
        lead, tail = self.rand.choice(FILLER), self.rand.choice(FILLER)
        said = f"{citation}规定：“{quote}”" if quote is not None else f"依照{citation}的规定"
        return f"{lead}{said}。{tail}"

    def _case(self, kind: str, citation: str, quote: str | None, expected: str) -> VerdictCase:
        return VerdictCase(kind, self._sentence(citation, quote), citation, expected)

    def _articles(self, work: str) -> list[tuple[int, int]]:
        """(article, docnum) of the work's current articles (no 之 articles)."""
        rows = current_rows(self.snap)[work]
        return [(a, n) for r in rows for a, s, n in self.table.numbered(r) if not s]

    def _quote(self, text: str) -> str | None:
        sentences = [s.strip("。；") for s in _SENTENCE.findall(text.split(" ", 1)[-1])]
        sentences = [s for s in sentences if len(_CJK.findall(s)) >= 8 and not _MARKS.search(s)]
        return self.rand.choice(sentences) if sentences else None

    # the kinds of case
    def exact(self, work: str) -> VerdictCase | None:
        article, n = self.rand.choice(self._articles(work))
        quote = self._quote(self.texts[n])
        cite = f"{self._name(work)}第{int_to_cn(article)}条"
        return self._case("exact", cite, quote, "ok") if quote else None

    def bare(self, work: str) -> VerdictCase:
        article, _n = self.rand.choice(self._articles(work))
        return self._case("bare", f"{self._name(work)}第{int_to_cn(article)}条", None, "ok")

    def paragraph(self, work: str) -> VerdictCase | None:
        """第N条第K款 with a quotation of that 款."""
        article, n = self.rand.choice(self._articles(work))
        lines = self.texts[n].split(" ", 1)[-1].split("\n")
        passage = self._passage(n)
        if len(passage.paragraphs) < 2:
            return None
        para = self.rand.choice(passage.paragraphs)
        quote = self._quote(para.text + "。")
        if not quote or not lines:
            return None
        cite = f"{self._name(work)}第{int_to_cn(article)}条第{int_to_cn(para.number)}款"
        return self._case("paragraph", cite, quote, "ok")

    def same_law(self, work: str) -> VerdictCase | None:
        """同法第M条 after a citation naming the work, with a quotation of article M."""
        (a, _n), (m, n) = self.rand.sample(self._articles(work), 2)
        quote = self._quote(self.texts[n])
        if not quote:
            return None
        first = f"{self._name(work)}第{int_to_cn(a)}条"
        cite = f"同法第{int_to_cn(m)}条"
        text = f"{self.rand.choice(FILLER)}{first}对此作了原则规定，{cite}进一步规定：“{quote}”。"
        return VerdictCase("same_law", text, cite, "ok")

    def in_prose(self, work: str) -> VerdictCase | None:
        """A true citation and quotation in the middle of a long paragraph."""
        case = self.exact(work)
        if case is None:
            return None
        lead = "".join(self.rand.choices(FILLER, k=6))
        tail = "".join(self.rand.choices(FILLER, k=6))
        return VerdictCase("in_prose", lead + case.text + tail, case.citation, "ok")

    def span(self, work: str) -> VerdictCase:
        """第A条至第B条 within the work."""
        listed = self._articles(work)
        i = self.rand.randrange(len(listed) - 2)
        a, b = listed[i][0], listed[i + 2][0]
        cite = f"{self._name(work)}第{int_to_cn(a)}条至第{int_to_cn(b)}条"
        return self._case("span", cite, None, "ok")

    def past_span(self, work: str) -> VerdictCase:
        """第A条至第B条 running past the end of the work."""
        last = self._last(work)
        cite = f"{self._name(work)}第{int_to_cn(last - 1)}条至第{int_to_cn(last + 2)}条"
        return self._case("past_span", cite, None, "no_such_article")

    def _last(self, work: str) -> int:
        """The highest article number any version of the work has."""
        rows = [r for v in version_rows(self.snap, work) for r in v]
        return max(a for r in rows for a, _s, _n in self.table.numbered(r))

    def _passage(self, n: int):
        from kb.engine.hits import load_passage

        return load_passage(self.snap, n)

    def past_end(self, work: str) -> VerdictCase | None:
        article = self._last(work) + self.rand.randint(1, 30)
        return self._case(
            "past_end", f"{self._name(work)}第{int_to_cn(article)}条", None, "no_such_article"
        )

    def past_paragraph(self, work: str) -> VerdictCase:
        article, n = self.rand.choice(self._articles(work))
        paragraphs = len(self.texts[n].split("\n"))  # an upper bound: 项 lines count too
        cite = f"{self._name(work)}第{int_to_cn(article)}条第{int_to_cn(paragraphs + 1)}款"
        return self._case("past_paragraph", cite, None, "no_such_article")

    def one_char(self, work: str) -> VerdictCase | None:
        article, n = self.rand.choice(self._articles(work))
        quote = self._quote(self.texts[n])
        if not quote:
            return None
        spots = [i for i, ch in enumerate(quote) if _CJK.match(ch)][1:-1]
        i = self.rand.choice(spots)
        changed = quote[:i] + ("的" if quote[i] != "的" else "之") + quote[i + 1 :]
        if self._anywhere(changed):
            return None
        cite = f"{self._name(work)}第{int_to_cn(article)}条"
        return self._case("one_char", cite, changed, "misquoted")

    def moved(self, work: str) -> VerdictCase | None:
        listed = self._articles(work)
        i = self.rand.randrange(len(listed) - 1)
        (article, _n), (_next, m) = listed[i], listed[i + 1]
        quote = self._quote(self.texts[m])
        if not quote or self._in_article(work, article, quote):
            return None
        cite = f"{self._name(work)}第{int_to_cn(article)}条"
        return self._case("moved", cite, quote, "wrong_article")

    def older_text(self, work: str) -> VerdictCase | None:
        versions = version_rows(self.snap, work)
        if len(versions) < 2:
            return None
        old = self.rand.choice(versions[1:])
        numbered = [(a, n) for r in old for a, s, n in self.table.numbered(r) if not s]
        article, n = self.rand.choice(numbered)
        quote = self._quote(self.texts[n])
        current = [m for a, m in self._articles(work) if a == article]
        if not quote or not current or normalize(quote) in article_words(self.texts[current[0]]):
            return None
        return self._case(
            "older_text", f"{self._name(work)}第{int_to_cn(article)}条", quote, "superseded"
        )

    def older_version(self, work: str) -> VerdictCase | None:
        versions = version_rows(self.snap, work)
        labels = [self.snap.docs.records[v[0]].get("version_label") or "" for v in versions]
        if len(versions) < 2 or not labels[1] or labels[1] == labels[0]:
            return None
        title = self.snap.docs.records[versions[1][0]]["title"]
        article, _n = self.rand.choice(self._articles(work))
        cite = f"《{title}》（{labels[1]}）第{int_to_cn(article)}条"
        return self._case("older_version", cite, None, "superseded")

    def unknown(self, work: str) -> VerdictCase | None:
        name = f"{PREFIX}{self.rand.choice(MADE_UP)}{self.rand.choice(['促进法', '管理法', '保护条例'])}"
        if self.snap.aliases().lookup(name):
            return None
        cite = f"《{name}》第{int_to_cn(self.rand.randint(1, 60))}条"
        return self._case("unknown", cite, None, "not_found")

    # checks that a case is what it claims
    def _in_article(self, work: str, article: int, quote: str) -> bool:
        """Whether any version of the work's article holds the quotation."""
        for rows in version_rows(self.snap, work):
            for r in rows:
                n = self.table.find(r, article)
                if n is not None and normalize(quote) in article_words(self.texts[n]):
                    return True
        return False

    def _anywhere(self, quote: str) -> bool:
        folded = normalize(quote)
        return any(folded in t for t in self.texts)


def verdict_for(case: VerdictCase, verdicts: list) -> str:
    """The verdict given to the case's citation ("none" when it was not found)."""
    start = case.text.index(case.citation)
    end = start + len(case.citation)
    return next(
        (v.verdict for v in verdicts if v.claim.start < end and v.claim.end > start), "none"
    )


def score(cases: list[VerdictCase], predicted: list[str]) -> dict:
    """Precision and recall per verdict, given the verdict predicted for every case."""
    out = {}
    for verdict in sorted({c.expected for c in cases} | (set(predicted) - {"none"})):
        pairs = list(zip(cases, predicted, strict=True))
        tp = sum(1 for c, p in pairs if c.expected == verdict == p)
        made = sum(1 for p in predicted if p == verdict)
        real = sum(1 for c in cases if c.expected == verdict)
        out[verdict] = {
            "precision": round(tp / made, 4) if made else None,
            "recall": round(tp / real, 4) if real else None,
            "cases": real,
        }
    wrong = [(c, p) for c, p in zip(cases, predicted, strict=True) if c.expected != p]
    return {
        "per_verdict": out,
        "cases": len(cases),
        "right": len(cases) - len(wrong),
        "wrong": wrong,
    }
