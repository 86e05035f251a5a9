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
    synonym_weight: float = 0.6  # an alternative phrasing relative to the word typed
    coverage_power: float = 1.5  # score × (share of the query's idf mass matched) ** power
    local_prior: float = 0.8  # local documents when the query names no province or city
    region_boost: float = 1.5  # documents of a province the query names
    work_boost: float = 3.0  # documents of a work the query names (监督法 专题询问)
    per_document: int = 3  # at most this many passages of one document before the rest
    candidates: int = 400  # top passages considered for grouping and paging


POLICY = Policy()
