"""One search function: parameters in, SearchResult of plain dataclasses out."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from kb.compare.earlier import with_earlier_articles
from kb.config import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET
from kb.engine import citations as cite_lookup
from kb.engine import doc_questions
from kb.engine.citations import OFFERED, cited_works
from kb.engine.hits import load_passage, make_hit
from kb.engine.phrases import Joined, favour, phrase_mask
from kb.engine.policy import POLICY, Policy
from kb.engine.ranking import Ranking, combine, group, top_counted
from kb.engine.scorer import Scorer
from kb.engine.snapshot import Snapshot
from kb.errors import BadQuery, KBError
from kb.links.reading.ranking import region_set, with_local_articles
from kb.models import KINDS, Retrieval, SearchResult
from kb.query import sentences
from kb.query.parse import Concept, ParsedQuery, parse_query
from kb.semantic.fusion import FUSION, MODES, FusionPolicy, choose_mode, fuse, neighbours
from kb.semantic.rerank import Learned, Parts, plain_order, recall_vectors

VERSIONS = ("current", "all")


@dataclass(frozen=True)
class SearchParams:
    """A validated search request (the page, the API and the CLI all build one)."""

    q: str
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    kinds: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    versions: str = "current"
    as_of: str | None = None
    mode: str = "auto"  # auto | hybrid | lexical | semantic (kb/semantic/fusion.py)

    def __post_init__(self):
        if not isinstance(self.limit, int) or not 1 <= self.limit <= MAX_LIMIT:
            raise BadQuery(f"limit must be a whole number from 1 to {MAX_LIMIT}")
        if not isinstance(self.offset, int) or not 0 <= self.offset <= MAX_OFFSET:
            raise BadQuery(f"offset must be a whole number from 0 to {MAX_OFFSET}")
        unknown = [k for k in self.kinds if k not in KINDS]
        if unknown:
            raise BadQuery(f"unknown kind {unknown[0]!r}; known kinds: {'、'.join(KINDS)}")
        if self.mode not in MODES:
            raise BadQuery(f"mode must be one of {', '.join(MODES)}, not {self.mode!r}")
        if self.versions not in VERSIONS:
            raise BadQuery("versions must be 'current' or 'all'")
        if self.as_of is not None:
            try:
                date.fromisoformat(self.as_of)
            except (TypeError, ValueError):
                raise BadQuery(
                    f"as_of must be a date like 2024-01-31, not {self.as_of!r}"
                ) from None


def _citation_concepts(q: ParsedQuery) -> tuple[Concept, ...]:
    """A bare 第三十条 (no work named) is searched as the article label itself."""
    from kb.numerals import int_to_cn

    return tuple(Concept(f"第{int_to_cn(c.article)}条") for c in q.citations if not c.works)


def document_mask(snap: Snapshot, q: ParsedQuery, params: SearchParams) -> np.ndarray:
    """The documents the request's filters (and a version comparison) let through."""
    versions = "all" if q.compare_versions and not params.as_of else params.versions
    return snap.docs.mask(params.kinds, params.regions, params.documents, versions, params.as_of)


