"""Cases generated from an index: each work's citations in every written form, and questions
about each work, checked against what kb answers at rank 1 (search and cite).

bench/citation_forms.py runs them over every work and prints pass rates per form and per kind
of document; the tests run them over a sample.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

from devkit.written_forms import (
    Target,
    article_forms,
    name_forms,
    question_forms,
    simple_name,
)
from kb.engine.citations import doc_order
from kb.engine.doc_questions import chinese_date
from kb.errors import KBError
from kb.library import Library
from kb.models import CURRENT, Hit, Passage
from kb.numerals import int_to_cn, parse_article_label
from kb.query.aliases import aliases_for_title, fold_title
from kb.query.titles import former_names
from kb.search import SearchParams

UNITS = ("article", "item")
AS_WRITTEN = ("title", "书名号", "《title》（version）", "《title》（version） superseded")


@dataclass(frozen=True)
class FormCase:
    """One query and what must come first: an article (target) or a document's answer."""

    form: str
    kind: str
    query: str
    name: str  # the work's name as written in the query
    work: str
    version_date: str | None
    target: Target | None = None
    answer: str = ""  # document questions: the text the first snippet must show


@dataclass(frozen=True)
class Outcome:
    """How kb answered a case."""

    case: FormCase
    ok: bool
    ambiguous: bool  # the name fits several works
    got: str  # what came first, when it was not the expected
    chosen: tuple[str, ...] = ()  # ambiguous names: the works kb took them to mean
    search_ms: float = 0.0
    cite_ms: float | None = None  # cases of one article are looked up by cite too


def _units(library: Library, doc_id: str) -> list[Passage]:
    return [p for p in library.document(doc_id).document.passages if p.role in UNITS and p.article]


