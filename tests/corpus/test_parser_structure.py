"""Document structure from synthetic snippets: articles, paragraphs, items and points, headings,
numbered items instead of articles, tables of contents, amendments, citation labels and ids;
with and without Markdown hints.
"""

from __future__ import annotations

import dataclasses

import pytest

from corpus.loaders import markdown
from corpus.parsers import parse_document
from corpus.text import Line
from kb.labels import render_label
from tests.support.parsing import MD_SOURCE, articles, parse_md, parse_txt

# --- document structure -------------------------------------------------------------------

# Synthetic: placeholder words (甲乙丙丁) in a statute's shape, no real text.
LAW = """# 中华人民共和国样例法

2001年2月3日 第九届甲委员会第二次会议通过

2010年4月5日 第十一届甲委员会第六次会议《关于修改〈中华人民共和国样例法〉的决定》修正

<!-- INFO END -->

## 第一章 总 则

{a1} 甲乙丙丁。

{a2} 甲应当乙。

乙应当丙：

（一）丁；

（二）戊：

1.己；

2.庚。

{a2_1} 甲乙。

## 第二章 附 则

{a3} 本法甲乙自2010年6月1日起施行。
""".format(a1="第一条", a2="第二条", a2_1="第二条之一", a3="第三条")


def test_articles_paragraphs_items_and_points() -> None:
    doc = parse_md(LAW)
    found = articles(doc)
    assert [(p.article, p.article_suffix, p.label) for p in found] == [
        (1, 0, "第一条"),
        (2, 0, "第二条"),
        (2, 1, "第二条之一"),
        (3, 0, "第三条"),
    ]
    second = found[1]
    assert second.text == "第二条 甲应当乙。\n乙应当丙：\n（一）丁；\n（二）戊：\n1.己；\n2.庚。"
    assert [p.text for p in second.paragraphs] == ["甲应当乙。", "乙应当丙："]
    items = second.paragraphs[1].items
    assert [(i.number, i.text) for i in items] == [(1, "（一）丁；"), (2, "（二）戊：")]
    assert items[1].subitems == ("1.己；", "2.庚。")
    assert second.heading_path == ("第一章 总 则",)


def test_document_metadata_and_citation() -> None:
    doc = parse_md(LAW)
    assert (doc.version_date, doc.effective_date, doc.version_label) == (
        "2010-04-05",
        "2010-06-01",
        "2010年修正",
    )
    assert doc.issuer == "甲委员会"
    assert [(h.level, h.text, h.first_passage) for h in doc.headings] == [
        (3, "第一章 总 则", 0),
        (3, "第二章 附 则", 3),
    ]
    citation = articles(doc)[1].citation
    assert citation.label == "《中华人民共和国样例法》（2010年修正）第二条"
    assert (
        render_label(citation, paragraph=2, item=1)
        == "《中华人民共和国样例法》（2010年修正）第二条第二款第一项"
    )


def test_same_articles_without_markdown_hints() -> None:
    hinted = parse_md(LAW)
    loaded = markdown.load(LAW.encode(), MD_SOURCE)
    bare = dataclasses.replace(
        loaded, lines=tuple(Line(ln.text) for ln in loaded.lines), info_end=None
    )
    plain = parse_document(bare)
    assert [p.text for p in plain.passages] == [p.text for p in hinted.passages]
    assert [h.text for h in plain.headings] == [h.text for h in hinted.headings]
    assert plain.history == hinted.history


@pytest.mark.parametrize(
    "render_args, expected",
    [
        ({}, "《甲法》第五条"),
        ({"paragraph": 2}, "《甲法》第五条第二款"),
        ({"item": 3}, "《甲法》第五条第三项"),
        ({"show_version": True}, "《甲法》（2020年通过）第五条"),
    ],
)
def test_render_label(render_args: dict, expected: str) -> None:
    fields = {
        "title": "甲法",
        "version": "2020年通过",
        "article_label": "第五条",
        "heading_path": (),
    }
    assert render_label(fields, **render_args) == expected


