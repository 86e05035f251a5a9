"""Why a hit matched: its terms and fields, expansions, priors, boosts and citation match.

Computed after a search, for the hits of one page only, from the parsed query and the build's
arrays (the same postings, impacts and priors the ranking used), so ordinary searches pay
nothing for it. The numbers are each term's BM25 contribution before priors and coverage.
"""

from __future__ import annotations

import numpy as np

from kb.engine import citations as cite_lookup
from kb.engine.policy import Policy
from kb.engine.ranking import document_prior
from kb.engine.scorer import Scorer, bm25_idf
from kb.engine.snapshot import Snapshot
from kb.models import Hit
from kb.query.parse import Concept, ParsedQuery, parse_query
from kb.semantic.fusion import FUSION


def explain_hits(snap: Snapshot, params, hits: tuple[Hit, ...], policy: Policy) -> list[dict]:
    """One explanation per hit, in order (see `_explain`)."""
    q = parse_query(params.q, snap.aliases(), snap.region_names())
    context = _Context(snap, q, params, policy)
    return [_explain(context, hit) for hit in hits]


class _Context:
    """What every hit's explanation shares: the query, its terms' weights, priors, citations."""

    def __init__(self, snap: Snapshot, q: ParsedQuery, params, policy: Policy):
        self.snap, self.q, self.policy = snap, q, policy
        scorer = Scorer(snap, policy)
        self.groups = [(c, scorer.groups(c)) for c in q.concepts]
        self.prior = document_prior(snap, q, policy)
        self.base = document_prior(snap, ParsedQuery("", ""), policy)  # kind and locality only
        self.cited = dict(cite_lookup.resolve(snap, q.citations, params))
        self.n = max(snap.live_count, 1)


def _explain(ctx: _Context, hit: Hit) -> dict:
    snap, q = ctx.snap, ctx.q
    n = snap.docnum_of(hit.id)
    if n is None:  # a document's header, answering a question about the document itself
        return _header(ctx, hit)
    row = int(snap.passage_doc[n])
    text = snap.texts()[n]
    terms, covered, total = [], 0.0, 0.0
    for concept, groups in ctx.groups:
        found, best = _concept_terms(ctx, concept, groups, n, row)
        terms += found
        total += best
        covered += best if any(t["fields"].keys() & {"text", "heading"} for t in found) else 0.0
    ref = ctx.cited.get(n)
    return {
        "matched": hit.matched,
        "terms": terms,
        "coverage": round(covered / total, 3) if total else None,
        "expansions": _expansions(q),
        "priors": _priors(ctx, row),
        "boosts": {
            "marked": [m for m in q.marked if m in text],
            "pairs": [p for p in q.pairs if p in text],
            "phrases": [p for p in q.phrases if p in text],
        },
        "citation": None
        if ref is None
        else {
            "name": ref.name,
            "article": ref.article,
            "suffix": ref.suffix,
            "paragraph": ref.paragraph,
            "item": ref.item,
        },
        "semantic": semantic_share(hit),
        "earlier_version_of": hit.earlier_version_of,  # shown after that current article
    }


def semantic_share(hit: Hit) -> dict | None:
    """The semantic retriever's part in a fused hit: ranks, cosine and its share of the fused
    score: under the learned fusion, of the ranker's score (kb.semantic.rerank.Learned), else of
    the reciprocal-rank score (None when no semantic pass ran)."""
    r = hit.retrieval
    if r is None:
        return None
    share = r.semantic_share
    if share is None:
        fp = FUSION
        lexical = fp.lexical_weight / (fp.k + r.lexical_rank) if r.lexical_rank else 0.0
        semantic = fp.semantic_weight / (fp.k + r.semantic_rank) if r.semantic_rank else 0.0
        share = round(semantic / (lexical + semantic), 3) if lexical + semantic else 0.0
    return {
        "found_by": list(r.found_by),
        "lexical_rank": r.lexical_rank,
        "semantic_rank": r.semantic_rank,
        "cosine": r.semantic_score,
        "share": share,
    }


