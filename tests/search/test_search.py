"""Search behaviour on a small real index: citations, phrases, abbreviations, versions, safety."""

from __future__ import annotations

import pytest

from kb.errors import BadQuery


def top(library, q, **kw):
    return library.search(q, **kw).hits


def test_citation_query_puts_the_article_first(library):
    hit = top(library, "选举法第三十条")[0]
    assert hit.matched == "citation"
    assert hit.article == 30
    assert hit.document.title.endswith("选举法")
    assert hit.citation.label.endswith("第三十条")


@pytest.mark.parametrize(
    "q, article",
    [
        ("代表法 第44条", 44),
        ("《宪法》第三条", 3),
        ("地方组织法第十条第二款", 10),
        ("监督法第9条", 9),
    ],
)
def test_citation_forms(library, q, article):
    hit = top(library, q)[0]
    assert (hit.matched, hit.article) == ("citation", article)


def test_paragraph_citation_carries_the_paragraph(library):
    hit = top(library, "地方组织法第十条第二款")[0]
    assert hit.paragraph == 2
    assert hit.citation.label.endswith("第十条第二款")
    ((start, end),) = hit.snippet.highlights
    assert hit.snippet.text[start:end] in hit.text


def test_current_version_first_then_superseded(library):
    hits = top(library, "代表法第四十四条")
    assert hits[0].document.status == "current"
    assert hits[0].document.version_date == "2025-03-11"
    assert hits[1].document.status == "superseded" and hits[1].article == 44


def test_substring_inside_longer_word(library):
    # 常务委员会 occurs inside 全国人民代表大会常务委员会 / 人民代表大会常务委员会
    hits = top(library, "常务委员会", limit=20)
    assert hits and all(
        "常务委员会" in h.text or "常务委员会" in " ".join(h.heading_path) for h in hits
    )


def test_quoted_phrase_must_occur(library):
    result = library.search('"选民登记"', limit=50)
    assert result.total > 0
    assert all("选民登记" in h.text for h in result.hits)


def test_phrase_across_word_boundaries(library):
    # "务委员" is not a word anywhere, only characters inside 常务委员会
    result = library.search('"务委员"', limit=5)
    assert result.hits and all("务委员" in h.text for h in result.hits)


def test_abbreviations_expand(library):
    result = library.search("常委会任免程序")
    assert "常委会" in result.understood["expansions"]
    assert any("常务委员会" in h.text for h in result.hits[:5])


def test_as_of_selects_version_in_force(library):
    old = top(library, "代表法第四十四条", as_of="2020-01-01")
    assert old[0].document.version_date == "2015-08-29"
    assert all(h.document.version_date != "2025-03-11" for h in old)


def test_all_versions_includes_superseded(library):
    hits = top(library, "监督法 质询案", versions="all", limit=30)
    assert {h.document.version_date for h in hits} >= {"2006-08-27", "2024-11-08"}


def test_current_versions_by_default(library):
    hits = top(library, "专题询问", limit=30)
    assert hits and all(h.document.status == "current" for h in hits)


def test_duplicate_copies_are_shown_once(library):
    hits = top(library, "广告法第一条")
    assert len([h for h in hits if h.article == 1 and "广告法" in h.document.title]) == 1


def test_bulletin_paragraph_found(library):
    hits = top(library, "安顺市 代表联络站 接待群众")
    assert hits[0].document.kind == "工作简报"


def test_long_question(library):
    hits = top(library, "请问人大代表应当怎样向原选区选民报告履职情况？由谁来组织？")
    assert any(h.article in (58, 45, 43) for h in hits[:10])


def test_highlights_are_ranges_not_markup(library):
    hit = top(library, "<b>选民</b>登记")[0]
    assert "<" not in hit.snippet.text or "<" in hit.text
    for start, end in hit.snippet.highlights:
        assert 0 <= start < end <= len(hit.snippet.text)


