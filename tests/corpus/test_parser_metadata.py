"""Metadata inferred from titles, folders and history: the issuing organ, the kind of document
(宪法, 法律, 司法解释, ...), the city of a local regulation, and the key that groups versions of one
work.
"""

from __future__ import annotations

import pytest

from corpus.parsers.law import work_key
from corpus.parsers.metadata import infer_city, infer_kind, organ


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
