"""Titles, article numbers and questions in their comparable forms."""

from __future__ import annotations

import pytest

from training.normalise import article_number, question_text, title_key, title_keys


@pytest.mark.parametrize(
    "a, b",
    [
        ("中华人民共和国民法典", "民法典"),
        ("《民法典》", "民法典"),
        ("中华人民共和国 民法典", "民法典"),
        ("关于适用《中华人民共和国民法典》的解释（一）", "关于适用《民法典》的解释(一)"),
        ("示范条例（试行）", "示范条例(试行)"),
        ("供电、供热管理办法", "供电供热管理办法"),
        ("牙膏监督管理办法.", "牙膏监督管理办法"),
    ],
)
def test_titles_that_name_one_work_share_a_key(a, b):
    assert title_key(a) == title_key(b)


def test_titles_of_different_works_keep_different_keys():
    assert title_key("示范条例（试行）") != title_key("示范条例")
    assert title_key("示范法实施细则") != title_key("示范法")


def test_an_edition_tag_is_tried_off_after_the_title_itself():
    assert title_keys("肉制品审查细则（2023版）") == ["肉制品审查细则2023版", "肉制品审查细则"]
    assert title_keys("中华人民共和国宪法（2018年修正文本）")[-1] == "宪法"
    assert title_keys("示范条例（试行）") == ["示范条例试行"]  # 试行 names the work, not an edition


@pytest.mark.parametrize(
    "label, expected",
    [
        ("第一千零七十九条", (1079, 0)),
        ("第30条", (30, 0)),
        ("第三十条之一", (30, 1)),
        ("《民法典》第十条：…", (10, 0)),
        ("总则", None),
    ],
)
def test_article_numbers(label, expected):
    assert article_number(label) == expected


def test_questions_compare_without_spaces_punctuation_or_width():
    assert question_text("离婚后，孩子 归谁？") == question_text("离婚后孩子归谁?")
    assert question_text("ＡＢＣ公司") == "abc公司"
