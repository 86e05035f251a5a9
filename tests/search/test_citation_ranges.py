"""A range of articles means the same articles to search and to citation checking: both read
positions through kb.references.positions, with one MAX_RANGE rule (issue 17: a range of 62
articles was expanded by /api/verify and not by search)."""

from __future__ import annotations

import pytest

from kb.numerals import int_to_cn
from kb.references import find_references
from kb.references.positions import MAX_RANGE, find_chains

# 第一条至第N条 around the limit: expanded while at most MAX_RANGE (60) articles lie between
ENDS = (60, 61, 62, 63)


def _expected(last: int) -> list[int]:
    return list(range(1, last + 1)) if last - 2 <= MAX_RANGE else [1, last]


@pytest.mark.parametrize("last", ENDS)
def test_query_and_reference_parsers_expand_a_range_alike(last):
    cited = f"第一条至第{int_to_cn(last)}条"
    (chain,) = find_chains(cited, typed=True)
    (ref,) = find_references(f"依照甲乙法{cited}的规定")
    assert [p.article for p in chain.positions] == [p.article for p in ref.positions]
    assert [p.article for p in ref.positions] == _expected(last)


@pytest.mark.parametrize("last", ENDS)
def test_search_and_verify_cite_the_same_articles(library, last):
    cited = f"地方组织法第一条至第{int_to_cn(last)}条"
    searched = [c["article"] for c in library.search(cited).understood["citations"]]
    (verdict,) = library.verify(f"依照{cited}的规定。").verdicts
    checked = [p[0] for p in verdict.claim.positions]
    assert searched == checked == _expected(last)


def test_a_paragraph_range_keeps_the_item_of_its_end():
    (chain,) = find_chains("第三十条第一款至第三款第(二)项", typed=True)
    assert [(p.article, p.paragraph, p.item) for p in chain.positions] == [
        (30, 1, None),
        (30, 2, None),
        (30, 3, 2),
    ]