@pytest.mark.parametrize("q", ["", "   ", "？？！！", "\x00\x01", "x" * 501])
def test_bad_queries_raise_badquery(library, q):
    with pytest.raises(BadQuery):
        library.search(q)


@pytest.mark.parametrize(
    "q",
    [
        '"未闭合的引号',
        "AND OR NOT",
        "((())",
        "第条",
        "第99999条",
        "选举法第九百条",
        "\ud800代表",
        "ＡＢＣ　代表",
        "*?~^",
    ],
)
def test_odd_queries_never_crash(library, q):
    try:
        library.search(q)
    except BadQuery as exc:  # a clear message is fine; anything else is a bug
        assert str(exc)


@pytest.mark.parametrize(
    "params",
    [
        dict(limit=0),
        dict(limit=10**9),
        dict(offset=-1),
        dict(as_of="2020-13-45"),
        dict(kinds=("不存在",)),
        dict(versions="some"),
    ],
)
def test_bad_parameters(library, params):
    with pytest.raises(BadQuery):
        library.search("代表", **params)


def test_pagination_is_consistent(library):
    first = library.search("代表", limit=5)
    second = library.search("代表", limit=5, offset=5)
    both = library.search("代表", limit=10)
    assert [h.id for h in first.hits + second.hits] == [h.id for h in both.hits]


def test_one_document_does_not_fill_the_first_page(library):
    hits = top(library, "代表", limit=10)
    per_doc = {}
    for h in hits:
        per_doc[h.document.id] = per_doc.get(h.document.id, 0) + 1
    from kb.engine.policy import POLICY

    assert POLICY.per_document < 10
    assert max(per_doc.values()) <= POLICY.per_document


def test_cite_and_passage_and_document(library):
    hit = library.cite("选举法第三十条第二款")
    assert hit.paragraph == 2
    again = library.passage(hit.id)
    assert again.text == hit.text
    view = library.document(hit.document.id)
    assert any(p.id == hit.id for p in view.document.passages)
    assert view.versions and view.versions[0].status == "current"


def test_comparison_questions_search_every_version(library):
    result = library.search("监督法修改前后 质询案 有什么不同", limit=30)
    assert result.understood["compare_versions"]
    assert {h.document.version_date for h in result.hits} >= {"2006-08-27", "2024-11-08"}


def test_local_practice_questions_lift_local_documents(library):
    hits = library.search("国家工作人员宪法宣誓 哪些地方有规定", limit=5).hits
    assert any(h.document.kind == "地方性法规" for h in hits[:3])


def test_favour_counts_each_string_once_per_passage():
    from kb.engine.phrases import Joined

    def _found(texts, order, strings):
        return Joined(texts, order).found(strings)

    texts = ["选民登记选民登记", "代表资格", "", "选民 代表", "登记"]
    strings = ("选民", "代表", "登记", "选民")
    order = [4, 0, 3, 1, 2]
    naive = [sum(1 for m in strings if m in texts[n]) for n in order]
    assert _found(texts, order, strings) == naive == [1, 3, 3, 1, 0]


def test_learned_related_words_are_searched_and_shown(library):
    from kb.query.lexicon import related, related_sources

    table = related()
    assert related_sources() and len(table) > 100
    word = "房东" if "房东" in table else sorted(table)[0]
    result = library.search(f"{word}的义务")
    assert result.understood["related"][word] == list(table[word])
    assert all(w and " " not in w for words in table.values() for w in words)


def test_related_words_weigh_less_and_are_searched_in_the_text_only(library):
    from dataclasses import replace

    from kb.engine.policy import POLICY
    from kb.engine.scorer import Scorer
    from kb.query.parse import Concept

    scorer = Scorer(library.snapshot(), replace(POLICY, related_weight=0.3))
    groups = scorer._groups(Concept("代表", related=("选民",)))
    assert groups[0] == (1.0, ("代表",), False) and (0.3, ("选民",), True) in groups
