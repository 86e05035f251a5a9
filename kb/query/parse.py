"""Query understanding: citations, named works and regions, quoted phrases, weighted concepts."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from kb.analysis import segment
from kb.config import MAX_QUERY_CHARS
from kb.errors import BadQuery
from kb.numerals import int_to_cn
from kb.query.aliases import AliasTable
from kb.query.lexicon import expansions, local_cues, related, stopwords, version_cues
from kb.query.questions import document_aspects
from kb.references.positions import Chain, find_chains

MAX_POSITIONS = 100  # positions read from one query (the rest are searched as words)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
# "…" and 「…」 are search operators: the phrase must occur. Chinese “…” in a question usually
# just marks a term (安顺市的“三对标”), so it only favours passages that contain it.
_QUOTED = re.compile(r"\"([^\"]{1,100})\"|「([^」]{1,100})」|『([^』]{1,100})』")
_MARKED = re.compile(r"“([^“”]{1,100})”")
# A version written after the name, as kb itself cites: 《…选举法》（2020年修正）第三十条
_VERSION = re.compile(r"\(\s*((?:1[89]|20)\d\d\s*年[^()]{0,12})\)\s*$")
_JOINER = re.compile(r"\s*(?:[、,;]|以及|和|及|与|或者|或)?\s*")
_ARABIC_LABEL = re.compile(r"第\s*([0-9]+)\s*([条款项章节编])")


@dataclass(frozen=True)
class CitationRef:
    """A reference such as 选举法第三十条第二款: the works named (if any) and the position."""

    name: str  # the name as matched ("" when the query gives only 第30条)
    works: frozenset[str]  # the works the name is taken to mean
    article: int
    suffix: int = 0
    paragraph: int | None = None
    item: int | None = None
    subitem: int | None = None  # 目
    others: frozenset[str] = frozenset()  # other works the name fits (offered, not cited)
    version: str = ""  # a version written after the name: 2020年修正


@dataclass(frozen=True)
class Concept:
    """One thing the query asks about: a word plus alternative phrasings (each a term list)."""

    text: str
    alternatives: tuple[tuple[str, ...], ...] = ()
    related: tuple[str, ...] = ()  # words answers to such questions use (kb/data/related.tsv)


@dataclass(frozen=True)
class ParsedQuery:
    """What a query was understood to ask for."""

    raw: str
    text: str
    citations: tuple[CitationRef, ...] = ()
    works: frozenset[str] = frozenset()
    work_names: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    marked: tuple[str, ...] = ()  # “…” terms: favoured, not required
    pairs: tuple[str, ...] = ()  # adjacent content words as written (解除合同), for proximity
    local_practice: bool = False  # asks how localities do it (哪些地方有规定)
    compare_versions: bool = False  # asks what changed between versions (修改前后)
    concepts: tuple[Concept, ...] = field(default=())
    other_works: frozenset[str] = frozenset()  # other works the names fit (offered)
    about_document: tuple[str, ...] = ()  # asks who issued a named work, when, if in force …


def clean_query(raw: object, max_chars: int = MAX_QUERY_CHARS) -> str:
    """Normalise width and spaces, drop control characters; BadQuery when nothing searchable."""
    if not isinstance(raw, str):
        raise BadQuery("the query must be text")
    text = raw.encode("utf-8", "replace").decode("utf-8")  # lone surrogates → '?'
    if len(text) > max_chars:
        raise BadQuery(f"the query is {len(text)} characters long; the limit is {max_chars}")
    text = unicodedata.normalize("NFKC", _CONTROL.sub(" ", text))
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise BadQuery("the query is empty")
    if not any(ch.isalnum() for ch in text):
        raise BadQuery("the query has no words to search for, only punctuation")
    return _ARABIC_LABEL.sub(
        lambda m: (
            f"第{int_to_cn(int(m.group(1)))}{m.group(2)}" if len(m.group(1)) < 6 else m.group(0)
        ),
        text,
    )


def _boundaries(text: str) -> set[int]:
    """Character offsets where jieba puts a word boundary (plus both ends)."""
    cuts = {0, len(text)}
    for _tok, start, end, _sub in segment(text, "query"):
        cuts.update((start, end))
    for i, ch in enumerate(text):  # punctuation and spaces separate too
        if not ch.isalnum():
            cuts.update((i, i + 1))
    return cuts


def _article_runs(text: str) -> list[Chain]:
    """Runs of article positions in a query, MAX_POSITIONS positions at the most."""
    runs, budget = [], MAX_POSITIONS
    for chain in find_chains(text, typed=True):
        if budget <= 0:
            break
        runs.append(replace(chain, positions=chain.positions[:budget]))
        budget -= len(chain.positions)
    return runs


def _citations(text: str, aliases: AliasTable, cuts: set[int]) -> tuple[list, list]:
    """Citation references and the character spans they cover.

    A run of articles takes the work named just before it (选举法第三十条), else the work of
    the run it is listed after (选举法第三十条、代表法第四十四条和第四十五条); a run without 第
    (选举法三十条) counts only after a name.
    """
    refs: list[CitationRef] = []
    spans: list[tuple[int, int]] = []
    last: tuple[int, dict] | None = None  # end of the previous run and what it cited
    runs = _article_runs(text)
    titles = [(m.start, m.end) for m in aliases.match_all(text)] if runs else []
    for run in runs:
        if any(s < run.start and run.end <= e for s, e in titles):
            continue  # part of a title: 关于适用刑法第十二条几个问题的解释
        before = text[: run.start].rstrip(" 《》的")
        version = _VERSION.search(before)
        if version:
            before = before[: version.start()].rstrip(" 《》的")
        hit = aliases.match_suffix(before) if before else None
        if hit and hit.start in cuts:
            start = hit.start
            cited = {"name": hit.name, "works": hit.works, "others": hit.others}
            cited["version"] = re.sub(r"\s", "", version.group(1)) if version else ""
        elif last and _JOINER.fullmatch(text[last[0] : run.start]):
            start, cited = run.start, last[1]
        elif run.numbered:
            start, cited = run.start, {"name": "", "works": frozenset()}
        else:
            continue
        for p in run.positions:
            refs.append(
                CitationRef(
                    article=p.article,
                    suffix=p.suffix,
                    paragraph=p.paragraph,
                    item=p.item,
                    subitem=p.subitem,
                    **cited,
                )
            )
        spans.append((start, run.end))
        last = (run.end, cited)
    return refs, spans


def _named(
    text: str, aliases: AliasTable, cuts: set[int], taken: list
) -> tuple[set, set, list, list]:
    """Works named outside citations (监督法 专题询问), respecting word boundaries: the works
    each name is taken to mean, the other works the names fit, the names and their spans."""
    works, others, names, spans = set(), set(), [], []
    for m in aliases.match_all(text):
        if m.start in cuts and m.end in cuts and not any(s <= m.start < e for s, e in taken):
            works |= m.works
            others |= m.others
            names.append(m.name)
            spans.append((m.start, m.end))
    return works, others - works, names, spans


def _pairs(text: str) -> tuple[str, ...]:
    """Adjacent pairs of content words, as they are written in the query."""
    stop = stopwords()
    words = [(tok, s, e) for tok, s, e, _sub in segment(text, "query")]
    return tuple(
        dict.fromkeys(
            text[a[1] : b[2]]
            for a, b in zip(words, words[1:], strict=False)
            if a[2] == b[1] and a[0] not in stop and b[0] not in stop and len(a[0]) + len(b[0]) >= 3
        )
    )


def _concepts(text: str, skip: list[tuple[int, int]]) -> tuple[Concept, ...]:
    """Content words outside the skipped spans, each with its synonyms."""
    seen, out = set(), []
    stop = stopwords()
    for tok, start, _end, _sub in segment(text, "query"):
        if tok in stop or tok in seen or any(s <= start < e for s, e in skip):
            continue
        seen.add(tok)
        alternatives = tuple(tuple(t) for t in expansions(tok))
        out.append(Concept(tok, alternatives, related().get(tok, ())))
    return tuple(out)


def _group(m: re.Match) -> str:
    return next(g for g in m.groups() if g is not None)


def parse_query(raw: object, aliases: AliasTable, regions: tuple[str, ...] = ()) -> ParsedQuery:
    """Understand a query: see ParsedQuery. Raises BadQuery for unusable input."""
    text = clean_query(raw)
    phrases = tuple(p.strip() for m in _QUOTED.finditer(text) if (p := _group(m).strip()))
    marked = tuple(p.strip() for p in _MARKED.findall(text) if p.strip())
    plain = _QUOTED.sub(lambda m: f" {_group(m)} ", text)  # phrase words are searched too
    plain = _MARKED.sub(lambda m: f" {m.group(1)} ", plain)
    cuts = _boundaries(plain)
    refs, cite_spans = _citations(plain, aliases, cuts)
    works, other_works, names, name_spans = _named(plain, aliases, cuts, cite_spans)
    named_regions = tuple(r for r in regions if r and r in plain)
    concepts = _concepts(plain, cite_spans + name_spans)
    local = any(cue in plain for cue in local_cues())
    compare = any(cue in plain for cue in version_cues())
    return ParsedQuery(
        raw if isinstance(raw, str) else "",
        text,
        tuple(refs),
        frozenset(works),
        tuple(names),
        named_regions,
        phrases,
        marked,
        _pairs(plain),
        local,
        compare,
        concepts,
        frozenset(other_works),
        () if refs else document_aspects(plain, name_spans),
    )
