"""Find every reference in a text: chains of positions with the work they belong to (and 前款,
前条 …), plus the document-level references of kb.references.documents."""

from __future__ import annotations

import re
from collections.abc import Mapping

from kb.numerals import NUM_CLASS
from kb.references import names as nm
from kb.references.context import Context, passage_context
from kb.references.documents import document_references
from kb.references.model import (
    ARTICLE,
    INHERITED,
    NAMED,
    NUMBER,
    SAME,
    SELF,
    NameIndex,
    Position,
    Reference,
)
from kb.references.positions import Chain, find_chains

_SENTENCE_END = "。！？!?\n"
_STANDALONE = re.compile(r"前([二两三四五六七八九])?款|前条")
_CHAIN_NEXT = re.compile(rf"\s*第\s*[（(]?\s*{NUM_CLASS}")


def find_references(
    text: str,
    names: NameIndex | None = None,
    *,
    abbreviations: Mapping[str, str] | None = None,
    passage: bool = False,
) -> list[Reference]:
    """Every reference in `text`, in order of position (see the package docstring)."""
    ctx = passage_context(text) if passage else Context()
    abbr = dict(abbreviations or {}) | nm.abbreviations(text)
    titles = nm.title_spans(text)
    standalone = _standalone(text, ctx)
    refs: list[Reference] = []
    used_titles: set[int] = set()
    for chain in find_chains(text, ctx.body_start):
        if nm.inside(chain.start, titles) or _label(text, chain):
            continue
        earlier = sorted(refs + [r for r in standalone if r.end <= chain.start], key=_at)
        ref = _chain_reference(text, chain, names, abbr, ctx, earlier, titles)
        if ref is not None:
            refs.append(ref)
            used_titles.add(ref.start)
    refs += standalone
    refs += document_references(text, titles, used_titles, abbr, refs)
    return sorted(refs, key=lambda r: (r.start, r.end))


def _label(text: str, chain: Chain) -> bool:
    """True for an article's own label run into the text before it (。 第十条 各航空…)."""
    if chain.first_level != "条" or len(chain.positions) != 1:
        return False
    before = text[: chain.start]
    stripped = before.rstrip(" \u3000\t")
    starts_line = not stripped or stripped[-1] == "\n"
    spaced = len(stripped) < len(before) and stripped[-1:] in ("。", "")
    return (starts_line or spaced) and text[chain.end : chain.end + 1] in (" ", "\u3000")


def _chain_reference(
    text: str, chain: Chain, names, abbr: Mapping[str, str], ctx: Context, earlier: list, titles
) -> Reference | None:
    """The reference a chain makes, with the work written (or implied) before it."""
    before = text[: chain.start]
    start, work, name, scope, relative = chain.start, "", "", SELF, ""
    end_of_name, version = nm.strip_tail(text, chain.start)
    previous = None  # the reference whose article 款/项 without an article belong to
    if text[:end_of_name].endswith("》"):
        span = next((s for s, e in titles if e == end_of_name), None)
        if span is not None:
            start, work, scope = span, text[span + 1 : end_of_name - 1], NAMED
            name = abbr.get(work, work)
    if scope == SELF:
        version = ""
        if (word := nm.relative_word(before)) and chain.first_level != "条":
            start, relative = chain.start - len(word), word
        elif word := nm.self_word(before):
            start, work = chain.start - len(word), word
        elif word := nm.same_word(before):
            start, work, scope = chain.start - len(word), word, SAME
            previous = next((r for r in reversed(earlier) if r.kind == ARTICLE), None)
            if word in ("该条", "该款") and previous is not None:
                scope, name, relative = previous.scope, previous.name, word
            else:
                name = _last_name(earlier)
                previous = None
        elif word := nm.name_before(head := before[: nm.part_start(before)], names, abbr):
            start, work, scope, name = len(head) - len(word), word, NAMED, abbr.get(word, word)
        elif previous := _previous_reference(text, chain.start, earlier, chain.first_level):
            scope, name = (INHERITED if previous.name else previous.scope), previous.name
            if not previous.positions[-1].article:
                previous = None
    if previous is not None:
        positions = _within(chain.positions, previous.positions[-1])
    else:
        positions = ctx.absolute(chain.positions, relative, ctx.paragraph_at(chain.start))
    if not positions:
        return None
    return Reference(
        start,
        chain.end,
        text[start : chain.end],
        work,
        name,
        scope,
        ARTICLE,
        positions,
        relative,
        version,
    )


def _within(positions: tuple[Position, ...], last: Position) -> tuple[Position, ...]:
    """款/项 written without their article belong to the article referred to before."""
    out = []
    for p in positions:
        if p.article is not None:
            out.append(p)
        elif p.paragraph is None:
            out.append(Position(last.article, last.suffix, last.paragraph, p.item))
        else:
            out.append(Position(last.article, last.suffix, p.paragraph, p.item))
    return tuple(out)


def _last_name(earlier: list[Reference]) -> str:
    """The work named last before (for 同法 / 该法)."""
    return next((r.name for r in reversed(earlier) if r.name and r.scope != NUMBER), "")


def _previous_reference(
    text: str, offset: int, earlier: list[Reference], level: str
) -> Reference | None:
    """The article reference a chain without a work continues: for 第…条, the last one naming
    a work in the same sentence; for 第…款, the last one in the sentence; for 第…项 also an
    article of the same document before it in the text (违反本条例第十八条规定…：（一）违反第六项
    规定的), but never one of another work across sentences (that 项 is the article's own)."""
    for ref in reversed(earlier):
        if ref.kind != ARTICLE or (level == "条" and not ref.name):
            continue
        if any(ch in _SENTENCE_END for ch in text[ref.end : offset]):
            if level != "项" or ref.scope != SELF or ref.relative:
                return None
        return ref
    return None


def _at(ref: Reference) -> int:
    return ref.start


def _standalone(text: str, ctx: Context) -> list[Reference]:
    """前款 / 前两款 / 前条 not followed by a position (前款第（一）项 is a chain's)."""
    found = []
    for m in _STANDALONE.finditer(text, ctx.body_start):
        if _CHAIN_NEXT.match(text, m.end()):
            continue
        word = m.group(0)
        positions = ctx.absolute((), word, ctx.paragraph_at(m.start()))
        if positions:
            found.append(
                Reference(m.start(), m.end(), word, "", "", SELF, ARTICLE, positions, word)
            )
    return found
