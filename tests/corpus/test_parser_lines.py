"""Structure parsers, line by line: article numbers, heading levels, dates and labels, and the
history lines (dates, events, issuing bodies) at the top of a document.
"""

from __future__ import annotations

import pytest

from corpus.parsers.history import parse_entry, parse_history
from corpus.parsers.patterns import article_number, heading_level, iso_date, strip_label

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
