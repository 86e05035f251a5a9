"""Structure parsers: synthetic snippets table by table, then real files from ../shared/corpus."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.collection import parse_file
from corpus.loaders import markdown, plaintext
from corpus.parsers import parse_document
from corpus.parsers.history import parse_entry, parse_history
from corpus.parsers.law import work_key
from corpus.parsers.metadata import infer_city, infer_kind, organ
from corpus.parsers.patterns import article_number, heading_level, iso_date, strip_label
from corpus.text import Line
from kb.citations import render_label
from kb.models import Document

MD_SOURCE = "法律/测试/样例法(2020-01-01).md"


def parse_md(text: str, source: str = MD_SOURCE) -> Document:
    """Parse a synthetic Markdown document."""
    return parse_document(markdown.load(text.encode("utf-8"), source), "hash")


def parse_txt(text: str, source: str = "其他/样例.txt") -> Document:
    """Parse a synthetic plain-text document (no structure hints at all)."""
    return parse_document(plaintext.load(text.encode("utf-8"), source), "hash")


def articles(document: Document) -> list:
    return [p for p in document.passages if p.role == "article"]


# --- line patterns ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, expected",
    [
        ("第一条 甲乙丙。", (1, 0, "第一条")),
        ("第三十条之一 甲。", (30, 1, "第三十条之一")),
        ("第一百零五条 甲。", (105, 0, "第一百零五条")),
        ("第44条 甲。", (44, 0, "第44条")),
        ("第十二 条甲乙。", (12, 0, "第十二条")),  # a stray space before 条
        ("笫五十四条 甲。", (54, 0, "第五十四条")),  # 笫 typed for 第
        ("第三十－条 甲。", (31, 0, "第三十一条")),  # a dash typed for 一
        ("第三人可以申请。", None),
        ("第五条规定的期限", None),
    ],
)
def test_article_number(line: str, expected) -> None:
    assert article_number(line) == expected


@pytest.mark.parametrize(
    "line, level",
    [
        ("第一编 总则", 1),
        ("第二分编 通则", 2),
        ("第一章 总 则", 3),
        ("第三章 甲乙，丙丁", 3),
        ("第二节 一般规定", 4),
        ("附 则", 3),
        ("序言", 3),
        ("第一章甲乙丙。第二条", None),
        ("第七节相应改为第八节，第一百二十三条至第一百三十条相应改为", None),
    ],
)
def test_heading_level(line: str, level) -> None:
    assert heading_level(line) == level


@pytest.mark.parametrize(
    "text, iso",
    [
        ("2021年1月1日 施行", "2021-01-01"),
        ("１９８９年５月１１日", "1989-05-11"),
        ("2020年07月20日 甲", "2020-07-20"),
        ("二〇二〇年", None),
    ],
)
def test_iso_date(text: str, iso) -> None:
    assert iso_date(text) == iso


def test_strip_label_ignores_spaces_inside_the_label() -> None:
    assert strip_label("第十二 条甲乙。", "第十二条") == "甲乙。"
    assert strip_label("第三十－条 甲。", "第三十一条") == "甲。"
    assert strip_label("一、甲。", "一、") == "甲。"
    assert strip_label("第一条 甲。", "第一条") == "甲。"


# --- history lines ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, date, event, body",
    [
        ("2021年1月1日 施行", "2021-01-01", "施行", ""),
        ("1989年5月11日 国务院批准", "1989-05-11", "批准", "国务院"),
        (
            "（1993年3月29日 第八届甲乙大会第一次会议通过）",
            "1993-03-29",
            "通过",
            "第八届甲乙大会第一次会议",
        ),
        (
            "2010年10月28日 第十一届甲委员会第十七次会议《关于修改〈乙法〉的决定》第二次修正",
            "2010-10-28",
            "修正",
            "第十一届甲委员会第十七次会议",
        ),
        (
            "2004年8月28日 第十届甲委员会第十一次会议修订",
            "2004-08-28",
            "修订",
            "第十届甲委员会第十一次会议",
        ),
        ("2020年5月1日 甲部令第3号公布", "2020-05-01", "公布", "甲部令第3号"),
    ],
)
def test_parse_entry(line: str, date: str, event: str, body: str) -> None:
    entry = parse_entry(line)
    assert (entry.date, entry.event, entry.body, entry.text) == (date, event, body, line)


def test_history_joins_wrapped_lines_and_splits_two_events() -> None:
    history, other = parse_history(
        [
            "文号〔2020〕1号",
            "2015年8月29日 第十二届甲委员会第十六次会议《关于修改〈甲法〉、",
            "〈乙法〉的决定》第三次修正",
            "2011年4月12日 甲委员会会议修订根据2016年4月21日甲委员会会议修正",
        ]
    )
    assert other == []
    assert [(h.date, h.event) for h in history] == [
        (None, "文号"),
        ("2015-08-29", "修正"),
        ("2011-04-12", "修订"),
        ("2016-04-21", "修正"),
    ]


def test_history_keeps_a_wrapped_date_and_sets_notices_apart() -> None:
    history, other = parse_history(
        [
            "关于印发《甲办法》的通知",
            "2014年9月26",
            "日甲省第十二届人民代表大会常务委员会第十次会议批准",
            "1981年10月13日 国务院批准",
            "乙部",
            "丙署发布",
            "发布之日施行",
        ]
    )
    assert other == ["关于印发《甲办法》的通知"]
    assert [(h.date, h.event) for h in history] == [
        ("2014-09-26", "批准"),
        ("1981-10-13", "批准"),
        (None, "施行"),
    ]
    assert history[1].text == "1981年10月13日 国务院批准乙部丙署发布"


@pytest.mark.parametrize(
    "body, expected",
    [
        ("第十二届全国人民代表大会常务委员会第十六次会议", "全国人民代表大会常务委员会"),
        ("山东省第十二届人民代表大会常务委员会第十次会议", "山东省人民代表大会常务委员会"),
        ("最高人民法院审判委员会第1823次会议", "最高人民法院"),
        ("国务院第118次常务会议", "国务院"),
        ("中华人民共和国公安部令第125号", "公安部"),
        (
            "最高人民法院审判委员会第1次会议、2023年3月2日最高人民检察院第十三届检察委员会第1次会议",
            "最高人民法院、最高人民检察院",
        ),
    ],
)
def test_organ(body: str, expected: str) -> None:
    assert organ(body) == expected


@pytest.mark.parametrize(
    "title, organs, folder, kind",
    [
        ("中华人民共和国宪法", ["全国人民代表大会"], "法律", "宪法"),
        ("中华人民共和国宪法修正案（1999年）", ["全国人民代表大会"], "法律", "宪法"),
        ("中华人民共和国甲法", ["全国人民代表大会常务委员会"], "法律", "法律"),
        ("甲条例", ["国务院"], "行政法规", "行政法规"),
        ("最高人民法院关于甲的解释", ["最高人民法院"], "司法解释", "司法解释"),
        ("甲省乙条例", ["甲省人民代表大会常务委员会"], "地方性法规", "地方性法规"),
        ("甲管理办法", ["国家市场监督管理总局"], None, "部门规章"),
        ("上海市甲条例", [], None, "地方性法规"),
        ("甲规定", [], "部门规章", "部门规章"),
        ("甲规定", [], None, "其他"),
    ],
)
def test_infer_kind(title: str, organs: list[str], folder, kind: str) -> None:
    assert infer_kind(title, organs, folder) == kind


@pytest.mark.parametrize(
    "title, issuer, city",
    [
        ("东莞市甲条例", None, "东莞"),
        ("深圳经济特区甲条例", None, "深圳"),
        ("乙条例", "青岛市人民代表大会常务委员会", "青岛"),
        ("上海市甲条例", None, None),
        ("山东省人力资源市场条例", "山东省人民代表大会常务委员会", None),
    ],
)
def test_infer_city(title: str, issuer, city) -> None:
    assert infer_city(title, issuer) == city


def test_work_key_folds_width_spaces_and_enumeration_commas() -> None:
    assert work_key("甲、乙关于丙（二）") == work_key("甲 乙关于丙(二)") == "甲乙关于丙(二)"


# --- document structure -------------------------------------------------------------------

LAW = """# 中华人民共和国样例法