def rank(snap: Snapshot, q: ParsedQuery, params: SearchParams, policy: Policy) -> Ranking:
    """Order passages for a parsed query under the request's filters."""
    q = cite_lookup.with_cited_works(q)
    doc_mask = doc_questions.scope(snap, q, document_mask(snap, q, params))
    concepts = q.concepts + _citation_concepts(q)
    score = combine(snap, q, Scorer(snap, policy).score(concepts), doc_mask, policy)
    if q.phrases:
        score = phrase_mask(snap, q.phrases, score, doc_mask)
    if q.works and not concepts and not q.phrases and not q.citations:
        score = cite_lookup.work_order(snap, q.works, doc_mask)  # only a name: read the work
    window = max(policy.candidates, params.offset + params.limit)
    order, total = top_counted(score, window)
    order, values = _favoured(snap, q, order, score, policy)
    matched: dict[int, str] = {n: "phrase" for n in order[: policy.candidates]} if q.phrases else {}
    cited = cite_lookup.resolve(snap, q.citations, params)
    pinned = [n for n, _ref in cited]
    matched.update({n: "citation" for n in pinned})
    best = max(values, default=0.0)
    scores = {n: best + len(pinned) - i for i, n in enumerate(pinned)}
    total += sum(1 for n in pinned if score[n] <= 0)
    scores.update({n: v for n, v in zip(order, values, strict=True) if n not in scores})
    order = [n for n in order if n not in pinned]
    order = pinned + group(order, snap.passage_doc, policy.per_document, policy.page)
    paragraphs = {n: ref.paragraph for n, ref in cited if ref.paragraph}
    items = {n: ref.item for n, ref in cited if ref.item}
    ranking = Ranking(order, total, matched, scores, paragraphs, items)
    regions = region_set(q.regions, params.regions, snap.docs.regions)
    unfiltered = lambda: rank(snap, q, replace(params, regions=()), policy)  # noqa: E731
    return with_local_articles(snap, regions, ranking, bool(params.regions), unfiltered)


def _favoured(
    snap: Snapshot, q: ParsedQuery, order: list[int], score: np.ndarray, policy: Policy
) -> tuple[list[int], list[float]]:
    """The best passages re-ordered after raising those that contain marked terms or adjacent
    query words as written; returns (order, scores)."""
    values = [float(score[n]) for n in order]
    head = order[: policy.candidates]
    if not head or not (q.marked or q.pairs):
        return order, values
    joined = Joined(snap.texts(), head)
    raised = favour(joined, q.marked, values, policy.marked_boost)
    raised |= favour(joined, q.pairs, values, policy.pair_boost, per_string=False)
    if not raised:
        return order, values
    ranked = sorted(range(len(order)), key=lambda i: -values[i])  # stable: ties keep their order
    return [order[i] for i in ranked], [values[i] for i in ranked]


def part_rankings(
    snap: Snapshot, pieces: list[str], params: SearchParams, policy: Policy
) -> tuple[list[int], ...]:
    """The lexical candidates of each of a long message's sentences searched alone."""
    parsed = (parse_query(p, snap.aliases(), snap.region_names()) for p in pieces)
    return tuple(plain_order(rank(snap, x, params, policy)) for x in parsed)


def rank_modes(
    snap: Snapshot,
    q: ParsedQuery,
    params: SearchParams,
    policy: Policy,
    semantic=None,
    fp: FusionPolicy = FUSION,
) -> tuple[Ranking, dict[int, Retrieval], dict]:
    """The ranking in the mode that runs (lexical unless a semantic layer with complete vectors
    is given and the mode asks for it), how each passage was found, and what ran."""
    index = semantic.index_for(snap.path, snap.size) if semantic else None
    ran = {"mode": choose_mode(params.mode, q, index is not None), "asked": params.mode}
    if semantic is not None:
        ran["vectors"] = semantic.status(snap.path)
    ranking = rank(snap, q, params, policy)
    if ran["mode"] == "lexical":
        return ranking, {}, ran
    try:  # (embedding on a helper thread beside the lexical ranking was 2x slower: the GIL)
        vectors = semantic.question_vectors(q.text)
    except KBError as exc:  # the encoder failed to load: lexical, and say why
        ran["mode"], ran["vectors"]["note"] = "lexical", str(exc)
        return ranking, {}, ran
    depth = max(fp.depth, params.offset + params.limit)
    ranker = semantic.ranker() if ran["mode"] == "hybrid" else None
    pieces = sentences.parts(q.text) if ranker is not None else []
    vecs = semantic.part_vectors(tuple(pieces))
    searched = vectors if vecs is None else [vectors[0], *vecs]
    rows_ok = document_mask(snap, q, params)
    near = neighbours(snap, q, index, searched, rows_ok, policy, fp, depth)
    learned, parts, also = None, None, {}
    if ranker is not None:
        ran["fusion"] = "ranker"
        if vecs is not None:
            parts = Parts(vecs, part_rankings(snap, pieces, params, policy))
            ran["parts"] = len(vecs)
        recalled = semantic.recall(snap, recall_vectors(vectors[0], parts), rows_ok)
        ran["recalled"] = len(recalled.answers)
        sides = [(vectors[0], near)]
        learned = Learned(snap, index, q, ranking, sides, ranker, parts, recalled)
        also = {"lexical": parts.candidates if parts else (), "memory": recalled.candidates}
    shown = params.offset + params.limit  # (a header answer only moves the page up)
    ranking, retrieval = fuse(snap, ranking, near, ran["mode"], policy, fp, learned, shown, also)
    if learned is not None:  # the page's hits say how much the semantic side weighed
        page = ranking.order[:shown]
        for n, share in learned.semantic_shares(page).items():
            retrieval[n] = replace(retrieval[n], semantic_share=share)
    return ranking, retrieval, ran


