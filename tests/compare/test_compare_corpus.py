"""Every consecutive pair of versions of every multi-version work in the whole corpus: each diff
rebuilds both texts exactly and every article of both versions is in exactly one pair.

The corpus is read once (a quick pass in two processes finds the works held in several versions,
then only their files are parsed with passages); the comparisons themselves take about a second.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from corpus.collection import load_collection, parse_file
from corpus.versioning import multi_version_works
from kb.compare.compare import compare_texts
from kb.compare.diff import new_text, old_text
from kb.compare.texts import join_parts
from kb.engine.hits import document_info
from kb.records import document_record

pytestmark = pytest.mark.full


@pytest.fixture(scope="module")
def comparisons(corpus_dir):
    """(work, old date, new date) → Comparison for every consecutive pair of versions."""
    quick = load_collection([corpus_dir], processes=2, keep_passages=False)
    several = multi_version_works(quick.documents)
    versions: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for d in quick.documents:
        if d.work_key in several and d.id not in quick.duplicates:
            doc = parse_file(corpus_dir / d.source, corpus_dir)
            versions[d.work_key][d.version_date or ""].append(doc)
    found = {}
    for work, by_date in versions.items():
        dates = sorted(by_date)
        texts = [join_parts(document_info(_record(by_date[d][0])), by_date[d]) for d in dates]
        for k in range(1, len(dates)):
            found[(work, dates[k - 1], dates[k])] = compare_texts(texts[k - 1], texts[k])
    return found


def _record(doc) -> dict:
    return {**document_record(doc), "status": doc.status}


def test_every_consecutive_pair_of_versions(comparisons):
    assert len({work for work, _a, _b in comparisons}) == 100
    assert len(comparisons) == 101
    for key, c in comparisons.items():
        for p in c.pairs:
            assert old_text(p.diff) == (p.old.text if p.old else ""), key
            assert new_text(p.diff) == (p.new.text if p.new else ""), key
        for side, version in (("old", c.old), ("new", c.new)):
            ids = [getattr(p, side).id for p in c.pairs if getattr(p, side) is not None]
            assert len(ids) == len(set(ids)) == len(version.passages), key
            assert set(ids) == {p.id for p in version.passages}, key


def _moves(comparisons, title_part: str) -> dict[str, str]:
    (c,) = [c for (work, _a, _b), c in comparisons.items() if title_part in work]
    return {p.old.label: p.new.label for p in c.pairs if p.status == "renumbered"}


def test_renumbering_is_followed(comparisons):
    # 代表法 2025: four articles inserted after 第二条 and more later (checked by hand)
    moves = _moves(comparisons, "人民代表大会代表法")
    assert moves["第三条"] == "第七条" and moves["第三十六条"] == "第四十四条"
    assert moves["第五十二条"] == "第六十五条"
    # 监督法 2024: 第八条 becomes 第十一条 after three new general articles
    assert _moves(comparisons, "监督法")["第八条"] == "第十一条"