2001年2月3日 第九届甲委员会第二次会议通过

2010年4月5日 第十一届甲委员会第六次会议《关于修改〈中华人民共和国样例法〉的决定》修正

<!-- INFO END -->

## 第一章 总 则

第一条 为了样例，制定本法。

第二条 甲应当乙。

乙应当丙：

（一）丁；

（二）戊：

1.己；

2.庚。

第二条之一 新增条文。

## 第二章 附 则

第三条 本法自2010年6月1日起施行。
"""


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
        "第八条 甲法第二章增加一节，作为第三节：\n\n第三节 乙\n\n"
        "第四十条 丙。\n\n第九条 丁。\n"
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


# --- real files ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def parse_real(corpus_dir: Path):
    cache: dict[str, Document] = {}

    def parse(source: str) -> Document:
        if source not in cache:
            cache[source] = parse_file(corpus_dir / source, corpus_dir)
        return cache[source]

    return parse


BULLETIN = "工作简报/代表工作简报(2024年度第2期).txt"
ELECTION = "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会选举法(2020-10-17).md"


def test_bulletin(parse_real) -> None:
    doc = parse_real(BULLETIN)
    assert (doc.title, doc.kind, doc.issue, doc.version_date, doc.version_label) == (
        "代表工作简报(2024年度第2期)",
        "工作简报",
        "2024年度第2期",
        "2024-07-25",
        "2024年度第2期",
    )
    assert doc.issuer == "贵州省人大常委会代表工作委员会" and doc.region == "贵州"
    title, *sections = [h for h in doc.headings]
    assert title.text.endswith("推动人大选举任免及代表工作高质量发展") and " " in title.text
    assert [h.level for h in sections] == [1, 1, 1]
    assert [h.text[:2] for h in sections] == ["一、", "二、", "三、"]
    roles = [p.role for p in doc.passages]
    assert roles[0] == "editor_note" and set(roles[1:]) == {"paragraph"}
    assert len(doc.passages) == 11  # 编者按, title, 3 section headings, 6 paragraphs
    assert doc.passages[1].text == title.text
    assert doc.passages[2].heading_path == (title.text,)
    heading, first = doc.passages[3], doc.passages[4]
    assert heading.text == sections[0].text and sections[0].first_passage == 3
    assert first.heading_path == (title.text, sections[0].text)
    assert first.text.startswith("一是") and "二是" in first.text
    assert first.citation.label == f"《{doc.title}》{sections[0].text}"
    assert [r[:3] for r in doc.recipients] == ["抄送:", "分送:"]
    texts = "\n".join(p.text for p in doc.passages)
    assert "抄送" not in texts and "供稿" not in texts
    assert any(h.event == "供稿" for h in doc.history)


def test_election_law_article_30(parse_real) -> None:
    doc = parse_real(ELECTION)
    art = next(p for p in doc.passages if p.article == 30)
    assert art.label == "第三十条" and len(art.paragraphs) >= 2
    assert "第三十条" in art.citation.label
    assert art.citation.label.startswith(f"《{doc.title}》")
    assert doc.title == "中华人民共和国全国人民代表大会和地方各级人民代表大会选举法"
    assert render_label(art.citation, paragraph=2).endswith("第三十条第二款")
    assert doc.version_label == "2020年修正" and doc.kind == "法律"
    assert [p.article for p in articles(doc)] == list(range(1, 61))


def test_criminal_law_inserted_articles(parse_real) -> None:
    doc = parse_real("法律/刑法/刑法.md")
    inserted = [p for p in articles(doc) if p.article_suffix]
    assert all("之" in p.label for p in inserted)
    first = next(p for p in inserted if p.article == 17)
    assert (first.label, first.article_suffix) == ("第十七条之一", 1)
    assert first.citation.label.endswith("第十七条之一")
    keys = [(p.article, p.article_suffix) for p in articles(doc)]
    assert len(keys) == len(set(keys))


def test_numbered_interpretation(parse_real) -> None:
    doc = parse_real(
        "法律/宪法相关法/全国人民代表大会常务委员会关于县级以下人民代表大会"
        "代表直接选举的若干规定(1983-03-05).md"
    )
    items = [p for p in doc.passages if p.role == "item"]
    assert [p.article for p in items] == list(range(1, len(items) + 1)) and len(items) >= 5
    assert items[1].label == "二、" and "（一）" in items[1].text
    assert doc.passages[0].role == "preamble"


def test_constitution_preamble_is_searchable(parse_real) -> None:
    doc = parse_real("法律/宪法/宪法.md")
    preamble = [p for p in doc.passages if p.role == "preamble"]
    assert len(preamble) >= 10 and all(p.heading_path == ("序言",) for p in preamble)
    assert "FORCE BREAK" not in "".join(p.text for p in doc.passages)
    assert preamble[0].citation.label.endswith("序言")
    assert doc.kind == "宪法" and doc.version_label == "2018年修正"


def test_table_of_contents_in_a_real_file(parse_real) -> None:
    doc = parse_real("地方性法规/北京/北京市节水条例(2022-11-25).md")
    texts = [h.text for h in doc.headings]
    assert len(texts) == len(set(texts)) and doc.headings[0].first_passage == 0
    assert [p.article for p in articles(doc)] == list(range(1, len(articles(doc)) + 1))


def test_civil_code_part(parse_real) -> None:
    doc = parse_real("法律/民法典/总则.md")
    assert (doc.title, doc.subtitle) == ("中华人民共和国民法典", "总则")
    assert doc.effective_date == "2021-01-01" and doc.version_date == "2020-05-28"
    art = next(p for p in doc.passages if p.article == 56)
    assert art.citation.label == "《中华人民共和国民法典》第五十六条"


def test_constitution_amendment_quotes_are_not_articles(parse_real) -> None:
    doc = parse_real("法律/宪法/宪法修正案（2018年）.md")
    assert [p.article for p in articles(doc)] == list(range(32, 53))


def test_reparsing_gives_the_same_ids(corpus_dir: Path) -> None:
    first = parse_file(corpus_dir / ELECTION, corpus_dir)
    second = parse_file(corpus_dir / ELECTION, corpus_dir)
    assert first.id == second.id and first.content_hash == second.content_hash
    assert [p.id for p in first.passages] == [p.id for p in second.passages]
    assert first.source == ELECTION


# --- robustness ---------------------------------------------------------------------------

_PIECES = [
    "第一条 ",
    "第二条之一 ",
    "第三章 ",
    "一、",
    "（一）",
    "1.",
    "## ",
    "# ",
    "通过",
    "2020年1月2日 ",
    "修正",
    "施行",
    "附件一",
    "总则",
    "：",
    "。",
    "甲",
    "乙丙",
    "“",
    "<!-- INFO END -->",
    "简报",
    "(2024年度第2期)",
    "抄送:",
    "（",
    "）",
    "\n",
    " ",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60), st.booleans())
def test_any_text_parses(pieces: list[str], as_markdown: bool) -> None:
    text = "".join(pieces)
    loader = markdown.load if as_markdown else plaintext.load
    loaded = loader(text.encode("utf-8"), "其他/样例(2020-01-01).md")
    document = parse_document(loaded)
    assert [p.ordinal for p in document.passages] == list(range(len(document.passages)))
    assert all(p.text.strip() for p in document.passages)
    assert all(h.first_passage <= len(document.passages) for h in document.headings)
