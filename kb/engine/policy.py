"""Query policy in one place: field weights, BM25 parameters, priors and grouping."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    """Every ranking knob; tuned on ../shared/eval (see bench/tune.py)."""

    k1: float = 1.2  # BM25 term-frequency saturation (all fields)
    b_text: float = 0.75  # length normalisation of the passage text
    b_heading: float = 0.3
    b_title: float = 0.5
    heading_weight: float = 0.3  # 编/章/节 headings relative to the text
    title_weight: float = 0.4  # document title (and short names) relative to the text
    synonym_weight: float = 0.9  # an alternative phrasing relative to the word typed
    related_weight: float = 0.3  # a word learned as related to a query word (kb/data/related.tsv)
    subword_weight: float = 0.3  # the dictionary words inside a long query word (土地承包经营权)
    document_weight: float = 0.5  # share of the best passage's score lent to its document's others
    coverage_power: float = 1.0  # score × (share of the query's idf mass matched) ** power
    local_prior: float = 0.3  # local documents when the query names no province or city
    # The legal hierarchy as a prior: a question is most often answered by a law, then by the
    # interpretation or regulation that applies it.
    interpretation_prior: float = 0.6  # 司法解释
    regulation_prior: float = 0.7  # 行政法规, 监察法规
    rule_prior: float = 0.5  # 部门规章 and 其他
    region_boost: float = 1.5  # documents of a province the query names
    work_boost: float = 3.0  # documents of a work the query names (监督法 专题询问)
    pair_boost: float = 0.5  # top passages containing adjacent query words as written, per pair
    marked_boost: float = 1.3  # a passage containing a “marked” term of the query
    per_document: int = 5  # at most this many passages of one document on the first page
    page: int = 10  # the first page, which grouping keeps varied
    candidates: int = 400  # top passages considered for grouping and paging


POLICY = Policy()