def _header(ctx: _Context, hit: Hit) -> dict:
    """The explanation of a header hit: no terms scored, the document question it answers."""
    row = ctx.snap.docs.row.get(hit.document.id)
    priors = _priors(ctx, row) if row is not None else {"document": 1.0, "reasons": []}
    empty = {"marked": [], "pairs": [], "phrases": []}
    return {
        "matched": hit.matched,
        "terms": [],
        "coverage": None,
        "expansions": _expansions(ctx.q),
        "priors": priors,
        "boosts": empty,
        "citation": None,
        "semantic": None,
        "earlier_version_of": None,
    }


def _concept_terms(ctx: _Context, concept: Concept, groups, n: int, row: int):
    """The concept's terms found in this passage (text, heading) or its document's title, with
    each field's BM25 contribution; and the concept's idf mass (for coverage)."""
    snap, p = ctx.snap, ctx.policy
    found, best = [], 0.0
    for weight, terms, text_only in groups:
        via = _via(concept, terms, text_only)
        for term in terms:
            ids, imp = snap.text.get(term)
            hids, himp = snap.heading.get(term) if not text_only else (ids[:0], imp[:0])
            if ids.size == 0 and hids.size == 0:
                continue
            idf = bm25_idf(max(ids.size, hids.size), ctx.n)
            best = max(best, idf * weight)
            w = weight * idf / len(terms)
            fields = {
                "text": w * _impact(ids, imp, n),
                "heading": w * p.heading_weight * _impact(hids, himp, n),
            }
            if not text_only:
                tids, timp = snap.title.get(term)
                docnums = np.flatnonzero(snap.doc_row == row)
                title = max((_impact(tids, timp, int(d)) for d in docnums), default=0.0)
                fields["title"] = w * p.title_weight * title
            fields = {k: round(float(v), 4) for k, v in fields.items() if v > 0}
            if fields:
                found.append({"term": term, "concept": concept.text, "via": via, "fields": fields})
    return found, best


def _via(concept: Concept, terms: tuple[str, ...], text_only: bool) -> str:
    """How a term came into the query: typed, a synonym, a related word or a sub-word."""
    if text_only:
        return "related"
    if terms == (concept.text,):
        return "query"
    return "synonym" if terms in concept.alternatives else "subword"


def _impact(ids: np.ndarray, impacts: np.ndarray, n: int) -> float:
    """The BM25 impact of docnum `n` in a posting list (0 when absent); ids are ascending."""
    at = int(np.searchsorted(ids, n))
    return float(impacts[at]) if at < ids.size and ids[at] == n else 0.0


def _expansions(q: ParsedQuery) -> dict:
    return {
        "works": list(q.work_names),
        "synonyms": {
            c.text: [" ".join(a) for a in c.alternatives] for c in q.concepts if c.alternatives
        },
        "related": {c.text: list(c.related) for c in q.concepts if c.related},
    }


def _priors(ctx: _Context, row: int) -> dict:
    """The document's multiplier and what it is made of."""
    snap, q, p = ctx.snap, ctx.q, ctx.policy
    rec = snap.docs.records[row]
    reasons = []
    base = float(ctx.base[row])
    if base != 1.0:
        reasons.append(
            {
                "reason": "local" if rec.get("region") else "kind",
                "value": rec.get("region") or rec["kind"],
                "factor": round(base, 3),
            }
        )
    if q.local_practice and rec.get("region"):
        reasons.append({"reason": "asks_local_practice", "value": rec["region"], "factor": 1.0})
    if q.regions and rec.get("region") in q.regions:
        reasons.append({"reason": "region_named", "value": rec["region"], "factor": p.region_boost})
    if q.works and rec["work_key"] in q.works:
        reasons.append({"reason": "work_named", "value": rec["title"], "factor": p.work_boost})
    return {"document": round(float(ctx.prior[row]), 4), "reasons": reasons}
