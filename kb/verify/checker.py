"""Checking the citations in a text (an assistant's answer, a draft): every citation and every
quotation attached to one, each with a verdict and the passage it resolves to.

Citations are found by kb.references (《…》第X条第Y款第Z项, short names, 同法, ranges, lists);
names are resolved with the build's AliasTable; quotations (“…” or 「…」) are attached to the
citation just before them in the same sentence (依照选举法第三十条规定：“…”) or just after them
(“…”（《宪法》第三条）); kb.verify.verdicts decides each verdict.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass

from kb.config import MAX_VERIFY_CHARS
from kb.engine.snapshot import Snapshot
from kb.errors import BadQuery
from kb.query.aliases import PREFIX, AliasTable
from kb.records import pick
from kb.references import ARTICLE, NUMBER, Reference, find_references
from kb.verify.quotes import Quote, find_quotes
from kb.verify.verdicts import VERDICTS, Checker, Cited, Claim, Verdict

MAX_GAP_BEFORE = 20  # characters between a citation and the quotation after it (规定：)
# Between a quotation and a citation after it only an opening bracket or a dash: “…”（宪法第三条）
_GAP_AFTER = re.compile(r"\s*(?:[（(【\[]|——?|－|-)\s*")
_SENTENCE_END = "。！？；;!?\n"
__all__ = ["MAX_VERIFY_CHARS", "VERDICTS", "VerifyResult", "verify_text"]


@dataclass(frozen=True)
class VerifyResult:
    """Every citation found in a text, checked."""

    characters: int
    took_ms: float
    verdicts: tuple[Verdict, ...]

    @property
    def counts(self) -> dict[str, int]:
        """How many citations got each verdict."""
        found = Counter(v.verdict for v in self.verdicts)
        return {name: found[name] for name in VERDICTS}


def verify_text(snap: Snapshot, text: object) -> VerifyResult:
    """Find and check every citation in `text` (BadQuery for no text or more than the limit)."""
    started = time.perf_counter()
    if not isinstance(text, str) or not text.strip():
        raise BadQuery("text is required: the text whose citations to check")
    if len(text) > MAX_VERIFY_CHARS:
        raise BadQuery(f"the text is {len(text)} characters long; the limit is {MAX_VERIFY_CHARS}")
    aliases = snap.aliases()
    refs = [r for r in find_references(text, aliases) if _checkable(r)]
    quotes = attach_quotes(text, refs)
    checker = checker_for(snap)
    verdicts = []
    for i, ref in enumerate(refs):
        for quote in quotes.get(i) or [None]:
            verdicts.append(checker.check(claim(ref, quote, aliases)))
    took = round((time.perf_counter() - started) * 1000, 2)
    return VerifyResult(len(text), took, tuple(verdicts))


def _checkable(ref: Reference) -> bool:
    """References to a work that can be looked up (not 本法 in a text that is no law, not 文号)."""
    if ref.scope == NUMBER or not ref.name:
        return False
    return ref.kind != ARTICLE or all(p.article is not None for p in ref.positions)


def attach_quotes(text: str, refs: list[Reference]) -> dict[int, list[Quote]]:
    """Reference index → the quotations attached to it (see the module docstring)."""
    attached: dict[int, list[Quote]] = {}
    articles = [i for i, r in enumerate(refs) if r.kind == ARTICLE]
    for q in find_quotes(text):
        before = [i for i in articles if refs[i].end <= q.start - 1]
        after = [i for i in articles if refs[i].start >= q.end + 1]
        choice = None
        if after and _GAP_AFTER.fullmatch(text[q.end + 1 : refs[after[0]].start]):
            choice = after[0]
        elif before and _joins(text[refs[before[-1]].end : q.start - 1], MAX_GAP_BEFORE):
            choice = before[-1]
        if choice is not None:
            attached.setdefault(choice, []).append(q)
    return attached


def _joins(gap: str, most: int) -> bool:
    """Whether a citation and a quotation this far apart belong together."""
    return len(gap) <= most and not any(ch in _SENTENCE_END or ch in "“”「」" for ch in gap)


def resolve_name(name: str, aliases: AliasTable) -> frozenset[str]:
    """The works a written name means (中华人民共和国选举法 means 选举法 too)."""
    works = aliases.lookup(name)
    if not works and name.startswith(PREFIX):
        works = aliases.lookup(name[len(PREFIX) :])
    return frozenset(works)


def claim(ref: Reference, quote: Quote | None, aliases: AliasTable) -> Claim:
    """A Claim to check from a reference and its quotation."""
    return Claim(
        ref.text,
        ref.start,
        ref.end,
        ref.name,
        resolve_name(ref.name, aliases),
        tuple((p.article, p.suffix, p.paragraph, p.item) for p in ref.positions),
        ref.version,
        quote.text if quote else None,
        quote.start if quote else None,
        quote.end if quote else None,
    )


def checker_for(snap: Snapshot) -> Checker:
    """The build's Checker (its caches are shared by every request)."""
    return snap.cached("checker", lambda: Checker(snap))


def cited_dict(c: Cited | None) -> dict | None:
    """A passage a verdict points at, as JSON."""
    if c is None:
        return None
    p = c.passage
    return {
        "id": p.id,
        "label": c.label,
        "text": p.text,
        "url": f"/documents/{p.doc_id}#p{p.ordinal}",
        "status": c.status,
        "version": c.version,
    }


def verdict_dict(v: Verdict) -> dict:
    """One verdict as JSON (the Verdict schema of the API)."""
    c = v.claim
    return {
        **pick(c, ("citation", "start", "end", "quote", "quote_start", "quote_end")),
        **pick(v, ("verdict", "message")),
        "label": v.passage.label if v.passage else None,
        "passage": cited_dict(v.passage),
        "current": cited_dict(v.current),
        "changed": v.changed,
        "found_in": cited_dict(v.found_in),
        "diff": list(v.diff) if v.diff is not None else None,
    }


def verify_envelope(result: VerifyResult) -> dict:
    """The /api/verify envelope."""
    return {
        "ok": True,
        **pick(result, ("took_ms", "characters", "counts")),
        "citations": [verdict_dict(v) for v in result.verdicts],
    }
