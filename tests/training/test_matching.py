"""Quoted references → articles of a (synthetic) corpus: versions, copies, partial quotes, misses."""

from __future__ import annotations

from training import snippets
from training.matching import Match, Miss, Reference, match_reference

OLD = "法律/示范法(2019-05-01).md"
NEW = "法律/示范法(2023-03-01).md"
REG = "行政法规/示范活动管理条例(2020-01-01).md"
NOTICE_2023 = "示范活动的组织者应当提前十五日公告活动的时间、地点和报名方式。"
WITHDRAW = "参与者可以在活动开始前撤回报名，组织者不得收取撤回费用。"


def ref(text: str, article: int | None = 2, title: str = "示范法", suffix: int = 0) -> Reference:
    return Reference(f"《{title}》{article}", title, article, suffix, text)


def test_the_version_whose_text_was_quoted_is_taken(table):
    old = match_reference(table, ref("示范活动的组织者应当提前七日公告活动的时间和地点。"))
    new = match_reference(table, ref(NOTICE_2023 + "\n" + WITHDRAW))
    assert isinstance(old, Match) and old.article.source == OLD and old.similarity == 1.0
    assert isinstance(new, Match) and new.article.source == NEW and not new.partial


def test_texts_that_tie_go_to_the_version_in_force(table):
    m = match_reference(table, ref("本法自公布之日起施行。", article=3))
    assert isinstance(m, Match) and m.article.source == NEW and m.article.current
    # every version with exactly this text is listed beside it
    same = table.same_text(m.article)
    assert len(same) == 2 and m.article.passage_id in same


def test_title_is_found_with_or_without_prc_and_brackets(table):
    for title in ("中华人民共和国示范法", "《示范法》", "示范法 "):
        assert isinstance(match_reference(table, ref("本法自公布之日起施行。", 3, title)), Match)


def test_a_quoted_paragraph_is_accepted_as_a_partial_quote(table):
    m = match_reference(table, ref(WITHDRAW))
    assert isinstance(m, Match) and m.partial and m.coverage == 1.0
    assert m.article.source == NEW


def test_an_unnumbered_clause_is_found_by_its_text(table):
    m = match_reference(table, ref(WITHDRAW, article=None))
    assert isinstance(m, Match) and (m.article.source, m.article.article) == (NEW, 2)
    reg = match_reference(
        table,
        ref(
            "县级以上人民政府示范活动主管部门负责本行政区域内示范活动的监督管理。",
            article=None,
            title="示范活动管理条例",
        ),
    )
    assert isinstance(reg, Match) and (reg.article.source, reg.article.article) == (REG, 2)


def test_misses_say_why(table):
    assert (
        match_reference(table, ref("随便什么文字", title="不存在的法")).reason
        == "title not in corpus"
    )
    assert (
        match_reference(table, ref("示范活动结束后，组织者应当公布活动结果。", article=99)).reason
        == "article number not in corpus"
    )
    # a known text under an unknown number is found by its text (see renumbered below)
    assert isinstance(match_reference(table, ref(NOTICE_2023, article=99)), Match)
    assert match_reference(table, ref(NOTICE_2023, suffix=1)).reason.startswith("inserted article")
    assert match_reference(table, ref("   ")).reason == "no quoted text"
    differs = match_reference(table, ref("国家鼓励公民参加示范活动，提高全社会的示范意识和水平。"))
    assert isinstance(differs, Miss) and differs.reason == "text differs"
    assert differs.closest is not None and differs.closest.similarity < 0.8


def test_snippets_avoid_text_copied_into_another_document(table):
    article = match_reference(table, ref(NOTICE_2023 + WITHDRAW)).article
    where = snippets.occurrences({w for w in snippets.windows(article)}, table.articles)
    snippet, unique = snippets.choose(article, where)
    # the first paragraph is copied word for word into the regulation: the snippet comes from the second
    assert unique and snippet in WITHDRAW and 15 <= len(snippet) <= 30


def test_a_snippet_found_in_another_title_only_is_marked_not_unique(table):
    reg_article = next(a for a in table.articles if a.source == REG and a.article == 1)
    where = snippets.occurrences(set(snippets.windows(reg_article)), table.articles)
    snippet, unique = snippets.choose(reg_article, where)
    assert not unique and snippet in NOTICE_2023


def test_an_article_of_short_paragraphs_gets_its_longest_paragraph(table):
    short = next(a for a in table.articles if a.source == NEW and a.article == 3)
    assert snippets.windows(short) == ["本法自公布之日起施行。"]


def test_a_text_under_another_number_is_found_and_marked_renumbered(table):
    m = match_reference(table, ref(NOTICE_2023 + WITHDRAW, article=1))
    assert isinstance(m, Match) and m.renumbered and m.article.article == 2


def test_the_paragraph_of_a_long_article_beats_a_merely_alike_short_one():
    from training.articles import Article, ArticleTable

    def article(n: int, *paragraphs: str) -> Article:
        return Article(
            f"x-{n}", "合成规定", "规章/合成规定.md", n, 0, paragraphs, True, "2020-01-01"
        )

    quote = "登记机关应当在受理申请之日起十日内作出决定。"
    long = article(
        1, "申请人应当提交申请书和身份证明。" * 4, quote, "逾期未作决定的，视为准予登记。" * 3
    )
    alike = article(2, "登记机关收到材料后，一般在三十个工作日内书面答复。")
    m = match_reference(ArticleTable([alike, long]), ref(quote, article=None, title="合成规定"))
    assert isinstance(m, Match) and m.article.article == 1 and m.partial


def test_scattered_characters_do_not_make_a_partial_quote(table):
    # every third character of article 2: all found in order, none in a run
    m = match_reference(table, ref((NOTICE_2023 + WITHDRAW)[::3], article=None))
    assert isinstance(m, Miss)
