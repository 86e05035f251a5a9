"""A message cut into its sentences (kb.query.sentences): what the semantic side also searches
one by one."""

from __future__ import annotations

from kb.query.sentences import LONG, MOST, parts


def test_a_single_sentence_has_no_parts():
    assert parts("快递在路上丢了，快递公司要不要赔？") == []
    assert parts("快递丢了？谢谢！" * 5) == []  # pieces too short to ask anything are not parts
    assert parts("快递丢了，谁来赔？商家不退款，合法吗？") == []  # a short message is one question


def test_each_sentence_of_a_message_is_a_part():
    message = "我上个月在网上买了一台笔记本电脑，付了六千多块钱。快递在路上丢了，快递公司要不要赔？商家说概不退款；这合法吗"
    assert len(message) >= LONG
    assert parts(message) == [
        "我上个月在网上买了一台笔记本电脑，付了六千多块钱。",
        "快递在路上丢了，快递公司要不要赔？",
        "商家说概不退款；",
        "这合法吗",
    ]


def test_a_long_message_is_cut_into_at_most_most_parts_in_order():
    sentences = [f"第{i}句说的是一件不同的事情。" for i in range(1, 16)]
    got = parts("".join(sentences))
    assert len(got) == MOST
    assert "".join(got) == "".join(sentences)
    assert max(map(len, got)) <= 2 * min(map(len, got))  # shares of about the same length


def test_a_story_told_with_commas_only_is_cut_at_its_commas():
    story = (
        "我和老公结婚五年了，有一个三岁的女儿，他经常喝醉酒回家打我，上个月还把我打进了医院，"
        "我现在想和他离婚，孩子的抚养权能不能归我，家里的房子是婚前他父母出钱买的，离婚时怎么分"
    )
    got = parts(story)
    assert len(got) >= 3 and "".join(got) == story
    assert all(len(p) >= 20 for p in got)
    assert (
        parts("我想和他离婚，孩子能不能归我，房子怎么分，他打我怎么办？") == []
    )  # short: one question
