"""Find every reference in a text: chains of positions with the work they belong to, and
document-level references (《…》 without a position, 根据代表法, a 文号)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from kb.numerals import NUM_CLASS
from kb.references import names as nm
from kb.references.context import Context, passage_context
from kb.references.model import (
    ARTICLE,
    DOCUMENT,
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
_CHAIN_NEXT = re.compile(r"\s*第\s*[（(]?\s*[零〇一二两三四五六七八九十百千0-9０-９]")
_DOC_CUE = re.compile(r"(?:依照|依据|按照|根据|遵照|遵守|违反|适用|参照|比照|贯彻|实施|执行|落实)")
_LIST_WORD = re.compile(r"(?:、|和|及|以及|与|或者)")
_AFTER_NAME = ("的", "等", "和", "及", "与", "或", "中", "第", "之", "规定", "有关", "相关", "要求")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff〇]{2,40}")
_NUMBER_LEAD = re.compile(r"对标|根据|依照|依据|按照|落实|贯彻|执行|参照|印发|转发|和|及|与")
_VERSION_AFTER = re.compile(r"[（(](\d{4}年[^（）()]{0,6}(?:修正|修订|版|文本))[）)]")
DOCUMENT_NUMBER = re.compile(
    rf"[\u4e00-\u9fff]{{1,8}}[〔﹝［\[（(【]\s*\d{{4}}\s*[〕﹞］\])）】]\s*(?:第\s*)?(?:{NUM_CLASS})\s*号"
)


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
        if _inside(chain.start, titles) or _label(text, chain):
            continue
        earlier = sorted(refs + [r for r in standalone if r.end <= chain.start], key=_at)
        ref = _chain_reference(text, chain, names, abbr, ctx, earlier, titles)
        if ref is not None:
            refs.append(ref)
            used_titles.add(ref.start)
    refs += standalone
    refs += _titles(text, titles, used_titles, abbr)
    refs += _named_documents(text, names, abbr, refs, titles)
    refs += _numbers(text, titles)
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


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < offset < e for s, e in spans)


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


def _titles(text: str, titles, used: set[int], abbr: Mapping[str, str]) -> list[Reference]:
    """《…》 not followed by a position: a document-level reference."""
    found = []
    for start, end in titles:
        if start in used:
            continue
        work = text[start + 1 : end - 1]
        m = _VERSION_AFTER.match(text, end)
        version = m.group(1) if m else ""
        name = abbr.get(work, work)
        found.append(
            Reference(start, end, text[start:end], work, name, NAMED, DOCUMENT, (), "", version)
        )
    return found


def _named_documents(text: str, names, abbr, refs: list[Reference], titles) -> list[Reference]:
    """Names written without 《》 after 依照 / 根据 / 实施 …: 根据宪法, 依照代表法和本办法的规定."""
    taken = [(r.start, r.end) for r in refs] + titles
    found = []
    for cue in _DOC_CUE.finditer(text):
        pos = cue.end()
        while pos < len(text) and not _DOC_CUE.match(text, pos):
            name = _name_at(text, pos, abbr)
            if not name:
                break
            end = pos + len(name)
            if not nm.self_word(name) and not any(s < end and pos < e for s, e in taken):
                found.append(Reference(pos, end, name, name, abbr.get(name, name), NAMED, DOCUMENT))
                taken.append((pos, end))
            sep = _LIST_WORD.match(text, end)
            if not sep:
                break
            pos = sep.end()
    return found


def _name_at(text: str, pos: int, abbr: Mapping[str, str]) -> str:
    """The shortest law-like name starting at `pos` and followed by a boundary, or ""."""
    m = _CJK_RUN.match(text, pos)
    if not m:
        return ""
    run = m.group(0)
    for size in range(2, len(run) + 1):
        if run[size - 1] not in "法典例" and run[:size] not in abbr:
            continue
        word, rest = run[:size], run[size:]
        if rest and not rest.startswith(_AFTER_NAME):
            continue
        if nm.self_word(word) == word or nm.bare_law_like(word) or word in abbr:
            return word
    return ""


def _numbers(text: str, titles) -> list[Reference]:
    """Document numbers (文号) such as 中办发〔2020〕41号, outside titles."""
    found = []
    if "号" not in text:
        return found
    for m in DOCUMENT_NUMBER.finditer(text):
        if not _inside(m.start(), titles):
            word = m.group(0)
            cut = max((c.end() for c in _NUMBER_LEAD.finditer(word)), default=0)
            start, word = m.start() + cut, word[cut:]
            found.append(Reference(start, m.end(), word, word, word, NUMBER, DOCUMENT))
    return found
