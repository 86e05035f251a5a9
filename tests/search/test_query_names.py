"""Query understanding of names and article expressions, on short synthetic titles."""

from __future__ import annotations

import unicodedata

import pytest

from kb.query.aliases import AliasTable, WorkInfo
from kb.query.parse import parse_query
from kb.query.titles import DERIVED, FULL, Canonical, former_names, title_names
from kb.references.positions import find_chains


def positions(text: str) -> list[list[tuple]]:
    runs = find_chains(unicodedata.normalize("NFKC", text), typed=True)
    return [[(p.article, p.suffix, p.paragraph, p.item) for p in r.positions] for r in runs]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("第三十条", [[(30, 0, None, None)]]),
        ("第３０条", [[(30, 0, None, None)]]),
        ("第一百二十条之一", [[(120, 1, None, None)]]),
        ("第三十条第二款第（三）项", [[(30, 0, 2, 3)]]),
        ("第三十条第(三)项", [[(30, 0, None, 3)]]),
        ("第三十条（三）", [[(30, 0, None, 3)]]),
        ("第三十条第二款、第三款", [[(30, 0, 2, None), (30, 0, 3, None)]]),
        ("第三十条至第三十二条", [[(30, 0, None, None), (31, 0, None, None), (32, 0, None, None)]]),
        ("第30-32条", [[(30, 0, None, None), (31, 0, None, None), (32, 0, None, None)]]),
        ("第四十四、四十五条", [[(44, 0, None, None), (45, 0, None, None)]]),
        ("第44条和45条", [[(44, 0, None, None), (45, 0, None, None)]]),
        ("第1条至第1000条", [[(1, 0, None, None), (1000, 0, None, None)]]),
        ("没有条文", []),
    ],
)
def test_article_expressions(text, expected):
    assert positions(text) == expected


def test_normal_form_maps_back_to_the_words_as_typed():
    canon = Canonical(("丙辛",))
    typed = "中华人民共和国 丙辛省人民代表大会常务委员会《丁条例》"
    mapped = canon.map(typed)
    assert mapped.text == canon.text(typed) == "丙辛人大常委会丁条例"
    assert mapped.begins[0] == 0  # 中华人民共和国 belongs to the name that follows it
    assert typed[mapped.begins[2] : mapped.ends[6]] == "人民代表大会常务委员会"


def test_names_derived_from_a_title():
    canon = Canonical(("丙辛",))
    names = title_names(canon.text("丙辛省人民代表大会常务委员会关于甲乙丁戊事项的决定"), "丙辛")
    assert names["丙辛人大常委会关于甲乙丁戊事项的决定"] == FULL
    for derived in (
        "关于甲乙丁戊事项的决定",
        "甲乙丁戊事项的决定",
        "丙辛人大常委会甲乙丁戊事项的决定",
    ):
        assert names[derived] == DERIVED
    core = title_names(canon.text("中华人民共和国全国人民代表大会和地方各级人民代表大会甲乙法"))
    assert core["甲乙法"] == DERIVED


def test_former_names_from_history_lines():
    lines = [
        "2001年1月1日 丙辛省人大常委会《关于修改〈丙辛省甲乙暂行条例〉的决定》修正",
        "2002年1月1日 《关于修改〈丙辛省丁条例〉等三件地方性法规的决定》修正",
    ]
    assert former_names(lines) == ["丙辛省甲乙暂行条例"]


@pytest.fixture(scope="module")
def table():
    titles = {
        "中华人民共和国甲乙条例": "中华人民共和国甲乙条例",
        "丙辛省甲乙条例": "丙辛省甲乙条例",
        "丙辛省人民代表大会常务委员会议事规则": "丙辛省人民代表大会常务委员会议事规则",
    }
    info = {
        "中华人民共和国甲乙条例": WorkInfo("行政法规"),
        "丙辛省甲乙条例": WorkInfo("地方性法规", "丙辛"),
        "丙辛省人民代表大会常务委员会议事规则": WorkInfo(
            "地方性法规", "丙辛", former=("丙辛省人大常委会旧规则",)
        ),
    }
    return AliasTable(titles, info, ("丙辛",))


def test_a_name_fitting_several_works_means_the_national_one(table):
    m = table.match_suffix("依照甲乙条例")
    assert m.works == {"中华人民共和国甲乙条例"} and m.others == {"丙辛省甲乙条例"}
    assert (m.start, m.name) == (2, "甲乙条例")
    assert table.lookup("丙辛甲乙条例") == {"丙辛省甲乙条例"}
    assert table.find_suffix("《中华人民共和国甲乙条例》") == (
        "中华人民共和国甲乙条例",
        {"中华人民共和国甲乙条例"},
    )


def test_abbreviated_titles_and_former_names_resolve(table):
    work = {"丙辛省人民代表大会常务委员会议事规则"}
    for name in (
        "丙辛省人大常委会议事规则",
        "丙辛人民代表大会常委会议事规则",
        "丙辛省人大常委会旧规则",
    ):
        assert table.match_suffix(name).works == work, name
    q = parse_query("丙辛省人大常委会议事规则第3条第二款 会议", table)
    (ref,) = q.citations
    assert (ref.works, ref.article, ref.paragraph) == (frozenset(work), 3, 2)
    assert ref.name == "丙辛省人大常委会议事规则" and [c.text for c in q.concepts] == ["会议"]


def test_document_questions(table):
    def aspects(text):
        return parse_query(text, table).about_document

    assert aspects("甲乙条例是什么时候通过的") == ("adopted",)
    assert aspects("甲乙条例还有效吗") == ("status",)
    assert aspects("甲乙条例是哪个机关制定的") == ("issuer",)
    assert aspects("甲乙条例规定的期限什么时候开始施行") == ()  # asks about content
    assert aspects("甲乙条例第三条什么时候施行") == ()  # a citation