def search(
    snap: Snapshot, params: SearchParams, policy: Policy = POLICY, semantic=None
) -> SearchResult:
    """Run one search and materialise the requested page of cited hits; `semantic` (a
    kb.semantic.retriever.SemanticLayer) adds the semantic and hybrid modes."""
    started = time.perf_counter()
    q = parse_query(params.q, snap.aliases(), snap.region_names())
    ranking, retrieval, ran = rank_modes(snap, q, params, policy, semantic)
    earlier: dict[int, int] = {}
    if wants_earlier(q, params):
        ranking, earlier = with_earlier_articles(snap, ranking)
    surfaces = [c.text for c in q.concepts] + list(q.phrases) + list(q.marked)
    surfaces += [t for c in q.concepts for alt in c.alternatives for t in alt]
    # a question about a document itself (who issued it, when …): its header goes first
    best = max(ranking.scores.values(), default=0.0)
    headers = doc_questions.document_hits(snap, q, params, best)
    start, end = params.offset - len(headers), params.offset + params.limit - len(headers)
    hits = tuple(headers[params.offset : params.offset + params.limit]) + tuple(
        make_hit(
            snap,
            n,
            ranking.scores[n],
            surfaces,
            ranking.matched.get(n, "text"),
            ranking.paragraphs.get(n),
            ranking.items.get(n),
            retrieval.get(n),
            load_passage(snap, earlier[n]).id if n in earlier else None,
        )
        for n in ranking.order[max(0, start) : max(0, end)]
    )
    took = (time.perf_counter() - started) * 1000
    total = ranking.total + len(headers)
    meaning = understood(q) | ran
    return SearchResult(q.text, total, params.limit, params.offset, round(took, 2), hits, meaning)


def wants_earlier(q: ParsedQuery, params: SearchParams) -> bool:
    """Whether a question's first hits bring their earlier wording (kb/compare/earlier.py): a
    question in words over current law, not a look-up, a date, one document or every version."""
    if q.citations or q.phrases or q.compare_versions or not q.concepts:
        return False
    return params.versions == "current" and not params.as_of and not params.documents


def understood(q: ParsedQuery) -> dict:
    """What the query was taken to mean, for the page and the API."""
    return {
        "citations": [
            {
                "name": c.name,
                "article": c.article,
                "suffix": c.suffix,
                "paragraph": c.paragraph,
                "item": c.item,
                **cited_works(c),
            }
            for c in q.citations
        ],
        "works": list(q.work_names),
        "offered": sorted(q.other_works)[:OFFERED],
        "regions": list(q.regions),
        "phrases": list(q.phrases),
        "compare_versions": q.compare_versions,
        "about_document": list(q.about_document),
        "terms": [c.text for c in q.concepts],
        "expansions": {
            c.text: [" ".join(a) for a in c.alternatives] for c in q.concepts if c.alternatives
        },
        "related": {c.text: list(c.related) for c in q.concepts if c.related},
    }