def _chosen(units: list[Passage], per_work: int) -> list[Passage]:
    """First, middle and last article (as many as asked), plus the first inserted one."""
    picks = [units[0], units[len(units) // 2], units[-1]][:per_work] if units else []
    picks += [p for p in units if p.article_suffix][:1]
    return list({p.id: p for p in picks}.values())


def work_cases(library: Library, rec: dict, titles: set[str], per_work: int = 3) -> list[FormCase]:
    """Every written form of a few articles of one document's work, and questions about it."""
    units = _units(library, rec["id"])
    short = tuple(aliases_for_title(rec["title"]))
    name = simple_name(rec["title"], short)
    make = lambda form, query, written, target=None, answer="": FormCase(  # noqa: E731
        form, rec["kind"], query, written, rec["work_key"], rec.get("version_date"), target, answer
    )
    cases = []
    if units:
        first = units[len(units) // 2]
        forms = name_forms(rec["title"], rec.get("city") or rec.get("region") or "", short)
        for i, former in enumerate(_former(rec, titles)):
            forms[f"former name {i + 1}" if i else "former name"] = former
        for form, written in forms.items():
            target = Target(((first.article, first.article_suffix),))
            cases.append(make(form, f"{written}{_cite(first)}", written, target))
        for form, query, target in article_forms(name, _chosen(units, per_work), units):
            cases.append(make(form, query, name, target))
    turn = sum(map(ord, rec["work_key"]))
    for aspect, query, answer in question_forms(name, answers(rec), turn):
        cases.append(make(f"question: {aspect}", query, name, None, answer))
    return cases


def _cite(p: Passage) -> str:
    """How an article is cited: its label (第三十条之一); numbered items (一、 1.) as 第X条."""
    return p.label if p.role == "article" else f"第{int_to_cn(p.article)}条"


def _former(rec: dict, titles: set[str]) -> list[str]:
    history = [h.get("text", "") for h in rec.get("history") or ()]
    return [n for n in dict.fromkeys(former_names(history)) if fold_title(n) not in titles]


def answers(rec: dict) -> dict[str, str]:
    """What each question about a document must show, from its record."""
    history = rec.get("history") or ()
    adopting = ("通过", "批准", "公布", "发布", "印发", "颁布")
    adopted = [h["date"] for h in history if h.get("event") in adopting and h.get("date")]
    amended = [h["date"] for h in history if h.get("event") in ("修正", "修订") and h.get("date")]
    return {
        "issuer": rec.get("issuer") or "",
        "adopted": chinese_date(adopted[0]) if adopted else "",
        "amended": chinese_date(amended[-1]) if amended else "",
        "effective": chinese_date(rec.get("effective_date")),
        "status": "现行有效" if rec.get("status") == CURRENT else "",
        "issue": rec.get("issue") or "",
    }


def version_cases(library: Library, rec: dict) -> list[FormCase]:
    """《title》（version）第X条 for every amended version of a work: that version first."""
    cases = []
    for v in library.document(rec["id"]).versions:
        if v.version_label and ("修正" in v.version_label or "修订" in v.version_label):
            units = [p for p in _units(library, v.id) if p.role == "article"]
            if units:
                p = units[len(units) // 2]
                query = f"《{rec['title']}》（{v.version_label}）{_cite(p)}"
                target = Target(((p.article, p.article_suffix),))
                cases.append(
                    FormCase(
                        "《title》（version）" + ("" if v.status == CURRENT else " superseded"),
                        rec["kind"],
                        query,
                        rec["title"],
                        rec["work_key"],
                        v.version_date,
                        target,
                    )
                )
    return cases


def generate(library: Library, works: set[str] | None = None, per_work: int = 3) -> list[FormCase]:
    """Cases for every work of the index (or the given work keys), from its current version."""
    snap = library.snapshot()
    titles = {fold_title(r["title"]) for r in snap.docs.records}
    params = SearchParams("cases")
    cases = []
    for work in sorted(works or set(snap.docs.works)):
        rows = doc_order(snap, frozenset((work,)), params)
        if rows:
            rec = snap.docs.records[rows[0]]
            cases += work_cases(library, rec, titles, per_work) + version_cases(library, rec)
    return cases


def check(library: Library, case: FormCase) -> Outcome:
    """Run a case through search (and cite, for one article) and compare."""
    snap = library.snapshot()
    m = snap.aliases().match_suffix(case.name)
    fits = (m.works | m.others) if m else frozenset()
    ambiguous = len(fits) > 1 and case.form not in AS_WRITTEN
    chosen = tuple(sorted(m.works)) if m else ()
    wanted = len(case.target.positions) if case.target else 1
    started = time.perf_counter()
    hits = library.search(case.query, limit=max(wanted, 1)).hits
    search_ms = (time.perf_counter() - started) * 1000
    problem, cite_ms = _compare(library, case, hits), None
    if case.target and len(case.target.positions) == 1:
        started = time.perf_counter()
        try:
            cited = [library.cite(case.query)]
        except KBError as exc:
            cited, problem = [], problem or f"cite: {exc}"
        cite_ms = (time.perf_counter() - started) * 1000
        if cited and not problem:
            problem = _compare(library, case, cited)
            problem = f"cite: {problem}" if problem else ""
    return Outcome(case, not problem, ambiguous, problem, chosen, search_ms, cite_ms)


def _work_of(library: Library, hit: Hit) -> tuple[str, str | None]:
    docs = library.snapshot().docs
    rec = docs.records[docs.row[hit.document.id]]
    return rec["work_key"], rec.get("version_date")


def _compare(library: Library, case: FormCase, hits) -> str:
    """ "" when the hits answer the case, else what came instead."""
    if case.target is None:
        if not hits or hits[0].matched != "document":
            return f"first: {hits[0].citation.label if hits else 'nothing'}"
        if _work_of(library, hits[0])[0] != case.work:
            return f"header of {hits[0].document.title}"
        return "" if case.answer in hits[0].snippet.text else f"snippet lacks {case.answer}"
    for i, (article, suffix) in enumerate(case.target.positions):
        if i >= len(hits):
            return f"only {len(hits)} hits"
        hit = hits[i]
        position = parse_article_label(hit.citation.article_label) or (hit.article, 0)
        if (*_work_of(library, hit), *position) != (case.work, case.version_date, article, suffix):
            return f"#{i + 1}: {hit.citation.label}"
    first = hits[0]
    if case.target.paragraph != first.paragraph or (
        case.target.item and case.target.item != first.citation.item
    ):
        return f"part: {first.citation.label}"
    return ""


def tables(outcomes: list[Outcome]) -> str:
    """Pass rates per form and per kind of document (unambiguous and ambiguous apart)."""
    lines = []
    for title, key in (("form", lambda o: o.case.form), ("kind", lambda o: o.case.kind)):
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for o in outcomes:
            groups[key(o)].append(o)
        lines.append(f"{title:<28} {'cases':>6} {'pass':>7}   {'ambiguous':>9} {'pass':>7}")
        for name in sorted(groups):
            plain = [o for o in groups[name] if not o.ambiguous]
            amb = [o for o in groups[name] if o.ambiguous]
            lines.append(
                f"{name:<28} {len(plain):>6} {_rate(plain):>7}   {len(amb):>9} {_rate(amb):>7}"
            )
        lines.append("")
    return "\n".join(lines)


def _rate(outcomes: list[Outcome]) -> str:
    return f"{100 * sum(o.ok for o in outcomes) / len(outcomes):.1f}%" if outcomes else "-"