def test_render_label_keeps_the_version_choice_of_a_stored_label() -> None:
    stored = {
        "title": "甲法",
        "version": "2020年通过",
        "article_label": "第五条",
        "heading_path": (),
        "label": "《甲法》（2020年通过）第五条",
    }
    assert render_label(stored, paragraph=1) == "《甲法》（2020年通过）第五条第一款"


def test_numbered_items_instead_of_articles() -> None:
    doc = parse_md(
        "# 甲委员会关于乙的决定\n\n<!-- INFO END -->\n\n为了丙，决定如下：\n\n"
        "一、丁。\n\n（一）戊；\n\n1.己。\n\n二、庚。\n"
    )
    assert [(p.role, p.article, p.label) for p in doc.passages] == [
        ("preamble", None, ""),
        ("item", 1, "一、"),
        ("item", 2, "二、"),
    ]
    assert doc.passages[1].text == "一、丁。\n（一）戊；\n1.己。"
    assert doc.passages[1].citation.label == "《甲委员会关于乙的决定》一、"


def test_numbered_headings_with_points_become_passages() -> None:
    doc = parse_md(
        "# 最高人民法院关于甲的规定\n\n<!-- INFO END -->\n\n"
        "## 一、关于乙\n\n"
        "1.丙。\n\n2.丁。\n\n## 二、关于戊\n\n己。\n"
    )
    assert [(p.label, p.article, p.heading_path[-1]) for p in doc.passages] == [
        ("1.", 1, "一、关于乙"),
        ("2.", 2, "一、关于乙"),
        ("二、", 2, "二、关于戊"),
    ]
    assert doc.passages[1].citation.label == "《最高人民法院关于甲的规定》一、2."
    assert doc.issuer == "最高人民法院" and doc.kind == "司法解释"


def test_table_of_contents_is_not_repeated() -> None:
    doc = parse_md(
        "# 甲市乙条例\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n## 第二章 管理\n\n"
        "## 第三章 附则\n\n## 第一章 总则\n\n第一条 丙。\n\n管理\n\n第二条 丁。\n\n"
        "## 第三章 附则\n\n第三条 戊。\n"
    )
    assert [(h.text, h.first_passage) for h in doc.headings] == [
        ("第一章 总则", 0),
        ("第二章 管理", 1),
        ("第三章 附则", 2),
    ]
    assert [p.text for p in doc.passages] == ["第一条 丙。", "第二条 丁。", "第三条 戊。"]


def test_amendment_quoting_new_articles_keeps_them_inside() -> None:
    doc = parse_md(
        "# 甲法修正案\n\n<!-- INFO END -->\n\n"
        + "{} 甲法第二章增加一节，作为第三节：\n\n第三节 乙\n\n{} 丙。\n\n{} 丁。\n".format(
            "第八条", "第四十条", "第九条"
        )
    )
    assert [p.label for p in articles(doc)] == ["第八条", "第九条"]
    assert "第四十条 丙。" in articles(doc)[0].text


def test_wrapped_history_line_and_title_fragment_in_plain_text() -> None:
    doc = parse_txt(
        "中华人民共和国甲乙丙丁法\n中华人民共和国甲乙\n丙丁法\n"
        "1990年1月2日 第七届甲委员会第一次会议通过\n"
        "2000年3月4日 第九届甲委员会第二次会议《关于修改〈甲法〉\n"
        "〈乙法〉的决定》修正\n第一章 总则\n第一条 戊。\n"
    )
    assert doc.title == "中华人民共和国甲乙丙丁法"
    assert [h.event for h in doc.history] == ["通过", "修正"]
    assert doc.history[1].text.endswith("的决定》修正")
    assert [p.text for p in doc.passages] == ["第一条 戊。"]
    assert doc.headings[0].text == "第一章 总则"


def test_ids_are_stable_and_ordered() -> None:
    first, second = parse_md(LAW), parse_md(LAW)
    assert first.id == second.id and len(first.id) == 12
    assert [p.id for p in first.passages] == [p.id for p in second.passages]
    assert first.passages[2].id == f"{first.id}-2"
    assert parse_md(LAW, "法律/测试/另一个(2020-01-01).md").id != first.id
